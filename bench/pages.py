"""Benchmark the pages at a court's real size (issue 14 §12): the case list (page 1 and page 2,000),
the search by 案号, by a fragment, by a name and by an ID number, the API case list, the command
centre's overdue list, the liaison's inbox, the approvals, and "/" for an officer and a liaison,
each against the same page written the plain way (Django's Paginator, which counts every row and
reads page N by OFFSET; the search as `icontains` over the number and the parties), in one run on
one database.

The database is PostgreSQL with `--cases` demo cases (`enforcelink demo-data`, the 綦江 court holding
about 40% of them): reused when it holds that many, else created, migrated and loaded (about 4–7
minutes for 1,000,000 on this machine). Times are server time in-process: Django's test Client
through the whole middleware stack and the template, warm (one call first), each page `--runs`
times with the new and the plain way alternating; median and p95 (nearest rank).

The plain way is the same view with two names swapped (`request_page` for a Paginator page and
`cases.queries.search` for the icontains search; the API case list with LimitOffsetPagination), so
what differs is the pagination and the search, nothing else.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from enforcelink.demo import benchkit

TARGET_PAGE_MS = 150
TARGET_EXACT_MS = 50
DEEP_PAGE = 2000
API_OFFSET = 2500


# --- inside the benchmark database (python bench/pages.py drive RUNS) --------------------------------


def _plain_page(request: Any, queryset: Any, per_page: int, **_ignored: Any) -> Any:
    from django.core.paginator import Paginator

    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    page.total, page.estimated = page.paginator.count, False
    return page


def _plain_search(cases: Any, text: str, note: Any = None) -> Any:
    from django.db.models import Q

    text = text.strip()
    if not text:
        return cases
    found = (
        Q(number__icontains=text) | Q(parties__name__icontains=text) | Q(parties__id_number__icontains=text)
    )
    return cases.filter(found).distinct()


@contextmanager
def plain_way() -> Iterator[None]:
    """The pages as they were written before keyset pages and the indexed search."""
    from enforcelink.cases import api, queries
    from enforcelink.cases import views as case_views
    from enforcelink.core.api import Pagination
    from enforcelink.linkage import views as linkage_views

    saved = (
        case_views.request_page,
        linkage_views.request_page,
        queries.search,
        api.CaseViewSet.pagination_class,
    )
    case_views.request_page = linkage_views.request_page = _plain_page  # type: ignore[assignment]
    queries.search = _plain_search  # type: ignore[assignment]
    api.CaseViewSet.pagination_class = Pagination
    try:
        yield
    finally:
        case_views.request_page, linkage_views.request_page, queries.search = saved[:3]  # type: ignore[assignment]
        api.CaseViewSet.pagination_class = saved[3]


def _samples(officer: Any) -> dict[str, Any]:
    """What an officer of the biggest court would type: a case of theirs and its respondent, and
    the cursor of the row before page 2,000 (a smaller --cases: its deepest page)."""
    from enforcelink.cases.models import Case, Party
    from enforcelink.core.pages import encode_cursor

    court_cases = Case.objects.visible_to(officer).order_by("-filed_on", "-id")
    people = Party.objects.filter(
        case__court=officer.court, role="respondent", kind="person", id_type="resident_id"
    ).order_by("case_id")
    person = people.select_related("case")[min(5000, people.count() // 2)]
    case = person.case
    deep_page = min(DEEP_PAGE, max(2, court_cases.count() // 25))
    deep = court_cases.values_list("filed_on", "id")[(deep_page - 1) * 25 - 1]
    return {
        "number": case.number,
        "fragment": f"{case.year}{case.type_code}{case.sequence}",
        "name": person.name,
        "name_part": person.name[:2],
        "id_number": person.id_number,
        "id_prefix": person.id_number[:10],
        "deep_page": deep_page,
        "deep_cursor": encode_cursor(list(deep)),
    }


def _time(client: Any, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    return elapsed, response.status_code


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def drive(runs: int) -> dict[str, Any]:
    from urllib.parse import urlencode

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from enforcelink.cases.models import Case
    from enforcelink.demo.world import PRIMARY_LOGINS
    from enforcelink.linkage.models import AssistanceRequest
    from enforcelink.orgs.models import Role, User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The logins the pages are timed as (a database loaded before a role was added lacks its login).
    held = {user.username: user for user in User.objects.filter(username__in=PRIMARY_LOGINS.values())}
    people = {role: held[name] for role, name in PRIMARY_LOGINS.items() if name in held}
    officer, liaison = people[Role.OFFICER], people[Role.LIAISON]
    sample = _samples(officer)

    def search(text: str) -> str:
        return "/cases/?" + urlencode({"q": text})

    # (label, who, new url, plain url or None, target ms)
    pages: list[tuple[str, Any, str, str | None, int]] = [
        ("Case list, page 1", officer, "/cases/", "/cases/", TARGET_PAGE_MS),
        (f"Case list, page {sample['deep_page']:,}", officer, f"/cases/?after={sample['deep_cursor']}",
         f"/cases/?page={sample['deep_page']}", TARGET_PAGE_MS),
        ("Case list, open cases", officer, "/cases/?status=open", "/cases/?status=open", TARGET_PAGE_MS),
        (f"Search: exact 案号 {sample['number']}", officer, search(sample["number"]), None, TARGET_EXACT_MS),
        (f"Search: {sample['fragment']}", officer, search(sample["fragment"]), None, TARGET_PAGE_MS),
        (f"Search: a name ({len(sample['name'])} characters)", officer, search(sample["name"]), None,
         TARGET_PAGE_MS),
        ("Search: two characters of a name", officer, search(sample["name_part"]), None, TARGET_PAGE_MS),
        ("Search: a whole ID number", officer, search(sample["id_number"]), None, TARGET_EXACT_MS),
        ("Search: an ID number's first 10 characters", officer, search(sample["id_prefix"]), None,
         TARGET_PAGE_MS),
        ("API case list (`GET /api/v1/cases/`)", officer, "/api/v1/cases/", "/api/v1/cases/", TARGET_PAGE_MS),
        (f"API case list, rows {API_OFFSET + 1:,}–{API_OFFSET + 50:,}", officer, None,
         f"/api/v1/cases/?offset={API_OFFSET}", TARGET_PAGE_MS),
        ("Command centre: overdue nodes", people[Role.COMMAND], "/command/overdue/", "/command/overdue/",
         TARGET_PAGE_MS),
        ("Liaison: inbox", liaison, "/inbox/", "/inbox/", TARGET_PAGE_MS),
        ("President: approvals", people[Role.PRESIDENT], "/requests/approvals/", "/requests/approvals/",
         TARGET_PAGE_MS),
        ("Officer: waiting requests", officer, "/requests/waiting/", "/requests/waiting/", TARGET_PAGE_MS),
        ('Officer: home ("/")', officer, "/", None, TARGET_PAGE_MS),
        ('Liaison: home ("/")', liaison, "/", None, TARGET_PAGE_MS),
    ]  # fmt: skip
    # Searches: the plain way is the same box searched with icontains.
    pages = [(label, who, new, plain if plain or not new or not new.startswith("/cases/?q=") else new, target)
             for label, who, new, plain, target in pages]  # fmt: skip
    # The API's rows after API_OFFSET: the new way follows the cursor of the row before them.
    api_cursor = _api_cursor(officer, API_OFFSET)
    pages = [(label, who, new or f"/api/v1/cases/?after={api_cursor}", plain, target)
             for label, who, new, plain, target in pages]  # fmt: skip

    clients: dict[int, Any] = {}

    def client_of(user: Any) -> Any:
        if user.pk not in clients:
            clients[user.pk] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
            clients[user.pk].force_login(user)
        return clients[user.pk]

    results = []
    for label, who, new, plain, target in pages:
        client = client_of(who)
        figures: dict[str, Any] = {"label": label, "target": target, "new_url": new, "plain_url": plain}
        for way, url in (("new", new), ("plain", plain)):
            if url is None:
                continue
            with plain_way() if way == "plain" else _nothing():
                _time(client, url)  # warm
                with CaptureQueriesContext(connection) as queries:
                    client.get(url)
                figures[f"{way}_queries"] = len(queries.captured_queries)
        new_times: list[float] = []
        plain_times: list[float] = []
        for _ in range(runs):  # alternating, so a busy moment of the machine falls on both
            new_times.append(_time(client, new)[0])
            if plain is not None:
                with plain_way():
                    plain_times.append(_time(client, plain)[0])
        figures["new_ms"] = [statistics.median(new_times), _p95(new_times)]
        if plain_times:
            figures["plain_ms"] = [statistics.median(plain_times), _p95(plain_times)]
        results.append(figures)
        print(json.dumps(figures, ensure_ascii=False), file=sys.stderr)
    sizes = {
        "cases": Case.objects.count(),
        "court_cases": Case.objects.visible_to(officer).count(),
        "court": str(officer.court),
        "overdue_nodes": _overdue_count(people[Role.COMMAND]),
        "inbox": AssistanceRequest.objects.visible_to(liaison).count(),
    }
    return {"pages": results, "sizes": sizes, "sample": sample}


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _api_cursor(officer: Any, offset: int) -> str:
    from enforcelink.cases.models import Case
    from enforcelink.core.pages import encode_cursor

    row = (
        Case.objects.visible_to(officer)
        .order_by("-filed_on", "-id")
        .values_list("filed_on", "id")[offset - 1]
    )
    return encode_cursor(list(row))


def _overdue_count(user: Any) -> int:
    from django.utils import timezone

    from enforcelink.cases import queries

    return queries.court_overdue(user, timezone.localdate()).count()


def _inside(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcelink.config.settings")
    import django

    django.setup()
    print(json.dumps(drive(int(argv[1])), ensure_ascii=False))


# --- the command ---------------------------------------------------------------------------------


def _case_count(url: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM cases_case").fetchone()
            return int(row[0]) if row else 0
    except psycopg.errors.UndefinedTable:
        return 0


def _prepare(options: argparse.Namespace, env: dict[str, str], log: Callable[[str], None]) -> None:
    """The database with `--cases` demo cases: reused, or created and loaded."""
    import psycopg

    with psycopg.connect(options.postgres_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (options.database,)).fetchone()
        if exists and options.fresh:
            admin.execute(f'DROP DATABASE "{options.database}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{options.database}"')
    log(f"{options.database}: migrating")
    benchkit.enforcelink(["migrate", "-v", "0"], env)
    held = _case_count(env["DATABASE_URL"])
    if held == options.cases:
        log(f"{options.database}: reusing its {held:,} cases")
        return
    if held:
        raise RuntimeError(
            f"{options.database} holds {held:,} cases, not {options.cases:,}: --fresh to reload it, "
            "or name another --database"
        )
    log(f"{options.database}: loading {options.cases:,} demo cases")
    benchkit.enforcelink(
        ["demo-data", "--cases", str(options.cases), "--requests", str(options.requests), "--seed", str(options.seed)],
        env,
    )  # fmt: skip
    # The visibility map and the statistics a fresh load lacks: index-only reads need the first.
    log(f"{options.database}: VACUUM ANALYZE")
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as loaded:
        loaded.execute("VACUUM (ANALYZE)")


@benchkit.register(
    "pages", "list pages and search at N cases: keyset pages and indexed search vs Paginator + icontains"
)
class Pages:
    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--runs", type=int, default=9, help="timed calls per page and way")
        parser.add_argument("--database", default="el_bench_pages", help="kept between runs and reused")
        parser.add_argument("--fresh", action="store_true", help="drop the database and load it again")
        parser.add_argument("--requests", type=int, default=1000, help="demo-data --requests (open cases asked of 4 units)")  # fmt: skip
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")

    def run(self, options: argparse.Namespace, log: Callable[[str], None]) -> str:
        url = f"{options.postgres_url.rsplit('/', 1)[0]}/{options.database}"
        env = {**os.environ, "DATABASE_URL": url, "ENFORCELINK_HTTPS": "0", "ENFORCELINK_DEBUG": "0",
               "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}  # fmt: skip
        env.setdefault("ENFORCELINK_SECRET_KEY", "bench-" + "k4Wz9" * 12)
        _prepare(options, env, log)
        info = benchkit.machine(options.postgres_url)
        log(f"timing {options.runs} runs per page and way")
        result = subprocess.run(
            [sys.executable, __file__, "drive", str(options.runs)], env=env, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"bench/pages.py drive failed:\n{result.stderr}{result.stdout}")
        figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        return _markdown(options, info, figures)


def _ms(pair: list[float] | None) -> str:
    return "—" if pair is None else f"{pair[0]:,.1f} / {pair[1]:,.1f}"


def _markdown(options: argparse.Namespace, info: dict[str, str], figures: dict[str, Any]) -> str:
    rows = []
    for page in figures["pages"]:
        new, plain = page["new_ms"], page.get("plain_ms")
        verdict = (
            "met"
            if new[1] <= page["target"]
            else ("median met, p95 over" if new[0] <= page["target"] else "MISSED")
        )
        speedup = f"{plain[0] / new[0]:,.1f}×" if plain else "—"
        queries = f"{page.get('new_queries', '—')} / {page.get('plain_queries', '—')}"
        rows.append(f"| {page['label']} | ≤ {page['target']} | **{_ms(new)}** | {_ms(plain)} | {speedup} | {queries} | {verdict} |")  # fmt: skip
    sizes = figures["sizes"]
    deep = figures["sample"]["deep_page"]
    return "\n\n".join([
        "## pages",
        f"`enforcelink bench pages --cases {options.cases} --runs {options.runs} --database {options.database}` (PostgreSQL)",
        benchkit.machine_table(info),
        f"{sizes['cases']:,} cases; the officer's court ({sizes['court']}) holds {sizes['court_cases']:,} of them, "
        f"{sizes['overdue_nodes']:,} overdue nodes on its open cases; the liaison's unit has {sizes['inbox']:,} requests.",
        "| Page | Target ms | New: median / p95 ms | Plain: median / p95 ms | Speed-up (median) | Queries new / plain | Target |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(rows),
        "Server time in-process (Django's test Client: middleware, view, queries, template), warm, "
        f"{options.runs} calls per page and way, alternating. New: keyset pages (`core.pages`: the rows after "
        "the last one shown, read from an index on the list's order; totals exact up to 1,000, PostgreSQL's "
        "estimate beyond) and the indexed search (`cases/search.py`). Plain: the same views with Django's "
        "Paginator (COUNT(*) of the whole list, OFFSET for page N), the search as `icontains` over the 案号 and "
        f"the parties' names and ID numbers, the API with LimitOffsetPagination. Page {deep:,} of the "
        f"plain list is `?page={deep}`; of the new one, the cursor of row {(deep - 1) * 25:,} (the "
        "same 25 cases). Homes have no plain counterpart. Targets (issue 14 §12): every page ≤ 150 ms, an "
        "exact 案号 or ID number ≤ 50 ms, judged on p95.",
    ])  # fmt: skip


if __name__ == "__main__":
    _inside(sys.argv[1:])
