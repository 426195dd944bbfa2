"""The case page's 财产 panel (issue 15 §2): what was asked, found, asked and found nothing, the
one-click inquiry (POST, htmx, a message, for those who may) and its refusals; flat in queries as
the records grow."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from enforcelink.assets.actions import inquiry_start
from enforcelink.assets.models import AssetRecord, Inquiry
from enforcelink.cases.models import Case
from tests.assets.conftest import ACCOUNT, NOTHING, answer


@pytest.fixture
def client():
    """The pages in English, as these tests read them (the UI's default, zh-hans, is checked elsewhere)."""
    return Client(headers={"accept-language": "en"})


pytestmark = pytest.mark.usefixtures("english")


def _page(client, user, case):
    client.force_login(user)
    return client.get(reverse("case-detail", args=[case.pk])).content.decode()


def _panel(body: str) -> str:
    start = body.index('id="assets"')
    return body[start : body.index("</section>", start)]


def test_the_panel_shows_asked_found_and_nothing_found(client, world, units, person_case):
    report = inquiry_start(person_case, actor=world.officer)
    by_type = {req.request_type: req for req in report.made}
    answer(units, by_type["inquire_deposits"], {"found": True, "accounts": [ACCOUNT]})
    answer(units, by_type["inquire_vehicles"], NOTHING)
    answer(
        units,
        by_type["inquire_exit_entry"],
        {"found": True, "documents": [{"document_type": "护照", "number": "E12345678"}]},
    )
    panel = _panel(_page(client, world.officer, person_case))
    assert 'data-kind="inquire_deposits"' in panel and "綦江农商银行" in panel
    assert "6228 4801 2345 6789" in panel and "12,345.67" in panel
    vehicles = panel[panel.index('data-kind="inquire_vehicles"') :]
    assert "Asked, nothing found" in vehicles[: vehicles.index("</tbody>")]
    assert "E1*****78" in panel and "E12345678" not in panel  # a passport number, masked (R-ID-05)
    assert "Awaiting answers" in panel  # the real-estate registry has not answered yet
    assert "No control measures yet." in panel and 'id="assets-controls"' in panel
    assert "Ships" in panel or "ships" in panel  # asked of nobody: the refusal says so


def test_the_one_click_inquiry_by_htmx_swaps_the_panel_with_a_message(client, world, units, case):
    client.force_login(world.officer)
    response = client.post(
        reverse("case-inquiry", args=[case.pk]),
        {"purpose": "查明财产", "legal_basis": "民诉法第二百五十三条"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith('<section class="card case-panel" id="assets">')
    assert "Property inquiry sent: 9 requests to 8 units. 2 could not be sent; see why below." in body
    assert 'data-code="PERSON_ONLY_REQUEST"' in body and 'data-code="NO_UNIT"' in body
    inquiry = Inquiry.objects.get()
    assert (inquiry.purpose, inquiry.legal_basis) == ("查明财产", "民诉法第二百五十三条")


def test_without_htmx_the_page_reloads_with_the_message(client, world, units, case):
    client.force_login(world.officer)
    response = client.post(
        reverse("case-inquiry", args=[case.pk]), {"purpose": "查明财产", "legal_basis": "民诉法"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#assets")
    page = client.get(response["Location"]).content.decode()
    assert "Property inquiry sent" in page


def test_a_missing_purpose_is_said_and_nothing_sent(client, world, units, case):
    client.force_login(world.officer)
    body = client.post(
        reverse("case-inquiry", args=[case.pk]),
        {"purpose": "", "legal_basis": "民诉法"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'id="inquiry-error"' in body and not Inquiry.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "liaison", "president", "supervisor"])
def test_only_officers_and_team_leaders_of_the_court_inquire(client, world, units, case, who):
    client.force_login(getattr(world, who))
    assert (
        client.post(reverse("case-inquiry", args=[case.pk]), {"purpose": "x", "legal_basis": "y"}).status_code
        == 404
    )
    assert not Inquiry.objects.exists()


def test_the_button_is_for_who_may_press_it(client, world, units, case):
    assert 'id="inquiry-start"' in _panel(_page(client, world.officer, case))
    assert 'id="inquiry-start"' not in _panel(_page(client, world.president, case))
    assert 'id="assets"' not in _page(client, world.liaison, case)  # 404 for a unit's liaison anyway
    Case.objects.filter(pk=case.pk).update(status="closed")
    assert 'id="inquiry-start"' not in _panel(_page(client, world.officer, case))


def test_the_panel_is_flat_in_queries_as_records_grow(client, world, units, case, django_assert_num_queries):
    from enforcelink.assets.panels import assets_panel

    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits", "inquire_vehicles"])
    answer(units, report.made[0], {"found": True, "accounts": [ACCOUNT]})
    case = Case.objects.get(pk=case.pk)
    with django_assert_num_queries(3):
        assets_panel(case, world.officer)
    many = [dict(ACCOUNT, account=f"62284801000{n:05d}") for n in range(40)]
    inquiry_start(case, actor=world.officer, kinds=["inquire_online_funds"])
    online = case.assistance_requests.get(request_type="inquire_online_funds")
    answer(units, online, {"found": True, "accounts": many})
    assert AssetRecord.objects.count() == 41
    with django_assert_num_queries(3):
        assets_panel(case, world.officer)
