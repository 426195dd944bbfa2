"""The ledger's rules kept by the database itself (R-FUND-03), created by migration funds 0002.

Whatever writes to the database — this code, a script, someone at a SQL prompt — the database refuses:

| Rule | PostgreSQL | SQLite |
|---|---|---|
| journals, entries and case accounts are never updated or deleted | BEFORE UPDATE OR DELETE trigger raises `LEDGER_APPEND_ONLY` | the same, as `RAISE(ABORT)` triggers |
| a ledger account's balance moves only with its entries | BEFORE UPDATE/DELETE trigger refuses unless fired by the entry trigger (`pg_trigger_depth()`) | BEFORE UPDATE trigger: the balance may only move by the amount of the account's newest entry; kind, court and case never change; DELETE refused |
| each journal's legs number `leg_count`, sum to 0, and its debits to the journal's `amount` | DEFERRABLE INITIALLY DEFERRED constraint triggers on journal and entry insert: checked at COMMIT, so the legs of one journal may arrive in any order within the transaction | BEFORE INSERT triggers on each leg: a leg beyond `leg_count` is refused, and the last declared leg must bring the sum to 0 and the debits to `amount` |
| the running balance | AFTER INSERT trigger on entries adds the amount to its account | the same (rounded to the fen: SQLite adds decimals as binary floats) |
| amounts have two decimals and are not 0 | numeric(16, 2) holds two decimals by its type (a third is rounded by the cast, so the actions refuse it first, `AMOUNT_PRECISION`); CHECK amount <> 0 | CHECK amount = ROUND(amount, 2) and amount <> 0 |
| a balance stays on its side of zero | CHECK on the account (custody ≥ 0; case, unidentified and fee income ≤ 0) | the same CHECK for custody, case and unidentified; fee income (migration 0008) by BEFORE INSERT and BEFORE UPDATE triggers |

What SQLite cannot catch, and `enforcelink funds verify` reports: SQLite has no deferred triggers,
so a journal committed with fewer legs than it declares (its last leg never inserted) is accepted;
so is an edit of a balance by exactly the amount of the account's newest entry (a second application
of that entry); and `DROP TRIGGER` or a table rebuilt by a later migration (SQLite's ALTER TABLE
rebuilds tables and their triggers are lost) removes the guards — `funds verify` checks they are
all present. On both databases TRUNCATE and DROP (PostgreSQL) are not row operations and fire no
row trigger: the guards stop edits, not someone who may drop tables.

Tests and `flush` empty every table: Django's SQLite `flush` deletes row by row, which the guards
would refuse. `funds/management/commands/flush.py` runs Django's flush inside `unsealed()`, which
the SQLite triggers ask through the per-connection function `enforcelink_ledger_unsealed()`
(registered on each new connection by `FundsConfig.ready()`; a connection without it — the sqlite3
shell — gets "no such function" on an UPDATE or DELETE of a ledger row: refused all the same).

Migration 0002 runs `create` with the statements below as they are when it runs: a change to a guard
is a new migration (drop the old trigger, create the new one), never an edit of these alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_unsealed = False
UNSEAL_FUNCTION = "enforcelink_ledger_unsealed"

# The triggers each database must have (funds verify checks them).
TRIGGERS = {
    "postgresql": (
        "funds_journal_append_only",
        "funds_entry_append_only",
        "funds_caseaccount_append_only",
        "funds_ledgeraccount_kept",
        "funds_entry_balance",
        "funds_entry_legs",
        "funds_journal_added",
        "funds_journal_balanced",
    ),
    "sqlite": (
        "funds_journal_no_update",
        "funds_journal_no_delete",
        "funds_entry_no_update",
        "funds_entry_no_delete",
        "funds_caseaccount_no_update",
        "funds_caseaccount_no_delete",
        "funds_ledgeraccount_kept",
        "funds_ledgeraccount_no_delete",
        "funds_entry_legs",
        "funds_entry_last_leg",
        "funds_entry_balance",
        "funds_ledgeraccount_fee_income_new",
        "funds_ledgeraccount_fee_income_side",
    ),
}


@contextmanager
def unsealed() -> Iterator[None]:
    """Let this process's SQLite connections delete ledger rows (flush only)."""
    global _unsealed
    previous, _unsealed = _unsealed, True
    try:
        yield
    finally:
        _unsealed = previous


def _is_unsealed() -> int:
    return int(_unsealed)


