"""Issue 12 finding 6: the API does what its schema and docs/api.md say, with the probe's inputs —
a request's detail finds it in any state, nullable numbers are nullable, a batch's per-item answers
are described, limits the code enforces are in the schema, text is a JSON string, and an
Authorization header that holds no API key is refused rather than falling back to the session."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from rest_framework.test import APIClient

from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest, RequestMessage
from enforcelink.orgs.api_auth import api_key_issue
from tests.api.conftest import API
from tests.linkage.conftest import ask

RESULT = {
    "found": True,
    "accounts": [{"institution": "綦江农商银行", "account": "62170001", "balance": "5000.00"}],
}


@pytest.fixture(scope="module")
def openapi(django_db_blocker) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return APIClient().get(f"{API}/openapi.json").json()


def _nullable_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` as JSON Schema says it (a type list, or "or null")."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_to_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str) and "enum" not in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def violations(openapi: dict[str, Any], component: str, value: Any) -> list[str]:
    """Every way `value` breaks the schema's component `component` (an empty list: it conforms)."""
    root = _nullable_to_json_schema(copy.deepcopy(openapi))
    schema = {"$ref": f"#/components/schemas/{component}", "components": root["components"]}
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(value)]


# --- GET /requests/{id}/ finds the caller's request whatever its state -----------------------------


@pytest.fixture
def court_requests(world, case):
    """A draft, one awaiting approval and a cancelled one of the officer's court (never sent)."""
    draft = actions.request_create(case, ask(world.unit), actor=world.officer)
    pending = actions.request_send(
        actions.request_create(case, ask(world.unit, "deduct", amount="500.00"), actor=world.officer),
        actor=world.officer,
    )
    cancelled = actions.request_cancel(
        actions.request_create(case, ask(world.unit), actor=world.officer), reason="撤回", actor=world.officer
    )
    return {"draft": draft, "pending_approval": pending, "cancelled": cancelled}


def test_the_court_reads_its_request_in_any_state_without_all(world, client_for, court_requests, openapi):
    officer = client_for("officer")
    for status, request in court_requests.items():
        assert request.status == status
        response = officer.get(f"{API}/requests/{request.pk}/")
        assert response.status_code == 200, (status, response.json())
        assert response.json()["status"] == status
        # Never numbered: notice_number and ruling_number are null, and the schema allows it.
        assert response.json()["notice_number"] is None and response.json()["ruling_number"] is None
        assert violations(openapi, "Request", response.json()) == []
    # The list keeps its documented default: what is with a unit (none of these) unless ?all=1.
    assert officer.get(f"{API}/requests/").json()["results"] == []
    assert len(officer.get(f"{API}/requests/?all=1").json()["results"]) == 3
    assert len(officer.get(f"{API}/requests/?all=true").json()["results"]) == 3
    assert officer.get(f"{API}/requests/?all=false").json()["results"] == []  # "false" is not yes
    bad = officer.get(f"{API}/requests/?all=maybe")
    assert (bad.status_code, bad.json()["field"]) == (400, "all")


