"""Case search as officers type it (issue 14 §5): every written form of a 案号 finds its case and ranks
it first, names and ID numbers are found by a part, the officer filter names each person once, and
bad input is answered, never a 500. The same tests run on SQLite (LIKE scans) and PostgreSQL
(the indexes of migration cases 0009), which must find the same cases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from enforcelink.cases.actions import PartyInput
from enforcelink.cases.models import Case
from enforcelink.cases.search import matching_ids, search_terms
from enforcelink.orgs.models import Role
from tests.api.conftest import API
from tests.factories import PERSON_IDS, USCCS, UserFactory, file_case

TARGET = "（2026）渝0110执133号"
COMPANY = "重庆东方建材有限公司"


def signed_in(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def numbered(case: Case, year: int, sequence: int) -> Case:
    """Test set-up, not a domain write: give a filed case the 案号 a test needs."""
    number = f"（{year}）{case.court.code}{case.type_code}{sequence}号"
    Case.objects.filter(pk=case.pk).update(year=year, sequence=sequence, number=number)
    case.refresh_from_db()
    return case


def parties(
    applicant: str, person_id: str, respondent: str = COMPANY, uscc: str = USCCS[1]
) -> list[PartyInput]:
    return [
        PartyInput(role="applicant", kind="person", name=applicant, id_number=person_id),
        PartyInput(role="respondent", kind="organisation", name=respondent, id_number=uscc),
    ]


@pytest.fixture
def docket(world):
    """The case （2026）渝0110执133号 among neighbours a looser search also finds, and the same number
    at another court, which the officer never sees."""
    target = numbered(
        file_case(world.court, world.officer, parties=parties("李四", PERSON_IDS[1])), 2026, 133
    )
    return {
        "target": target,
        "last_year": numbered(file_case(world.court, world.officer), 2025, 133),
        "longer": numbered(file_case(world.court, world.officer), 2026, 1330),
        "resumed": numbered(file_case(world.court, world.officer, type_code="执恢"), 2026, 133),
        "namesake": numbered(
            file_case(
                world.court,
                world.officer,
                parties=parties("李四光", PERSON_IDS[2], "綦江某物流公司", USCCS[0]),
            ),
            2026,
            7,
        ),
        "foreign": numbered(
            file_case(world.other_court, world.outsider, parties=parties("李四", PERSON_IDS[1])), 2026, 133
        ),
    }


def found(user, text: str) -> list[str]:
    """The numbers the case list shows for `text`, in its order."""
    response = signed_in(user).get(reverse("case-list"), {"q": text})
    assert response.status_code == 200
    return [case.number for case in response.context["page"].object_list]


# --- 案号 as officers type it ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        TARGET,
        "(2026)渝0110执133号",
        "（2026)渝0110执133号",
        " ( 2026 ) 渝0110 执133号 ",
        "〔2026〕渝0110执133号",
        "2026渝0110执133号",
        "2026渝0110执133",
        "２０２６渝０１１０执１３３号",
        "2026执133",
        "（2026）执133号",
        "2026执133号",
    ],
)
def test_every_written_form_of_the_number_finds_the_case_first(world, docket, text):
    shown = found(world.officer, text)
    assert shown[0] == TARGET
    assert docket["foreign"].pk not in Case.objects.filter(number__in=shown).values_list("pk", flat=True)


def test_a_typed_number_finds_only_its_case(world, docket):
    """With year, court and 号 nothing else is that case; 执133号 is not 执1330号 or 执恢133号."""
    assert found(world.officer, TARGET) == [TARGET]
    assert found(world.officer, "2026执133") == [TARGET]


def test_court_type_and_sequence_find_it_in_every_year(world, docket):
    assert set(found(world.officer, "渝0110执133号")) == {TARGET, docket["last_year"].number}
    assert set(found(world.officer, "执133号")) == {TARGET, docket["last_year"].number}
    assert found(world.officer, "执恢133") == [docket["resumed"].number]


def test_without_its_hao_a_number_is_also_the_start_of_longer_ones_ranked_after(world, docket):
    shown = found(world.officer, "2026渝0110执133")
    assert shown == [TARGET, docket["longer"].number]
    shown = found(world.officer, "渝0110执133")
    assert set(shown[:2]) == {TARGET, docket["last_year"].number}  # the parts exactly, newest first
    assert shown[2:] == [docket["longer"].number]


@pytest.mark.parametrize("fragment", ["0110执133", "10执13", "执1330", "26渝01"])
def test_any_fragment_of_three_characters_or_more(world, docket, fragment):
    shown = found(world.officer, fragment)
    assert shown and all(fragment in number.replace("（", "").replace("）", "") for number in shown)


def test_two_characters_of_a_number_are_too_common_to_search_as_one(world, docket):
    assert found(world.officer, "13") == []


# --- names and ID numbers by a part -----------------------------------------------------------------


def test_whole_name_first_then_names_holding_it(world, docket):
    shown = found(world.officer, "李四")
    assert shown == [TARGET, docket["namesake"].number]


@pytest.mark.parametrize("fragment", ["东方", "东方建材", "建材有限公", "物流", "綦江某物流公司"])
def test_name_fragments_of_two_characters_or_more(world, docket, fragment):
    expected = {c.number for k, c in docket.items() if k != "foreign" and fragment in _names(c)}
    assert expected and set(found(world.officer, fragment)) == expected


def test_one_character_is_the_start_of_a_name(world, docket):
    """A surname; inside names one character is in too many to list."""
    assert set(found(world.officer, "李")) == {TARGET, docket["namesake"].number}
    assert found(world.officer, "四") == []


def test_latin_names_in_either_case(world):
    people = [
        PartyInput(
            role="applicant", kind="person", name="John SMITH", id_type="passport", id_number="E12345678"
        ),
        PartyInput(role="respondent", kind="organisation", name="ACME Trading Ltd", id_number=USCCS[1]),
    ]
    case = file_case(world.court, world.officer, parties=people)
    assert found(world.officer, "acme") == [case.number]
    assert found(world.officer, "Smith") == [case.number]


def _names(case: Case) -> str:
    return " ".join(case.parties.values_list("name", flat=True))


@pytest.mark.parametrize(
    "text",
    [
        PERSON_IDS[1],
        PERSON_IDS[1].lower(),
        PERSON_IDS[1][:6] + " " + PERSON_IDS[1][6:],
        PERSON_IDS[1][:14],
        PERSON_IDS[1][:10],
        PERSON_IDS[1][-4:],
        PERSON_IDS[1][-8:],
        USCCS[1].lower(),
        USCCS[1][:8],
        USCCS[1][-5:].lower(),
    ],
)
def test_id_numbers_whole_or_by_their_start_or_end(world, docket, text):
    assert found(world.officer, text) == [TARGET]


@pytest.mark.parametrize("text", [PERSON_IDS[1][6:14], PERSON_IDS[1][-3:], USCCS[1][4:10]])
def test_a_piece_of_an_id_number_from_the_middle_or_too_short_finds_nothing(world, docket, text):
    """R-ID-05: the start or the end, four characters at least."""
    assert found(world.officer, text) == []


def test_an_exact_id_number_ranks_before_a_start(world, docket):
    other = file_case(world.court, world.officer, parties=parties("王五", PERSON_IDS[3], "某公司", USCCS[0]))
    Case.objects.filter(pk=other.pk).update(filed_on="2025-01-01")  # newer: ranks first unless exact
    assert found(world.officer, PERSON_IDS[1])[0] == TARGET


def test_search_never_crosses_courts(world, docket):
    assert found(world.outsider, TARGET) == []
    assert found(world.outsider, "2026执133") == [docket["foreign"].number]
    assert found(world.outsider, "李四光") == []
    assert found(world.outsider, PERSON_IDS[2][-4:]) == []


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("东方", "party_name_pairs_trgm"),
        ("李", "party_name_pairs_trgm"),
        ("0110执13", "case_number_key_trgm"),
        ("2026渝0110执133", "case_number_key_prefix"),
        ("2026执133", "case_number_parts"),
        ("4472", "party_id_number_reversed"),
    ],
)
def test_each_way_is_served_by_its_index_on_postgresql(world, text, index):
    """The expressions of migration 0009's indexes and of cases.search must stay the same, or the
    search silently scans again (2 s at 1,000,000 cases)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite searches by scanning")
    sql, params = matching_ids(search_terms(text)).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_a_blank_search_lists_every_visible_case(world, docket, text):
    assert len(found(world.officer, text)) == 5


