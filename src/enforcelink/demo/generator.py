"""Generate demo cases as database-ready rows, in filing order, one chunk at a time.

Each case gets its parties, its statutory-clock nodes (due dates and traces from `compute_deadline`,
R-CASE-01..04, R-TIME-02), its assignment (R-CASE-06 random balanced rotation), a gapless 案号
(R-ID-03) and its trail events. Rows are tuples of strings (or the NULL token) in the column order of
`COLUMNS`, so the loader can hand them to SQLite's executemany or PostgreSQL's COPY without per-value
conversion. Everything comes from one `random.Random(seed)`: the same seed and reference date give the
same data.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import heapq
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from enforcelink.cases import policy
from enforcelink.cases.clocks import rule_values
from enforcelink.cases.models import ClosureMode, NodeRule
from enforcelink.core.calendar import add_months, compute_deadline, is_working_day
from enforcelink.demo.amounts import application_fee_fen, lognormal_fen, yuan
from enforcelink.demo.identities import Company, IdentityFactory, Person
from enforcelink.orgs.models import Court, User

SORTED_JSON: dict[str, Any] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}

COLUMNS: dict[str, tuple[str, ...]] = {
    "case": (
        "id", "court_id", "number", "year", "type_code", "sequence", "filed_on", "status", "basis_type",
        "basis_body", "basis_number", "basis_effective_on", "principal", "interest", "costs",
        "is_money_case", "is_non_litigation", "is_livelihood", "is_small_claim", "small_claim_threshold",
        "is_labour_pay", "is_financial", "is_enterprise", "team_id", "officer_id", "closed_on",
        "closure_mode", "closure_details", "closed_within_period", "recovered_amount", "resumed_from_id",
        "imported", "created_at",
    ),
    "party": (
        "case_id", "role", "kind", "name", "id_type", "id_number", "birth_date", "sex",
        "legal_representative", "actual_controller", "address", "phone", "warnings", "position",
    ),
    "node": (
        "case_id", "kind", "rule_id", "rule_values", "start_event", "start_date", "due_on", "status",
        "completed_at", "completed_on", "completed_by", "overdue_at", "trace",
    ),
    "assignment": ("case_id", "officer_id", "team_id", "method", "reason", "candidates", "actor_id", "created_at"),
}  # fmt: skip

# Type-code mix (R-ID-04): mostly first enforcement, some resumed, preservation and objection cases.
TYPE_MIX = (("执", 0.80), ("执恢", 0.08), ("执保", 0.08), ("执异", 0.04))
BASIS_MIX = (
    ("judgment", 0.45),
    ("mediation", 0.30),
    ("ruling", 0.05),
    ("arbitral_award", 0.08),
    ("notarised_debt", 0.07),
    ("administrative", 0.03),
    ("criminal_property", 0.02),
)
# Closure mix per type; first enforcement lands near the national figures (执行完毕 ~40%, 终本 ~40%).
CLOSURE_MIX: dict[str, tuple[tuple[str, float], ...]] = {
    "执": (
        (ClosureMode.FULLY_PERFORMED, 0.40),
        (ClosureMode.TERMINATED_THIS_ROUND, 0.41),
        (ClosureMode.TERMINATED, 0.12),
        (ClosureMode.WITHDRAWN_ADMIN, 0.04),
        (ClosureMode.REFUSED, 0.02),
        (ClosureMode.REJECTED, 0.01),
    ),
    "执恢": ((ClosureMode.FULLY_PERFORMED, 0.35), (ClosureMode.TERMINATED_THIS_ROUND, 0.50), (ClosureMode.TERMINATED, 0.15)),
    "执保": ((ClosureMode.FULLY_PERFORMED, 0.92), (ClosureMode.WITHDRAWN_ADMIN, 0.08)),
    "执异": ((ClosureMode.REJECTED, 0.65), (ClosureMode.FULLY_PERFORMED, 0.25), (ClosureMode.TERMINATED, 0.10)),
}  # fmt: skip
MEDIAN_DAYS_TO_CLOSE = {"执": 110.0, "执恢": 90.0, "执保": 20.0, "执异": 30.0}
COMPLETED_BY = {
    "execution_notice": "execution_notice_sent",
    "property_report": "property_report_order_sent",
    "network_inquiry": "network_inquiry_done",
    "local_inquiry": "local_inquiry_done",
    "four_inquiries": "four_inquiries_done",
    "lead_verification": "lead_verified",
    "closure": "case.closed",
}
BANKS = (
    "重庆农村商业银行股份有限公司綦江支行",
    "中国工商银行股份有限公司重庆綦江支行",
    "中国建设银行股份有限公司重庆綦江支行",
    "中国农业银行股份有限公司重庆綦江支行",
    "重庆银行股份有限公司綦江支行",
    "中国邮政储蓄银行股份有限公司重庆綦江区支行",
    "重庆三峡银行股份有限公司綦江支行",
    "马上消费金融股份有限公司",
)
FILING_SECONDS = 8 * 3600  # filings between 09:00 and 17:00 Beijing time (01:00–09:00 UTC)


@dataclass
class Dialect:
    """How the target database wants NULL and timestamps in text rows."""

    null: str | None
    ts_suffix: str  # "" for SQLite (naive UTC, as Django stores it), "+00" for PostgreSQL


@dataclass
class Chunk:
    cases: int = 0
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {name: [] for name in COLUMNS})
    # (created_at for the column, created_at ISO for the hash, actor_id, actor_label, action,
    #  case_id, court_id, before, after)
    events: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class NodeSpec:
    kind: str
    rule_id: str
    amount: int
    unit: str
    values_json: str


@dataclass(frozen=True)
class Officer:
    """An officer as the rows need it, as text once instead of per case."""

    pk: int
    ref: str
    team: str | None
    username: str

    @classmethod
    def of(cls, user: User, null: str | None) -> Officer:
        return cls(user.pk, str(user.pk), str(user.team_id) if user.team_id else null, user.username)


@dataclass
class CourtGen:
    """Per-court state: officers in rotation, the clerk who files, the node rules in force."""

    court: Court
    clerk: User
    officers: list[User]
    specs: dict[tuple[bool, bool], list[NodeSpec]]
    threshold_fen: int
    staff: list[Officer] = field(default_factory=list)
    rotation: list[Officer] = field(default_factory=list)
    round: int = 0
    resumable: list[tuple[Any, ...]] = field(default_factory=list)  # closed 终本 cases
    basis_seq: dict[tuple[str, int], int] = field(default_factory=dict)
    pk: int = 0
    code: str = ""

    def __post_init__(self) -> None:
        self.pk, self.code = self.court.pk, self.court.code


def node_specs(rules: list[NodeRule]) -> dict[tuple[bool, bool], list[NodeSpec]]:
    """Which nodes a filing opens, per (money case, non-litigation), like `clocks.build_nodes`."""
    specs: dict[tuple[bool, bool], list[NodeSpec]] = {}
    for money in (True, False):
        for non_litigation in (True, False):
            chosen = []
            for rule in sorted(rules, key=lambda r: r.kind):
                if not rule.on_filing or (rule.money_cases_only and not money):
                    continue
                values = rule_values(rule, non_litigation=non_litigation)
                chosen.append(
                    NodeSpec(rule.kind, rule.rule_id, values["amount"], values["unit"], json.dumps(values))
                )
            specs[(money, non_litigation)] = chosen
    return specs


def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [day for day in (start + dt.timedelta(days=n) for n in range((end - start).days + 1)) if is_working_day(day)]  # fmt: skip


def spread(total: int, weights: list[float]) -> list[int]:
    """Split `total` over the weights, whole numbers summing exactly to `total` (largest remainder)."""
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class CaseGenerator:
    """Yields `Chunk`s of about `chunk_size` cases, filed in date order over the three years to `as_of`."""

    def __init__(
        self,
        courts: list[CourtGen],
        weights: list[float],
        *,
        cases: int,
        seed: int,
        as_of: dt.date,
        first_id: int,
        counters: dict[tuple[int, str, int], int],
        dialect: Dialect,
        chunk_size: int = 10_000,
        all_nodes: bool = False,
    ) -> None:
        self.rng = random.Random(seed)
        self.all_nodes = all_nodes
        self.courts, self.cases, self.as_of = courts, cases, as_of
        self.court_cum = list(_cumulative(weights))
        self.next_id, self.counters, self.dialect, self.chunk_size = first_id, counters, dialect, chunk_size
        self.people = IdentityFactory(self.rng, seed, as_of)
        self.banks = [Company(name, *_fixed_company(self.people)) for name in BANKS]
        self.repeat_debtors: list[Person | Company] = []
        self.closures: list[tuple[Any, ...]] = []  # heap of future case.closed events
        self.iso_cache: dict[int, str] = {}
        self.due_cache: dict[tuple[int, int, str, str], tuple[int, str]] = {}
        self.closure_json = _closure_details()
        self.stats: dict[str, dict[str, int]] = {"type": {}, "closure": {}, "status": {}}
        self.working: dict[int, bool] = {}
        for court in courts:
            court.staff = sorted(
                (Officer.of(user, dialect.null) for user in court.officers), key=lambda o: o.pk
            )

    # --- dates ------------------------------------------------------------------------------

    def iso(self, ordinal: int) -> str:
        text = self.iso_cache.get(ordinal)
        if text is None:
            text = self.iso_cache[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    def due(self, filed: int, spec: NodeSpec) -> tuple[int, str]:
        """Due date ordinal and trace JSON, computed once per filing day and rule (R-TIME-01/02)."""
        key = (filed, spec.amount, spec.unit, spec.rule_id)
        hit = self.due_cache.get(key)
        if hit is None:
            deadline = compute_deadline(
                dt.date.fromordinal(filed),
                spec.amount,
                spec.unit,  # type: ignore[arg-type]
                rule_id=spec.rule_id,
                start_event="case.filed",
            )
            hit = self.due_cache[key] = (
                deadline.due.toordinal(),
                json.dumps(deadline.trace, ensure_ascii=False),
            )
        return hit

    def _working(self, ordinal: int) -> bool:
        working = self.working.get(ordinal)
        if working is None:
            working = self.working[ordinal] = is_working_day(dt.date.fromordinal(ordinal))
        return working

    def stamp(self, ordinal: int, seconds: int) -> tuple[str, str]:
        """A UTC timestamp as stored (dialect) and as the audit hash sees it (ISO with offset)."""
        hours, rest = divmod(seconds, 3600)
        clock = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
        day = self.iso(ordinal)
        return f"{day} {clock}{self.dialect.ts_suffix}", f"{day}T{clock}+00:00"

    # --- the run -----------------------------------------------------------------------------

    def chunks(self) -> Iterator[Chunk]:
        start = self.as_of - dt.timedelta(days=3 * 365) + dt.timedelta(days=1)
        days = working_days(start, self.as_of)
        # Slow growth over the years, busier Mondays: the shape of a real filing register.
        weights = [
            (1 + 0.25 * i / len(days)) * (1.2 if d.weekday() == 0 else 1.0) for i, d in enumerate(days)
        ]
        chunk = Chunk()
        for day, count in zip(days, spread(self.cases, weights), strict=True):
            ordinal = day.toordinal()
            self._flush_closures(chunk, before=ordinal)
            spacing = max(1, FILING_SECONDS // max(count, 1))
            for index in range(count):
                self._case(chunk, ordinal, 3600 + index * spacing)
            if chunk.cases >= self.chunk_size:
                yield chunk
                chunk = Chunk()
        self._flush_closures(chunk, before=self.as_of.toordinal() + 1)
        if chunk.cases or chunk.events:
            yield chunk

    def _flush_closures(self, chunk: Chunk, *, before: int) -> None:
        while self.closures and self.closures[0][0] < before:
            _ordinal, _tie, event, resumable, court = heapq.heappop(self.closures)
            chunk.events.append(event)
            if resumable is not None:
                pool = court.resumable
                if len(pool) < 5000:
                    pool.append(resumable)
                else:
                    pool[_below(self.rng, len(pool))] = resumable

    def _case(self, chunk: Chunk, filed: int, seconds: int) -> None:
        rng = self.rng
        court = self.courts[bisect.bisect(self.court_cum, rng.random() * self.court_cum[-1])]
        type_code = _pick(rng, TYPE_MIX)
        resumed = None
        if type_code == "执恢":
            resumed = self._take_resumable(court)
            if resumed is None:
                type_code = "执"
        case_id = self.next_id
        self.next_id += 1
        filing = self._filing(court, type_code, filed, resumed)
        closed, mode = self._closure(type_code, filed)
        officer = self._rotate(court)
        created_at, created_iso = self.stamp(filed, seconds)
        number, year, sequence = self._number(court, type_code, filed)
        chunk.rows["party"].extend((str(case_id), *party) for party in filing["parties"])
        due_closure = self._nodes(chunk, case_id, court, filing, filed, closed)
        chunk.rows["case"].append(
            self._case_row(case_id, court, (number, year, sequence), type_code, filed, filing, officer, closed, mode, due_closure, resumed, created_at)
        )  # fmt: skip
        chunk.rows["assignment"].append(self._assignment_row(case_id, officer, court, created_at))
        after = self._filed_after(number, court, type_code, filed, filing, officer)
        chunk.events.append((created_at, created_iso, court.clerk.pk, court.clerk.username, "case.filed", case_id, court.pk, None, after))  # fmt: skip
        if closed is not None:
            self._schedule_closure(case_id, court, closed, mode, filing, number)
        chunk.cases += 1
        self._tally(type_code, closed, mode)

    def _tally(self, type_code: str, closed: int | None, mode: str) -> None:
        _count(self.stats["type"], type_code)
        _count(self.stats["status"], "closed" if closed is not None else "open")
        if mode:
            _count(self.stats["closure"], mode)

    # --- pieces of a case --------------------------------------------------------------------

    def _number(self, court: CourtGen, type_code: str, filed: int) -> tuple[str, str, str]:
        """R-ID-03: the next sequence per court, type and year, without gaps."""
        year = dt.date.fromordinal(filed).year
        key = (court.pk, type_code, year)
        sequence = self.counters.get(key, 0) + 1
        self.counters[key] = sequence
        return f"（{year}）{court.code}{type_code}{sequence}号", str(year), str(sequence)

    def _rotate(self, court: CourtGen) -> Officer:
        """R-CASE-06: each round every officer gets one case, in random order."""
        if not court.rotation:
            court.rotation = list(court.staff)
            court.round += 1
        return court.rotation.pop(_below(self.rng, len(court.rotation)))

    def _take_resumable(self, court: CourtGen) -> tuple[Any, ...] | None:
        pool = court.resumable
        if not pool:
            return None
        index = _below(self.rng, len(pool))
        pool[index], pool[-1] = pool[-1], pool[index]
        return pool.pop()

    def _filing(
        self, court: CourtGen, type_code: str, filed: int, resumed: tuple[Any, ...] | None
    ) -> dict[str, Any]:
        """Parties, basis, amounts and tags of one filing."""
        if resumed is not None:
            return dict(resumed[1])
        rng = self.rng
        kind = "labour" if rng.random() < 0.06 else "financial" if rng.random() < 0.13 else "plain"
        parties, tags = self._parties(kind)
        filing = {"parties": parties, **tags, **self._basis(court, type_code, filed)}
        filing.update(self._amounts(court, type_code, kind))
        return filing

    def _parties(self, kind: str) -> tuple[list[tuple[str, ...]], dict[str, bool]]:
        rng, people = self.rng, self.people
        applicants: list[Person | Company]
        if kind == "financial":
            applicants = [self.banks[_below(rng, len(self.banks))]]
        elif kind == "labour":
            applicants = [people.person() for _ in range((1, 1, 2, 3)[_below(rng, 4)])]
        else:
            applicants = [people.person() if rng.random() < 0.7 else people.company()]
        respondents = [self._debtor(company=kind == "labour" or rng.random() < 0.28)]
        if rng.random() < 0.18:
            respondents.append(people.person())  # a guarantor
        null = self.dialect.null
        rows = [_party_row("applicant", who, i, null) for i, who in enumerate(applicants)]
        rows += [_party_row("respondent", who, i, null) for i, who in enumerate(respondents)]
        enterprise = any(isinstance(who, Company) for who in (*applicants, *respondents))
        livelihood = kind == "labour" or rng.random() < 0.06
        return rows, {
            "is_livelihood": livelihood,
            "is_labour_pay": kind == "labour",
            "is_financial": kind == "financial",
            "is_enterprise": enterprise,
        }

    def _debtor(self, *, company: bool) -> Person | Company:
        """Some debtors come back in several cases, as they do in a real register."""
        rng = self.rng
        if self.repeat_debtors and rng.random() < 0.12:
            return self.repeat_debtors[_below(rng, len(self.repeat_debtors))]
        debtor: Person | Company = self.people.company() if company else self.people.person()
        if len(self.repeat_debtors) < 20_000:
            self.repeat_debtors.append(debtor)
        return debtor

    def _basis(self, court: CourtGen, type_code: str, filed: int) -> dict[str, Any]:
        rng = self.rng
        basis_type = "ruling" if type_code in ("执保", "执异") else _pick(rng, BASIS_MIX)
        effective = filed - _randint(rng, 20, 400)
        year = dt.date.fromordinal(effective).year
        code = court.court.code
        body, pattern = {
            "arbitral_award": ("重庆仲裁委员会", "（{y}）渝仲字第{k}号"),
            "notarised_debt": ("重庆市綦江区公证处", "（{y}）渝綦证字第{k}号"),
            "administrative": ("綦江区人力资源和社会保障局", "綦人社监罚〔{y}〕{k}号"),
            "criminal_property": (court.court.name, "（{y}）" + code + "刑初{k}号"),
        }.get(
            basis_type,
            (court.court.name, "（{y}）" + code + ("执异{k}号" if type_code == "执异" else "民初{k}号")),
        )
        key = (pattern, year)
        sequence = court.basis_seq.get(key, 0) + _randint(rng, 1, 3)
        court.basis_seq[key] = sequence
        return {
            "basis_type": basis_type,
            "basis_body": body,
            "basis_number": pattern.format(y=year, k=sequence),
            "basis_effective_on": self.iso(effective),
            "is_non_litigation": basis_type == "administrative",
        }  # fmt: skip

    def _amounts(self, court: CourtGen, type_code: str, kind: str) -> dict[str, Any]:
        rng = self.rng
        if type_code == "执异":
            return {
                "principal": 0,
                "interest": 0,
                "costs": 0,
                "is_money_case": False,
                "is_small_claim": False,
            }
        median, sigma = {"labour": (15_000, 0.8), "financial": (150_000, 1.2)}.get(kind, (30_000, 1.4))
        if type_code == "执保":
            median, sigma = 200_000, 1.1
        principal = lognormal_fen(rng, median, sigma)
        interest = int(principal * (0.02 + 0.23 * rng.random())) if rng.random() < 0.4 else 0
        costs = application_fee_fen(principal + interest)
        total = principal + interest + costs
        return {
            "principal": principal,
            "interest": interest,
            "costs": costs,
            "is_money_case": True,
            "is_small_claim": total < court.threshold_fen,
        }

    def _closure(self, type_code: str, filed: int) -> tuple[int | None, str]:
        """Whether the case is closed by `as_of`, when, and how (R-CASE-05; 终本 only after 3 months)."""
        rng = self.rng
        days = int(rng.lognormvariate(0, 0.8) * MEDIAN_DAYS_TO_CLOSE[type_code]) + 1
        mode = _pick(rng, CLOSURE_MIX[type_code])
        filed_day = dt.date.fromordinal(filed)
        if mode == ClosureMode.TERMINATED_THIS_ROUND:
            earliest = add_months(filed_day, policy.ZB_WAITING_MONTHS).toordinal() + 1
            days = max(days, earliest - filed + _randint(rng, 0, 60))
        closed = filed + days
        while not self._working(closed):
            closed += 1
        if closed > self.as_of.toordinal():
            return None, ""
        return closed, mode

    def _nodes(self, chunk: Chunk, case_id: int, court: CourtGen, filing: dict[str, Any], filed: int, closed: int | None) -> int:  # fmt: skip
        """The filing's statutory clocks in realistic states; returns the closure node's due date.

        A closed case keeps only its closure clock (what 法定期限内结案率 reads) unless `all_nodes`:
        the intermediate clocks of finished cases are two thirds of the rows and nobody works on them.
        """
        rng, null, horizon = self.rng, self.dialect.null, closed or self.as_of.toordinal()
        case_ref, start = str(case_id), self.iso(filed)
        due_closure = 0
        history_only = closed is not None and not self.all_nodes
        for spec in court.specs[(filing["is_money_case"], filing["is_non_litigation"])]:
            if history_only and spec.kind != "closure":
                continue
            due, trace = self.due(filed, spec)
            if spec.kind == "closure":
                due_closure = due
                state = _closure_node_state(closed, due, self.as_of.toordinal())
            else:
                state = _node_state(rng, filed, due, horizon, closed is not None)
            status, done_on, overdue = state
            done_at = f"{self.iso(done_on)} 06:30:00{self.dialect.ts_suffix}" if done_on else null
            overdue_at = f"{self.iso(due)} 16:05:00{self.dialect.ts_suffix}" if overdue else null
            chunk.rows["node"].append((
                case_ref, spec.kind, spec.rule_id, spec.values_json, "case.filed", start, self.iso(due), status,
                done_at, self.iso(done_on) if done_on else null, COMPLETED_BY[spec.kind] if done_on else "",
                overdue_at, trace,
            ))  # fmt: skip
        return due_closure

    def _case_row(self, case_id: int, court: CourtGen, numbering: tuple[str, str, str], type_code: str, filed: int, filing: dict[str, Any], officer: Officer, closed: int | None, mode: str, due_closure: int, resumed: tuple[Any, ...] | None, created_at: str) -> tuple[Any, ...]:  # fmt: skip
        null, f, (number, year, sequence) = self.dialect.null, filing, numbering
        recovered = self._recovered(f, mode)
        within = null if closed is None else ("1" if due_closure and closed <= due_closure else "0")
        details = "{}" if closed is None else self._details(mode, court, closed, recovered)
        return (
            str(case_id), str(court.pk), number, year, type_code, sequence,
            self.iso(filed), "closed" if closed else "open", f["basis_type"], f["basis_body"], f["basis_number"],
            f["basis_effective_on"], yuan(f["principal"]), yuan(f["interest"]), yuan(f["costs"]),
            _bit(f["is_money_case"]), _bit(f["is_non_litigation"]), _bit(f["is_livelihood"]),
            _bit(f["is_small_claim"]), yuan(court.threshold_fen), _bit(f["is_labour_pay"]),
            _bit(f["is_financial"]), _bit(f["is_enterprise"]), officer.team,
            officer.ref, self.iso(closed) if closed else null, mode, details, within, yuan(recovered),
            str(resumed[0]) if resumed else null, "0", created_at,
        )  # fmt: skip

    def _recovered(self, filing: dict[str, Any], mode: str) -> int:
        total = filing["principal"] + filing["interest"] + filing["costs"]
        if mode == ClosureMode.FULLY_PERFORMED:
            return total
        if mode in (ClosureMode.TERMINATED_THIS_ROUND, ClosureMode.TERMINATED) and self.rng.random() < 0.3:
            return int(total * (0.05 + 0.55 * self.rng.random()))
        return 0

    def _details(self, mode: str, court: CourtGen, closed: int, recovered: int) -> str:
        if mode == ClosureMode.FULLY_PERFORMED:
            return json.dumps({"settlement_performed": False, "recovered_amount": yuan(recovered)})
        if mode in (ClosureMode.REFUSED, ClosureMode.REJECTED):
            year = dt.date.fromordinal(closed).year
            number = f"（{year}）{court.code}执异{_randint(self.rng, 1, 400)}号"
            return json.dumps({"ruling_number": number}, ensure_ascii=False)
        options = self.closure_json[mode]
        return options[_below(self.rng, len(options))]

    def _assignment_row(
        self, case_id: int, officer: Officer, court: CourtGen, created_at: str
    ) -> tuple[Any, ...]:
        """The candidates are the officers still due a case in this round, all with the same load."""
        load = court.round - 1
        candidates = ",".join(f'{{"officer_id":{o.ref},"load":{load}}}' for o in (officer, *court.rotation))
        return (str(case_id), officer.ref, officer.team, "random_rotation", "", f"[{candidates}]", self.dialect.null, created_at)  # fmt: skip

    def _filed_after(self, number: str, court: CourtGen, type_code: str, filed: int, f: dict[str, Any], officer: Officer) -> str:  # fmt: skip
        """The event's `after` as compact sorted JSON: the column text and the hash input at once."""
        return json.dumps(
            {
                "number": number,
                "court": court.code,
                "type_code": type_code,
                "filed_on": self.iso(filed),
                "status": "open",
                "basis_number": f["basis_number"],
                "principal": yuan(f["principal"]),
                "interest": yuan(f["interest"]),
                "costs": yuan(f["costs"]),
                "parties": [[p[0], p[2], p[4]] for p in f["parties"]],
                "officer": officer.username,
            },
            **SORTED_JSON,
        )

    def _schedule_closure(self, case_id: int, court: CourtGen, closed: int, mode: str, filing: dict[str, Any], number: str) -> None:  # fmt: skip
        created_at, created_iso = self.stamp(closed, 7 * 3600 + _below(self.rng, 3600))
        # Compact key-sorted JSON written out directly: these two run for most of a million cases.
        after = f'{{"closed_on":"{self.iso(closed)}","closure_mode":"{mode}","status":"closed"}}'
        before = f'{{"number":"{number}","status":"open"}}'
        event = (created_at, created_iso, court.clerk.pk, court.clerk.username, "case.closed", case_id, court.pk, before, after)  # fmt: skip
        resumable = (case_id, filing) if mode == ClosureMode.TERMINATED_THIS_ROUND else None
        heapq.heappush(self.closures, (closed, case_id, event, resumable, court))


