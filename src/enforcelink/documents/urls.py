from django.urls import path

from enforcelink.documents import views

urlpatterns = [
    path("verify/", views.verify, name="document-verify"),
    path("verify/<str:code>/", views.verify, name="document-verify-code"),
    path("documents/<int:pk>/<str:fmt>/", views.download, name="document-download"),
]
