"""Regions, courts and teams, linkage units, supervisory bodies, and the people in them."""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcelink.orgs.scoping import body_scope, court_scope, unit_directory_scope, unit_scope, user_scope


class Region(models.Model):
    """An administrative division; `path` ("500000/500110/") makes subtree queries a prefix match."""

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent region"),
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class CourtLevel(models.TextChoices):
    HIGH = "high", _("High court")
    INTERMEDIATE = "intermediate", _("Intermediate court")
    BASIC = "basic", _("Basic court")


class CourtQuerySet(models.QuerySet["Court"]):
    def visible_to(self, user: Any) -> CourtQuerySet:
        return self.filter(court_scope(user, court_field=""))


class Court(models.Model):
    """A people's court; `code` per R-ID-03 (渝, 粤07, 渝0110)."""

    code = models.CharField(_("court code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=CourtLevel.choices, default=CourtLevel.BASIC)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courts",
        verbose_name=_("region"),
    )
    small_claim_threshold = models.DecimalField(
        _("small-claim threshold (yuan)"), max_digits=16, decimal_places=2, default=Decimal("50000.00")
    )
    require_2fa = models.BooleanField(
        _("require two-factor sign-in"),
        default=False,
        help_text=_("Staff of this court must enrol an authenticator app before they can work."),
    )
    # R-FUND-02: an approval by a team leader or the president, *configurable* above an amount.
    payout_president_above = models.DecimalField(
        _("payouts the president approves: above (yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_(
            "A payout of more than this amount is approved by the president; up to it, by a team leader "
            "or the president. Empty: a team leader or the president approves any amount. Every payout "
            "is approved by someone other than who proposed it."
        ),
    )

    objects = CourtQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(payout_president_above__isnull=True) | Q(payout_president_above__gte=0),
                name="court_payout_president_above_not_negative",
            ),
        ]
        verbose_name = _("court")
        verbose_name_plural = _("courts")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class TeamQuerySet(models.QuerySet["Team"]):
    def visible_to(self, user: Any) -> TeamQuerySet:
        return self.filter(court_scope(user))


class Team(models.Model):
    """An enforcement team (执行团队) of a court."""

    court = models.ForeignKey(Court, on_delete=models.CASCADE, related_name="teams", verbose_name=_("court"))
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["court", "name"]
        constraints = [models.UniqueConstraint(fields=["court", "name"], name="team_name_per_court")]
        verbose_name = _("enforcement team")
        verbose_name_plural = _("enforcement teams")

    def __str__(self) -> str:
        return self.name


class UnitType(models.TextChoices):
    POLICE = "police", _("Public security")
    BANK = "bank", _("Bank or insurer")
    REAL_ESTATE = "real_estate", _("Real-estate registry / natural resources")
    VEHICLE = "vehicle", _("Vehicle administration")
    MARKET = "market", _("Market regulator")
    TAX = "tax", _("Tax bureau")
    HOUSING_FUND = "housing_fund", _("Housing fund centre")
    SOCIAL_SECURITY = "social_security", _("Human resources and social security")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    TELECOM = "telecom", _("Telecom operator")
    CREDIT = "credit", _("Development and reform / credit office")
    DISCIPLINE = "discipline", _("Discipline inspection commission")
    ORGANISATION = "organisation", _("Organisation department")
    CONGRESS = "congress", _("People's congress / CPPCC")
    NOTARY = "notary", _("Notary office")
    GRID = "grid", _("Grid governance office")
    SOE = "soe", _("State-owned enterprise")
    MEDIA = "media", _("Media centre")
    JUSTICE = "justice", _("Justice bureau")
    SECURITIES = "securities", _("Securities depository and clearing")  # 中国证券登记结算
    MARITIME = "maritime", _("Maritime administration (ship registry)")  # 海事局船舶登记
    OTHER = "other", _("Other")


class LinkageUnitQuerySet(models.QuerySet["LinkageUnit"]):
    def visible_to(self, user: Any) -> LinkageUnitQuerySet:
        return self.filter(unit_directory_scope(user))