def register_sqlite_function(sender: Any = None, connection: Any = None, **_kwargs: Any) -> None:
    """`connection_created` receiver: the SQLite triggers ask this function whether flush runs."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(UNSEAL_FUNCTION, 0, _is_unsealed)


POSTGRESQL = r"""
CREATE FUNCTION funds_refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'LEDGER_APPEND_ONLY: % rows are never updated or deleted (R-FUND-03)', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER funds_journal_append_only BEFORE UPDATE OR DELETE ON funds_journal
    FOR EACH ROW EXECUTE FUNCTION funds_refuse_edit();

CREATE TRIGGER funds_entry_append_only BEFORE UPDATE OR DELETE ON funds_entry
    FOR EACH ROW EXECUTE FUNCTION funds_refuse_edit();

CREATE TRIGGER funds_caseaccount_append_only BEFORE UPDATE OR DELETE ON funds_caseaccount
    FOR EACH ROW EXECUTE FUNCTION funds_refuse_edit();

CREATE FUNCTION funds_account_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 AND TG_OP = 'UPDATE' AND NEW.kind = OLD.kind
            AND NEW.court_id = OLD.court_id AND NEW.case_id IS NOT DISTINCT FROM OLD.case_id THEN
        RETURN NEW;  -- the balance moved by funds_entry_post, for an entry just inserted
    END IF;
    RAISE EXCEPTION 'LEDGER_BALANCE_KEPT: a ledger account changes only by its entries (R-FUND-03)'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER funds_ledgeraccount_kept BEFORE UPDATE OR DELETE ON funds_ledgeraccount
    FOR EACH ROW EXECUTE FUNCTION funds_account_kept();

CREATE FUNCTION funds_entry_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE funds_ledgeraccount SET balance = balance + NEW.amount WHERE id = NEW.account_id;
    RETURN NULL;
END $$;

CREATE TRIGGER funds_entry_balance AFTER INSERT ON funds_entry
    FOR EACH ROW EXECUTE FUNCTION funds_entry_post();

CREATE FUNCTION funds_journal_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    journal bigint;
    declared integer;
    moved numeric;
    legs integer;
    total numeric;
    debits numeric;
BEGIN
    IF TG_TABLE_NAME = 'funds_journal' THEN journal := NEW.id; ELSE journal := NEW.journal_id; END IF;
    SELECT leg_count, amount INTO declared, moved FROM funds_journal WHERE id = journal;
    SELECT count(*), coalesce(sum(amount), 0), coalesce(sum(amount) FILTER (WHERE amount > 0), 0)
        INTO legs, total, debits FROM funds_entry WHERE journal_id = journal;
    IF legs <> declared OR total <> 0 OR debits <> moved THEN
        RAISE EXCEPTION 'LEDGER_UNBALANCED: journal % has % of % legs, summing to %, debits % of % (R-FUND-03)',
            journal, legs, declared, total, debits, moved USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER funds_entry_balanced AFTER INSERT ON funds_entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funds_journal_check();

CREATE CONSTRAINT TRIGGER funds_journal_balanced AFTER INSERT ON funds_journal
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funds_journal_check();
"""

POSTGRESQL_DROP = r"""
DROP TRIGGER IF EXISTS funds_journal_balanced ON funds_journal;
DROP TRIGGER IF EXISTS funds_entry_balanced ON funds_entry;
DROP FUNCTION IF EXISTS funds_journal_check();
DROP TRIGGER IF EXISTS funds_entry_balance ON funds_entry;
DROP FUNCTION IF EXISTS funds_entry_post();
DROP TRIGGER IF EXISTS funds_ledgeraccount_kept ON funds_ledgeraccount;
DROP FUNCTION IF EXISTS funds_account_kept();
DROP TRIGGER IF EXISTS funds_caseaccount_append_only ON funds_caseaccount;
DROP TRIGGER IF EXISTS funds_entry_append_only ON funds_entry;
DROP TRIGGER IF EXISTS funds_journal_append_only ON funds_journal;
DROP FUNCTION IF EXISTS funds_refuse_edit();
"""


def _statements(script: str) -> list[str]:
    """The script's statements, each sent alone and without parameters (their bodies hold `%` and `;`)."""
    return [part.strip() for part in script.split("\n\n") if part.strip()]