@pytest.mark.parametrize(
    "text", ["%", "_", "%%%___", "%执%", "\\", "'; DROP TABLE cases_case; --", "（）号", "号", "😀", "…"]
)
def test_wildcards_punctuation_and_absurd_text_find_nothing(world, docket, text):
    assert found(world.officer, text) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [("x" * 1000, "at most 100 characters"), ("执\x00133", "not allowed"), ("李\u202e四", "not allowed")],
)
def test_a_text_that_cannot_be_searched_is_answered_beside_the_box(world, docket, text, message):
    response = signed_in(world.officer).get(reverse("case-list"), {"q": text})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert message in str(response.context["search"].errors["q"])
    assert 'id="id_q_error"' in response.content.decode()
    partial = signed_in(world.officer).get(reverse("case-list"), {"q": text}, headers={"hx-request": "true"})
    assert "Not searched:" in partial.content.decode()


def test_the_search_function_itself_takes_anything(world, docket):
    """Callers that skip the form (the API's filters, the document batch's saved filter)."""
    assert search_terms("执\x00133\x0b号").text == "执 133 号"
    assert search_terms("x" * 10_000).text == "x" * 100
    assert search_terms("\x00\x01").text == ""


# --- the API's q ------------------------------------------------------------------------------------


def api_numbers(client, query: dict) -> list[str]:
    response = client.get(f"{API}/cases/", query)
    assert response.status_code == 200, response.json()
    return [row["number"] for row in response.json()["results"]]


