from django.urls import include, path

from enforcelink.assets import views

urlpatterns = [
    path("cases/<int:pk>/inquiry/", views.case_inquiry, name="case-inquiry"),
    path("", include("enforcelink.assets.reports.urls")),  # property report, leads, re-inquiry
    path("supervision/inquiries/", views.samples, name="inquiry-samples"),
    path("supervision/inquiries/<int:pk>/", views.sample_detail, name="inquiry-sample"),
    path(
        "supervision/inquiries/<int:pk>/items/<int:item>/review/", views.sample_review, name="inquiry-review"
    ),
]
