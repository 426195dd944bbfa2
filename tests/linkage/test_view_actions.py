"""The request page's actions through the views (issue 4 §4): the unit rejects or returns with a
reason, the court re-sends or cancels; another unit's liaison posting complete, message or reject
gets exactly the 404 of a missing request, and nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest, RequestEvent, RequestMessage


def _post(client, req_pk, name, data=None):
    return client.post(reverse("request-action", args=[req_pk, name]), data or {})


def _status(pk):
    return AssistanceRequest.objects.get(pk=pk).status


@pytest.mark.parametrize("name, status", [("reject", "rejected"), ("return", "returned")])
def test_the_liaison_rejects_or_returns_with_a_reason(client, world, sent, name, status):
    client.force_login(world.liaison)
    bare = _post(client, sent.pk, name, {"reason": ""})
    assert bare.status_code == 400 and 'id="id_reason_error"' in bare.content.decode()
    assert _status(sent.pk) == "sent"
    done = _post(client, sent.pk, name, {"reason": "账户信息不全"})
    assert done.status_code == 302 and done["Location"] == reverse("request-detail", args=[sent.pk])
    request = AssistanceRequest.objects.get(pk=sent.pk)
    assert request.status == status and request.reason == "账户信息不全"
    assert RequestEvent.objects.filter(request=sent, kind=status).exists()


def test_the_court_resends_a_returned_request(client, world, sent):
    actions.request_return(sent, reason="请补充身份证号", actor=world.liaison)
    client.force_login(world.officer)
    page = client.get(reverse("request-detail", args=[sent.pk])).content.decode()
    assert reverse("request-action", args=[sent.pk, "resend"]) in page
    response = _post(client, sent.pk, "resend")
    assert response.status_code == 302
    request = AssistanceRequest.objects.get(pk=sent.pk)
    assert request.status == "sent" and request.returned_at is None
    assert RequestEvent.objects.filter(request=sent, kind="resent").count() == 1
    again = _post(client, sent.pk, "resend")  # no longer returned: explained, not an error page
    assert again.status_code == 302 and _status(sent.pk) == "sent"


def test_the_court_cancels_with_a_reason(client, world, sent):
    client.force_login(world.officer)
    bare = _post(client, sent.pk, "cancel", {"reason": " "})
    assert bare.status_code == 400 and _status(sent.pk) == "sent"
    assert _post(client, sent.pk, "cancel", {"reason": "已履行完毕"}).status_code == 302
    request = AssistanceRequest.objects.get(pk=sent.pk)
    assert request.status == "cancelled" and request.reason == "已履行完毕"


def test_the_unit_cannot_cancel_or_resend_and_the_court_cannot_answer(client, world, sent):
    client.force_login(world.liaison)
    for name in ("cancel", "resend"):
        assert _post(client, sent.pk, name, {"reason": "x"}).status_code == 404
    client.force_login(world.officer)
    assert _post(client, sent.pk, "reject", {"reason": "x"}).status_code == 404
    assert _status(sent.pk) == "sent"


@pytest.mark.parametrize(
    "name, data",
    [
        ("complete", {"found": "no"}),
        ("message", {"body": "我们已办结"}),
        ("reject", {"reason": "非本行客户"}),
    ],
)
def test_another_units_liaison_gets_the_404_of_a_missing_request(client, world, sent, name, data):
    client.force_login(world.other_liaison)
    theirs = _post(client, sent.pk, name, data)
    missing = _post(client, sent.pk + 1000, name, data)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert _status(sent.pk) == "sent" and not RequestMessage.objects.exists()
    assert list(RequestEvent.objects.filter(request=sent).values_list("kind", flat=True)) == [
        "created",
        "sent",
    ]
