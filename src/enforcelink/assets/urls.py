from django.urls import include, path

from enforcelink.assets import views
from enforcelink.assets.control import views as controls

urlpatterns = [
    path("cases/<int:pk>/inquiry/", views.case_inquiry, name="case-inquiry"),
    path("cases/<int:pk>/controls/freeze/", controls.freeze, name="control-freeze"),
    path("cases/<int:pk>/controls/seize/", controls.seize, name="control-seize"),
    path("controls/<int:pk>/deduct/", controls.deduct, name="control-deduct"),
    path("controls/<int:pk>/release/", controls.release, name="control-release"),
    path("controls/<int:pk>/earlier-freed/", controls.earlier_freed, name="control-earlier-freed"),
    path("", include("enforcelink.assets.reports.urls")),  # property report, leads, re-inquiry
    path("", include("enforcelink.assets.expiry.urls")),  # measures ending soon, renewals (R-ASSET-02)
    path("supervision/inquiries/", views.samples, name="inquiry-samples"),
    path("supervision/inquiries/<int:pk>/", views.sample_detail, name="inquiry-sample"),
    path(
        "supervision/inquiries/<int:pk>/items/<int:item>/review/", views.sample_review, name="inquiry-review"
    ),
]
