"""The officer's list of measures ending soon (R-ASSET-02): one box chooses every listed measure for
the renewal batch, and a window beyond the longest the list looks ahead is said, not quietly cut."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.control.models import ControlMeasure, MeasureKind
from enforcelink.assets.expiry import queries
from tests.assets.test_expiry import frozen, handled_by
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def soon(world):
    case = handled_by(file_case(world.court, world.officer, principal="120000.00"), world.officer)
    day = timezone.localdate()
    return [
        frozen(
            world, case, amount="1000.00", ends_on=day + dt.timedelta(days=n), account=f"6217000000000000{n}"
        )
        for n in (3, 9, 20)
    ]


def test_the_list_offers_a_box_choosing_every_listed_measure(client, world, soon):
    client.force_login(world.officer)
    page = client.get(reverse("controls-expiring")).content.decode()
    head = page[page.index("<thead>") : page.index("</thead>")]
    assert 'type="checkbox" id="renew-all"' in head and "Choose all listed measures" in head
    assert 'getElementById("renew-all")' in page
    # what the box ticks is what the form sends: every listed measure, renewed in one batch
    response = client.post(reverse("controls-expiring"), {"measures": [m.pk for m in soon], "days": "30"})
    assert "3 renewals sent." in response.content.decode()
    assert ControlMeasure.objects.filter(kind=MeasureKind.RENEW).count() == 3


def test_an_empty_list_has_no_box(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("controls-expiring")).content.decode()
    assert 'id="renew-all"' not in page and 'getElementById("renew-all")' not in page


@pytest.mark.parametrize(
    ("asked", "shown", "note"),
    [
        (str(queries.MAX_DAYS), queries.MAX_DAYS, ""),
        (str(queries.MAX_DAYS + 1), queries.MAX_DAYS, "The list looks at most 366 days ahead, not 367"),
        ("400", queries.MAX_DAYS, "The list looks at most 366 days ahead, not 400"),
        ("-3", 0, "A number of days cannot be negative"),
        ("abc", queries.DEFAULT_DAYS, "abc is not a whole number of days"),
        ("", queries.DEFAULT_DAYS, ""),
    ],
)
def test_a_window_beyond_the_longest_is_said_not_silently_cut(client, world, soon, asked, shown, note):
    client.force_login(world.officer)
    for name, user in (("controls-expiring", world.officer), ("command-controls-expiring", world.command)):
        client.force_login(user)
        page = client.get(reverse(name), {"days": asked}).content.decode()
        assert f'name="days" type="number" min="0" max="{queries.MAX_DAYS}" value="{shown}"' in page
        if note:
            assert 'id="days-note"' in page and note in page and 'aria-invalid="true"' in page
        else:
            assert 'id="days-note"' not in page


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed (make system-deps)")
def test_the_box_ticks_and_clears_every_measure_in_chromium(client, world, soon):
    """The box's script, run by Debian's chromium on the page as served: ticking it ticks every
    listed measure, one cleared makes it half-ticked, clearing it clears all."""
    from playwright.sync_api import sync_playwright

    client.force_login(world.officer)
    html = client.get(reverse("controls-expiring")).content.decode()
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.set_content(html)
            boxes = page.locator('#renew-form input[name="measures"]')
            assert boxes.count() == 3 and page.locator("#renew-all").is_visible()
            page.check("#renew-all")
            assert all(boxes.nth(n).is_checked() for n in range(3))
            boxes.nth(1).uncheck()
            assert page.eval_on_selector("#renew-all", "e => e.indeterminate && !e.checked")
            page.check("#renew-all")
            page.uncheck("#renew-all")
            assert not any(boxes.nth(n).is_checked() for n in range(3))
        finally:
            browser.close()
