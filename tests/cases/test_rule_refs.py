"""Rule ids reach a clerk only as a small reference (issue 14 §4): on the case page (deadlines and
timeline), the request page's timeline and the command centre's overdue list, an id such as R-CASE-02
is a muted <sup class="rule-ref"> whose tooltip is the rule's plain title; the overdue list and its
export name the legal basis in words, the export keeping the id in a column of its own."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from enforcelink.core.rule_titles import RULE_TITLES, rule_title
from enforcelink.core.rules import domain_rules
from enforcelink.linkage import actions
from tests.factories import file_case
from tests.linkage.conftest import ask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

RULE_ID = re.compile(r"R-[A-Z]+-\d{2}")
DOMAIN = settings.REPO_DIR.parent / "shared" / "DOMAIN.md"


class Reader(HTMLParser):
    """The page's text outside <sup class="rule-ref">, and each reference with its tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.refs: list[tuple[str, str]] = []
        self._in_ref: str | None = None
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "sup" and "rule-ref" in (values.get("class") or "").split():
            self._in_ref = values.get("title") or ""
        elif tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._in_ref is not None:
            self.refs.append((data, self._in_ref))
            self._in_ref = None
        elif not self._skip:
            self.text.append(data)


def read(response) -> Reader:
    assert response.status_code == 200
    reader = Reader()
    reader.feed(response.content.decode())
    return reader


def assert_ids_only_as_references(reader: Reader) -> None:
    bare = [t.strip() for t in reader.text if RULE_ID.search(t)]
    assert bare == [], f"rule ids in the text: {bare}"
    assert reader.refs, "no rule reference on the page"
    for rule, title in reader.refs:
        assert RULE_ID.fullmatch(rule.split(",")[0].strip())
        assert title == rule_title(rule) and not RULE_ID.search(title)  # the plain title, in words


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_the_case_and_request_pages_show_rule_ids_only_as_small_references(world):
    case = file_case(world.court, world.officer)
    request = actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    client = client_for(world.officer)
    page = read(client.get(reverse("case-detail", args=[case.pk])))
    assert_ids_only_as_references(page)
    rules = {rule for rule, _title in page.refs}
    assert {"R-ID-03", "R-CASE-01", "R-CASE-02", "R-TIME-01"} <= rules  # filing, deadlines, the request sent
    assert_ids_only_as_references(read(client.get(reverse("request-detail", args=[request.pk]))))


def test_the_overdue_list_names_the_legal_basis_in_words(world):
    case = file_case(world.court, world.officer)  # filed 2024: its nodes are overdue
    page = read(client_for(world.command).get(reverse("command-overdue")))
    assert_ids_only_as_references(page)
    text = " ".join(page.text)
    assert "Legal basis" in text and str(RULE_TITLES["R-CASE-01"]) in text
    assert case.number in text


def test_the_overdue_export_writes_the_legal_basis_in_words_and_the_id_apart(world):
    file_case(world.court, world.officer)
    exported = client_for(world.command).get(reverse("command-overdue"), {"format": "csv"})
    head, *rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    basis, ref = head.index("Legal basis"), head.index("Rule reference (docs/rules.md)")
    assert rows and all(row[basis] == rule_title(row[ref]) and row[basis] for row in rows)
    assert all(not RULE_ID.search(cell) for row in rows for i, cell in enumerate(row) if i != ref)


@pytest.mark.skipif(not DOMAIN.exists(), reason="../shared/DOMAIN.md is beside the checkout in CI and dev")
def test_every_titled_rule_is_a_domain_rule():
    assert set(RULE_TITLES) <= set(domain_rules(DOMAIN))
