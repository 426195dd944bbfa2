"""Actions from the case detail page: record a step (R-CASE-01/02), periods not counted and
extensions (R-CASE-03). The actions decide; the page shows their errors beside the fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcelink.cases.models import Case, CaseSuspension, ExtensionRequest, NodeStatus
from enforcelink.cases.policy import ZB_CHECKLIST
from enforcelink.core.models import AuditEvent
from enforcelink.funds import queries as funds_queries
from enforcelink.funds.actions import receipt_record
from enforcelink.orgs.models import Role
from tests.factories import UserFactory, file_case


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def case(world):
    """Filed today, so every clock is still running."""
    return file_case(world.court, world.officer, filed_on=timezone.localdate())


def act(user, case, name, client=None, **data):
    url = reverse("case-action", args=[case.pk, name])
    return (client or client_for(user)).post(url, {f"{name}-{key}": value for key, value in data.items()})


def test_record_step_completes_its_nodes_r_case_01(world, case):
    today = timezone.localdate().isoformat()
    client = client_for(world.officer)
    response = act(world.officer, case, "step", client, step="notice_and_report_sent", on=today)
    assert response.status_code == 302
    kinds = set(case.nodes.filter(status=NodeStatus.DONE).values_list("kind", flat=True))
    assert kinds == {"execution_notice", "property_report"}
    page = client.get(response["Location"]).content.decode()
    assert "2 nodes completed" in page
    timeline = page[page.index('id="timeline"') :]  # in words (core.narration), not the step's code
    assert (
        f"{world.officer} recorded on" in timeline
        and ": Execution notice and property-report order sent" in timeline
    )
    assert "notice_and_report_sent" not in timeline.replace('data-action="step.notice_and_report_sent"', "")


def test_step_in_the_future_is_refused_beside_the_date(world, case):
    before = AuditEvent.objects.count()
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = act(world.officer, case, "step", step="execution_notice_sent", on=tomorrow)
    assert response.status_code == 200
    assert 'id="id_step-on_error"' in response.content.decode()
    assert AuditEvent.objects.count() == before
    assert not case.nodes.filter(status=NodeStatus.DONE).exists()


def test_unknown_step_is_a_field_error_not_a_500(world, case):
    response = act(world.officer, case, "step", step="teleported", on="2024-01-01")
    assert response.status_code == 200
    assert 'id="id_step-step_error"' in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "liaison", "supervisor"])
def test_others_cannot_act_and_learn_nothing(world, case, who):
    response = act(getattr(world, who), case, "step", step="execution_notice_sent", on="2024-01-01")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="step.").exists()


def test_unknown_action_is_404(world, case):
    assert act(world.officer, case, "delete_everything").status_code == 404


def test_suspension_pauses_and_resumes_the_closure_clock_r_case_03(world, case):
    today = timezone.localdate().isoformat()
    started = act(
        world.officer, case, "suspension_start", kind="audit", started_on=today, reason="评估拍卖标的"
    )
    assert started.status_code == 302
    assert case.nodes.get(kind="closure").status == NodeStatus.SUSPENDED
    page = client_for(world.officer).get(reverse("case-detail", args=[case.pk]))
    assert "suspension_end" in page.context["action_forms"]
    assert "suspension_start" not in page.context["action_forms"]
    ended = act(world.officer, case, "suspension_end", ended_on=today)
    assert ended.status_code == 302
    assert CaseSuspension.objects.get().ended_on == timezone.localdate()
    assert case.nodes.get(kind="closure").status != NodeStatus.SUSPENDED


def test_suspension_needs_a_reason(world, case):
    response = act(world.officer, case, "suspension_start", kind="audit", started_on="2024-01-01", reason="")
    assert 'id="id_suspension_start-reason_error"' in response.content.decode()
    assert not CaseSuspension.objects.exists()


def test_extension_requested_by_officer_decided_by_president_r_case_03(world, case):
    closure = case.nodes.get(kind="closure")
    requested = act(world.officer, case, "extension_request", reason="财产处置中", high_court_ref="")
    assert requested.status_code == 302
    assert ExtensionRequest.objects.get().status == "pending"
    officer_page = client_for(world.officer).get(reverse("case-detail", args=[case.pk]))
    assert "extension_decide" not in officer_page.context["action_forms"]
    president_page = client_for(world.president).get(reverse("case-detail", args=[case.pk]))
    assert "extension_decide" in president_page.context["action_forms"]
    decided = act(world.president, case, "extension_decide", decision="approve", note="同意")
    assert decided.status_code == 302
    assert ExtensionRequest.objects.get().status == "approved"
    assert case.nodes.get(kind="closure").due_on > closure.due_on


def test_officer_cannot_decide_an_extension(world, case):
    act(world.officer, case, "extension_request", reason="财产处置中", high_court_ref="")
    response = act(world.officer, case, "extension_decide", decision="approve", note="")
    assert response.status_code == 200
    assert 'id="extension_decide_errors"' in response.content.decode()
    assert ExtensionRequest.objects.get().status == "pending"


def test_closed_case_offers_no_actions(world, case):
    Case.objects.filter(pk=case.pk).update(status="closed")
    page = client_for(world.officer).get(reverse("case-detail", args=[case.pk]))
    assert page.context["action_forms"] == {}
    response = act(
        world.officer, case, "step", step="execution_notice_sent", on=timezone.localdate().isoformat()
    )
    assert response.status_code == 200
    assert 'id="step_errors"' in response.content.decode()


def test_close_with_missing_ruling_number_shows_the_error_beside_it_r_case_05(world, case):
    today = timezone.localdate().isoformat()
    response = act(world.officer, case, "close", mode="refused", closed_on=today, ruling_number="")
    assert response.status_code == 200
    assert 'id="id_close-ruling_number_error"' in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "open"


def test_zb_closure_lists_every_unmet_condition_r_zb_01(world, case):
    today = timezone.localdate().isoformat()
    body = act(world.officer, case, "close", mode="terminated_this_round", closed_on=today).content.decode()
    assert 'id="id_close-applicant_interviewed_error"' in body
    assert 'id="id_close-closed_on_error"' in body  # within 3 months of filing
    assert Case.objects.get(pk=case.pk).status == "open"


def test_zb_of_a_paid_case_is_refused_beside_the_mode_r_case_05_r_fund_04(world):
    """Everything owed is in the ledger: the page answers beside the mode, pointing to 执行完毕."""
    old = file_case(world.court, world.officer)  # filed 2024-03-01: past the 终本 waiting period
    clerk = UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)
    owed = funds_queries.standing(old, timezone.localdate()).outstanding  # the amount fixed and the fee
    receipt_record(old, owed, source="voluntary", value_on=timezone.localdate(), actor=clerk)
    checklist = {key: "on" for key in ZB_CHECKLIST}
    today = timezone.localdate().isoformat()
    body = act(world.officer, old, "close", mode="terminated_this_round", closed_on=today, **checklist)
    assert body.status_code == 200
    page = body.content.decode()
    assert 'id="id_close-mode_error"' in page and "fully performed (执行完毕)" in page
    assert Case.objects.get(pk=old.pk).status == "open"


def test_close_then_read_only_r_case_05(world, case):
    today = timezone.localdate().isoformat()
    closed = act(world.officer, case, "close", mode="cancelled", closed_on=today, reason="duplicate")
    assert closed.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.closure_mode == "cancelled"
    page = client_for(world.officer).get(reverse("case-detail", args=[case.pk]))
    assert page.context["action_forms"] == {}  # closed cases are read-only; not 终本: no resumption


def test_resume_a_zb_case_opens_a_linked_case(world):
    old = file_case(world.court, world.officer)  # filed 2024-03-01: more than 3 months ago
    checklist = dict.fromkeys(
        [
            "execution_notice_sent",
            "property_report_order_sent",
            "consumption_restriction_issued",
            "dishonest_listing_done_where_eligible",
            "applicant_leads_checked",
            "network_inquiry_done",
            "onsite_investigation_done",
            "hidden_assets_searched_where_needed",
            "missing_debtor_searched_where_needed",
            "obstruction_sanctioned_where_found",
            "no_undisposed_property",
            "debtor_home_visited",
            "applicant_interviewed",
            "applicant_informed_and_heard",
        ],
        "on",
    )
    today = timezone.localdate().isoformat()
    closed = act(world.officer, old, "close", mode="terminated_this_round", closed_on=today, **checklist)
    assert closed.status_code == 302, closed.content.decode()[:2000]
    page = client_for(world.officer).get(reverse("case-detail", args=[old.pk]))
    assert list(page.context["action_forms"]) == ["resume"]
    resumed = act(world.officer, old, "resume", reason="发现新的财产线索")
    assert resumed.status_code == 302
    new = Case.objects.get(resumed_from=old)
    assert resumed["Location"] == reverse("case-detail", args=[new.pk])
    assert new.type_code == "执恢"


def test_president_reassigns_with_a_reason_r_case_06(world, case):
    target = world.colleague if case.officer == world.officer else world.officer
    page = client_for(world.president).get(reverse("case-detail", args=[case.pk]))
    form = page.context["action_forms"]["reassign"]
    assert set(form.fields["officer"].queryset) == {world.officer, world.colleague}
    missing_reason = act(world.president, case, "reassign", officer=target.pk, reason="")
    assert 'id="id_reassign-reason_error"' in missing_reason.content.decode()
    done = act(world.president, case, "reassign", officer=target.pk, reason="原承办人回避")
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.officer == target
    assert case.assignments.last().reason == "原承办人回避"


def test_officer_cannot_reassign_nor_pick_another_courts_officer(world, case):
    page = client_for(world.officer).get(reverse("case-detail", args=[case.pk]))
    assert "reassign" not in page.context["action_forms"]
    target = world.colleague if case.officer == world.officer else world.officer
    refused = act(world.officer, case, "reassign", officer=target.pk, reason="想换人")
    assert 'id="reassign_errors"' in refused.content.decode()
    foreign = act(world.president, case, "reassign", officer=world.outsider.pk, reason="跨院")
    assert 'id="id_reassign-officer_error"' in foreign.content.decode()
    case.refresh_from_db()
    assert case.officer != world.outsider and case.assignments.count() == 1


def test_president_sees_waiting_extensions_on_the_workbench_r_case_03(world, case):
    act(world.officer, case, "extension_request", reason="财产处置中", high_court_ref="")

    def queue(user):
        shown = {panel.key: panel for panel in client_for(user).get(reverse("workbench")).context["panels"]}
        return [item.subject for item in shown["approvals"].data["items"]] if "approvals" in shown else None

    assert queue(world.president) == [case.number]
    assert queue(world.officer) is None  # no approvals panel: the officer decides nothing
    assert queue(world.outsider) is None