def test_api_q_searches_as_the_case_list(world, docket, client_for):
    client = client_for("officer")
    assert api_numbers(client, {"q": "2026执133"}) == [TARGET]
    assert api_numbers(client, {"q": "李四"}) == [TARGET, docket["namesake"].number]
    assert api_numbers(client, {"q": PERSON_IDS[1][-4:], "status": "open"}) == [TARGET]
    assert api_numbers(client, {"q": "%"}) == []


def test_api_number_contains_takes_either_bracket(world, docket, client_for):
    client = client_for("officer")
    assert set(api_numbers(client, {"number_contains": "(2026)渝0110执133"})) == {
        TARGET,
        docket["longer"].number,
    }
    assert api_numbers(client, {"number_contains": "执133号"}) == [
        n for n in api_numbers(client, {}) if n.endswith("执133号")
    ]


@pytest.mark.parametrize(
    "query", [{"q": "x" * 101}, {"q": "执\x00133"}, {"party_name": "李\x00"}, {"number_contains": "\x0b"}]
)
def test_api_refuses_what_cannot_be_searched_with_400(world, docket, client_for, query):
    response = client_for("officer").get(f"{API}/cases/", query)
    assert response.status_code == 400
    assert next(iter(query)) in str(response.json())


# --- the officer filter -----------------------------------------------------------------------------


def test_officer_filter_tells_two_people_of_one_name_apart(world):
    """The 承办人 filter listed 王斌 twice: two officers of one court who share a name."""
    first = UserFactory(username="wangbin1", full_name="王斌", court=world.court, role=Role.OFFICER)
    second = UserFactory(username="wangbin2", full_name="王斌", court=world.court, role=Role.OFFICER)
    response = signed_in(world.officer).get(reverse("case-list"))
    choices = list(response.context["search"].fields["officer"].choices)[1:]
    labels = [str(label) for _value, label in choices]
    assert len(labels) == len(set(labels))
    assert {"王斌 (wangbin1)", "王斌 (wangbin2)"} <= set(labels)
    assert str(world.colleague) in labels  # an unshared name stays as it is
    body = response.content.decode()
    assert f'value="{first.pk}">王斌 (wangbin1)<' in body and f'value="{second.pk}">王斌 (wangbin2)<' in body
    overdue = signed_in(world.command).get(reverse("command-overdue")).content.decode()
    assert "王斌 (wangbin1)" in overdue and "王斌 (wangbin2)" in overdue


def test_officer_filter_still_filters(world, docket):
    Case.objects.update(officer=world.officer)
    Case.objects.filter(pk=docket["target"].pk).update(officer=world.colleague)
    response = signed_in(world.officer).get(reverse("case-list"), {"officer": world.colleague.pk})
    assert [c.number for c in response.context["page"].object_list] == [TARGET]


