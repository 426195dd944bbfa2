"""Registered judgments reach documents through the provider urging registers (documents/judgments.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from enforcelink.cases.models import Case
from enforcelink.documents import judgments
from enforcelink.documents.actions import document_issue
from enforcelink.documents.models import Document
from enforcelink.urging.subjects import JUDGMENTS


@pytest.fixture
def sample_judgment(world):
    return JUDGMENTS.sample(world.court, world.officer)


@pytest.fixture
def without_urging():
    """documents as if urging were not installed: no provider of judgments."""
    registered = judgments.provider()
    judgments.unregister()
    yield
    judgments.register(registered)


def test_urging_registers_its_judgments_when_ready():
    assert judgments.provider() is JUDGMENTS


@pytest.mark.django_db
def test_a_notice_on_a_judgment_prints_it_and_points_to_it(world, sample_judgment):
    document = document_issue(sample_judgment, kind="risk_notice", actor=world.officer)
    assert document.judgment_id == sample_judgment.pk and document.case_id is None
    assert document.values["case_number"] == "（2026）渝0110民初123号"
    assert document.values["respondents"] == "重庆某建材有限公司"


@pytest.mark.django_db
@pytest.mark.usefixtures("without_urging")
def test_without_a_provider_a_judgment_kind_fails_naming_it(world, case, sample_judgment):
    for subject in (sample_judgment, case):
        with pytest.raises(judgments.NoJudgmentProvider, match=r"enforcelink\.urging"):
            document_issue(subject, kind="urging_notice", actor=world.officer)
    assert not Document.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("without_urging")
def test_without_a_provider_documents_on_cases_still_issue(world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    assert document.case_id == case.pk


@pytest.mark.django_db
def test_a_subject_neither_case_nor_judgment_is_refused(world):
    with pytest.raises(TypeError, match="case or a registered judgment"):
        document_issue(world.court, kind="risk_notice", actor=world.officer)


def test_a_provider_of_another_model_is_refused():
    with pytest.raises(ImproperlyConfigured, match=r"Document\.judgment points to"):
        judgments.register(SimpleNamespace(model=Case))
    assert judgments.provider() is JUDGMENTS
