"""`{% case_controls case %}`: the controls part of the 财产 panel, rendered from the case and the
reader (assets/control/views.py says what it shows)."""

from __future__ import annotations

from typing import Any

from django import template

from enforcelink.assets.control.views import TEMPLATE, controls_context

register = template.Library()


@register.inclusion_tag(TEMPLATE, takes_context=True)
def case_controls(context: template.Context, case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {**controls_context(case, user), "csrf_token": context.get("csrf_token"), "request": request}
