"""Case pages: workbench, case list and search, filing form, case detail, command-centre overdue list.

Every page: owner, colleague, outsider (another court: 404 like a missing case), anonymous (login).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcelink.cases import views as case_views
from enforcelink.cases.actions import PartyInput
from enforcelink.cases.models import Case, NodeStatus, Party, ProcessNode
from enforcelink.core.models import AuditEvent, Notification
from enforcelink.core.traces import explain_step
from tests.factories import PERSON_IDS, USCCS, file_case

VALID_ID = PERSON_IDS[2]
WRONG_CHECK_ID = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")


def client_for(user=None) -> Client:
    # English messages, so the assertions below do not depend on the Chinese catalogue.
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer)


def owner_of(case):
    return case.officer


def filing_data(**overrides) -> dict[str, str]:
    data = {
        "type_code": "执",
        "filed_on": timezone.localdate().isoformat(),
        "basis_type": "judgment",
        "basis_body": "重庆市綦江区人民法院",
        "basis_number": "（2025）渝0110民初501号",
        "basis_effective_on": "2025-01-10",
        "principal": "80000.00",
        "interest": "1200.50",
        "costs": "0",
        "is_money_case": "on",
        "applicants-TOTAL_FORMS": "1",
        "applicants-INITIAL_FORMS": "0",
        "applicants-0-kind": "person",
        "applicants-0-name": "王五",
        "applicants-0-id_type": "",
        "applicants-0-id_number": VALID_ID,
        "respondents-TOTAL_FORMS": "1",
        "respondents-INITIAL_FORMS": "0",
        "respondents-0-kind": "organisation",
        "respondents-0-name": "重庆某建材有限公司",
        "respondents-0-id_type": "",
        "respondents-0-id_number": USCCS[1],
        "respondents-0-legal_representative": "赵六",
        "respondents-0-actual_controller": "赵六",
    }
    data.update(overrides)
    return data


def written() -> tuple[int, int, int, int]:
    return (
        Case.objects.count(),
        Party.objects.count(),
        ProcessNode.objects.count(),
        AuditEvent.objects.count(),
    )


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("workbench", []),
        ("case-list", []),
        ("case-new", []),
        ("case-detail", [1]),
        ("command-overdue", []),
    ],
)
def test_anonymous_is_sent_to_login(world, name, args):
    url = reverse(name, args=args)
    response = client_for().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_detail_owner_and_colleague_see_it(world, case):
    for user in (owner_of(case), world.colleague, world.president, world.command):
        response = client_for(user).get(reverse("case-detail", args=[case.pk]))
        assert response.status_code == 200, user
        assert case.number in response.content.decode()


def test_detail_of_another_court_looks_exactly_like_a_missing_case(world, case):
    """STYLE.md: "not found" == "not yours"; nobody learns a case exists by probing."""
    outsider = client_for(world.outsider)
    foreign = outsider.get(reverse("case-detail", args=[case.pk]))
    missing = outsider.get(reverse("case-detail", args=[case.pk + 1000]))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    assert case.number not in foreign.content.decode()


def test_liaison_sees_no_case(world, case):
    response = client_for(world.liaison).get(reverse("case-detail", args=[case.pk]))
    assert response.status_code == 404
    listing = client_for(world.liaison).get(reverse("case-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 403 and case.number not in listing.content.decode()
    assert "a unit's requests are in its inbox" in listing.content.decode().replace("&#x27;", "'")


def test_case_list_is_scoped_to_the_court(world, case):
    foreign = file_case(world.other_court, world.outsider)
    page = client_for(world.officer).get(reverse("case-list")).content.decode()
    assert case.number in page
    assert foreign.number not in page
    outsider_page = client_for(world.outsider).get(reverse("case-list")).content.decode()
    assert foreign.number in outsider_page
    assert case.number not in outsider_page


def test_only_court_staff_may_file(world):
    assert client_for(world.liaison).get(reverse("case-new")).status_code == 403
    assert client_for(world.supervisor).get(reverse("case-new")).status_code == 403
    assert client_for(world.officer).get(reverse("case-new")).status_code == 200


# --- workbench -----------------------------------------------------------------------------------


def panels(response) -> dict:
    """The home page's panels by key (core.home)."""
    return {panel.key: panel for panel in response.context["panels"]}