@pytest.mark.parametrize("outcome", ["completed", "returned", "rejected"])
def test_the_unit_reads_its_answered_request_without_all(world, bank, stranger, sent, outcome, openapi):
    reply = {"outcome": outcome, "result": RESULT, "reason": "" if outcome == "completed" else "查无此人"}
    done = bank.client.post(
        f"{API}/requests/{sent.pk}/reply/", reply, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert done.status_code == 200, done.json()
    response = bank.client.get(f"{API}/requests/{sent.pk}/")
    assert response.status_code == 200 and response.json()["status"] == outcome
    assert violations(openapi, "Request", response.json()) == []
    # Another unit's request and a missing id still answer the same 404.
    theirs = stranger.get(f"{API}/requests/{sent.pk}/")
    missing = bank.client.get(f"{API}/requests/{sent.pk + 1000}/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content


def test_the_unit_reads_a_request_cancelled_after_it_was_sent(world, bank, stranger, sent):
    actions.request_cancel(sent, reason="当事人已履行", actor=world.officer)
    response = bank.client.get(f"{API}/requests/{sent.pk}/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert stranger.get(f"{API}/requests/{sent.pk}/").status_code == 404


def test_a_unit_never_reads_a_request_it_was_not_sent(world, bank, court_requests):
    """Drafts and requests awaiting approval are the court's own: the same 404 as a missing id."""
    missing = bank.client.get(f"{API}/requests/999999/")
    for request in court_requests.values():
        response = bank.client.get(f"{API}/requests/{request.pk}/")
        assert response.status_code == 404 and response.content == missing.content


def test_an_unknown_status_filter_is_a_400_not_a_silent_default(bank, sent):
    response = bank.client.get(f"{API}/requests/?status=lost")
    assert (response.status_code, response.json()["field"]) == (400, "status")
    assert [r["id"] for r in bank.client.get(f"{API}/requests/?status=sent").json()["results"]] == [sent.pk]


# --- the batch's per-item answers are what the schema says ----------------------------------------


def test_batch_answers_conform_to_their_schema(world, bank, sent, case, openapi):
    other = actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    body = {
        "replies": [
            {"id": sent.pk, "idempotency_key": "a", "result": RESULT},
            {"id": other.pk, "idempotency_key": "b", "result": {"found": "maybe"}},
            {"id": 987654, "idempotency_key": "c", "result": RESULT},
        ]
    }
    response = bank.client.post(f"{API}/requests/replies/", body, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [item["status"] for item in results] == [200, 400, 404]
    assert violations(openapi, "BatchAnswer", response.json()) == []
    # The schema tells the two kinds apart: an answer is exactly one of them.
    answer = openapi["components"]["schemas"]["BatchReplyAnswer"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in answer["oneOf"]} == {"ReplyDone", "ReplyRefused"}
    assert violations(openapi, "ReplyDone", results[1]) != []
    assert violations(openapi, "ReplyRefused", results[0]) != []
    operation = openapi["paths"]["/api/v1/requests/replies/"]["post"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/BatchAnswer"
    )


# --- what the code refuses, the schema refuses too --------------------------------------------------


def test_the_schema_says_what_is_refused(openapi):
    schemas = openapi["components"]["schemas"]
    officer = next(
        p for p in openapi["paths"]["/api/v1/cases/"]["get"]["parameters"] if p["name"] == "officer"
    )
    assert officer["schema"]["minimum"] == 1
    assert schemas["BatchRequest"]["properties"]["replies"]["minItems"] == 1
    assert schemas["BatchRequest"]["properties"]["replies"]["maxItems"] == 500
    message = schemas["MessageRequest"]
    assert {"required": ["body"], "properties": {"body": {"type": "string", "pattern": r"\S"}}} in message[
        "anyOf"
    ]
    assert violations(openapi, "MessageRequest", {"body": ""}) != []
    assert violations(openapi, "MessageRequest", {}) != []
    assert violations(openapi, "MessageRequest", {"body": "请补充材料"}) == []
    number = next(p for p in openapi["paths"]["/api/v1/cases/"]["get"]["parameters"] if p["name"] == "number")
    assert number["schema"]["maxLength"] == 64


def test_the_probes_refusals_are_coded(world, bank, sent, client_for):
    officer = client_for("officer")
    zero = officer.get(f"{API}/cases/?officer=0")
    assert (zero.status_code, zero.json()["field"]) == (400, "officer")
    empty = bank.client.post(f"{API}/requests/replies/", {"replies": []}, format="json")
    assert (empty.status_code, empty.json()["field"]) == (400, "replies")
    blank = bank.client.post(f"{API}/requests/{sent.pk}/messages/", {"body": ""}, format="json")
    assert (blank.status_code, blank.json()["code"]) == (400, "MESSAGE_INVALID")
    assert RequestMessage.objects.count() == 0


@pytest.mark.parametrize("value", [0, 12.5, True, ["x"], {"a": "b"}])
def test_text_must_be_a_json_string(world, bank, sent, value):
    """The probe's `body: 0` was stored as the message "0"."""
    response = bank.client.post(f"{API}/requests/{sent.pk}/messages/", {"body": value}, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("NOT_A_STRING", "body")
    assert RequestMessage.objects.count() == 0
    reply = {"outcome": "returned", "reason": value}
    response = bank.client.post(
        f"{API}/requests/{sent.pk}/reply/", reply, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert (response.status_code, response.json()["field"]) == (400, "reason")
    assert AssistanceRequest.objects.get(pk=sent.pk).status == "sent"


def test_text_fields_refuse_numbers_in_batches_too(bank, sent):
    body = {"replies": [{"id": sent.pk, "idempotency_key": 7, "result": RESULT}]}
    response = bank.client.post(f"{API}/requests/replies/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "NOT_A_STRING")
    assert response.json()["field"] == "replies.0.idempotency_key"


# --- an Authorization header that is not a key is refused, never replaced by the session -----------


@pytest.mark.parametrize(
    "header", ["Bearer not-an-api-key", "Bearer ", "Basic b2ZmaWNlcjpwYXNzd29yZA==", "Token abc", "el_abc"]
)
def test_a_header_that_is_no_key_is_refused_despite_a_session(world, client_for, header):
    officer = client_for("officer")
    assert officer.get(f"{API}/me/").json()["username"] == world.officer.username
    officer.credentials(HTTP_AUTHORIZATION=header)
    response = officer.get(f"{API}/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "AUTHENTICATION_FAILED"
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_session_without_a_header_still_works_and_a_key_beats_the_session(world, client_for):
    _key, secret = api_key_issue(world.unit, name="核心系统", actor="test")
    officer = client_for("officer")
    assert officer.get(f"{API}/me/").status_code == 200
    officer.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert officer.get(f"{API}/me/").json()["is_api_key"] is True
