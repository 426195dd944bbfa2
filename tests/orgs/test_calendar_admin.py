"""The holiday table in the admin, and the warning on the administrator's pages from 1 October while
next year's holiday calendar is missing (issue 12 §7, R-TIME-01)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcelink.core import holidays
from enforcelink.core.calendar import is_working_day
from enforcelink.core.holidays import DayInput
from enforcelink.core.models import AuditEvent, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

WARNING = "No holiday calendar for 2027"


@pytest.fixture
def on_day(monkeypatch):
    """Freeze the day the pages see (the holiday package itself knows no year after 2026)."""

    def freeze(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return freeze


@pytest.fixture
def client():
    """Pages in English, so the warning's words can be looked for (the default language is Chinese)."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    ("today", "warned"),
    [(dt.date(2026, 9, 30), False), (dt.date(2026, 10, 1), True), (dt.date(2026, 12, 7), True)],
)
def test_admin_home_warns_from_1_october_when_next_year_is_missing(admin_client, on_day, today, warned):
    on_day(today)
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert (WARNING in page) is warned
    assert (WARNING in admin_client.get(reverse("workbench")).content.decode()) is warned


def test_no_warning_once_next_year_is_loaded(admin_client, on_day):
    on_day(dt.date(2026, 12, 7))
    holidays.calendar_load(
        {2027: [DayInput(dt.date(2027, 2, 8), "holiday", "春节")]}, source="x", published_on=None, actor="t"
    )
    assert WARNING not in admin_client.get(reverse("admin:index")).content.decode()


def test_this_year_missing_is_warned_all_year(admin_client, on_day):
    on_day(dt.date(2027, 3, 1))
    assert WARNING in admin_client.get(reverse("admin:index")).content.decode()


def test_officers_are_not_told_to_load_the_calendar(client, world, on_day):
    on_day(dt.date(2026, 12, 7))
    client.force_login(world.officer)
    assert WARNING not in client.get(reverse("workbench")).content.decode()


def inline(rows: list[tuple[str, str, str]], initial: int = 0) -> dict[str, str]:
    data = {"days-TOTAL_FORMS": str(len(rows)), "days-INITIAL_FORMS": str(initial),
            "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for n, (date, kind, name) in enumerate(rows):
        data.update({f"days-{n}-date": date, f"days-{n}-kind": kind, f"days-{n}-name": name})
    return data


def test_adding_a_year_in_the_admin_goes_through_the_action(admin_client, superuser):
    url = reverse("admin:core_calendaryear_add")
    assert admin_client.get(url).status_code == 200
    data = {"year": "2027", "source": "国办发明电〔2026〕示例号", "published_on": "2026-11-01",
            **inline([("2027-02-07", "workday", "春节"), ("2027-02-08", "holiday", "春节")])}  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    year = CalendarYear.objects.get(year=2027)
    assert year.days.count() == 2 and is_working_day(dt.date(2027, 2, 7))
    event = AuditEvent.objects.get(action="calendar.changed")
    assert event.actor_id == superuser.pk and event.after["years"] == [2027]
    assert admin_client.get(reverse("admin:core_calendaryear_change", args=[year.pk])).status_code == 200


def test_the_admin_refuses_a_day_of_another_year_and_writes_nothing(admin_client):
    data = {"year": "2027", "source": "x", **inline([("2026-11-30", "holiday", "元旦")])}
    response = admin_client.post(reverse("admin:core_calendaryear_add"), data)
    assert response.status_code == 200 and "is not in 2027" in response.content.decode()
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()


def test_the_admin_refuses_a_year_without_holidays_beside_the_rows(admin_client):
    """Review: saved with no days, a year counted as known while knowing nothing; the refusal is the
    form's, never an error page from the save."""
    response = admin_client.post(
        reverse("admin:core_calendaryear_add"), {"year": "2027", "source": "x", **inline([])}
    )
    assert response.status_code == 200 and "at least one" in response.content.decode()
    assert not CalendarYear.objects.exists()


def test_an_invalid_year_is_named_once_not_as_none(admin_client):
    data = {"year": "1800", "source": "x", **inline([("2027-02-08", "holiday", "春节")])}
    page = admin_client.post(reverse("admin:core_calendaryear_add"), data).content.decode()
    assert "Enter a year from 2000 to 2100" in page and "None" not in page


def test_deleting_a_year_in_the_admin_goes_through_the_action(admin_client):
    holidays.calendar_load(
        {2027: [DayInput(dt.date(2027, 2, 8), "holiday", "春节")]}, source="x", published_on=None, actor="t"
    )
    year = CalendarYear.objects.get()
    response = admin_client.post(reverse("admin:core_calendaryear_delete", args=[year.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarYear.objects.exists() and is_working_day(dt.date(2027, 2, 8))
    assert AuditEvent.objects.filter(action="calendar.changed").count() == 2
