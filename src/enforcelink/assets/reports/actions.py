"""Writes of the debtor's property report (报告财产令, CPL Art.252; R-LIST-01 (4)): opened when the
order is issued (`document.issued`), entered by staff or filled in by the debtor through a one-time
link, compared with the asset records the inquiries found, and the grounds for sanctions it gives
(late, false, none) confirmed or dismissed by an officer.

Every action runs in one transaction, locks the report before the trail's head, and appends its
audit entry inside it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from enforcelink.assets.models import AssetRecord
from enforcelink.assets.reports import policy
from enforcelink.assets.reports.models import (
    FindingKind,
    FindingStatus,
    PropertyReport,
    ReportChannel,
    ReportedItem,
    ReportedKind,
    ReportFinding,
    ReportLink,
    ReportStatus,
)
from enforcelink.cases.actions import ensure_open
from enforcelink.cases.models import Case
from enforcelink.core import audit
from enforcelink.core.actors import SystemActor
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.money import parse_amount
from enforcelink.core.notifications import notify
from enforcelink.core.text import clean_text
from enforcelink.documents.models import Document, DocumentKind
from enforcelink.documents.placeholders import DEFAULTS, whole_number
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, require

# Who the trail names for the debtor's own report through the link, and for the daily sweep.
REPORT_LINK = SystemActor("assets:report-link")
REPORT_SWEEP = SystemActor("assets:report-deadline")
MAX_ITEMS = 100
LINK_DAYS = 7  # a link expires a week after it is made (a new one replaces it)
LINK_SALT = "enforcelink.assets.report-link"


# --- opened by the order -------------------------------------------------------------------------


def report_on_order(
    *, case_id: int, document_id: int, kind: str, issued_on: dt.date, extra: dict[str, Any], actor: Any,
    **_payload: Any,
) -> PropertyReport | None:  # fmt: skip
    """`document.issued` listener: the 报告财产令 opens the debtor's report, due on the day the order
    prints (its `report_days`, default 5, counted as `documents.placeholders` counts it). A report
    of the case still awaited is superseded by it (`_supersede`): one duty, one deadline."""
    if kind != DocumentKind.PROPERTY_REPORT_ORDER:
        return None
    days = whole_number(extra, "report_days", DEFAULTS["report_days"], 1, 99)
    due = policy.report_due(issued_on, days)
    # The case, then its awaited reports (the order every writer of a report takes).
    case = Case.objects.select_for_update().only("pk", "court_id").get(pk=case_id)
    open_reports = list(
        PropertyReport.objects.select_for_update()
        .filter(case_id=case_id, status=ReportStatus.AWAITING)
        .order_by("pk")
    )
    report = PropertyReport.objects.create(
        case_id=case_id, order_id=document_id, ordered_on=issued_on, due_on=due.due, trace=due.trace
    )
    audit.record(
        "property_report.opened", report, actor=actor, case_id=case_id, court_id=case.court_id,
        after={"order": document_id, "ordered_on": issued_on, "days": days, "due_on": due.due},
    )  # fmt: skip
    for old in open_reports:
        _supersede(old, report, court_id=case.court_id, actor=actor)
    return report


def _supersede(old: PropertyReport, new: PropertyReport, *, court_id: int, actor: Any) -> None:
    """A second order issued while `old` was awaited replaces it: `old` is closed as superseded with
    the reason, its unused one-time links stop opening (`link_open` says why), and the deadline
    sweep no longer reads it (it takes awaited reports only), so its deadline gives no "no report"
    ground; what it already gave stays for the officer to decide (R-LIST-01 (4))."""
    number = Document.objects.filter(pk=new.order_id).values_list("number", flat=True).first() or ""
    old.status, old.superseded_by = ReportStatus.SUPERSEDED, new
    old.closed_reason = _(
        "Replaced by the property-report order %(number)s of %(day)s: the report is now due on %(due)s."
    ) % {"number": number, "day": new.ordered_on.isoformat(), "due": new.due_on.isoformat()}
    old.save(update_fields=["status", "superseded_by", "closed_reason"])
    revoked = ReportLink.objects.filter(report=old, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit.record(
        "property_report.superseded", old, actor=actor, case_id=old.case_id, court_id=court_id,
        after={"order": old.order_id, "due_on": old.due_on, "superseded_by": new.pk, "new_order": number,
               "new_due_on": new.due_on, "links_revoked": revoked, "reason": old.closed_reason},
    )  # fmt: skip


# --- the report itself ---------------------------------------------------------------------------


@dataclass
class CleanItem:
    kind: str
    institution: str
    identifier: str
    description: str
    value: Decimal | None


def _text(row: dict[str, Any], name: str, n: int, length: int) -> str:
    return clean_text(str(row.get(name) or "").strip(), field=f"items.{n}.{name}", max_length=length)


def clean_items(items: Any) -> list[CleanItem]:
    """Each item: a kind, and an identifier (account, certificate, plate, company) or a description;
    a value in yuan where given. A bad item names its place (`items.2.kind`)."""
    if not isinstance(items, list | tuple):
        raise InvalidInput("ITEMS_INVALID", _("List the property reported."), field="items")
    if len(items) > MAX_ITEMS:
        raise InvalidInput(
            "ITEMS_INVALID", _("At most %(max)d items in one report.") % {"max": MAX_ITEMS}, field="items"
        )
    cleaned = []
    for n, row in enumerate(items):
        if not isinstance(row, dict) or row.get("kind") not in ReportedKind.values:
            raise InvalidInput("KIND_INVALID", _("Choose the kind of property."), field=f"items.{n}.kind")
        item = CleanItem(
            kind=row["kind"], institution=_text(row, "institution", n, 200),
            identifier=_text(row, "identifier", n, 200), description=_text(row, "description", n, 500),
            value=None,
        )  # fmt: skip
        if not (item.identifier or item.description):
            raise InvalidInput(
                "ITEM_EMPTY",
                _("Give the account, certificate, plate or a description of the property."),
                field=f"items.{n}.identifier",
            )
        if row.get("value") not in (None, ""):
            item.value = parse_amount(row["value"], field_name=f"items.{n}.value")
        cleaned.append(item)
    return cleaned


def _clean_report(items: Any, declares_nothing: bool, statement: Any) -> tuple[list[CleanItem], str]:
    cleaned = clean_items(items)
    text = clean_text(str(statement or "").strip(), field="statement", multiline=True, max_length=5000)
    if not cleaned and not declares_nothing:
        raise InvalidInput(
            "REPORT_EMPTY", _("List the property, or state that the debtor has none."), field="items"
        )
    if cleaned and declares_nothing:
        raise InvalidInput(
            "REPORT_CONTRADICTS",
            _("A report that lists property cannot also declare none."),
            field="declares_nothing",
        )
    return cleaned, text


def _lock(report: PropertyReport) -> PropertyReport:
    """The report locked after its case (the order every writer of the case takes)."""
    _lock_case(PropertyReport, report.pk)
    locked = (
        PropertyReport.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(pk=report.pk)
        .first()
    )
    if locked is None:
        raise NotFound(field="report")
    return locked


def _lock_case(model: type[PropertyReport] | type[ReportFinding], pk: int) -> None:
    case_id = model.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise NotFound()
    list(Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True))


def _receive(
    report: PropertyReport, items: list[CleanItem], *, declares_nothing: bool, statement: str, on: dt.date,
    channel: str, entered_by: User | None, actor: Any,
) -> PropertyReport:  # fmt: skip
    """Store a report on the locked row, then compare it; the caller holds the transaction."""
    _not_superseded(report)
    if report.status != ReportStatus.AWAITING:
        raise RuleViolation(
            "REPORT_ALREADY_RECEIVED",
            _("The report was already received on %(day)s.") % {"day": report.reported_on},
            field="items",
        )
    report.status, report.reported_on, report.channel = ReportStatus.REPORTED, on, channel
    report.entered_by, report.declares_nothing, report.statement = entered_by, declares_nothing, statement
    report.save(
        update_fields=["status", "reported_on", "channel", "entered_by", "declares_nothing", "statement"]
    )
    ReportedItem.objects.bulk_create(
        [
            ReportedItem(report=report, kind=i.kind, institution=i.institution, identifier=i.identifier,
                         description=i.description, value=i.value)
            for i in items
        ]
    )  # fmt: skip
    audit.record(
        "property_report.received", report, actor=actor, case_id=report.case_id, court_id=report.case.court_id,
        after={"on": on, "channel": channel, "items": len(items), "declares_nothing": declares_nothing,
               "due_on": report.due_on, "late": on > report.due_on},
    )  # fmt: skip
    _compare(report, actor=actor)
    return report


def _not_superseded(report: PropertyReport) -> None:
    if report.status == ReportStatus.SUPERSEDED:
        raise RuleViolation(
            "REPORT_SUPERSEDED",
            _("A newer property-report order replaced this one: enter the report under the newer order."),
            field="report",
        )


def report_enter(
    report: PropertyReport, *, actor: User, items: Any = (), declares_nothing: bool = False, statement: Any = "",
    on: dt.date | None = None,
) -> PropertyReport:  # fmt: skip
    """Court staff enter the debtor's report as received on `on` (default today), then it is
    compared with what the inquiries found (R-LIST-01 (4))."""
    require(actor, Action.INQUIRE_ASSETS, report.case, field="report")
    cleaned, text = _clean_report(items, bool(declares_nothing), statement)
    today = timezone.localdate()
    on = on or today
    if on > today or on < report.ordered_on:
        raise InvalidInput(
            "DATE_INVALID", _("The report arrives between the order's day and today."), field="on"
        )
    with transaction.atomic():
        locked = _lock(report)
        return _receive(
            locked, cleaned, declares_nothing=bool(declares_nothing), statement=text, on=on,
            channel=ReportChannel.STAFF, entered_by=actor, actor=actor,
        )  # fmt: skip


# --- comparison and findings (R-LIST-01 (4)) -----------------------------------------------------


def _compare(report: PropertyReport, *, actor: Any) -> policy.Comparison:
    """Match the report's items with the case's asset records and record the grounds it gives."""
    items = list(report.items.order_by("pk"))
    records = list(AssetRecord.objects.filter(case_id=report.case_id).order_by("pk"))
    result = policy.compare(
        [policy.Item(i.pk, i.kind, policy.item_key(i.kind, i.institution, i.identifier, i.description), i.identifier)
         for i in items],
        [policy.Found(r.pk, r.kind, r.key, r.identifier) for r in records],
    )  # fmt: skip
    for item in items:
        matched = result.matched.get(item.pk)
        if item.record_id != matched:
            item.record_id = matched
            item.save(update_fields=["record"])
    report.compared_at = timezone.now()
    report.save(update_fields=["compared_at"])
    kinds = policy.findings(report.due_on, report.reported_on, result.left_out, timezone.localdate())
    for kind in kinds:
        _raise(report, kind, result.left_out, actor=actor)
    if report.reported_on is not None:
        _supersede_none(report, actor=actor)
    audit.record(
        "property_report.compared", report, actor=actor, case_id=report.case_id, court_id=report.case.court_id,
        after={"matched": len(result.matched), "left_out": result.left_out, "unfound": len(result.unfound),
               "findings": kinds},
    )  # fmt: skip
    return result


def _detail(report: PropertyReport, kind: str, left_out: list[int]) -> str:
    if kind == FindingKind.NONE:
        return _("No report by %(due)s.") % {"due": report.due_on}
    if kind == FindingKind.LATE:
        return _("Due on %(due)s, reported on %(on)s.") % {"due": report.due_on, "on": report.reported_on}
    return _("%(count)d assets found by the inquiries are not in the report.") % {"count": len(left_out)}


def _raise(report: PropertyReport, kind: str, left_out: list[int], *, actor: Any) -> ReportFinding | None:
    """A finding of this kind, once per report; an open "false" one follows the latest comparison."""
    finding = ReportFinding.objects.filter(report=report, kind=kind).first()
    if finding is not None:
        if kind == FindingKind.FALSE and finding.status == FindingStatus.OPEN:
            finding.detail = _detail(report, kind, left_out)
            finding.save(update_fields=["detail"])
            finding.records.set(left_out)
        return None
    finding = ReportFinding.objects.create(
        case_id=report.case_id, report=report, kind=kind, detail=_detail(report, kind, left_out)
    )
    if kind == FindingKind.FALSE:
        finding.records.set(left_out)
    audit.record(
        "report_finding.raised", finding, actor=actor, case_id=report.case_id, court_id=report.case.court_id,
        after={"kind": kind, "report": report.pk, "detail": finding.detail, "records": left_out if kind == "false" else []},
    )  # fmt: skip
    officer = report.case.officer_id
    if officer:
        notify(
            [officer], kind="report_finding.raised", case_id=report.case_id,
            message=_("%(number)s: %(finding)s") % {"number": report.case.number, "finding": finding.detail},
            url=reverse("case-detail", args=[report.case_id]) + "#property-report",
        )  # fmt: skip
    return finding


def _supersede_none(report: PropertyReport, *, actor: Any) -> None:
    """A report that came after all answers the open "no report" finding: the late report is decided
    instead (one ground, not two)."""
    for finding in ReportFinding.objects.filter(
        report=report, kind=FindingKind.NONE, status=FindingStatus.OPEN
    ):
        finding.status, finding.decided_at = FindingStatus.DISMISSED, timezone.now()
        finding.reason = _("The report arrived on %(on)s; it is decided as a late report.") % {
            "on": report.reported_on
        }
        finding.save(update_fields=["status", "decided_at", "reason"])
        audit.record(
            "report_finding.decided", finding, actor=actor, case_id=report.case_id, court_id=report.case.court_id,
            after={"kind": finding.kind, "decision": finding.status, "reason": finding.reason},
        )  # fmt: skip


def report_compare(report: PropertyReport, *, actor: User) -> policy.Comparison:
    """Compare a received report again (the inquiries found more since)."""
    require(actor, Action.INQUIRE_ASSETS, report.case, field="report")
    with transaction.atomic():
        locked = _lock(report)
        if locked.status != ReportStatus.REPORTED:
            raise RuleViolation("REPORT_NOT_RECEIVED", _("The debtor has not reported yet."), field="report")
        return _compare(locked, actor=actor)


def finding_decide(finding: ReportFinding, *, decision: str, reason: Any, actor: User) -> ReportFinding:
    """An officer confirms a ground for sanctions (R-LIST-01 (4)) or dismisses it, with a reason;
    once. Another court's finding, like a missing one, is "not found"."""
    require(actor, Action.INQUIRE_ASSETS, finding.case, field="finding")
    reason = clean_text(str(reason or "").strip(), field="reason", multiline=True, max_length=500)
    policy.check_decision(decision, reason)
    with transaction.atomic():
        _lock_case(ReportFinding, finding.pk)
        locked = (
            ReportFinding.objects.select_for_update(of=("self",))
            .select_related("case")
            .filter(pk=finding.pk)
            .first()
        )
        if locked is None:
            raise NotFound(field="finding")
        if locked.status != FindingStatus.OPEN:
            raise RuleViolation(
                "FINDING_DECIDED", _("This finding was already %(status)s.") % {"status": locked.get_status_display()},
                field="decision",
            )  # fmt: skip
        locked.status, locked.reason, locked.decided_by, locked.decided_at = (
            decision,
            reason,
            actor,
            timezone.now(),
        )
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit.record(
            "report_finding.decided", locked, actor=actor, case_id=locked.case_id, court_id=locked.case.court_id,
            after={"kind": locked.kind, "decision": decision, "reason": reason},
        )  # fmt: skip
    return locked


