"""docs/rules.md lists which DOMAIN.md rules are implemented where, and stays current."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from enforcelink.core.rules import coverage_markdown, domain_rules

DOMAIN = settings.REPO_DIR.parent / "shared" / "DOMAIN.md"


def test_domain_rules_are_read_with_their_wrapped_text(tmp_path: Path):
    doc = tmp_path / "DOMAIN.md"
    doc.write_text("## 1\n- R-AA-01 First line\n  continues here. Second sentence.\n- R-AA-02 Other.\n")
    assert domain_rules(doc) == {"R-AA-01": "First line continues here", "R-AA-02": "Other"}


@pytest.mark.skipif(not DOMAIN.exists(), reason="../shared/DOMAIN.md is beside the checkout in CI and dev")
def test_docs_rules_md_is_current():
    current = (settings.REPO_DIR / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == coverage_markdown(settings.REPO_DIR, DOMAIN), "run `enforcelink rules-coverage`"
