"""The web reply form is built from the request type's result fields (issue 4 §1)."""

from __future__ import annotations

import pytest

from enforcelink.core.errors import DomainError
from enforcelink.linkage import policy
from enforcelink.linkage.forms import LABELS, ResultForm
from enforcelink.linkage.models import RequestType


@pytest.mark.parametrize("request_type", RequestType.values)
def test_every_result_field_has_an_input_and_a_label(request_type):
    form = ResultForm(request_type)
    for spec in policy.result_fields(request_type):
        assert spec.name in LABELS
        if spec.kind == "items":
            assert all(sub.name in LABELS and f"{spec.name}-0-{sub.name}" in form.fields for sub in spec.item)
        else:
            assert spec.name in form.fields


def test_a_filled_in_service_form_gives_the_structured_result():
    data = {"served": "yes", "served_on": "2026-11-30", "method": "留置送达", "recipient": "同住成年家属"}
    form = ResultForm("serve_documents", data)
    assert form.is_valid()
    assert policy.clean_result("serve_documents", form.payload()) == {**data, "served": True}
    refused = ResultForm("serve_documents", {"served": "no"})
    assert refused.is_valid()
    with pytest.raises(DomainError) as caught:
        policy.clean_result("serve_documents", refused.payload())
    refused.show(caught.value)
    assert refused.errors["failure_reason"]
