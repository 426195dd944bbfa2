"""The batch pages: starting a batch (errors beside the fields), progress polling, ownership, zip."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from enforcelink.cases.models import Case
from enforcelink.core.errors import InvalidInput
from enforcelink.documents.batch import batch_create, batch_run
from enforcelink.documents.models import BatchStatus, DocumentBatch
from tests.factories import file_case

NEW = reverse("document-batch-new")


@pytest.fixture
def cases(world):
    return [file_case(world.court, world.officer) for _i in range(3)]


@pytest.fixture
def batch(world, cases):
    return batch_create(
        court_cases=[case.pk for case in cases],
        kind="execution_notice",
        actor=world.officer,
        formats=["docx"],
    )


def _post(client, user, **data):
    client.force_login(user)
    payload = {"kind": "execution_notice", "formats": ["docx"], "case_numbers": "", "extra": "", **data}
    return client.post(NEW, payload)


def _field_errors(response, name):
    form = response.context["form"]
    return " ".join(str(error) for error in form.errors.get(name, []))


def test_staff_start_a_batch_from_pasted_numbers(client, world, cases, django_capture_on_commit_callbacks):
    numbers = "\n".join(case.number for case in cases)
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(client, world.command, case_numbers=numbers)
    batch = DocumentBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "document-batch-detail", args=[batch.pk]
    )
    assert (batch.total, batch.created_by, batch.formats) == (3, world.command, ["docx"])
    assert list(batch.items.values_list("case_id", flat=True)) == [case.pk for case in cases]


def test_unknown_and_foreign_numbers_are_reported_beside_the_field(client, world, cases):
    foreign = file_case(world.other_court, world.outsider)
    text = f"{cases[0].number}\n{foreign.number}\n（2099）渝0110执9号"
    response = _post(client, world.officer, case_numbers=text)
    assert response.status_code == 200
    errors = _field_errors(response, "case_numbers")
    assert foreign.number in errors and "（2099）渝0110执9号" in errors and cases[0].number not in errors
    assert 'data-field="case_numbers"' in response.text
    assert not DocumentBatch.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "assistance_notice", "extra": "measure=冻结"}, "extra"),
        ({"extra": "colour=red"}, "extra"),
        ({"extra": "this line has no equals sign"}, "extra"),
        ({"extra": "performance_days=abc"}, "extra"),
        ({"kind": "nonsense"}, "kind"),
        ({"formats": []}, "formats"),
        ({"formats": ["xls"]}, "formats"),
        ({"variant": "Bad Variant!"}, "variant"),
        ({"case_numbers": ""}, "case_numbers"),
    ],
)
def test_bad_input_shows_beside_the_field_and_never_500s(client, world, cases, data, field):
    data.setdefault("case_numbers", cases[0].number)
    response = _post(client, world.officer, **data)
    assert response.status_code == 200
    assert _field_errors(response, field), response.context["form"].errors
    assert not DocumentBatch.objects.exists()


def test_missing_required_detail_is_named(client, world, cases):
    response = _post(
        client, world.officer, kind="assistance_notice", case_numbers=cases[0].number, extra="measure=冻结"
    )
    assert "addressee" in _field_errors(response, "extra")


def test_details_with_lists_reach_the_batch(client, world, cases, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        _post(
            client,
            world.officer,
            kind="dishonest_listing",
            case_numbers=cases[0].number,
            extra="grounds=2、4",
        )
    assert DocumentBatch.objects.get().extra == {"grounds": ["2", "4"]}


def test_the_case_list_filter_selects_cases(client, world, cases, django_capture_on_commit_callbacks):
    file_case(world.other_court, world.outsider)
    client.force_login(world.officer)
    page = client.get(NEW + "?status=open")
    assert page.context["filter_count"] == 3
    payload = {
        "kind": "execution_notice",
        "formats": ["docx"],
        "use_filter": "on",
        "case_filter": "status=open",
    }
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(NEW, payload)
    assert response.status_code == 302
    assert DocumentBatch.objects.get().total == 3


def test_a_filter_the_case_list_refused_selects_no_case(client, world, cases):
    """Review of issue 14 §5: a search text the case list refuses (over 100 characters) was dropped,
    and the batch took every open case."""
    client.force_login(world.officer)
    query = "status=open&q=" + "执" * 101
    assert client.get(NEW + "?" + query).context["filter_count"] == 0
    payload = {"kind": "execution_notice", "formats": ["docx"], "use_filter": "on", "case_filter": query}
    response = client.post(NEW, payload)
    assert response.status_code == 200 and not DocumentBatch.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "liaison"])
def test_only_court_staff_may_start(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"kind": "execution_notice"}).status_code == 403


def test_new_page_renders(client, world):
    client.force_login(world.officer)
    response = client.get(NEW)
    assert response.status_code == 200 and "addressee" in response.text


def test_progress_fragment_polls_while_running_and_refreshes_at_the_end(client, world, batch):
    client.force_login(world.officer)
    url = reverse("document-batch-progress", args=[batch.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and 'hx-trigger="every' in fragment.text
    assert 'id="count-pending">3<' in fragment.text and "HX-Refresh" not in fragment
    batch_run(batch.pk)
    ended = client.get(url + "?polling=1", HTTP_HX_REQUEST="true")
    assert ended["HX-Refresh"] == "true" and "hx-trigger" not in ended.text
    assert 'id="count-done">3<' in ended.text


def test_detail_lists_failures_and_documents(client, world, cases, batch, django_assert_max_num_queries):
    Case.objects.filter(pk=cases[1].pk).update(officer=None)
    batch_run(batch.pk)
    client.force_login(world.officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("document-batch-detail", args=[batch.pk]))
    assert response.status_code == 200
    failures = response.text.split('id="batch-failures"')[1].split("</table>")[0]
    assert cases[1].number in failures and "MISSING_DATA" in failures
    documents = response.text.split('id="batch-documents"')[1].split("</table>")[0]
    assert documents.count("/docx/") == 2
    assert "hx-trigger" not in response.text


def test_list_shows_the_courts_batches_with_counts(client, world, batch, django_assert_max_num_queries):
    batch_run(batch.pk)
    batch_create(
        court_cases=[file_case(world.other_court, world.outsider).pk],
        kind="execution_notice",
        actor=world.outsider,
    )
    client.force_login(world.officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("document-batch-list"))
    assert [b.pk for b in response.context["page"].object_list] == [batch.pk]
    assert response.context["page"].object_list[0].done == 3


@pytest.mark.parametrize("name", ["document-batch-detail", "document-batch-progress", "document-batch-zip"])
def test_another_courts_batch_is_404_like_a_missing_one(client, world, batch, name):
    client.force_login(world.outsider)
    foreign = client.get(reverse(name, args=[batch.pk]))
    missing = client.get(reverse(name, args=[batch.pk + 1000]))
    assert foreign.status_code == missing.status_code == 404


def test_supervisor_reads_but_cannot_resume(client, world, batch):
    client.force_login(world.supervisor)
    detail = client.get(reverse("document-batch-detail", args=[batch.pk]))
    assert detail.status_code == 200 and "document-batch-resume" not in detail.text
    assert 'action="/documents/batches/' not in detail.text
    response = client.post(reverse("document-batch-resume", args=[batch.pk]))
    assert response.status_code == 404
    assert client.get(reverse("document-batch-list")).context["page"].total == 1


def test_resume_restarts_a_stalled_run(client, world, batch, django_capture_on_commit_callbacks):
    DocumentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    client.force_login(world.colleague)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("document-batch-resume", args=[batch.pk]))
    assert response.status_code == 302 and len(callbacks) == 1
    assert DocumentBatch.objects.get(pk=batch.pk).status == BatchStatus.QUEUED


def test_resume_of_a_finished_batch_says_so(client, world, batch):
    batch_run(batch.pk)
    client.force_login(world.officer)
    response = client.post(reverse("document-batch-resume", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    assert DocumentBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE


def test_zip_download(client, world, batch):
    batch_run(batch.pk)
    client.force_login(world.supervisor)
    response = client.get(reverse("document-batch-zip", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 4 and "failures.csv" in archive.namelist()


def test_anonymous_is_sent_to_login(client, batch):
    for url in (NEW, reverse("document-batch-list"), reverse("document-batch-detail", args=[batch.pk])):
        assert client.get(url).status_code == 302


def test_batch_details_are_held_to_the_text_rule_on_the_page(client, world, cases):
    """Review of issue 12, finding 2b: the batch's `extra` was a plain CharField, so `\\x1b` in a
    detail printed in every document of the batch (each one failing in DOCX)."""
    extra = "addressee=綦江\x1b农商银行\nmeasure=冻结被执行人银行存款"
    response = _post(
        client, world.officer, kind="assistance_notice", case_numbers=cases[0].number, extra=extra
    )
    assert response.status_code == 200
    assert "U+001B" in _field_errors(response, "extra")
    assert not DocumentBatch.objects.exists()


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        ("assistance_notice", {"addressee": "綦江\u202e农商银行", "measure": "冻结"}, "addressee"),
        ("assistance_notice", {"addressee": "綦江农商银行", "measure": "冻结\x0b存款"}, "measure"),
    ],
)
def test_batch_create_applies_the_text_rule_to_each_detail(world, cases, kind, extra, field):
    """Review of issue 12, finding 2b: `clean_extra` (the action's check) applies the rule per value,
    whichever way the batch was started."""
    with pytest.raises(InvalidInput) as caught:
        batch_create(court_cases=[cases[0].pk], kind=kind, actor=world.officer, extra=extra)
    assert (caught.value.code, caught.value.field) == ("TEXT_CONTROL_CHARACTER", field)
    assert not DocumentBatch.objects.exists()


def test_batch_details_are_stored_composed(world, cases):
    extra = {"addressee": "Caf\u0065\u0301 银行", "measure": "冻结"}
    batch = batch_create(
        court_cases=[cases[0].pk], kind="assistance_notice", actor=world.officer, extra=extra
    )
    assert batch.extra["addressee"] == "Café 银行"
