"""A request's steps in words (issue 14 §4), on its own page and on its case's timeline: who did what
to whom, a unit's system named by its unit, never `acknowledged`, `sent → sent` or `api-key:…`."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from enforcelink.cases.queries import timeline
from enforcelink.linkage import actions
from enforcelink.linkage.models import RequestEvent
from enforcelink.linkage.sentences import request_events
from tests.linkage.test_actions import RESULT

TYPE = "Inquiry: deposits and financial products"


@pytest.fixture
def answered(world, sent, bank):
    """Sent by the officer; acknowledged and answered by the bank's system through its API key."""
    actions.request_acknowledge(sent, actor=bank.key)
    actions.request_complete(sent, result=RESULT, actor=bank.key)
    return sent


def _page(user, url, language):
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, anchor: str) -> str:
    """The visible text of one card of the page (tags and attributes dropped)."""
    part = html[html.index(f'id="{anchor}"') :]
    part = part[: part.index("</section>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))


def test_the_request_page_tells_each_step_in_words(world, answered):
    text = _section(_page(world.officer, reverse("request-detail", args=[answered.pk]), "en"), "events")
    assert f"{world.officer} sent the request to {world.unit.name}, with the assistance notice" in text
    assert answered.notice.number in text
    assert f"{world.unit.name} system (API) acknowledged the request" in text
    assert f"{world.unit.name} system (API) answered the request" in text
    assert "api-key" not in text and "→" not in text and " sent " not in text.replace(" sent the", "")


def test_the_request_page_in_chinese_names_the_unit_and_no_code(world, answered):
    html = _page(world.liaison, reverse("request-detail", args=[answered.pk]), "zh-hans")
    text = _section(html, "events")
    assert world.unit.name in text and str(world.officer) in text
    assert "api-key" not in text and not re.search(r"\b(acknowledged|completed|in_progress)\b →", text)
    assert "年" in text  # dates in the locale's format: 2026年3月4日


def test_the_case_timeline_tells_the_request_steps_with_type_and_unit(world, answered):
    with translation.override("en"):
        told = [event.told.sentence for event in timeline(answered.case)]
    assert (
        f"{world.officer} sent the “{TYPE}” request to {world.unit.name}, with the assistance notice {answered.notice.number}"
        in told
    )
    assert f"{world.unit.name} system (API) acknowledged the “{TYPE}” request" in told
    assert not [sentence for sentence in told if "api-key" in sentence or "request." in sentence]


def test_the_case_page_shows_the_unit_system_by_its_unit(world, answered):
    text = _section(_page(world.officer, reverse("case-detail", args=[answered.case.pk]), "en"), "timeline")
    assert f"{world.unit.name} system (API) answered the “{TYPE}” request" in text
    assert "api-key" not in text and "request.completed" not in text


def test_a_return_and_a_resend_read_with_the_reason_and_the_days_not_counted(world, sent, bank):
    actions.request_return(sent, reason="账号有误，请补正", actor=bank.key)
    actions.request_resend(sent, actor=world.officer, note="已补正")
    events = list(RequestEvent.objects.filter(request=sent).order_by("at", "pk"))
    with translation.override("en"):
        told = {event.kind: event.told for event in request_events(events, sent)}
    assert (
        told["returned"].sentence
        == f"{world.unit.name} system (API) returned the request to the court for correction"
    )
    assert ("Reason", "账号有误，请补正") in told["returned"].details
    assert (
        told["resent"].sentence
        == f"{world.officer} corrected the request and sent it to {world.unit.name} again"
    )
    assert ("Note", "已补正") in told["resent"].details


def test_the_escalation_sweep_reads_as_the_system(world, sent):
    event = RequestEvent(request=sent, kind="escalated", at=sent.sent_at, data={"due_on": "2026-03-09"})
    with translation.override("en"):
        [told] = [event.told for event in request_events([event], sent)]
    assert told.sentence == (
        "System told the unit's leader and the officer that the request is overdue: it was due March 9, 2026"
    )


def test_the_request_page_reads_its_events_in_a_fixed_number_of_queries(
    world, sent, bank, django_assert_num_queries
):
    """The units behind the API keys that acted: one query, however many steps they took."""
    actions.request_acknowledge(sent, actor=bank.key)
    for n in range(5):
        actions.message_post(sent, body=f"第{n}条", actor=bank.key)
    events = list(RequestEvent.objects.filter(request=sent).select_related("actor"))
    with django_assert_num_queries(1), translation.override("en"):
        told = [event.told.sentence for event in request_events(events, sent)]
    assert told[-5:] == [f"{world.unit.name} system (API) wrote in the follow-up thread of the request"] * 5
