"""Each step on a request says what it did to which request (issue 14 §7): "Done." (已完成) followed
acknowledging, answering, rejecting, returning, re-sending, cancelling and posting to the thread alike,
and it is also a request status's name, so a liaison read "已完成" after merely acknowledging. The
unit's refusal to assist was labelled 不批准 (the approver's word); it is its own button now."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcelink.linkage import actions
from tests.linkage.conftest import ask

pytestmark = pytest.mark.usefixtures("english")

CASE = "the “%s” request of case %s"


def _told(client, url, data=None):
    """The messages the page after the redirect shows (and so consumes)."""
    response = client.post(url, data or {}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain and response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def _action(req, name):
    return reverse("request-action", args=[req.pk, name])


def _names(req):
    return req.get_request_type_display(), req.case.number


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("acknowledge", None, "Acknowledged {request}."),
        (
            "reject",
            {"reason": "查无此人"},
            "Refused to assist with {request}; 重庆市綦江区人民法院 is told why.",
        ),
        ("return", {"reason": "缺身份证号"}, "The {kind} went back to 重庆市綦江区人民法院 for correction."),
    ],
)
def test_the_liaisons_steps_name_the_request_and_its_case(client, world, sent, name, data, said):
    client.force_login(world.liaison)
    request_type, number = _names(sent)
    request = CASE % (request_type, number)
    kind = f"“{request_type}” request of case {number}"
    assert _told(client, _action(sent, name), data) == [said.format(request=request, kind=kind)]


def test_starting_work_names_the_request(client, world, sent):
    actions.request_acknowledge(sent, actor=world.liaison)
    client.force_login(world.liaison)
    request_type, number = _names(sent)
    assert _told(client, _action(sent, "start")) == [f"Work started on {CASE % (request_type, number)}."]


def test_the_courts_steps_name_the_request_and_the_unit(client, world, sent):
    request_type, number = _names(sent)
    actions.request_return(sent, reason="请补充", actor=world.liaison)
    client.force_login(world.officer)
    assert _told(client, _action(sent, "resend")) == [
        f"The “{request_type}” request of case {number} was sent to 綦江农商银行 again."
    ]
    assert _told(client, _action(sent, "cancel"), {"reason": "已自动履行"}) == [
        f"The “{request_type}” request of case {number} to 綦江农商银行 was cancelled."
    ]


def test_a_thread_message_says_whom_it_went_to(client, world, sent):
    client.force_login(world.officer)
    assert _told(client, _action(sent, "message"), {"body": "请今日回复"}) == [
        "Message sent to 綦江农商银行."
    ]
    client.force_login(world.liaison)
    assert _told(client, _action(sent, "message"), {"body": "已在办理"}) == [
        "Message sent to 重庆市綦江区人民法院."
    ]


def test_approving_and_not_approving_name_the_request(client, world, case):
    deduct = actions.request_create(case, ask(world.unit, "deduct", amount="1000.00"), actor=world.officer)
    deduct = actions.request_send(deduct, actor=world.officer)
    request_type, number = _names(deduct)
    client.force_login(world.president)
    refused = _told(client, reverse("request-decide", args=[deduct.pk, "refuse"]), {"note": "金额有误"})
    assert refused == [
        f"Not approved: the “{request_type}” request of case {number} is back with {world.officer} as a draft."
    ]
    actions.request_send(deduct, actor=world.officer)
    approved = _told(client, reverse("request-decide", args=[deduct.pk, "approve"]), {"from": "approvals"})
    assert approved == [
        f"Approved: the “{request_type}” request of case {number} has been sent to 綦江农商银行."
    ]


def test_the_units_refusal_is_not_labelled_as_an_approvers(client, world, sent):
    client.force_login(world.liaison)
    page = client.get(reverse("request-detail", args=[sent.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Refuse to assist</button>" in page and ">Reject</button>" not in page