# Migration funds 0005 replaces the per-leg triggers on PostgreSQL with set-wise ones, the same rules
# checked per statement and per transaction: a statement of 100,000 lines spent most of its database
# time in them (each leg's UPDATE of the court's custody row — thousands of row versions of one row
# in one transaction — and three deferred checks per journal at COMMIT). Now:
# - `funds_entry_balance`: after each INSERT statement on entries, each account's balance moves once
#   by the sum of its new legs (a transition table), so an account posted to 2,000 times in one
#   statement is updated once. The balance CHECKs hold for the statement's net movement.
# - `funds_entry_legs`: after each INSERT statement on entries, no journal may have more legs than
#   it declares — checked at once, so a leg added to a journal committed earlier (which had exactly
#   its legs, below) is refused when inserted.
# - `funds_journal_added` / `funds_journal_balanced`: the first deferred check at COMMIT checks, in
#   one query, every journal with an id from its own up to the highest this transaction inserted (kept
#   by `funds_journal_added` in the transaction-local setting `enforcelink.ledger_journals_hi`; a
#   journal's ids come from one sequence, ascending within a session): legs as declared, summing to
#   0, debits equal to the amount. The range it checked is remembered (transaction-local settings
#   again), so the other journals' deferred firings return at once; a journal outside it (an id given
#   by hand, lower) is checked with its own range. Journals of other transactions inside the range
#   are checked too, harmlessly (they were balanced at their own COMMIT). Like DROP TRIGGER, someone
#   at a SQL prompt who sets those settings by hand escapes the check: `funds verify` does not.
POSTGRESQL_SETS = r"""
DROP TRIGGER funds_entry_balanced ON funds_entry;

DROP TRIGGER funds_journal_balanced ON funds_journal;

DROP TRIGGER funds_entry_balance ON funds_entry;

DROP FUNCTION funds_journal_check();

DROP FUNCTION funds_entry_post();

CREATE FUNCTION funds_entries_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE funds_ledgeraccount AS account SET balance = account.balance + moved.total
    FROM (SELECT account_id, sum(amount) AS total FROM added GROUP BY account_id) AS moved
    WHERE account.id = moved.account_id;
    RETURN NULL;
END $$;

CREATE TRIGGER funds_entry_balance AFTER INSERT ON funds_entry
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION funds_entries_post();

CREATE FUNCTION funds_entries_legs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    journal bigint;
    declared integer;
    legs bigint;
BEGIN
    SELECT j.id, j.leg_count, count(*) INTO journal, declared, legs
    FROM (SELECT DISTINCT journal_id FROM added) AS touched
    JOIN funds_journal AS j ON j.id = touched.journal_id
    JOIN funds_entry AS e ON e.journal_id = touched.journal_id
    GROUP BY j.id, j.leg_count HAVING count(*) > j.leg_count
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'LEDGER_UNBALANCED: journal % has % legs, more than the % it declares (R-FUND-03)',
            journal, legs, declared USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER funds_entry_legs AFTER INSERT ON funds_entry
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION funds_entries_legs();

CREATE FUNCTION funds_journals_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('enforcelink.ledger_journals_hi', greatest(
        nullif(current_setting('enforcelink.ledger_journals_hi', true), '')::bigint,
        (SELECT max(id) FROM added))::text, true);
    RETURN NULL;
END $$;

CREATE TRIGGER funds_journal_added AFTER INSERT ON funds_journal
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION funds_journals_added();

CREATE FUNCTION funds_journals_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lo bigint := NEW.id;
    hi bigint;
    bad record;
BEGIN
    IF NEW.id BETWEEN nullif(current_setting('enforcelink.ledger_checked_lo', true), '')::bigint
                  AND nullif(current_setting('enforcelink.ledger_checked_hi', true), '')::bigint THEN
        RETURN NULL;
    END IF;
    hi := greatest(NEW.id, nullif(current_setting('enforcelink.ledger_journals_hi', true), '')::bigint);
    SELECT j.id, j.leg_count, j.amount, coalesce(e.legs, 0) AS legs, coalesce(e.total, 0) AS total,
           coalesce(e.debits, 0) AS debits INTO bad
    FROM funds_journal AS j
    LEFT JOIN (SELECT journal_id, count(*) AS legs, sum(amount) AS total,
                      sum(amount) FILTER (WHERE amount > 0) AS debits
               FROM funds_entry WHERE journal_id BETWEEN lo AND hi GROUP BY journal_id) AS e
        ON e.journal_id = j.id
    WHERE j.id BETWEEN lo AND hi
      AND (coalesce(e.legs, 0) <> j.leg_count OR coalesce(e.total, 0) <> 0 OR coalesce(e.debits, 0) <> j.amount)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'LEDGER_UNBALANCED: journal % has % of % legs, summing to %, debits % of % (R-FUND-03)',
            bad.id, bad.legs, bad.leg_count, bad.total, bad.debits, bad.amount
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    PERFORM set_config('enforcelink.ledger_checked_lo', lo::text, true),
            set_config('enforcelink.ledger_checked_hi', hi::text, true);
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER funds_journal_balanced AFTER INSERT ON funds_journal
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funds_journals_check();
"""