def test_workbench_shows_my_cases_with_node_lights_and_notifications(world):
    old = file_case(world.court, world.officer)  # filed 2024-03-01: its nodes are long overdue
    recent = file_case(world.court, world.officer, filed_on=timezone.localdate())
    owner = old.officer
    Case.objects.filter(pk=recent.pk).update(officer=owner)
    Notification.objects.create(user=owner, kind="node.overdue", message="节点已超期", url="/")
    response = client_for(owner).get(reverse("workbench"))
    assert response.status_code == 200
    shown = panels(response)
    rows = shown["my-cases"].data["rows"]
    assert [row.case.pk for row in rows] == [old.pk, recent.pk]  # the most urgent first
    assert rows[0].light == "red" and rows[0].days_left < 0
    assert rows[0].days_left == (rows[0].node.due_on - timezone.localdate()).days
    assert rows[1].light in ("amber", "green") and rows[1].days_left >= 0
    assert [n.message for n in shown["notifications"].data["notes"]] == ["节点已超期"]
    assert "节点已超期" in response.content.decode()


def test_workbench_does_not_show_other_officers_cases(world):
    case = file_case(world.court, world.officer)
    other = world.colleague if case.officer == world.officer else world.officer
    rows = panels(client_for(other).get(reverse("workbench")))["my-cases"].data["rows"]
    assert case.pk not in {row.case.pk for row in rows}


def test_workbench_query_count_does_not_grow_with_cases(world, django_assert_max_num_queries):
    """STYLE.md: a query-count assertion so an N+1 fails."""
    for _ in range(2):
        file_case(world.court, world.officer)
    Case.objects.update(officer=world.officer)
    client = client_for(world.officer)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("workbench"))
    for _ in range(6):
        file_case(world.court, world.officer)
    Case.objects.update(officer=world.officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("workbench"))
    assert len(panels(response)["my-cases"].data["rows"]) == 8


# --- case list and search ------------------------------------------------------------------------


@pytest.fixture
def two_cases(world):
    first = file_case(world.court, world.officer)
    second = file_case(
        world.court,
        world.officer,
        parties=[
            PartyInput(role="applicant", kind="person", name="李四", id_number=PERSON_IDS[1]),
            PartyInput(role="respondent", kind="organisation", name="綦江某物流公司", id_number=USCCS[1]),
        ],
    )
    return first, second


def found(user, **params) -> set[str]:
    response = client_for(user).get(reverse("case-list"), params)
    assert response.status_code == 200
    return {case.number for case in response.context["page"].object_list}


@pytest.mark.parametrize(
    "text",
    ["（2024）渝0110执2号", "(2024)渝0110执2号", " ( 2024 ) 渝0110执2号 ", "执2号"],
)
def test_search_by_case_number_exact_or_partial(world, two_cases, text):
    assert found(world.officer, q=text) == {two_cases[1].number}


def test_search_by_party_name(world, two_cases):
    assert found(world.officer, q="李四") == {two_cases[1].number}
    assert found(world.officer, q="物流") == {two_cases[1].number}
    assert found(world.officer, q="张三") == {two_cases[0].number}


def test_search_by_id_number_whole_or_its_start_or_end_r_id_05(world, two_cases):
    assert found(world.officer, q=PERSON_IDS[1]) == {two_cases[1].number}
    assert found(world.officer, q=PERSON_IDS[1][:6] + " " + PERSON_IDS[1][6:]) == {two_cases[1].number}
    # Its start or end (issue 14 §5), from four characters; not a piece from the middle (R-ID-05).
    assert found(world.officer, q=PERSON_IDS[1][:12]) == {two_cases[1].number}
    assert found(world.officer, q=PERSON_IDS[1][-4:]) == {two_cases[1].number}
    assert found(world.officer, q=PERSON_IDS[1][6:14]) == set()
    assert found(world.officer, q=PERSON_IDS[1][-3:]) == set()