class LinkageUnit(models.Model):
    """A unit that assists enforcement (联动单位), with its supervising leader (分管领导)."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="units", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=150)
    unit_type = models.CharField(_("unit type"), max_length=32, choices=UnitType.choices)
    leader_name = models.CharField(_("supervising leader"), max_length=50, blank=True)
    leader_phone = models.CharField(_("leader's phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)
    require_2fa = models.BooleanField(
        _("require two-factor sign-in"),
        default=False,
        help_text=_("Staff of this unit must enrol an authenticator app before they can work."),
    )

    objects = LinkageUnitQuerySet.as_manager()

    class Meta:
        ordering = ["region", "unit_type", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_name_per_region")]
        verbose_name = _("linkage unit")
        verbose_name_plural = _("linkage units")

    def __str__(self) -> str:
        return self.name


class BodyKind(models.TextChoices):
    CONGRESS = "congress", _("People's congress standing committee")
    POLITICAL_LEGAL = "political_legal", _("Political-legal committee")
    CPPCC = "cppcc", _("CPPCC")


class SupervisoryBodyQuerySet(models.QuerySet["SupervisoryBody"]):
    def visible_to(self, user: Any) -> SupervisoryBodyQuerySet:
        return self.filter(body_scope(user))


class SupervisoryBody(models.Model):
    """Reads the figures of every court in its region (人大, 政法委)."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="supervisory_bodies", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=32, choices=BodyKind.choices)

    objects = SupervisoryBodyQuerySet.as_manager()

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("supervisory body")
        verbose_name_plural = _("supervisory bodies")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFICER = "officer", _("Enforcement officer")
    TEAM_LEADER = "team_leader", _("Team leader")
    COMMAND = "command", _("Command-centre operator")
    PRESIDENT = "president", _("Court president (approver)")
    FUND_CLERK = "fund_clerk", _("Fund clerk (执行款管理)")
    LIAISON = "liaison", _("Liaison")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")


COURT_ROLES = {Role.OFFICER, Role.TEAM_LEADER, Role.COMMAND, Role.PRESIDENT, Role.ADMIN, Role.FUND_CLERK}
UNIT_ROLES = {Role.LIAISON, Role.UNIT_LEADER}


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, user: Any) -> UserQuerySet:
        return self.filter(user_scope(user))


class UserManager(AuthUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager (create_user, create_superuser) with `visible_to`."""


class User(AbstractUser):
    """A person with exactly one role in exactly one organisation (court, unit or supervisory body)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    court = models.ForeignKey(
        Court, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name=_("court")
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members", verbose_name=_("team")
    )
    unit = models.ForeignKey(
        LinkageUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("linkage unit"),
    )
    body = models.ForeignKey(
        SupervisoryBody,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("supervisory body"),
    )

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    # Django's first_name/last_name stay empty: the admin's "welcome" and anything else asking
    # Django for a person's name gets the name people know them by (login names are for signing in).
    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)

    @property
    def is_court_staff(self) -> bool:
        return self.court_id is not None and self.role in COURT_ROLES

    @property
    def is_unit_staff(self) -> bool:
        return self.unit_id is not None and self.role in UNIT_ROLES

    @property
    def is_supervisor(self) -> bool:
        return self.body_id is not None and self.role == Role.SUPERVISOR

    def clean(self) -> None:
        """A role belongs to its kind of organisation, and a person to one organisation only."""
        super().clean()
        errors: dict[str, Any] = {}
        if len([org for org in (self.court_id, self.unit_id, self.body_id) if org is not None]) > 1:
            errors["__all__"] = _("A user belongs to one organisation: a court, a unit or a body.")
        if self.role in COURT_ROLES - {Role.ADMIN} and self.court_id is None:
            errors["court"] = _("This role works in a court: choose the court.")
        if self.role in UNIT_ROLES and self.unit_id is None:
            errors["unit"] = _("This role works in a linkage unit: choose the unit.")
        if self.role == Role.SUPERVISOR and self.body_id is None:
            errors["body"] = _("A supervisor belongs to a supervisory body: choose the body.")
        if self.team_id is not None and (self.team is None or self.team.court_id != self.court_id):
            errors["team"] = _("The team belongs to another court.")
        if errors:
            raise ValidationError(errors)


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def visible_to(self, user: Any) -> ApiKeyQuerySet:
        return self.filter(unit_scope(user))


class ApiKey(models.Model):
    """A machine credential for one linkage unit's system; only the hash is stored."""

    unit = models.ForeignKey(
        LinkageUnit, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("linkage unit")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.unit} / {self.name} ({self.prefix}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def new_secret() -> tuple[str, str]:
        prefix = secrets.token_hex(4)
        return prefix, f"el_{prefix}_{secrets.token_urlsafe(32)}"
