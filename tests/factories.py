"""factory-boy factories for the organisation tree and cases; Faker speaks zh_CN."""

from __future__ import annotations

import datetime as dt

import factory
from faker import Faker

from enforcelink.cases.actions import CaseFiling, PartyInput, case_file
from enforcelink.orgs.models import Court, LinkageUnit, Region, Role, SupervisoryBody, Team, UnitType, User

fake = Faker("zh_CN")

# Valid by GB 11643 / GB 32100 (R-ID-01, R-ID-02).
PERSON_IDS = ["11010519491231002X", "110105199003074472", "500110198507150319", "340302197601011215"]
USCCS = ["914403001922038216", "91500110MA5U8XJ06R"]


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "500110"
    name = "綦江区"
    path = factory.LazyAttribute(lambda o: f"{o.code}/")


class CourtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Court
        django_get_or_create = ("code",)

    code = "渝0110"
    name = "重庆市綦江区人民法院"
    region = factory.SubFactory(RegionFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    court = factory.SubFactory(CourtFactory)
    name = factory.Sequence(lambda n: f"执行{n + 1}组")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinkageUnit

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"綦江区联动单位{n}")
    unit_type = UnitType.BANK


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisoryBody

    region = factory.SubFactory(RegionFactory)
    name = "綦江区人大常委会"
    kind = "congress"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyFunction(fake.name)
    role = Role.OFFICER
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-9")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def file_case(court: Court, actor: User | None = None, **overrides) -> object:
    """File a valid case through the real action (so numbering, nodes and trail are exercised)."""
    parties = overrides.pop(
        "parties",
        [
            PartyInput(role="applicant", kind="person", name="张三", id_number=PERSON_IDS[0]),
            PartyInput(role="respondent", kind="organisation", name="重庆某建材有限公司", id_number=USCCS[0]),
        ],
    )
    values = {
        "court": court,
        "filed_on": dt.date(2024, 3, 1),
        "basis_type": "judgment",
        "basis_body": court.name,
        "basis_number": overrides.pop("basis_number", None)
        or f"（2023）渝0110民初{fake.unique.random_int(1, 99999)}号",
        "parties": parties,
        "principal": "120000.00",
        **overrides,
    }
    return case_file(CaseFiling(**values), actor=actor)


def restore_default_node_rules() -> None:
    """A transactional test (`django_db(transaction=True)`) empties every table afterwards, including
    the default node rules the data migrations created; tests that file cases after one put them back."""
    from enforcelink.cases.models import NodeKind, NodeRule
    from enforcelink.cases.policy import DEFAULT_NODE_RULES

    for kind, rule_id, amount, unit, urgent, non_litigation, money_only in DEFAULT_NODE_RULES:
        NodeRule.objects.get_or_create(
            court=None,
            kind=kind,
            defaults={
                "rule_id": rule_id,
                "amount": amount,
                "unit": unit,
                "urgent_amount": urgent,
                "non_litigation_amount": non_litigation,
                "money_cases_only": money_only,
                "on_filing": kind != NodeKind.LEAD_VERIFICATION,  # R-CASE-04: opened by a lead
            },
        )