# --- query count ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["李四", "2026渝0110执", PERSON_IDS[1][-4:], "渝0110执"])
def test_search_query_count_does_not_grow_with_matches(world, docket, django_assert_max_num_queries, text):
    client = signed_in(world.officer)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("case-list"), {"q": text})
    for sequence in range(200, 208):
        numbered(
            file_case(world.court, world.officer, parties=parties("李四", PERSON_IDS[1])), 2026, sequence
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("case-list"), {"q": text})
    assert len(response.context["page"].object_list) > 1


# --- too many matches to rank (issue 14 §12) --------------------------------------------------------


def test_past_broad_matches_the_newest_come_first_and_the_page_asks_for_more(world, docket, monkeypatch):
    """A text that matches more than `BROAD` cases (a ten-digit ID prefix, a common surname at a
    court of 400,000 cases) names no one: every match is still listed, newest first instead of by
    rank, and the page says to type more. Below it, exact matches still come first."""
    from enforcelink.cases import search as search_module

    expected_newest_first = [
        case.number
        for case in Case.objects.filter(pk__in=[docket["target"].pk, docket["namesake"].pk]).order_by(
            "-filed_on", "-id"
        )
    ]
    assert found(world.officer, "李四") == [TARGET, docket["namesake"].number]  # ranked: exact first
    assert (
        "search-broad"
        not in signed_in(world.officer).get(reverse("case-list"), {"q": "李四"}).content.decode()
    )

    monkeypatch.setattr(search_module, "BROAD", 1)
    response = signed_in(world.officer).get(reverse("case-list"), {"q": "李四"})
    assert response.context["broad"] is True
    assert [case.number for case in response.context["page"].object_list] == expected_newest_first
    assert 'id="search-broad"' in response.content.decode()
    assert "Type more of the name" in response.content.decode()
    partial = signed_in(world.officer).get(
        reverse("case-list"), {"q": "李四"}, headers={"hx-request": "true"}
    )
    assert 'id="search-broad"' in partial.content.decode()
    # Exactly BROAD matches are not too many: ranked, no hint. (BROAD counts every court's matches,
    # the other court's 李四 among them: the ids are read from the parties' indexes alone.)
    monkeypatch.setattr(search_module, "BROAD", 3)
    response = signed_in(world.officer).get(reverse("case-list"), {"q": "李四"})
    assert response.context["broad"] is False
    assert [case.number for case in response.context["page"].object_list] == [
        TARGET,
        docket["namesake"].number,
    ]


def test_a_broad_search_still_takes_every_match_into_a_document_batch(world, docket, monkeypatch):
    """The batch built from the list's filter takes all the cases the search finds, broad or not."""
    from enforcelink.cases import queries
    from enforcelink.cases import search as search_module

    monkeypatch.setattr(search_module, "BROAD", 1)
    note = search_module.SearchNote()
    cases = queries.case_list(world.officer, text="李四", note=note)
    assert note.broad is True
    assert {case.pk for case in cases} == {docket["target"].pk, docket["namesake"].pk}


def test_a_broad_search_pages_by_keys_first_in_the_lists_order(world, docket, monkeypatch):
    """The broad page is read keys first (core.pages `keys_first`): the same cases, in the same
    order, on every page, as the plain list of the matches would give."""
    from enforcelink.cases import search as search_module

    for sequence in range(300, 306):
        numbered(
            file_case(world.court, world.officer, parties=parties("李四", PERSON_IDS[1])), 2026, sequence
        )
    monkeypatch.setattr(search_module, "BROAD", 1)
    monkeypatch.setattr("enforcelink.cases.views.PAGE_SIZE", 3)
    client = signed_in(world.officer)
    expected = [
        case.number
        for case in Case.objects.filter(court=world.court, parties__name__contains="李四")
        .distinct()
        .order_by("-filed_on", "-id")
    ]
    seen, params = [], {"q": "李四"}
    while True:
        response = client.get(reverse("case-list"), params)
        page = response.context["page"]
        assert response.context["broad"] is True
        seen += [case.number for case in page.object_list]
        assert all(hasattr(case, "respondents") for case in page.object_list)  # prefetches kept
        if not page.next_cursor:
            break
        params = {"q": "李四", "after": page.next_cursor}
    assert seen == expected and len(seen) == 8