# Back to migration 0002's per-leg triggers (0005 reversed).
POSTGRESQL_SETS_UNDO = r"""
DROP TRIGGER funds_journal_balanced ON funds_journal;

DROP TRIGGER funds_journal_added ON funds_journal;

DROP TRIGGER funds_entry_legs ON funds_entry;

DROP TRIGGER funds_entry_balance ON funds_entry;

DROP FUNCTION funds_journals_check();

DROP FUNCTION funds_journals_added();

DROP FUNCTION funds_entries_legs();

DROP FUNCTION funds_entries_post();
""" + "\n\n".join(
    part
    for part in _statements(POSTGRESQL)
    if part.startswith(
        (
            "CREATE FUNCTION funds_entry_post",
            "CREATE FUNCTION funds_journal_check",
            "CREATE TRIGGER funds_entry_balance",
            "CREATE CONSTRAINT TRIGGER",
        )
    )
)


# Migration funds 0007: a journal inserted after a check fired mid-transaction (SET CONSTRAINTS ALL
# IMMEDIATE, which Django's `check_constraints()` sends) with an id inside the range that check
# remembered — an id given by hand, or the sequence's next one when a higher id was given by hand —
# was never checked, so an unbalanced journal committed. Every INSERT of journals now forgets the range
# checked: the next firing checks again from its own id up to the highest the transaction inserted.
POSTGRESQL_RECHECK = r"""
CREATE OR REPLACE FUNCTION funds_journals_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('enforcelink.ledger_journals_hi', greatest(
        nullif(current_setting('enforcelink.ledger_journals_hi', true), '')::bigint,
        (SELECT max(id) FROM added))::text, true),
            set_config('enforcelink.ledger_checked_lo', '', true),
            set_config('enforcelink.ledger_checked_hi', '', true);
    RETURN NULL;
END $$;
"""

POSTGRESQL_RECHECK_UNDO = "\n\n".join(
    part for part in _statements(POSTGRESQL_SETS) if part.startswith("CREATE FUNCTION funds_journals_added")
).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


def create_recheck(apps: Any, schema_editor: Any) -> None:
    """Migration 0007 (PostgreSQL only)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_RECHECK.strip(), params=None)


def drop_recheck(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_RECHECK_UNDO, params=None)


# Migration funds 0008: the court's application fees collected from cases' accounts (`fee_income`)
# are its income, a credit balance like a case's. PostgreSQL's CHECK `ledger_account_credit_side`
# names the new kind. SQLite cannot change a CHECK without rebuilding the table, and a rebuilt table
# loses its guard triggers: its CHECK stays as it was and two triggers keep the new kind's side.
CREDIT_SIDE = "ALTER TABLE funds_ledgeraccount ADD CONSTRAINT ledger_account_credit_side CHECK (NOT (kind IN ({kinds})) OR balance <= 0)"  # fmt: skip
CREDIT_KINDS_BEFORE = "'case', 'unidentified'"
CREDIT_KINDS_WITH_FEES = "'case', 'unidentified', 'fee_income'"
SQLITE_FEE_INCOME = [
    f"""
