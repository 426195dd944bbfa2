"""URL map. Sign-in has one door: the admin's own login page forwards to ours, so the admin
cannot be used to skip two-factor sign-in or the lockout page."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: POST /i18n/setlang/
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/openapi.json", SpectacularJSONAPIView.as_view(api_version="1"), name="openapi"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="openapi"), name="api-docs"),
    path("api/v1/", include("enforcelink.config.api_urls")),
    path("", include("enforcelink.core.urls")),
    path("", include("enforcelink.orgs.urls")),
    path("", include("enforcelink.cases.urls")),
    path("", include("enforcelink.documents.urls")),
    path("", include("enforcelink.urging.urls")),
    path("", include("enforcelink.linkage.urls")),
    path("", include("enforcelink.funds.urls")),
    path("", include("enforcelink.assets.urls")),
]
