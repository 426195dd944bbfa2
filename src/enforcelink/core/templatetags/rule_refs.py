"""`{{ "R-CASE-02"|rule_title }}`: a rule's plain title in the reader's language (`core.rule_titles`),
for the small rule reference (templates/core/_rule_ref.html) and for lists that name the legal basis."""

from __future__ import annotations

from django import template

from enforcelink.core.rule_titles import rule_title as _rule_title

register = template.Library()


@register.filter
def rule_title(rule_id: object) -> str:
    return _rule_title(str(rule_id or ""))
