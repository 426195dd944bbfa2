"""One permission vocabulary (issue 13 §3): which role may do what, and on whose records.

Seeing is `visible_to(user)` (orgs/scoping.py); doing is asked here, by views, the API and actions
alike, and nowhere else:

- `can(actor, action, obj=None)`: may this actor do this — to this object, or (without one) at all,
  the question a menu, a page or a form asks before it offers anything;
- `require(actor, action, obj)`: the same, raising the coded `NotFound` (an action on someone else's
  record is answered like one on a missing record, STYLE.md);
- `restrict(queryset, actor, action)`: the rows the actor may do it to.

An actor wears one or two hats: the role of their organisation (a court role only with a court, a unit
role only with a unit, as `User.is_court_staff` and friends say), and the platform operator's when
`is_superuser`. A unit's system (an API key) acts as that unit's liaison; a sweep (`core.actors.SYSTEM`)
holds no hat and may do nothing a person does. Court actions need the object's court to be the
actor's, unit actions the object's unit to be the actor's; the operator's hat has no organisation.

`PERMISSIONS` is the table; docs/architecture.md prints it (`role_table()`), and a test keeps the two
equal and checks that no view types a role condition of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeAlias, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated

from enforcelink.core.actors import SystemActor
from enforcelink.core.errors import NotFound
from enforcelink.orgs.api_auth import UnitPrincipal
from enforcelink.orgs.models import COURT_ROLES, UNIT_ROLES, ApiKey, Court, Role, User
from enforcelink.orgs.scoping import visible

# Who acts in a web or API request: a person, or a unit's system (its key, or the principal the
# key signs in as). An `Actor` may also be a sweep or an operator's command.
RequestActor: TypeAlias = User | ApiKey | UnitPrincipal
Actor: TypeAlias = RequestActor | SystemActor

M = TypeVar("M", bound=models.Model)

OPERATOR = "operator"  # the superuser's hat: the platform's operator, of no organisation
API_KEY = "api_key"  # a unit's system, signed in with its key
ADMIN_SITE = "admin_site"  # Django's `is_staff`: may open the administration site (what it shows there is the admin's own question)
COURT, UNIT, ANY = "court", "unit", "any"


class Action(StrEnum):
    READ_COURT_RECORDS = "read_court_records"
    FILE = "file"
    WRITE = "write"
    DECIDE_EXTENSION = "decide_extension"
    REASSIGN = "reassign"
    CLOSE = "close"
    RESUME = "resume"
    REVEAL_ID = "reveal_id"
    ISSUE_DOCUMENTS = "issue_documents"
    EDIT_TEMPLATES = "edit_templates"
    EDIT_DEFAULTS = "edit_defaults"
    DRAFT_REQUEST = "draft_request"
    SEND_REQUEST = "send_request"
    APPROVE_REQUEST = "approve_request"
    FOLLOW_REQUESTS = "follow_requests"
    ACKNOWLEDGE = "acknowledge"
    REPLY = "reply"
    REPLY_BATCH = "reply_batch"
    USE_INBOX = "use_inbox"
    SEE_RESPONDENT_IDS = "see_respondent_ids"
    MESSAGE = "message"
    OVERSEE_TEAM = "oversee_team"
    OVERSEE_COURT = "oversee_court"
    VIEW_OVERDUE = "view_overdue"
    VIEW_PERFORMANCE = "view_performance"
    ADMINISTER_LISTS = "administer_lists"
    OPEN_ADMIN = "open_admin"
    HANDLE_CASES = "handle_cases"
    MONITOR_COURT = "monitor_court"
    SUPERVISE_REGION = "supervise_region"
    VIEW_SETUP = "view_setup"
    INQUIRE_ASSETS = "inquire_assets"
    REVIEW_INQUIRIES = "review_inquiries"
    BOOK_FUNDS = "book_funds"
    CONTROL_ASSETS = "control_assets"
    PROPOSE_PAYOUT = "propose_payout"
    APPROVE_PAYOUT = "approve_payout"
    PAY_OUT = "pay_out"


@dataclass(frozen=True)
class Rule:
    """Who (`hats`) may do it, where (`scope`: the object's court, its unit, or anywhere visible),
    and what it means, as docs/architecture.md prints it."""

    hats: frozenset[str]
    scope: str
    meaning: str


def _hats(*names: str) -> frozenset[str]:
    return frozenset(names)


# The fund clerk keeps the court's custody account (issue 15): reads the court's cases, books and
# pays money, and does nothing else a court's staff do (file, write, close, send requests).
FUND_CLERK = _hats(Role.FUND_CLERK)
ALL_COURT = _hats(*COURT_ROLES) - FUND_CLERK
ALL_UNIT = _hats(*UNIT_ROLES, API_KEY)

PERMISSIONS: Mapping[Action, Rule] = {
    Action.READ_COURT_RECORDS: Rule(
        ALL_COURT | FUND_CLERK | _hats(Role.SUPERVISOR, OPERATOR),
        ANY,
        "browse cases and judgments (what `visible_to` lets through)",
    ),
    Action.FILE: Rule(ALL_COURT, COURT, "立案; register a judgment for urging"),
    Action.WRITE: Rule(
        ALL_COURT, COURT, "record steps, suspensions and extension requests; follow up a judgment"
    ),
    Action.DECIDE_EXTENSION: Rule(_hats(Role.PRESIDENT), COURT, "decide an extension request (R-CASE-03)"),
    Action.REASSIGN: Rule(_hats(Role.TEAM_LEADER, Role.PRESIDENT), COURT, "reassign a case (R-CASE-06)"),
    Action.CLOSE: Rule(ALL_COURT, COURT, "close a case (结案)"),
    Action.RESUME: Rule(ALL_COURT, COURT, "resume a closed case (恢复执行)"),
    Action.REVEAL_ID: Rule(ALL_COURT, COURT, "see a party's whole ID number, logged (R-ID-05)"),
    Action.ISSUE_DOCUMENTS: Rule(ALL_COURT, COURT, "issue documents, one or a batch"),
    Action.EDIT_TEMPLATES: Rule(_hats(Role.ADMIN, OPERATOR), COURT, "edit a court's document templates"),
    Action.EDIT_DEFAULTS: Rule(
        _hats(OPERATOR), ANY, "edit the defaults every court starts from (templates, node rules)"
    ),
    Action.DRAFT_REQUEST: Rule(ALL_COURT | {OPERATOR}, COURT, "draft an assistance request"),
    Action.SEND_REQUEST: Rule(ALL_COURT, COURT, "send, cancel or withdraw assistance requests"),
    Action.APPROVE_REQUEST: Rule(
        _hats(Role.TEAM_LEADER, Role.PRESIDENT), COURT, "approve or refuse a request (four eyes)"
    ),
    Action.FOLLOW_REQUESTS: Rule(ALL_COURT, COURT, "the court's list of requests still unanswered"),
    Action.ACKNOWLEDGE: Rule(ALL_UNIT, UNIT, "acknowledge and start a request sent to the unit"),
    Action.REPLY: Rule(ALL_UNIT, UNIT, "answer, reject or refuse a request; reply sheets"),
    Action.REPLY_BATCH: Rule(
        _hats(API_KEY), UNIT, "answer up to 500 requests in one call (the unit's system)"
    ),
    Action.USE_INBOX: Rule(_hats(*UNIT_ROLES), UNIT, "the unit's inbox and reply sheets on the web"),
    Action.SEE_RESPONDENT_IDS: Rule(
        ALL_UNIT, UNIT, "see the respondents' whole ID numbers on requests sent to the unit, logged (R-ID-05)"
    ),
    Action.MESSAGE: Rule(ALL_COURT | ALL_UNIT, ANY, "write in a request's thread (court or unit side)"),
    Action.OVERSEE_TEAM: Rule(_hats(Role.TEAM_LEADER), COURT, "lists over the team's cases"),
    Action.OVERSEE_COURT: Rule(_hats(Role.COMMAND, Role.PRESIDENT), COURT, "lists over the whole court"),
    Action.VIEW_OVERDUE: Rule(
        _hats(Role.COMMAND, Role.PRESIDENT, Role.TEAM_LEADER, OPERATOR), COURT, "the overdue-nodes list"
    ),
    Action.VIEW_PERFORMANCE: Rule(
        ALL_COURT | _hats(*UNIT_ROLES, Role.SUPERVISOR, OPERATOR), ANY, "unit performance (办理效能)"
    ),
    Action.ADMINISTER_LISTS: Rule(_hats(OPERATOR), ANY, "administer units' responsibility lists"),
    Action.OPEN_ADMIN: Rule(
        _hats(Role.ADMIN, ADMIN_SITE),
        ANY,
        "open the administration site (a court's administrator, or `is_staff`)",
    ),
    Action.HANDLE_CASES: Rule(
        _hats(Role.OFFICER, Role.TEAM_LEADER),
        COURT,
        "handle cases as their 承办人: the home's own cases and node lights",
    ),
    Action.MONITOR_COURT: Rule(
        _hats(Role.COMMAND),
        COURT,
        "the command centre's watch: the court's overdue nodes, requests unanswered by unit",
    ),
    Action.SUPERVISE_REGION: Rule(
        _hats(Role.SUPERVISOR), ANY, "the figures of the courts and units of the body's region"
    ),
    Action.VIEW_SETUP: Rule(
        _hats(Role.ADMIN, OPERATOR, ADMIN_SITE),
        ANY,
        "the set-up status: courts, units without liaisons, lists, API keys",
    ),
    Action.INQUIRE_ASSETS: Rule(
        _hats(Role.OFFICER, Role.TEAM_LEADER),
        COURT,
        "one-click inquiry into a case's respondents' property (R-ASSET-01); property report, leads",
    ),
    Action.REVIEW_INQUIRIES: Rule(
        _hats(Role.SUPERVISOR), ANY, "review a random sample of inquiries and record a verdict (R-ASSET-01)"
    ),
    Action.BOOK_FUNDS: Rule(
        FUND_CLERK,
        COURT,
        "book receipts, import the custody account's statements, identify unmatched money, reverse an entry",
    ),
    Action.CONTROL_ASSETS: Rule(
        _hats(Role.OFFICER, Role.TEAM_LEADER),
        COURT,
        "freeze, deduct, seize, detain and release a case's property under its budget (R-ASSET-02/03)",
    ),
    Action.PROPOSE_PAYOUT: Rule(
        _hats(Role.OFFICER, Role.TEAM_LEADER),
        COURT,
        "propose paying a case's money to the applicant, or its surplus back to the debtor (R-FUND-02)",
    ),
    Action.APPROVE_PAYOUT: Rule(
        _hats(Role.TEAM_LEADER, Role.PRESIDENT),
        COURT,
        "approve or refuse a proposed payout (four eyes: never one's own proposal, R-FUND-02)",
    ),
    Action.PAY_OUT: Rule(
        FUND_CLERK,
        COURT,
        "make the bank's payment file; record payouts paid, returned by the bank or lodged (R-FUND-02)",
    ),
}


# The column a role needs filled to be worn: a court role without a court is no court role.
ORGANISATION_OF_ROLE: dict[str, str] = {
    **dict.fromkeys(COURT_ROLES, "court_id"),
    **dict.fromkeys(UNIT_ROLES, "unit_id"),
    Role.SUPERVISOR: "body_id",
}


# `hats`, `can`, `require` and `restrict` take any object as the actor on purpose: a page passes
# `request.user` as it comes (an AnonymousUser, a deactivated person), and the answer for anything
# that is not a live Actor is "nothing".
def hats(actor: Any) -> frozenset[str]:
    """The hats an actor wears now: none for an inactive person, a revoked key or a sweep."""
    if isinstance(actor, SystemActor) or actor is None:
        return frozenset()
    if isinstance(actor, ApiKey):
        return _hats(API_KEY) if actor.revoked_at is None else frozenset()
    if isinstance(actor, UnitPrincipal):
        return _hats(API_KEY) if actor.api_key.revoked_at is None else frozenset()
    if not (getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", False)):
        return frozenset()
    worn: set[str] = {OPERATOR} if getattr(actor, "is_superuser", False) else set()
    if getattr(actor, "is_staff", False):
        worn.add(ADMIN_SITE)
    role = getattr(actor, "role", "")
    organisation = ORGANISATION_OF_ROLE.get(role)
    if organisation is not None and getattr(actor, organisation, None) is not None:
        worn.add(role)
    return frozenset(worn)


def person(actor: Actor | None) -> User | None:
    """The person behind an actor, for the columns that name one: None for a unit's system (its key
    has a column of its own) and for a sweep."""
    return actor if isinstance(actor, User) else None


def actor_of(request: Any) -> RequestActor:
    """Who acts in a web or API request: the unit's key when the API was called with one, else the
    signed-in person. Anyone else (an anonymous caller never reaches a view that asks) is refused."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiKey):
        return auth
    user = request.user
    if isinstance(user, User | UnitPrincipal):
        return user
    raise PermissionDenied