# --- the deadline sweep --------------------------------------------------------------------------


def sweep_reports(today: dt.date) -> int:
    """Daily: a report still awaited after its due date gives the "no report" ground (R-LIST-01 (4)),
    once per report however many workers sweep (the report row is locked, the finding unique)."""
    due = PropertyReport.objects.filter(
        status=ReportStatus.AWAITING, due_on__lt=today, case__status="open"
    ).exclude(findings__kind=FindingKind.NONE)
    raised = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            report = _lock(PropertyReport(pk=pk))
            if report.status != ReportStatus.AWAITING:
                continue
            if _raise(report, FindingKind.NONE, [], actor=REPORT_SWEEP) is not None:
                raised += 1
    return raised


# --- the one-time link ---------------------------------------------------------------------------


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _secret(link: ReportLink) -> str:
    """The link's secret, derived from the site's secret key and the link's own row (its id and the
    microsecond it was made): only its hash is stored, yet the case's staff can be shown the link
    again while it is open (`link_token`); whoever reads the database without the key cannot."""
    made = link.created_at.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S%f")
    mac = salted_hmac(f"{LINK_SALT}.secret", f"{link.pk}:{made}", algorithm="sha256")
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode().rstrip("=")


def _token(link: ReportLink, secret: str) -> str:
    return signing.dumps({"l": link.pk, "s": secret}, salt=LINK_SALT)


