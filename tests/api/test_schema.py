"""The OpenAPI 3 schema at /api/v1/openapi.json and the offline Swagger UI at /api/v1/docs/."""

from __future__ import annotations

from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from tests.api.conftest import API

PATHS = {
    "/api/v1/cases/": {"get", "post"},
    "/api/v1/cases/{case_id}/": {"get"},
    "/api/v1/cases/{case_id}/parties/": {"get"},
    "/api/v1/cases/{case_id}/parties/{party_id}/reveal/": {"post"},
    "/api/v1/cases/{case_id}/nodes/": {"get"},
    "/api/v1/cases/{case_id}/events/": {"get"},
    "/api/v1/me/": {"get"},
}


def test_schema_is_valid_openapi_3_json_listing_every_path(db):
    response = APIClient().get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json") or response[
        "Content-Type"
    ].startswith("application/json")
    schema = response.json()
    validate_schema(schema)  # raises on anything that is not OpenAPI 3.0
    assert schema["openapi"].startswith("3.")
    listed = {
        path: set(ops) & {"get", "post", "put", "patch", "delete"} for path, ops in schema["paths"].items()
    }
    for path, methods in PATHS.items():
        assert methods <= listed.get(path, set()), path


def test_schema_documents_the_error_shape_and_both_auth_schemes(db):
    schema = APIClient().get(f"{API}/openapi.json").json()
    error = schema["components"]["schemas"]["ErrorList"]
    assert {"code", "message", "field"} <= set(error["properties"])
    assert set(schema["components"]["securitySchemes"]) == {"cookieAuth", "unitApiKey"}
    detail = schema["paths"]["/api/v1/cases/{case_id}/"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(detail)
    create = schema["paths"]["/api/v1/cases/"]["post"]
    assert "201" in create["responses"] and "400" in create["responses"]


def test_swagger_ui_is_served_from_the_sidecar_not_a_cdn(db):
    page = APIClient().get(f"{API}/docs/").content.decode()
    assert "swagger-ui" in page
    assert "drf_spectacular_sidecar" in page
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page


def test_swagger_ui_assets_ship_with_the_install():
    """Offline: the page's scripts come from the sidecar package via collectstatic, not the network."""
    from django.contrib.staticfiles import finders

    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}"), asset
