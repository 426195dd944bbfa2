"""The supervisor's page of a sample of inquiries (R-ASSET-01): each row says whose property was asked
about and for how much (the case's respondents and amount), the draw is explained in words rather
than as a "random seed", and a verdict refused for want of a note comes back as it was chosen."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.actions import inquiry_sample, inquiry_start
from enforcelink.assets.models import InquirySampleItem, Verdict
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def sample(world, units):
    for principal in ("1000.00", "23456.78"):
        case = file_case(world.court, world.officer, principal=principal)
        inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    day = timezone.localdate()
    return inquiry_sample(world.body, start=day, end=day, size=2, actor=world.supervisor, seed=4242)


def test_each_row_names_the_respondents_and_the_case_s_amount(client, world, sample):
    client.force_login(world.supervisor)
    page = client.get(reverse("inquiry-sample", args=[sample.pk])).content.decode()
    for item in sample.items.select_related("inquiry__case"):
        row = page[page.index(f'id="item-{item.pk}"') :]
        row = row[: row.index("</tr>")]
        case = item.inquiry.case
        names = "、".join(p.name for p in case.parties.filter(role="respondent").order_by("position", "pk"))
        assert f'class="respondents">{names}</td>' in row
        assert f'class="num case-amount">{case.amount_total:,.2f} 元</td>' in row


def test_the_draw_is_explained_not_named_a_seed(client, world, sample):
    client.force_login(world.supervisor)
    detail = client.get(reverse("inquiry-sample", args=[sample.pk])).content.decode()
    listing = client.get(reverse("inquiry-samples")).content.decode()
    assert "seed" not in detail.lower() and "seed" not in listing.lower()
    explained = detail[detail.index('id="sample-draw"') :]
    assert "<summary>How the sample was drawn</summary>" in explained
    assert "The draw number 4242 repeats exactly this draw" in explained


def test_a_verdict_refused_for_want_of_a_note_keeps_the_verdict_chosen(client, world, sample):
    item = sample.items.order_by("position").first()
    client.force_login(world.supervisor)
    url = reverse("inquiry-review", args=[sample.pk, item.pk])
    refused = client.post(url, {f"i{item.pk}-verdict": Verdict.BEYOND_PURPOSE, f"i{item.pk}-note": ""})
    body = refused.content.decode()
    assert refused.status_code == 400
    form = body[body.index(f'id="item-{item.pk}"') :]
    form = form[: form.index("</form>")]
    assert re.search(rf'name="i{item.pk}-verdict" value="beyond_purpose"[^>]*checked', form)
    assert "Say why the inquiry was improper." in form and 'data-field="note"' in form
    assert InquirySampleItem.objects.get(pk=item.pk).verdict == ""
    # the others' forms are fresh, nothing chosen for them
    other = sample.items.exclude(pk=item.pk).get()
    other_form = body[body.index(f'id="item-{other.pk}"') :]
    assert "checked" not in other_form[: other_form.index("</form>")]
    done = client.post(url, {f"i{item.pk}-verdict": Verdict.BEYOND_PURPOSE, f"i{item.pk}-note": "与案件无关"})
    assert done.status_code == 302
    assert InquirySampleItem.objects.get(pk=item.pk).verdict == Verdict.BEYOND_PURPOSE


def test_a_verdict_with_no_choice_is_refused_beside_the_field(client, world, sample):
    item = sample.items.order_by("position").first()
    client.force_login(world.supervisor)
    refused = client.post(reverse("inquiry-review", args=[sample.pk, item.pk]), {f"i{item.pk}-note": "草稿"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "草稿</textarea>" in body
    field = body[body.index(f'id="item-{item.pk}"') :]
    assert 'class="field field-error" data-field="verdict"' in field[: field.index("</form>")]