def test_search_by_uscc_any_case(world, two_cases):
    assert found(world.officer, q=USCCS[1].lower()) == {two_cases[1].number}
    assert found(world.officer, q=USCCS[0]) == {two_cases[0].number}


def test_search_never_crosses_courts(world, two_cases):
    assert found(world.outsider, q=PERSON_IDS[1]) == set()
    assert found(world.outsider, q="李四") == set()


def test_filters_status_type_officer(world, two_cases):
    first, second = two_cases
    Case.objects.filter(pk=first.pk).update(status="closed", officer=world.colleague)
    Case.objects.filter(pk=second.pk).update(officer=world.officer)
    assert found(world.officer, status="closed") == {first.number}
    assert found(world.officer, status="open") == {second.number}
    assert found(world.officer, officer=world.officer.pk) == {second.number}
    assert found(world.officer, type_code="执保") == set()
    # An unknown filter value is ignored, not an error page.
    assert found(world.officer, status="nonsense", officer="x") == {first.number, second.number}


def test_officer_filter_offers_only_visible_officers(world):
    response = client_for(world.officer).get(reverse("case-list"))
    offered = set(response.context["search"].fields["officer"].queryset)
    assert world.colleague in offered
    assert world.outsider not in offered


def test_case_list_paginates(world, monkeypatch):
    monkeypatch.setattr(case_views, "PAGE_SIZE", 25)  # two pages from 27 cases
    for _ in range(27):
        file_case(world.court, world.officer)
    first = client_for(world.officer).get(reverse("case-list"))
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].total == 27 and not first.context["page"].estimated
    after = first.context["page"].next_cursor
    second = client_for(world.officer).get(reverse("case-list"), {"after": after})
    assert len(second.context["page"].object_list) == 2
    back = client_for(world.officer).get(
        reverse("case-list"), {"before": second.context["page"].previous_cursor}
    )
    assert back.context["page"].object_list == first.context["page"].object_list
    for junk in ({"page": "zz"}, {"after": "zz"}, {"before": "WyJ4Il0"}):  # a cursor not of this list
        response = client_for(world.officer).get(reverse("case-list"), junk)
        assert response.status_code == 200 and len(response.context["page"].object_list) == 25


def test_case_list_htmx_returns_the_table_only(world, case):
    response = client_for(world.officer).get(
        reverse("case-list"), {"q": "张三"}, headers={"hx-request": "true"}
    )
    body = response.content.decode()
    assert case.number in body
    assert "<html" not in body


def test_case_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    for _ in range(2):
        file_case(world.court, world.officer)
    client = client_for(world.officer)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("case-list"), {"q": "张三"})
    for _ in range(8):
        file_case(world.court, world.officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("case-list"), {"q": "张三"})
    assert response.context["page"].total == 10


# --- filing --------------------------------------------------------------------------------------


def test_filing_form_renders_with_the_users_court(world):
    response = client_for(world.officer).get(reverse("case-new"))
    body = response.content.decode()
    assert world.court.name in body
    assert 'name="applicants-0-id_number"' in body
    assert 'name="respondents-0-actual_controller"' in body