def signed_in(request: Any) -> User:
    """The person signed in, for the pages and endpoints only people use."""
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        return user
    raise PermissionDenied


def court_of(obj: Any) -> int | None:
    """The court a record belongs to: the court itself, its own `court_id`, or its case's (a
    request, a party)."""
    if isinstance(obj, Court):
        return int(obj.pk)
    court_id = getattr(obj, "court_id", None)
    if court_id is not None:
        return int(court_id)
    case = getattr(obj, "case", None)
    return None if case is None else int(case.court_id)


def _in_scope(actor: Any, hat: str, obj: Any) -> bool:
    """A court hat acts on its court's records, a unit hat on its unit's, the operator anywhere; a
    supervisor (who only reads) on what it can see: a court of its body's region, or a record of
    one (one query)."""
    if obj is None or hat in (OPERATOR, ADMIN_SITE):
        return True
    if hat in COURT_ROLES:
        return court_of(obj) == actor.court_id
    if hat in UNIT_ROLES or hat == API_KEY:
        return getattr(obj, "unit_id", None) == actor.unit_id
    if hat == Role.SUPERVISOR:
        court_id = court_of(obj)
        return court_id is not None and Court.objects.visible_to(actor).filter(pk=court_id).exists()
    return False


def can(actor: Any, action: Action, obj: Any = None) -> bool:
    """May `actor` do `action` (to `obj`, when given)? Without an object: is there any record it may
    do it to, which is what a page asks before it offers a form."""
    rule = PERMISSIONS[action]
    allowed = any(_in_scope(actor, hat, obj) for hat in hats(actor) & rule.hats)
    if allowed and action is Action.APPROVE_REQUEST and obj is not None:
        return not is_own_request(actor, obj)
    if allowed and action is Action.APPROVE_PAYOUT and obj is not None:
        # Four eyes (R-FUND-02): a payout is not approved by who proposed it.
        return getattr(obj, "proposed_by_id", None) != getattr(actor, "pk", None)
    return allowed


