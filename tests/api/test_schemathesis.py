"""Property-based check of the API against its own OpenAPI schema (schemathesis): for generated
inputs, as a signed-in officer, no 5xx and every response conforms to the documented schema.

Bounded: few examples per operation, so the whole run stays well under a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from enforcelink.cases.models import Case
from enforcelink.config.wsgi import application
from tests.factories import PERSON_IDS, USCCS, file_case

CSRF = "schemathesisCsrfToken0123456789a"  # 32 characters, as Django's CSRF secret
VALID_PARTS = {
    "filed_on": "2024-03-01",
    "basis_effective_on": None,
    "principal": "1000.00",
    "interest": "0",
    "costs": "0",
    "applicants": [{"kind": "person", "name": "张三", "id_number": PERSON_IDS[1]}],
    "respondents": [{"kind": "organisation", "name": "某公司", "id_number": USCCS[1]}],
}


@pytest.fixture
def in_test_transaction():
    """Calls go through the real WSGI app, whose request signals would close the database
    connection and with it the test's transaction; Django's own test client unhooks them too."""
    hooks = (signals.request_started, signals.request_finished)
    for hook in hooks:
        hook.disconnect(close_old_connections)
    yield
    for hook in hooks:
        hook.connect(close_old_connections)


@pytest.fixture
def officer_session(world, in_test_transaction) -> dict[str, str]:
    """Cookies of a signed-in officer whose court has a case, so reads find something."""
    file_case(world.court, world.officer)
    client = Client()
    client.force_login(world.officer)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}


# Loaded from our own endpoint at collection time: schema generation needs no database.
# (schemathesis' lazy `from_fixture` loader touches a pytest-internal attribute pytest 9.2 removed.)
# The deterministic "coverage" phase walks hundreds of boundary bodies for POST /cases/; the
# generated (positive and negative) examples are enough here and keep the run bounded.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


BOUNDED = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def call(case, session: dict[str, str]):
    return case.call(cookies=session, headers={"X-CSRFToken": CSRF, "Accept-Language": "en"})


@schema.exclude(path_regex="reveal").parametrize()
@BOUNDED
def test_api_answers_inside_its_schema(case, officer_session):
    case.validate_response(call(case, officer_session), checks=CHECKS)


@schema.include(method="GET", path_regex=r"\{case_id\}").parametrize()
@BOUNDED
def test_reads_of_an_existing_case_conform(case, officer_session, world):
    """Generated ids mostly miss; here the path names the officer's real case, so the 200 bodies
    (case, parties, nodes with traces, events) are checked against the schema too."""
    case.path_parameters["case_id"] = Case.objects.get(court=world.court).pk
    response = call(case, officer_session)
    if case.method == "GET":
        assert response.status_code in (200, 400), response.text
    case.validate_response(response, checks=CHECKS)


@schema.include(method="POST", path="/api/v1/cases/").parametrize()
@BOUNDED
def test_generated_filings_are_created_or_refused_never_a_500(case, officer_session):
    """Generated bodies with valid parties and amounts spliced in, so the create path (numbering,
    nodes, audit) runs with generated basis texts, types and flags as well as the refusals."""
    if isinstance(case.body, dict):
        case.body.update(VALID_PARTS)
    case.validate_response(call(case, officer_session), checks=CHECKS)