def test_successful_filing_redirects_to_the_case_with_its_number(world):
    client = client_for(world.officer)
    response = client.post(reverse("case-new"), filing_data(), follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("case-detail", args=[case.pk])
    body = response.content.decode()
    year = timezone.localdate().year
    assert case.number == f"（{year}）渝0110执1号"
    assert f"Case filed as {case.number}" in body
    assert case.court == world.court
    assert [p.name for p in case.parties.order_by("role")] == ["王五", "重庆某建材有限公司"]
    respondent = case.parties.get(role="respondent")
    assert respondent.actual_controller == "赵六"
    assert case.nodes.exists()
    assert AuditEvent.objects.filter(action="case.filed", case_id=case.pk).exists()


@pytest.mark.parametrize(
    "overrides, field_id, code_text",
    [
        ({"applicants-0-id_number": WRONG_CHECK_ID}, "id_applicants-0-id_number", "check"),
        ({"principal": "100.005"}, "id_principal", "two decimals"),
        ({"principal": "-3"}, "id_principal", "negative"),
        (
            {"basis_effective_on": (dt.date.today() + dt.timedelta(days=5)).isoformat()},
            "id_basis_effective_on",
            "future",
        ),
        ({"respondents-0-id_number": "91440300192203821X"}, "id_respondents-0-id_number", "credit code"),
    ],
)
def test_bad_input_shows_the_error_beside_its_field_and_writes_nothing(world, overrides, field_id, code_text):
    """Issue 2 "Bad input": a clear message naming the field, never a 500, nothing half-written."""
    before = written()
    response = client_for(world.officer).post(reverse("case-new"), filing_data(**overrides))
    assert response.status_code == 200
    body = response.content.decode()
    start = body.index(f'id="{field_id}_error"')
    assert f'aria-describedby="{field_id}_error"' in body  # the input points at its message
    assert code_text in body[start : start + 400].lower()
    assert written() == before


def test_several_errors_are_shown_at_once(world):
    before = written()
    data = filing_data(principal="1.001", **{"applicants-0-id_number": WRONG_CHECK_ID})
    body = client_for(world.officer).post(reverse("case-new"), data).content.decode()
    assert 'id="id_principal_error"' in body
    assert 'id="id_applicants-0-id_number_error"' in body
    assert written() == before


def test_missing_respondent_error_shows_above_the_respondents(world):
    data = filing_data(**{"respondents-0-name": "", "respondents-0-id_number": ""})
    body = client_for(world.officer).post(reverse("case-new"), data).content.decode()
    assert 'id="respondents_errors"' in body
    assert Case.objects.count() == 0


def test_error_on_second_entered_row_lands_on_that_row(world):
    """Blank rows are skipped: the action's "applicants.1" is the second *entered* row."""
    data = filing_data(
        **{
            "applicants-TOTAL_FORMS": "3",
            "applicants-1-kind": "person",
            "applicants-1-name": "",
            "applicants-1-id_number": "",
            "applicants-2-kind": "person",
            "applicants-2-name": "钱七",
            "applicants-2-id_number": WRONG_CHECK_ID,
        }
    )
    body = client_for(world.officer).post(reverse("case-new"), data).content.decode()
    assert 'id="id_applicants-2-id_number_error"' in body
    assert 'id="id_applicants-0-id_number_error"' not in body


def test_garbage_post_is_not_a_server_error(world):
    response = client_for(world.officer).post(
        reverse("case-new"),
        {"applicants-TOTAL_FORMS": "x", "filed_on": "not a date", "type_code": "执执"},
    )
    assert response.status_code == 200
    assert Case.objects.count() == 0


def test_duplicate_filing_error_beside_basis_number(world):
    client = client_for(world.officer)
    client.post(reverse("case-new"), filing_data())
    before = written()
    body = client.post(reverse("case-new"), filing_data()).content.decode()
    assert 'id="id_basis_number_error"' in body
    assert written() == before


def test_add_and_remove_party_rows(world):
    client = client_for(world.officer)
    added = client.post(reverse("case-new"), filing_data(add="respondents"))
    formset = added.context["formsets"]["respondents"]
    assert len(formset.forms) == 2
    assert not added.context["form"].errors  # adding a row does not judge the form yet
    assert Case.objects.count() == 0
    data = filing_data(
        **{
            "applicants-TOTAL_FORMS": "2",
            "applicants-1-kind": "person",
            "applicants-1-name": "孙八",
            "applicants-1-id_number": PERSON_IDS[3],
            "remove": "applicants-0",
        }
    )
    removed = client.post(reverse("case-new"), data)
    rows = removed.context["formsets"]["applicants"].forms
    assert len(rows) == 1
    assert rows[0]["name"].value() == "孙八"


# --- case detail ---------------------------------------------------------------------------------


def test_detail_shows_header_parties_masked_nodes_trace_timeline_assignments(world, case):
    body = client_for(world.officer).get(reverse("case-detail", args=[case.pk])).content.decode()
    assert case.number in body
    assert "壹拾贰万元整" in body  # 120,000.00 in capitals (R-MONEY-01)
    applicant = case.parties.get(role="applicant")
    assert applicant.masked_id in body and "****" in applicant.masked_id
    assert applicant.id_number not in body  # R-ID-05: masked until revealed
    node = case.nodes.first()
    assert node.rule_id in body  # R-TIME-02 trace: rule (a small reference), start, steps, calendar in words
    assert explain_step(node.trace["steps"][0]) in body
    assert "Counted from the filing on" in body and "State Council" in body
    assert f"filed the case {case.number}" in body and "by random balanced rotation" in body
    assert "Random balanced rotation" in body


def test_reveal_full_id_is_logged_r_id_05(world, case):
    applicant = case.parties.get(role="applicant")
    url = reverse("party-reveal", args=[case.pk, applicant.pk])
    response = client_for(world.colleague).post(url, {"purpose": "document"}, headers={"hx-request": "true"})
    assert response.status_code == 200
    assert applicant.id_number in response.content.decode()
    event = AuditEvent.objects.get(action="party.id_revealed")
    assert event.actor == world.colleague
    assert event.case_id == case.pk
    assert event.after["purpose"] == "document"
    timeline = client_for(world.officer).get(reverse("case-detail", args=[case.pk])).content.decode()
    assert f"viewed the full ID number of {applicant.name}" in timeline
    assert applicant.id_number not in timeline


def test_reveal_without_htmx_renders_the_page(world, case):
    applicant = case.parties.get(role="applicant")
    url = reverse("party-reveal", args=[case.pk, applicant.pk])
    response = client_for(world.officer).post(url, {"purpose": "inquiry"})
    assert response.status_code == 200
    assert applicant.id_number in response.content.decode()


def test_reveal_needs_post_purpose_and_scope(world, case):
    applicant = case.parties.get(role="applicant")
    url = reverse("party-reveal", args=[case.pk, applicant.pk])
    assert client_for(world.officer).get(url).status_code == 405
    assert client_for(world.officer).post(url, {"purpose": "curiosity"}).status_code == 400
    assert client_for(world.outsider).post(url, {"purpose": "document"}).status_code == 404
    # A supervisor reads the case (masked) but may not see full numbers: "not found" for the party.
    assert client_for(world.supervisor).get(reverse("case-detail", args=[case.pk])).status_code == 200
    assert client_for(world.supervisor).post(url, {"purpose": "document"}).status_code == 404
    wrong_case = reverse("party-reveal", args=[case.pk + 1, applicant.pk])
    assert client_for(world.officer).post(wrong_case, {"purpose": "document"}).status_code == 404
    assert not AuditEvent.objects.filter(action="party.id_revealed").exists()


def test_detail_query_count(world, case, django_assert_max_num_queries):
    client = client_for(world.officer)
    # 10, and one for the timeline's officer names (core.narration loads what its sentences name once
    # per page, whatever the number of events: tests/core/test_narration.py holds it flat), two for the
    # navigation's counts (base.html), and three for the panels (cases.panels: the documents, the
    # clocks they complete, the requests; with documents, one more for their files' formats —
    # tests/cases/test_panels.py holds it flat), and three for the property panel (its records, the
    # inquiries' requests, the latest inquiry; tests/assets/test_panel.py holds it flat), three for
    # the fund panel (the account with its balance, the receipts, the last movements; tests/funds),
    # and seven for the property-report panel (the records, the re-inquiry rounds, the reports, their
    # items, their findings, the leads with their clocks, the records linked to leads; whatever the
    # number of rows, tests/cases/test_panels.py), and two for the payouts card (the case's payouts,
    # its receipts for whether what is owed is paid; funds/case_panel.py), and seven for the control
    # measures (the measures, the receipts for the budget's standing, the records offered to freeze or
    # seize, the region and its units a deposit freeze can go to; assets/control: flat per case). The
    # receipts are read three times (fund panel, payouts card, budget): one read could serve all three.
    with django_assert_max_num_queries(38):
        client.get(reverse("case-detail", args=[case.pk]))


# --- command-centre overdue list -----------------------------------------------------------------


def test_command_overdue_lists_court_nodes_with_days_overdue(world):
    late = file_case(world.court, world.officer)
    fresh = file_case(world.court, world.officer, filed_on=timezone.localdate())
    foreign = file_case(world.other_court, world.outsider)
    done = late.nodes.first()
    ProcessNode.objects.filter(pk=done.pk).update(status=NodeStatus.DONE)
    response = client_for(world.command).get(reverse("command-overdue"))
    assert response.status_code == 200
    nodes = list(response.context["page"].object_list)
    assert nodes and {n.case_id for n in nodes} == {late.pk}
    assert done.pk not in {n.pk for n in nodes}
    assert all(n.days_overdue == (timezone.localdate() - n.due_on).days > 0 for n in nodes)
    body = response.content.decode()
    assert late.number in body and str(late.officer) in body
    assert fresh.number not in body and foreign.number not in body


@pytest.mark.parametrize("who", ["president", "command"])
def test_overdue_list_for_leaders(world, who):
    assert client_for(getattr(world, who)).get(reverse("command-overdue")).status_code == 200


@pytest.mark.parametrize("who", ["officer", "liaison", "supervisor"])
def test_overdue_list_refused_to_others(world, who):
    assert client_for(getattr(world, who)).get(reverse("command-overdue")).status_code == 403


def test_overdue_list_query_count(world, django_assert_max_num_queries):
    for _ in range(5):
        file_case(world.court, world.officer)
    client = client_for(world.command)
    # 8 for the page (9 on PostgreSQL, whose keyset pages may ask for an estimate), 3 for the
    # navigation's badges (core.home: waiting, overdue, the bell)
    with django_assert_max_num_queries(12):
        client.get(reverse("command-overdue"))


# --- layout --------------------------------------------------------------------------------------


def test_navigation_by_role(world):
    officer = client_for(world.officer).get(reverse("workbench")).content.decode()
    assert reverse("case-new") in officer
    assert reverse("command-overdue") not in officer
    command = client_for(world.command).get(reverse("workbench")).content.decode()
    assert reverse("command-overdue") in command
    assert 'action="/i18n/setlang/"' in officer
    assert "htmx" in officer


def test_ui_defaults_to_simplified_chinese(world):
    client = Client()
    client.force_login(world.officer)
    body = client.get(reverse("workbench")).content.decode()
    assert '<html lang="zh-hans">' in body


def test_overdue_list_filters_by_officer(world):
    first = file_case(world.court, world.officer)
    second = file_case(world.court, world.officer)
    Case.objects.filter(pk=first.pk).update(officer=world.officer)
    Case.objects.filter(pk=second.pk).update(officer=world.colleague)
    client = client_for(world.command)
    mine = client.get(reverse("command-overdue"), {"officer": world.officer.pk}).context["page"].object_list
    assert {n.case_id for n in mine} == {first.pk}
    # Another court's officer, or junk, is no filter at all.
    for junk in (world.outsider.pk, "abc"):
        everyone = client.get(reverse("command-overdue"), {"officer": junk}).context["page"]
        assert {n.case_id for n in everyone.object_list} == {first.pk, second.pk}
