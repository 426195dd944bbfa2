"""The demo region: 重庆市 / 綦江区 and neighbours, their courts, teams, linkage units, supervisory
bodies and a user for every role, all with one known demo password; the courts' payout threshold
(R-FUND-02) and the police units' own responsibility lists (`UNIT_LISTS`).

Idempotent: running it again finds what exists (by code, name or username) and adds only what is missing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from faker import Faker

from enforcelink.core import audit
from enforcelink.core.actors import AuditActor
from enforcelink.linkage.models import Responsibility
from enforcelink.linkage.policy import DEFAULT_LISTS
from enforcelink.orgs.models import (
    BodyKind,
    Court,
    CourtLevel,
    LinkageUnit,
    Region,
    Role,
    SupervisoryBody,
    Team,
    UnitType,
    User,
)

DEMO_PASSWORD = "enforcelink-demo"  # printed by `enforcelink demo-logins`; demo databases only

REGIONS = (
    ("500000", "重庆市", None),
    ("500110", "綦江区", "500000"),
    ("500113", "巴南区", "500000"),
    ("500116", "江津区", "500000"),
    ("500119", "南川区", "500000"),
)


@dataclass(frozen=True)
class CourtPlan:
    code: str
    name: str
    level: str
    region: str
    prefix: str  # username prefix
    teams: tuple[str, ...]
    officers_per_team: int
    case_weight: float  # share of the demo cases filed here


COURTS = (
    CourtPlan("渝", "重庆市高级人民法院", CourtLevel.HIGH, "500000", "gy", (), 0, 0.0),
    CourtPlan(
        "渝05", "重庆市第五中级人民法院", CourtLevel.INTERMEDIATE, "500000", "wzy", ("执行一庭",), 4, 0.03
    ),
    CourtPlan(
        "渝0110",
        "重庆市綦江区人民法院",
        CourtLevel.BASIC,
        "500110",
        "qj",
        ("执行一组", "执行二组", "执行三组", "速执组"),
        5,
        0.40,
    ),
    CourtPlan(
        "渝0113",
        "重庆市巴南区人民法院",
        CourtLevel.BASIC,
        "500113",
        "bn",
        ("执行一组", "执行二组", "执行三组"),
        5,
        0.25,
    ),
    CourtPlan(
        "渝0116",
        "重庆市江津区人民法院",
        CourtLevel.BASIC,
        "500116",
        "jj",
        ("执行一组", "执行二组", "执行三组"),
        4,
        0.22,
    ),
    CourtPlan(
        "渝0119", "重庆市南川区人民法院", CourtLevel.BASIC, "500119", "nc", ("执行一组", "执行二组"), 4, 0.10
    ),
)

# R-FUND-02: above this a payout is approved by the president alone (a team leader approves up to it).
PAYOUT_PRESIDENT_ABOVE = Decimal("500000.00")

# One linkage unit of every type in 綦江区 (the seeds' 13 sectors and more), with liaisons.
UNITS: tuple[tuple[str, str, str, int], ...] = (
    (UnitType.POLICE, "police", "重庆市公安局綦江区分局", 2),
    # The 分局's exit-entry administration answers for passports and permits (and records exit
    # restrictions) as a unit of its own: see UNIT_LISTS.
    (UnitType.POLICE, "exit", "重庆市公安局綦江区分局出入境管理支队", 1),
    (UnitType.BANK, "bank", "重庆农村商业银行股份有限公司綦江支行", 2),
    (UnitType.REAL_ESTATE, "estate", "綦江区规划和自然资源局（不动产登记中心）", 2),
    (UnitType.VEHICLE, "vehicle", "重庆市公安局交通巡逻警察总队綦江支队车辆管理所", 1),
    (UnitType.MARKET, "market", "綦江区市场监督管理局", 1),
    (UnitType.TAX, "tax", "国家税务总局重庆市綦江区税务局", 1),
    (UnitType.HOUSING_FUND, "fund", "重庆市住房公积金管理中心綦江区分中心", 1),
    (UnitType.SOCIAL_SECURITY, "hrss", "綦江区人力资源和社会保障局", 1),
    (UnitType.CIVIL_AFFAIRS, "civil", "綦江区民政局", 1),
    (UnitType.TELECOM, "telecom", "中国移动通信集团重庆有限公司綦江分公司", 1),
    (UnitType.CREDIT, "credit", "綦江区发展和改革委员会", 1),
    (UnitType.DISCIPLINE, "discipline", "中共重庆市綦江区纪律检查委员会", 1),
    (UnitType.ORGANISATION, "org", "中共重庆市綦江区委组织部", 1),
    (UnitType.CONGRESS, "cppcc", "政协重庆市綦江区委员会", 1),
    (UnitType.NOTARY, "notary", "重庆市綦江区公证处", 1),
    (UnitType.GRID, "grid", "綦江区网格化服务管理中心", 1),
    (UnitType.SOE, "soe", "重庆市綦江区城市建设投资有限公司", 1),
    (UnitType.MEDIA, "media", "綦江区融媒体中心", 1),
    (UnitType.JUSTICE, "justice", "綦江区司法局", 1),
    (UnitType.OTHER, "power", "国网重庆市电力公司綦江供电分公司", 1),
    # Securities and ships are registered above the district: the units its court asks directly.
    (UnitType.SECURITIES, "csdc", "中国证券登记结算有限责任公司上海分公司", 1),
    (UnitType.MARITIME, "msa", "重庆海事局", 1),
)

# Lines the police units take off their type's shipped list (`linkage.policy.DEFAULT_LISTS`), as an
# administrator would in the responsibility lists: exit-entry inquiries and exit restrictions go to the
# exit-entry administration, whose system (a simulator) answers them, and the rest of the police's work
# to the 分局. So every kind the one-click inquiry asks is answered and its clock completes (R-CASE-02),
# while the 分局's liaison, the printed login, keeps an inbox to work by hand (`demo.linkage.INBOX`).
UNIT_LISTS: dict[str, tuple[str, ...]] = {
    "police": ("inquire_exit_entry", "exit_restriction"),
    "exit": ("locate_person", "temporary_control", "assist_detention", "detain_vehicle", "inquire_household"),
}

BODIES = (
    (BodyKind.CONGRESS, "rd", "綦江区人大常委会", "500110"),
    (BodyKind.POLITICAL_LEGAL, "zfw", "中共重庆市綦江区委政法委员会", "500110"),
    (BodyKind.CONGRESS, "cqrd", "重庆市人大常委会", "500000"),
)

# The login `enforcelink demo-logins` shows for each role.
PRIMARY_LOGINS = {
    Role.OFFICER: "qj-officer1",
    Role.TEAM_LEADER: "qj-leader1",
    Role.COMMAND: "qj-command",
    Role.PRESIDENT: "qj-president",
    Role.FUND_CLERK: "qj-funds",
    Role.ADMIN: "admin",
    Role.LIAISON: "police-liaison1",
    Role.UNIT_LEADER: "police-leader",
    Role.SUPERVISOR: "rd-supervisor",
}


@dataclass
class CourtStaff:
    """What the case generator needs to know about one court."""

    court: Court
    weight: float
    officers: list[User] = field(default_factory=list)
    clerk: User | None = None  # the actor recorded on filings


@dataclass
class World:
    courts: list[CourtStaff]
    created: int


class _Builder:
    def __init__(self, seed: int, actor: AuditActor | str) -> None:
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.rng = random.Random(seed)
        self.actor = actor
        self.entries: list[audit.Entry] = []
        # One Argon2 hash for every demo user: hashing each would take seconds for nothing.
        self.password = make_password(DEMO_PASSWORD)

    def _created(self, action: str, obj: Any, after: dict[str, Any]) -> None:
        self.entries.append(audit.Entry(action, obj, self.actor, after=after))

    def region(self, code: str, name: str, parent: Region | None) -> Region:
        path = f"{parent.path if parent else ''}{code}/"
        region, created = Region.objects.get_or_create(
            code=code, defaults={"name": name, "parent": parent, "path": path}
        )
        if created:
            self._created("region.created", region, {"code": code, "name": name})
        return region

    def user(self, username: str, role: str, **orgs: Any) -> User:
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            return existing
        user = User(
            username=username,
            full_name=self.faker.name(),
            phone=self.faker.phone_number(),
            role=role,
            password=self.password,
            **orgs,
        )
        user.save()
        self._created("user.created", user, {"username": username, "role": role})
        return user

    def court(self, plan: CourtPlan, regions: dict[str, Region]) -> CourtStaff:
        court, created = Court.objects.get_or_create(
            code=plan.code,
            defaults={"name": plan.name, "level": plan.level, "region": regions[plan.region],
                      "payout_president_above": PAYOUT_PRESIDENT_ABOVE},
        )  # fmt: skip
        if created:
            self._created("court.created", court, {"code": plan.code, "name": plan.name,
                                                   "payout_president_above": str(PAYOUT_PRESIDENT_ABOVE)})  # fmt: skip
        staff = CourtStaff(court, plan.case_weight)
        p = plan.prefix
        for index, team_name in enumerate(plan.teams, start=1):
            team, created = Team.objects.get_or_create(court=court, name=team_name)
            if created:
                self._created("team.created", team, {"court": plan.code, "name": team_name})
            self.user(f"{p}-leader{index}", Role.TEAM_LEADER, court=court, team=team)
            for n in range(plan.officers_per_team):
                number = (index - 1) * plan.officers_per_team + n + 1
                staff.officers.append(self.user(f"{p}-officer{number}", Role.OFFICER, court=court, team=team))
        self.user(f"{p}-president", Role.PRESIDENT, court=court)
        if plan.teams:
            self.user(f"{p}-command", Role.COMMAND, court=court)
            self.user(f"{p}-funds", Role.FUND_CLERK, court=court)
            staff.clerk = self.user(f"{p}-admin", Role.ADMIN, court=court)
        return staff

    def units(self, region: Region) -> None:
        for unit_type, slug, name, liaisons in UNITS:
            unit, created = LinkageUnit.objects.get_or_create(
                region=region,
                name=name,
                defaults={
                    "unit_type": unit_type,
                    "leader_name": self.faker.name(),
                    "leader_phone": self.faker.phone_number(),
                },
            )
            if created:
                self._created("unit.created", unit, {"name": name, "unit_type": str(unit_type)})
            self.user(f"{slug}-leader", Role.UNIT_LEADER, unit=unit)
            for n in range(1, liaisons + 1):
                self.user(f"{slug}-liaison{n}", Role.LIAISON, unit=unit)
            self.unlisted(unit, UNIT_LISTS.get(slug, ()))

    def unlisted(self, unit: LinkageUnit, kinds: tuple[str, ...]) -> None:
        """The unit's own lines taking `kinds` off its type's list (the shipped time limits kept)."""
        for kind in kinds:
            shipped = DEFAULT_LISTS[unit.unit_type][kind]
            row, created = Responsibility.objects.get_or_create(
                unit=unit, request_type=kind,
                defaults={"sla_amount": shipped.sla_amount, "sla_unit": shipped.sla_unit, "handled": False},
            )  # fmt: skip
            if created:
                self._created(
                    "admin.created", row, {"unit": unit.name, "request_type": kind, "handled": False}
                )

    def bodies(self, regions: dict[str, Region]) -> None:
        for kind, slug, name, region_code in BODIES:
            body, created = SupervisoryBody.objects.get_or_create(
                region=regions[region_code], name=name, defaults={"kind": kind}
            )
            if created:
                self._created("body.created", body, {"name": name, "kind": str(kind)})
            self.user(f"{slug}-supervisor", Role.SUPERVISOR, body=body)


def build_world(seed: int, *, actor: AuditActor | str = "demo-data") -> World:
    """Create (or find) the demo organisations and users; the caller holds the transaction."""
    builder = _Builder(seed, actor)
    regions: dict[str, Region] = {}
    for code, name, parent in REGIONS:
        regions[code] = builder.region(code, name, regions.get(parent) if parent else None)
    courts = [builder.court(plan, regions) for plan in COURTS]
    builder.units(regions["500110"])
    builder.bodies(regions)
    platform_admin = User.objects.filter(username="admin").first()
    if platform_admin is None:
        qj = next(staff.court for staff in courts if staff.court.code == "渝0110")
        platform_admin = builder.user("admin", Role.ADMIN, court=qj, is_staff=True, is_superuser=True)
    if builder.entries:
        audit.append_many(builder.entries)
    return World([staff for staff in courts if staff.weight > 0], len(builder.entries))


def small_claim_threshold(court: Court) -> Decimal:
    return court.small_claim_threshold
