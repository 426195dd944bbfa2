"""The judgment page's steps say what they did to which judgment (issue 14 §7): "Payment recorded."
named neither the amount nor the judgment, "Sent: …" only bare document numbers."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.usefixtures("english")


def _told(client, judgment, name, data=None):
    url = reverse("judgment-action", args=[judgment.pk, name])
    response = client.post(url, data or {}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain and response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def test_notify_names_each_document_issued_for_the_judgment(client, world, judgment):
    client.force_login(world.officer)
    told = _told(client, judgment, "notify")
    documents = [f"{d.get_kind_display()} {d.number}" for d in judgment.documents.all()]
    assert len(documents) == 2 and len(told) == 1
    assert told[0].startswith(f"Issued for judgment {judgment.number}: ")
    assert all(document in told[0] for document in documents)


def test_a_payment_is_told_with_its_amount_and_judgment(client, world, judgment):
    client.force_login(world.officer)
    told = _told(client, judgment, "performance", {"amount": "1234.5", "performed_on": timezone.localdate()})
    assert told == [f"Payment of 1,234.50 元 recorded on judgment {judgment.number}."]


def test_withdrawing_names_the_judgment(client, world, judgment):
    client.force_login(world.officer)
    told = _told(client, judgment, "withdraw", {"reason": "当事人已和解"})
    assert told == [f"Supervision of judgment {judgment.number} withdrawn."]
