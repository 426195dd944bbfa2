"""Who sees what: one table of roles x objects, read through `visible_to` (STYLE.md, issue 2 §3)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from enforcelink.core.errors import NotFound
from enforcelink.core.models import AuditHead
from enforcelink.orgs.models import Court, LinkageUnit, Role, SupervisoryBody, Team, User
from enforcelink.orgs.scoping import get_visible_or_404, get_visible_or_raise, region_ancestors, visible
from tests.factories import BodyFactory, CourtFactory, RegionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(world):
    """The world plus a city-level region above 綦江区 with a city body and a city-level bank."""
    city = RegionFactory(code="500000", name="重庆市", path="500000/")
    world.region.parent = city
    world.region.save()
    city_body = BodyFactory(region=city, name="重庆市政法委", kind="political_legal")
    world.city_unit = UnitFactory(region=city, name="重庆市某银行")
    world.city_supervisor = UserFactory(username="city_supervisor", body=city_body, role=Role.SUPERVISOR)
    world.superuser = UserFactory(username="root", is_superuser=True, role="")
    world.inactive = UserFactory(username="gone", court=world.court, role=Role.OFFICER, is_active=False)
    world.roleless = UserFactory(username="roleless", role="")
    world.anonymous = AnonymousUser()
    world.city_court = CourtFactory(code="渝01", name="重庆市第一中级人民法院", region=city)
    return world


def names(queryset) -> set[str]:
    return {getattr(obj, "code", None) or getattr(obj, "username", None) or obj.name for obj in queryset}


ALL_COURTS = {"渝0110", "粤0304", "渝01"}

COURTS = [
    ("superuser", ALL_COURTS),
    ("officer", {"渝0110"}),
    ("president", {"渝0110"}),
    ("command", {"渝0110"}),
    ("outsider", {"粤0304"}),
    ("supervisor", {"渝0110"}),  # district body: its district only
    ("city_supervisor", {"渝0110", "渝01"}),  # city body: every court below the city
    ("liaison", set()),
    ("other_liaison", set()),
    ("inactive", set()),
    ("roleless", set()),
    ("anonymous", set()),
]


@pytest.mark.parametrize(("who", "expected"), COURTS)
def test_courts_visible_to(orgs, who, expected):
    assert names(Court.objects.visible_to(getattr(orgs, who))) == expected


UNITS = [
    ("superuser", {"綦江农商银行", "深圳某银行", "重庆市某银行"}),
    ("officer", {"綦江农商银行", "重庆市某银行"}),  # own region and the city above it
    ("outsider", {"深圳某银行"}),
    ("supervisor", {"綦江农商银行"}),
    ("city_supervisor", {"綦江农商银行", "重庆市某银行"}),
    ("liaison", {"綦江农商银行"}),
    ("other_liaison", {"深圳某银行"}),
    ("roleless", set()),
    ("anonymous", set()),
]


@pytest.mark.parametrize(("who", "expected"), UNITS)
def test_linkage_units_visible_to(orgs, who, expected):
    assert names(LinkageUnit.objects.visible_to(getattr(orgs, who))) == expected


COURT_PEOPLE = {"officer", "colleague", "president", "command", "gone"}
USERS = [
    ("officer", COURT_PEOPLE),
    ("outsider", {"outsider"}),
    ("liaison", {"liaison"}),
    ("supervisor", {"supervisor"}),
    ("roleless", {"roleless"}),
    ("anonymous", set()),
    ("inactive", set()),
]


@pytest.mark.parametrize(("who", "expected"), USERS)
def test_people_visible_to(orgs, who, expected):
    assert names(User.objects.visible_to(getattr(orgs, who))) == expected


def test_superuser_sees_every_person(orgs):
    assert User.objects.visible_to(orgs.superuser).count() == User.objects.count()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("officer", {"渝0110"}), ("outsider", {"粤0304"}), ("supervisor", {"渝0110"}), ("liaison", set())],
)
def test_teams_follow_their_court(orgs, who, expected):
    assert {team.court.code for team in Team.objects.visible_to(getattr(orgs, who))} == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [("supervisor", {"綦江区人大常委会"}), ("city_supervisor", {"重庆市政法委"}), ("officer", set())],
)
def test_supervisory_bodies_visible_to(orgs, who, expected):
    assert names(SupervisoryBody.objects.visible_to(getattr(orgs, who))) == expected


def test_not_yours_and_missing_are_the_same_404(orgs):
    with pytest.raises(Http404) as forbidden:
        get_visible_or_404(Court, orgs.officer, pk=orgs.other_court.pk)
    with pytest.raises(Http404) as missing:
        get_visible_or_404(Court, orgs.officer, pk=999999)
    with pytest.raises(Http404) as malformed:
        get_visible_or_404(Court, orgs.officer, pk="abc")
    assert str(forbidden.value) == str(missing.value) == str(malformed.value)
    assert get_visible_or_404(Court.objects.all(), orgs.officer, pk=orgs.court.pk) == orgs.court


def test_get_visible_or_raise_gives_the_coded_not_found(orgs):
    with pytest.raises(NotFound) as error:
        get_visible_or_raise(LinkageUnit, orgs.liaison, pk=orgs.other_unit.pk)
    assert error.value.code == "NOT_FOUND"


def test_a_model_without_visible_to_is_refused_loudly(orgs):
    with pytest.raises(TypeError):
        visible(AuditHead, orgs.superuser)


def test_region_ancestors():
    assert region_ancestors("500000/500110/") == ["500000/", "500000/500110/"]
    assert region_ancestors("") == []


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"role": Role.OFFICER}, "court"),
        ({"role": Role.LIAISON}, "unit"),
        ({"role": Role.SUPERVISOR}, "body"),
    ],
)
def test_a_role_needs_its_kind_of_organisation(db, fields, error_field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        User(username="x", **fields).clean()
    assert error_field in error.value.message_dict


def test_a_person_belongs_to_one_organisation_and_team_to_the_court(orgs):
    from django.core.exceptions import ValidationError

    person = User(username="x", role=Role.OFFICER, court=orgs.court, unit=orgs.unit)
    with pytest.raises(ValidationError):
        person.clean()
    wrong_team = User(username="y", role=Role.OFFICER, court=orgs.other_court, team=orgs.team)
    with pytest.raises(ValidationError) as error:
        wrong_team.clean()
    assert "team" in error.value.message_dict
    User(username="z", role=Role.OFFICER, court=orgs.court, team=orgs.team).clean()