def require(actor: Any, action: Action, obj: Any = None, *, field: str = "") -> None:
    """`can`, or the coded "not found" that a missing record gets too."""
    if not can(actor, action, obj):
        raise NotFound(field=field) if field else NotFound()


def restrict(
    queryset: models.QuerySet[M], actor: Any, action: Action, court_field: str = "court"
) -> models.QuerySet[M]:
    """The rows of `queryset` the actor may see (`visible_to`) and do `action` to: a court hat its
    court's rows (`court_field` names the path to the row's court, e.g. "case__court" for
    requests), a unit hat its unit's, the operator and a supervisor what they see."""
    worn = hats(actor) & PERMISSIONS[action].hats
    if not worn:
        return queryset.none()
    seen = visible(queryset, actor)
    if worn & {OPERATOR, ADMIN_SITE, Role.SUPERVISOR}:
        return seen
    if worn & COURT_ROLES:
        return seen.filter(**{court_field: actor.court_id})
    return seen.filter(unit_id=actor.unit_id)


def holders(
    action: Action, *, court_id: int | None = None, unit_id: int | None = None
) -> models.QuerySet[User]:
    """The active people of one court (or unit) whose role the table lets do `action` there: whom
    to tell that something waits for them (the approvers of a court, the liaisons of a unit)."""
    roles = [hat for hat in PERMISSIONS[action].hats if hat in COURT_ROLES or hat in UNIT_ROLES]
    if (court_id is None) == (unit_id is None):
        raise ValueError("holders of one court or one unit")
    place = {"court_id": court_id} if court_id is not None else {"unit_id": unit_id}
    return User.objects.filter(role__in=sorted(roles), is_active=True, **place)


