"""`{% for event in events|told:req %}`: a request's steps in words (`linkage.sentences`), each with
`event.told`: "重庆农村商业银行綦江支行系统（API）签收了该请求", never `acknowledged` or `api-key:…`."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from enforcelink.linkage import sentences
from enforcelink.linkage.models import AssistanceRequest, RequestEvent

register = template.Library()


@register.filter
def told(events: Iterable[RequestEvent], request: AssistanceRequest) -> list[RequestEvent]:
    return sentences.request_events(list(events), request)
