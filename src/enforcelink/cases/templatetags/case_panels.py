"""`{% case_panels case as panels %}`: the panels the apps above cases registered for the case page
(`cases.panels`), for the person reading it, in their order."""

from __future__ import annotations

from typing import Any

from django import template

from enforcelink.cases.models import Case
from enforcelink.cases.panels import Panel, panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def case_panels(context: Any, case: Case) -> list[Panel]:
    return panels_for(case, context["request"].user)
