"""Property-based check of the API against its own OpenAPI schema (schemathesis), over HTTP against
the live test server (pytest-django's `live_server`), for every operation and two callers: a
linkage unit's system with its API key, and a court officer signed in by session. For generated
inputs: no 5xx, and every status, content type and body is one the schema documents (issue 12).

The server runs in another thread and sees only committed rows, hence `transactional_db`: each
test's data is written for real and the tables are emptied afterwards.

Bounded: a few examples per operation and caller, so the whole module takes about a minute on
two cores (docs/api.md, "Tests").
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.api_auth import api_key_issue
from tests.factories import PERSON_IDS, USCCS, file_case
from tests.linkage.conftest import ask

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

# Loaded from our own endpoint at collection time (schema generation needs no database) and
# called against the live server's URL in each test.
# (schemathesis' lazy `from_fixture` loader touches a pytest-internal attribute pytest 9.2 removed.)
# The deterministic "coverage" phase walks hundreds of boundary bodies for POST /cases/; the
# generated (positive and negative) examples are enough here and keep the run bounded.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
# Django's own WSGI handler, not config.wsgi: that module refuses the tests' throwaway secret key.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

BOUNDED = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@dataclass
class Caller:
    """How one identity calls the live server, and the rows its reads should find."""

    base_url: str
    headers: dict[str, str]
    cookies: dict[str, str]
    case_id: int
    request_id: int

    def call(self, case):
        # The schema's bearer scheme makes schemathesis invent an Authorization header; the caller's
        # own credentials replace it (an invented one is refused with 401, tests/linkage/test_api_agrees.py).
        if case.headers:
            case.headers.pop("Authorization", None)
        return case.call(base_url=self.base_url, headers=self.headers, cookies=self.cookies)


@pytest.fixture
def rows(world, transactional_db):
    """A case of the officer's court with a request sent to the bank (and answered: a thread, a
    notice number); committed, so the server thread sees them."""
    case = file_case(world.court, world.officer)
    request = actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    actions.message_post(request, body="请补充材料", actor=world.officer)
    return case, request


@pytest.fixture
def officer(world, rows, live_server) -> Caller:
    client = Client()
    client.force_login(world.officer)
    case, request = rows
    return Caller(
        live_server.url,
        {"X-CSRFToken": CSRF, "Accept-Language": "en"},
        {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF},
        case.pk,
        request.pk,
    )


@pytest.fixture
def unit_system(world, rows, live_server) -> Caller:
    _key, secret = api_key_issue(world.unit, name="bank core system", actor="test")
    case, request = rows
    return Caller(
        live_server.url,
        {"Authorization": f"Bearer {secret}", "Accept-Language": "en"},
        {},
        case.pk,
        request.pk,
    )


def pinned(case, caller: Caller) -> None:
    """Ids in the path name the caller's real rows, so 200 bodies are checked too, not only 404s."""
    if "case_id" in case.path_parameters:
        case.path_parameters["case_id"] = caller.case_id
    if "request_id" in case.path_parameters:
        case.path_parameters["request_id"] = caller.request_id


@schema.parametrize()
@BOUNDED
def test_every_operation_as_an_officer(case, officer):
    case.validate_response(officer.call(case), checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_every_operation_as_a_unit_system(case, unit_system):
    case.validate_response(unit_system.call(case), checks=CHECKS)


@schema.include(path_regex=r"\{(case|request)_id\}").parametrize()
@BOUNDED
def test_operations_on_the_callers_own_rows(case, officer, unit_system):
    """Generated ids mostly miss; here the path names the real case and request, so the bodies of
    200 answers (case, parties, nodes with traces, events, the request, its thread and files) and
    generated replies, acknowledgements and messages on a live request are checked too."""
    for caller in (officer, unit_system):
        pinned(case, caller)
        response = caller.call(case)
        if case.method == "GET" and "attachment_id" not in case.path_parameters:
            wanted = 200 if caller is officer or "request_id" in case.path_parameters else 404
            assert response.status_code in (wanted, 400), response.text
        case.validate_response(response, checks=CHECKS)


@schema.include(method="POST", path="/api/v1/cases/").parametrize()
@BOUNDED
def test_generated_filings_are_created_or_refused_never_a_500(case, officer):
    """Generated bodies with valid parties and amounts spliced in, so the create path (numbering,
    nodes, audit) runs with generated basis texts, types and flags as well as the refusals."""
    if isinstance(case.body, dict):
        case.body.update(VALID_PARTS)
    case.validate_response(officer.call(case), checks=CHECKS)


def test_the_run_reached_the_live_server(officer, unit_system, rows):
    """Not a WSGI shortcut: the two callers are answered over HTTP, each as itself."""
    import requests

    me = requests.get(f"{officer.base_url}/api/v1/me/", cookies=officer.cookies, timeout=10).json()
    assert me["is_api_key"] is False and me["court"] is not None
    me = requests.get(f"{unit_system.base_url}/api/v1/me/", headers=unit_system.headers, timeout=10).json()
    assert me["is_api_key"] is True
    _case, request = rows
    assert AssistanceRequest.objects.get(pk=request.pk).status == "sent"