def is_own_request(actor: Any, request: Any) -> bool:
    """Four eyes: a request is not approved by who drafted it, nor by who put it before an approver
    (an approver who sends a colleague's draft does not then approve it). Reads the latest
    "submitted" event of the request."""
    pk = getattr(actor, "pk", None)
    if pk is None:
        return False
    submitted = (
        request.events.filter(kind="submitted")
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    return pk in (request.created_by_id, submitted)


class CourtStaffWritesOnly(IsAuthenticated):
    """The default of every /api/v1/ view (settings.ENFORCELINK_API_PERMISSION): reads follow
    `visible_to`; writes need someone who may write a court's records (`Action.WRITE`). Supervisors
    read the courts of their region but never write; a unit's key is no court's staff."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or can(request.user, Action.WRITE)


class UnitWrites(IsAuthenticated):
    """Acknowledging and replying: for a unit's liaison or its system (`Action.REPLY`); which request
    is the unit's own is the action's question."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return super().has_permission(request, view) and can(request.user, Action.REPLY)


class May(Mapping[str, bool]):
    """`may` in every template: `{% if may.send_request %}` asks `can(user, "send_request")`."""

    def __init__(self, user: Any):
        self.user = user

    def __getitem__(self, name: str) -> bool:
        try:
            action = Action(name)
        except ValueError:
            raise KeyError(name) from None  # a misspelt name fails in tests (string_if_invalid)
        return can(self.user, action)

    def __iter__(self) -> Iterator[str]:
        return iter(Action)

    def __len__(self) -> int:
        return len(Action)


def may(request: Any) -> dict[str, May]:
    """Template context processor: what the signed-in user may do, for menus and buttons."""
    return {"may": May(getattr(request, "user", None))}


def role_table() -> str:
    """The role × action table of docs/architecture.md, in Markdown, from `PERMISSIONS`."""
    columns = [*(str(role) for role in Role.values), API_KEY, OPERATOR, ADMIN_SITE]
    lines = [
        "| action | where | " + " | ".join(columns) + " | what it is |",
        "|---|---|" + "---|" * len(columns) + "---|",
    ]
    for action, rule in PERMISSIONS.items():
        marks = " | ".join("✓" if column in rule.hats else "" for column in columns)
        lines.append(f"| `{action}` | {rule.scope} | {marks} | {rule.meaning} |")
    return "\n".join(lines)
