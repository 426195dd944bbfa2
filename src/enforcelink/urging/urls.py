from django.urls import path

from enforcelink.urging import views

urlpatterns = [
    path("urging/", views.judgment_list, name="judgment-list"),
    path("urging/new/", views.judgment_new, name="judgment-new"),
    path("urging/rates/", views.voluntary_rates, name="urging-rates"),
    path("urging/<int:pk>/", views.judgment_detail, name="judgment-detail"),
    path("urging/<int:pk>/actions/<slug:name>/", views.judgment_action, name="judgment-action"),
]
