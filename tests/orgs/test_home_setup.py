"""The administrator's set-up card (orgs/home.py): when every unit has a liaison it says so plainly,
without a "0" count and an empty bullet; otherwise it names the units nobody answers for."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcelink.orgs.models import Role
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.usefixtures("english")


def setup_card(client) -> str:
    response = client.get(reverse("workbench"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="units-without-liaison"')
    return html[html.rindex("<div>", 0, start) : html.index("</div>", start)]


def test_every_unit_with_a_liaison_reads_as_one_plain_sentence(world, client):
    client.force_login(UserFactory(username="admin", court=world.court, role=Role.ADMIN))
    card = setup_card(client)
    assert "Every unit has a liaison." in card
    assert "<li" not in card and "Units without a liaison: 0" not in card


def test_a_unit_without_a_liaison_is_named_with_the_count(world, client):
    lonely = UnitFactory(region=world.region, name="綦江区不动产登记中心")
    client.force_login(UserFactory(username="admin", court=world.court, role=Role.ADMIN))
    card = setup_card(client)
    assert "Units without a liaison: 1" in card and lonely.name in card
    assert "Every unit has a liaison." not in card