CREATE TRIGGER funds_ledgeraccount_fee_income_{name} BEFORE {operation} ON funds_ledgeraccount
WHEN NEW.kind = 'fee_income' AND NEW.balance > 0
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: ledger_account_credit_side (fee income above 0, R-FUND-03)');
END"""
    for name, operation in (("new", "INSERT"), ("side", "UPDATE"))
]


def create_fee_income_side(apps: Any, schema_editor: Any) -> None:
    """Migration 0008: fee income stays at or below 0 (credit), on both databases."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE funds_ledgeraccount DROP CONSTRAINT ledger_account_credit_side")
        schema_editor.execute(CREDIT_SIDE.format(kinds=CREDIT_KINDS_WITH_FEES), params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FEE_INCOME:
            schema_editor.execute(statement, params=None)


def drop_fee_income_side(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE funds_ledgeraccount DROP CONSTRAINT ledger_account_credit_side")
        schema_editor.execute(CREDIT_SIDE.format(kinds=CREDIT_KINDS_BEFORE), params=None)
    elif vendor == "sqlite":
        for name in ("funds_ledgeraccount_fee_income_new", "funds_ledgeraccount_fee_income_side"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def create_sets(apps: Any, schema_editor: Any) -> None:
    """Migration 0005 (PostgreSQL only; SQLite keeps its per-leg triggers)."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in _statements(POSTGRESQL_SETS):
            schema_editor.execute(statement, params=None)


def drop_sets(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in _statements(POSTGRESQL_SETS_UNDO):
            schema_editor.execute(statement, params=None)


def _sqlite_refusal(table: str, operation: str) -> str:
    return f"""
CREATE TRIGGER funds_{table}_no_{operation.lower()} BEFORE {operation} ON funds_{table}
WHEN NOT {UNSEAL_FUNCTION}()
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: funds_{table} rows are never updated or deleted (R-FUND-03)');
END"""


SQLITE = [
    *(
        _sqlite_refusal(table, op)
        for table in ("journal", "entry", "caseaccount")
        for op in ("UPDATE", "DELETE")
    ),
    f"""
CREATE TRIGGER funds_ledgeraccount_no_delete BEFORE DELETE ON funds_ledgeraccount
WHEN NOT {UNSEAL_FUNCTION}()
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_BALANCE_KEPT: a ledger account changes only by its entries (R-FUND-03)');
END""",
    # The entry trigger below moves a balance by the amount of the entry just inserted, which is the
    # account's newest; any other change is refused.
    """
CREATE TRIGGER funds_ledgeraccount_kept BEFORE UPDATE ON funds_ledgeraccount
WHEN NEW.kind IS NOT OLD.kind OR NEW.court_id IS NOT OLD.court_id OR NEW.case_id IS NOT OLD.case_id
  OR ROUND(NEW.balance - OLD.balance, 2) IS NOT ROUND((
       SELECT amount FROM funds_entry WHERE account_id = OLD.id ORDER BY id DESC LIMIT 1), 2)
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_BALANCE_KEPT: a ledger account changes only by its entries (R-FUND-03)');
END""",
    """
CREATE TRIGGER funds_entry_legs BEFORE INSERT ON funds_entry
WHEN (SELECT count(*) FROM funds_entry WHERE journal_id = NEW.journal_id)
     >= (SELECT leg_count FROM funds_journal WHERE id = NEW.journal_id)
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: a leg beyond the journal''s declared count (R-FUND-03)');
END""",
    """
CREATE TRIGGER funds_entry_last_leg BEFORE INSERT ON funds_entry
WHEN (SELECT count(*) FROM funds_entry WHERE journal_id = NEW.journal_id) + 1
     = (SELECT leg_count FROM funds_journal WHERE id = NEW.journal_id)
 AND (ROUND((SELECT coalesce(sum(amount), 0) FROM funds_entry WHERE journal_id = NEW.journal_id)
            + NEW.amount, 2) <> 0
      OR ROUND((SELECT coalesce(sum(amount), 0) FROM funds_entry WHERE journal_id = NEW.journal_id AND amount > 0)
               + max(NEW.amount, 0), 2) <> ROUND((SELECT amount FROM funds_journal WHERE id = NEW.journal_id), 2))
BEGIN
    SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: the journal''s last leg does not bring its sum to 0 or its debits to its amount (R-FUND-03)');
END""",
    """
CREATE TRIGGER funds_entry_balance AFTER INSERT ON funds_entry
BEGIN
    UPDATE funds_ledgeraccount SET balance = ROUND(balance + NEW.amount, 2) WHERE id = NEW.account_id;
END""",
]

SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS["sqlite"]]


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in _statements(POSTGRESQL):
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement, params=None)
    else:  # the project runs on these two (docs/operations.md)
        raise NotImplementedError(f"no ledger guards for {vendor}")


def drop(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRESQL_DROP.strip().splitlines():
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


def missing(connection: Any) -> list[str]:
    """The guard triggers this database lacks (dropped, or lost to a SQLite table rebuild)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s", ["funds%"]
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", ["funds%"]
            )
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in TRIGGERS.get(connection.vendor, ()) if name not in present]