def link_token(link: ReportLink) -> str | None:
    """The token of a link, to show it again to the case's staff (the caller checks who may see it
    and that the link still opens): None for a link whose secret cannot be derived (made before
    secrets were derived, or under a former secret key) — the staff make a new one."""
    secret = _secret(link)
    if not secrets.compare_digest(link.secret_hash, _hash(secret)):
        return None
    return _token(link, secret)


def link_create(report: PropertyReport, *, actor: User, days: int = LINK_DAYS) -> tuple[ReportLink, str]:
    """A one-time link for the debtor to fill in the report without signing in: a signed token
    naming the link and a secret only its hash of which is kept (`_secret`); it expires after `days`
    and replaces any earlier unused link. Returns the link and the token."""
    require(actor, Action.INQUIRE_ASSETS, report.case, field="report")
    with transaction.atomic():
        locked = _lock(report)
        _not_superseded(locked)
        if locked.status != ReportStatus.AWAITING:
            raise RuleViolation(
                "REPORT_ALREADY_RECEIVED", _("The report was already received."), field="report"
            )
        ensure_open(locked.case)
        now = timezone.now()
        ReportLink.objects.filter(report=locked, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        link = ReportLink.objects.create(
            report=locked, secret_hash="", expires_at=now + dt.timedelta(days=days), created_by=actor,
            created_at=now,
        )  # fmt: skip
        secret = _secret(link)
        link.secret_hash = _hash(secret)
        link.save(update_fields=["secret_hash"])
        audit.record(
            "property_report.link_created", link, actor=actor, case_id=locked.case_id, court_id=locked.case.court_id,
            after={"report": locked.pk, "expires_at": link.expires_at},
        )  # fmt: skip
    return link, _token(link, secret)


class LinkRefused(RuleViolation):
    """Why a one-time link does not open: LINK_INVALID (altered, or no such link), LINK_EXPIRED,
    LINK_USED, LINK_REPLACED (a newer one was made), LINK_SUPERSEDED (a newer order replaced its
    report) or LINK_CLOSED (the report is in, the case closed)."""


def link_open(token: str, *, lock: bool = False) -> ReportLink:
    """The link a token names, if it still opens the form; else `LinkRefused` with the reason.
    With `lock`, the link and its report are locked (the caller holds the transaction)."""
    try:
        data = signing.loads(str(token), salt=LINK_SALT, max_age=dt.timedelta(days=366))
        pk, secret = int(data["l"]), str(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise _tampered() from None
    rows = ReportLink.objects.select_related("report", "report__case", "report__case__court")
    if lock:
        rows = rows.select_for_update(of=("self",))
    link = rows.filter(pk=pk).first()
    if link is None or not secrets.compare_digest(link.secret_hash, _hash(secret)):
        raise _tampered()
    if link.used_at is not None:
        raise LinkRefused(
            "LINK_USED",
            _(
                "This link has already been used: the report was submitted. Ask the court if you need to add to it."
            ),
            field="token",
        )
    if link.report.status == ReportStatus.SUPERSEDED:
        raise LinkRefused(
            "LINK_SUPERSEDED",
            _(
                "The court issued a newer order to report your property, which replaces this one. Use the link sent with the newer order, or contact the court."
            ),
            field="token",
        )
    if link.revoked_at is not None:
        raise LinkRefused(
            "LINK_REPLACED", _("This link was replaced by a newer one. Use the latest link the court sent."),
            field="token",
        )  # fmt: skip
    if link.expires_at <= timezone.now():
        raise LinkRefused(
            "LINK_EXPIRED", _("This link has expired. Ask the court for a new one."), field="token"
        )
    if link.report.status != ReportStatus.AWAITING or link.report.case.is_closed:
        raise LinkRefused(
            "LINK_CLOSED", _("The court no longer takes a report through this link. Contact the court."),
            field="token",
        )  # fmt: skip
    return link


def _tampered() -> LinkRefused:
    return LinkRefused(
        "LINK_INVALID",
        _("This link is not valid. Check that it was copied whole, or ask the court for a new one."),
        field="token",
    )


def report_submit(
    token: str, *, items: Any = (), declares_nothing: bool = False, statement: Any = ""
) -> PropertyReport:
    """The debtor's own report through the one-time link, received today; the link is used up in
    the same transaction, so a second submission (or a racing one) is refused as USED."""
    cleaned, text = _clean_report(items, bool(declares_nothing), statement)
    with transaction.atomic():
        # The report first, then the link (the order `link_create` takes), then check again.
        report = _lock(link_open(token).report)
        link = link_open(token, lock=True)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        return _receive(
            report, cleaned, declares_nothing=bool(declares_nothing), statement=text,
            on=timezone.localdate(link.used_at), channel=ReportChannel.LINK, entered_by=None, actor=REPORT_LINK,
        )  # fmt: skip
