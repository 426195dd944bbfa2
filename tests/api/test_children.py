"""Parties (masked, R-ID-05), the reveal action, nodes with their trace (R-TIME-02), and events."""

from __future__ import annotations

import pytest

from enforcelink.core.models import AuditEvent
from tests.api.conftest import API, filing_body
from tests.factories import PERSON_IDS, USCCS

MASKED = PERSON_IDS[0][:10] + "****" + PERSON_IDS[0][14:]


def test_parties_show_masked_resident_ids_r_id_05(world, cases, client_for):
    parties = client_for("officer").get(f"{API}/cases/{cases.mine.pk}/parties/").json()
    applicant = next(p for p in parties if p["role"] == "applicant")
    respondent = next(p for p in parties if p["role"] == "respondent")
    assert (applicant["id_number"], applicant["id_number_masked"]) == (MASKED, True)
    assert "birth_date" not in applicant  # the birth date is exactly the masked part
    assert (respondent["id_number"], respondent["id_number_masked"]) == (USCCS[0], False)


def test_case_detail_and_create_answer_masked_too(world, client_for):
    created = client_for("officer").post(f"{API}/cases/", filing_body(), format="json").json()
    assert PERSON_IDS[0] not in str(created)
    assert MASKED in str(created)


def test_reveal_gives_the_full_number_and_logs_it_r_id_05(world, cases, client_for):
    party = cases.mine.parties.get(role="applicant")
    url = f"{API}/cases/{cases.mine.pk}/parties/{party.pk}/reveal/"
    response = client_for("colleague").post(url, {"purpose": "查控财产"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"party": party.pk, "id_type": "resident_id", "id_number": PERSON_IDS[0]}
    event = AuditEvent.objects.get(action="party.id_revealed")
    assert (event.actor, event.case_id, event.after["purpose"]) == (
        world.colleague,
        cases.mine.pk,
        "查控财产",
    )


def test_reveal_needs_a_purpose(world, cases, client_for):
    party = cases.mine.parties.get(role="applicant")
    url = f"{API}/cases/{cases.mine.pk}/parties/{party.pk}/reveal/"
    response = client_for("officer").post(url, {}, format="json")
    assert (response.status_code, response.json()["field"]) == (400, "purpose")
    assert not AuditEvent.objects.filter(action="party.id_revealed").exists()


@pytest.mark.parametrize("who", ["outsider"])
def test_reveal_by_another_court_is_not_found(world, cases, client_for, who):
    party = cases.mine.parties.get(role="applicant")
    client = client_for(who)
    theirs = client.post(f"{API}/cases/{cases.mine.pk}/parties/{party.pk}/reveal/", {"purpose": "x"})
    missing = client.post(f"{API}/cases/987654/parties/{party.pk}/reveal/", {"purpose": "x"})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert not AuditEvent.objects.filter(action="party.id_revealed").exists()


def test_reveal_of_a_party_of_another_case_is_not_found(world, cases, client_for):
    """The party id must belong to the case in the path (no mixing a visible case with a foreign party)."""
    foreign = cases.theirs.parties.get(role="applicant")
    response = client_for("officer").post(
        f"{API}/cases/{cases.mine.pk}/parties/{foreign.pk}/reveal/", {"purpose": "x"}, format="json"
    )
    assert response.status_code == 404
    bad = client_for("officer").post(f"{API}/cases/{cases.mine.pk}/parties/abc/reveal/", {"purpose": "x"})
    assert bad.status_code == 404


@pytest.mark.parametrize("who", ["supervisor", "liaison"])
def test_readers_cannot_reveal(world, cases, client_for, who):
    party = cases.mine.parties.get(role="applicant")
    response = client_for(who).post(
        f"{API}/cases/{cases.mine.pk}/parties/{party.pk}/reveal/", {"purpose": "x"}, format="json"
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="party.id_revealed").exists()


def test_unit_key_cannot_reveal(world, cases, key_client):
    party = cases.mine.parties.get(role="applicant")
    response = key_client.post(
        f"{API}/cases/{cases.mine.pk}/parties/{party.pk}/reveal/", {"purpose": "x"}, format="json"
    )
    assert response.status_code == 403


def test_nodes_carry_due_date_rule_values_and_trace_r_time_02(world, cases, client_for):
    nodes = client_for("officer").get(f"{API}/cases/{cases.mine.pk}/nodes/").json()
    stored = {node.kind: node for node in cases.mine.nodes.all()}
    assert {node["kind"] for node in nodes} == set(stored)
    for node in nodes:
        model = stored[node["kind"]]
        assert node["due_on"] == model.due_on.isoformat()
        assert node["rule_id"] == model.rule_id and node["rule_id"].startswith("R-CASE-0")
        assert node["rule_values"] == model.rule_values
        assert node["trace"] == model.trace and node["trace"]
        assert node["status"] == model.status


def test_events_are_the_case_trail_with_ids_masked(world, cases, client_for):
    body = client_for("officer").get(f"{API}/cases/{cases.mine.pk}/events/").json()
    actions = [event["action"] for event in body["results"]]
    assert actions[0] == "case.filed"
    assert body["count"] == AuditEvent.objects.filter(case_id=cases.mine.pk).count()
    assert [e["seq"] for e in body["results"]] == sorted(e["seq"] for e in body["results"])
    assert PERSON_IDS[0] not in str(body)  # the trail stores the full number; the API shows it masked
    assert MASKED in str(body)
    other_case_seqs = set(AuditEvent.objects.filter(case_id=cases.theirs.pk).values_list("seq", flat=True))
    assert not other_case_seqs & {e["seq"] for e in body["results"]}


def test_events_are_read_only(world, cases, client_for):
    response = client_for("officer").post(f"{API}/cases/{cases.mine.pk}/events/", {}, format="json")
    assert response.status_code == 405