# --- small helpers ---------------------------------------------------------------------------


def _cumulative(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _pick(rng: random.Random, mix: tuple[tuple[str, float], ...]) -> str:
    roll = rng.random() * _total(mix)
    for value, share in mix:
        roll -= share
        if roll < 0:
            return value
    return mix[-1][0]


@functools.cache
def _total(mix: tuple[tuple[str, float], ...]) -> float:
    return sum(share for _, share in mix)


def _below(rng: random.Random, n: int) -> int:
    """0 <= k < n; random() and a multiplication are several times faster than randrange()."""
    return int(rng.random() * n)


def _randint(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _bit(value: bool) -> str:
    return "1" if value else "0"


def _count(counter: dict[str, int], key: str) -> None:
    counter[key] = counter.get(key, 0) + 1


def _fixed_company(people: IdentityFactory) -> tuple[str, str, str, str, str]:
    company = people.company()
    return (
        company.uscc,
        company.legal_representative,
        company.actual_controller,
        company.address,
        company.phone,
    )


def _party_row(role: str, who: Person | Company, position: int, null: str | None) -> tuple[Any, ...]:
    """Party columns after case_id."""
    if isinstance(who, Company):
        return (role, "organisation", who.name, "uscc", who.uscc, null, "", who.legal_representative, who.actual_controller, who.address, who.phone, "[]", str(position))  # fmt: skip
    return (role, "person", who.name, "resident_id", who.id_number, who.birth_date, who.sex, "", "", who.address, who.phone, "[]", str(position))  # fmt: skip


def _node_state(
    rng: random.Random, filed: int, due: int, horizon: int, closed: bool
) -> tuple[str, int, bool]:
    """(status, completed-on ordinal or 0, was it overdue) for a node other than closure."""
    roll = rng.random()
    if due <= horizon:
        if roll < 0.9:
            return "done", _randint(rng, filed, due), False
        if roll < 0.97:
            return "done", min(horizon, due + _randint(rng, 1, 20)), True
        return ("moot", 0, True) if closed else ("overdue", 0, True)
    if roll < 0.9 * (horizon - filed) / max(due - filed, 1):
        return "done", _randint(rng, filed, horizon), False
    return ("moot", 0, False) if closed else ("open", 0, False)


def _closure_node_state(closed: int | None, due: int, today: int) -> tuple[str, int, bool]:
    """R-CASE-03: the closure clock ends with the case; an open case past its date is overdue."""
    if closed is not None:
        return "done", closed, closed > due
    if due < today:
        return "overdue", 0, True
    return "open", 0, False


def _closure_details() -> dict[str, list[str]]:
    """The details each closure mode keeps, as `policy.check_closure` would store them (R-CASE-05)."""
    dump = json.dumps
    return {
        ClosureMode.TERMINATED_THIS_ROUND: [dump(dict.fromkeys(policy.ZB_CHECKLIST, True))],
        ClosureMode.TERMINATED: [dump({"ground": ground}) for ground in policy.TERMINATION_GROUNDS],
        ClosureMode.WITHDRAWN_ADMIN: [dump({"reason": reason}) for reason in policy.CANCELLATION_REASONS],
    }
