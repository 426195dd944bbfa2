"""R-ASSET-01, the Estonian lesson: supervisors review a random sample of each period's inquiries in
their region, drawn with a recorded seed (reproducible), and record a verdict on each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.actions import draw, inquiry_review, inquiry_sample, inquiry_start
from enforcelink.assets.models import Inquiry, InquirySample, Verdict
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.models import AuditEvent
from enforcelink.orgs.models import Role
from tests.factories import BodyFactory, UserFactory, file_case


@pytest.fixture
def client():
    """The pages in English, as these tests read them (the UI's default, zh-hans, is checked elsewhere)."""
    return Client(headers={"accept-language": "en"})


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def inquiries(world, units):
    """Six inquiries in the court of the supervisor's region today, one in the other court."""
    made = []
    for _n in range(6):
        case = file_case(world.court, world.officer, principal="1000.00")
        made.append(inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"]).inquiry)
    elsewhere = file_case(world.other_court, world.outsider, principal="1000.00")
    Inquiry.objects.create(case=elsewhere, court=world.other_court, kinds=["inquire_deposits"], purpose="p",
                           legal_basis="b", requested_by=world.outsider)  # fmt: skip
    return made


def _today():
    return timezone.localdate()


def test_the_sample_is_random_reproducible_and_of_the_region(world, inquiries):
    sample = inquiry_sample(world.body, start=_today(), end=_today(), size=4, actor=world.supervisor, seed=7)
    drawn = list(sample.items.order_by("position").values_list("inquiry_id", flat=True))
    assert len(drawn) == 4 and set(drawn) <= {i.pk for i in inquiries}  # never the other region's
    assert sample.population == 6 and sample.seed == 7
    assert drawn == draw([i.pk for i in inquiries], 4, 7)  # the same seed draws the same again
    assert draw([i.pk for i in inquiries], 4, 8) != drawn or draw([i.pk for i in inquiries], 4, 9) != drawn
    event = AuditEvent.objects.get(action="inquiry_sample.drawn")
    assert event.after["seed"] == 7 and event.after["population"] == 6


def test_a_sample_larger_than_the_period_takes_all_once(world, inquiries):
    sample = inquiry_sample(world.body, start=_today(), end=_today(), size=50, actor=world.supervisor)
    assert sample.items.count() == 6 and sample.seed > 0


@pytest.mark.parametrize(
    ("start", "end", "size", "code"),
    [
        (0, -1, 5, "PERIOD_INVALID"),
        (0, 1, 5, "PERIOD_NOT_OVER"),
        (0, 0, 0, "SIZE_INVALID"),
        (0, 0, 501, "SIZE_INVALID"),
    ],
)
def test_bad_periods_and_sizes_are_refused(world, inquiries, start, end, size, code):
    day = _today()
    with pytest.raises((InvalidInput, RuleViolation)) as caught:
        inquiry_sample(world.body, start=day + dt.timedelta(days=start), end=day + dt.timedelta(days=end), size=size,
                       actor=world.supervisor)  # fmt: skip
    assert caught.value.code == code and not InquirySample.objects.exists()


def test_one_sample_per_body_and_period(world, inquiries):
    inquiry_sample(world.body, start=_today(), end=_today(), size=2, actor=world.supervisor)
    with pytest.raises(RuleViolation) as caught:
        inquiry_sample(world.body, start=_today(), end=_today(), size=2, actor=world.supervisor)
    assert caught.value.code == "SAMPLE_EXISTS"


@pytest.mark.parametrize("who", ["officer", "president", "liaison"])
def test_only_the_bodys_supervisors_draw(world, inquiries, who):
    with pytest.raises(NotFound):
        inquiry_sample(world.body, start=_today(), end=_today(), size=2, actor=getattr(world, who))
    other_body = BodyFactory(region=world.other_court.region, name="深圳市人大常委会")
    with pytest.raises(NotFound):
        inquiry_sample(other_body, start=_today(), end=_today(), size=2, actor=world.supervisor)


def test_a_verdict_once_per_sampled_inquiry(world, inquiries):
    sample = inquiry_sample(world.body, start=_today(), end=_today(), size=6, actor=world.supervisor, seed=1)
    item = sample.items.order_by("position").first()
    with pytest.raises(InvalidInput) as caught:
        inquiry_review(item.inquiry, verdict=Verdict.NO_BASIS, note="", actor=world.supervisor)
    assert caught.value.code == "NOTE_REQUIRED"
    with pytest.raises(InvalidInput):
        inquiry_review(item.inquiry, verdict="fine", note="", actor=world.supervisor)
    done = inquiry_review(
        item.inquiry, verdict=Verdict.BEYOND_PURPOSE, note="查询了与案件无关的人", actor=world.supervisor
    )
    assert done.verdict == "beyond_purpose" and done.reviewed_by == world.supervisor
    with pytest.raises(RuleViolation) as again:
        inquiry_review(item.inquiry, verdict=Verdict.PROPER, actor=world.supervisor)
    assert again.value.code == "ALREADY_REVIEWED"
    event = AuditEvent.objects.get(action="inquiry.reviewed")
    assert event.case_id == item.inquiry.case_id and event.after["verdict"] == "beyond_purpose"


def test_an_inquiry_outside_the_bodys_samples_is_not_found(world, inquiries):
    colleague = UserFactory(body=world.body, role=Role.SUPERVISOR)
    with pytest.raises(NotFound):
        inquiry_review(inquiries[0], verdict=Verdict.PROPER, actor=colleague)  # not drawn yet
    inquiry_sample(world.body, start=_today(), end=_today(), size=6, actor=world.supervisor)
    assert inquiry_review(inquiries[0], verdict=Verdict.PROPER, actor=colleague).verdict == "proper"
    with pytest.raises(NotFound):
        inquiry_review(inquiries[1], verdict=Verdict.PROPER, actor=world.officer)


def test_the_supervisors_pages_and_home_panel(client, world, inquiries):
    client.force_login(world.supervisor)
    home = client.get("/").content.decode()
    assert 'id="inquiry-review"' in home and f'href="{reverse("inquiry-samples")}"' in home  # panel and menu
    response = client.post(reverse("inquiry-samples"), {"start": _today(), "end": _today(), "size": 3})
    sample = InquirySample.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("inquiry-sample", args=[sample.pk])
    page = client.get(reverse("inquiry-sample", args=[sample.pk])).content.decode()
    item = sample.items.order_by("position").first()
    assert item.inquiry.case.number in page and item.inquiry.purpose in page and "綦江农商银行" in page
    posted = client.post(
        reverse("inquiry-review", args=[sample.pk, item.pk]), {f"i{item.pk}-verdict": "proper"}
    )
    assert posted.status_code == 302
    item.refresh_from_db()
    assert item.verdict == "proper"
    home = client.get("/").content.decode()
    assert "2 of 3 sampled inquiries still to review" in home


@pytest.mark.parametrize("who", ["officer", "liaison", "president"])
def test_the_review_pages_are_the_supervisors(client, world, inquiries, who):
    sample = inquiry_sample(world.body, start=_today(), end=_today(), size=2, actor=world.supervisor)
    client.force_login(getattr(world, who))
    assert client.get(reverse("inquiry-samples")).status_code == 404
    assert client.get(reverse("inquiry-sample", args=[sample.pk])).status_code == 404
    home = client.get("/").content.decode()
    assert 'id="inquiry-review"' not in home and f'href="{reverse("inquiry-samples")}"' not in home
