"""The web reply form is built from the request type's result fields (issue 4 §1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcelink.core.errors import DomainError
from enforcelink.linkage import policy
from enforcelink.linkage.forms import LABELS, ResultForm
from enforcelink.linkage.models import RequestType
from enforcelink.orgs.models import Role
from tests.factories import UnitFactory, UserFactory


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


# --- issue 14 §3: the result form fits the request type ----------------------------------------------

# Only the registries of titles issue certificates (不动产权证, 船舶所有权证书) or register seizures.
CERTIFICATE_TYPES = {"inquire_real_estate", "archive_search", "inquire_ships", "seize"}


def _names(request_type: str) -> set[str]:
    return {name.split("-")[-1] for name in ResultForm(request_type).fields}


@pytest.mark.parametrize("request_type", sorted(set(RequestType.values) - CERTIFICATE_TYPES))
def test_only_title_registries_are_asked_for_a_certificate(request_type):
    assert "certificate" not in _names(request_type)


def test_a_tax_inquiry_asks_for_tax_records_and_refunds(english):
    form = ResultForm("inquire_tax")
    assert {"tax_records-0-period", "tax_records-0-tax_kind", "tax_records-0-amount", "refunds-0-tax_kind",
            "refunds-0-amount"} <= set(form.fields)  # fmt: skip
    assert [label for label, _columns, _rows in form.tables()] == ["Tax and invoice records",
                                                                   "Tax refunds due to the debtor"]  # fmt: skip
    result = {"found": True, "tax_records": [{"period": "2025年度", "tax_kind": "个人所得税", "amount": "3200.00"}],
              "refunds": [{"tax_kind": "个人所得税", "amount": "1850.50"}]}  # fmt: skip
    assert policy.clean_result("inquire_tax", result) == result
    with pytest.raises(DomainError) as caught:  # a property list is not what a tax office keeps
        policy.clean_result("inquire_tax", {"found": True, "items": [{"description": "房屋"}]})
    assert caught.value.field == "result.items"
    with pytest.raises(DomainError) as caught:  # R-MONEY-01 inside a list too
        policy.clean_result(
            "inquire_tax", {"found": True, "refunds": [{"tax_kind": "增值税", "amount": 12.5}]}
        )
    assert caught.value.field == "result.refunds.0.amount"


@pytest.mark.parametrize(
    ("request_type", "expected"),
    [
        ("inquire_real_estate", {"description", "certificate", "encumbrance"}),
        ("inquire_vehicles", {"plate", "description", "encumbrance"}),
        ("inquire_equity", {"company", "share", "encumbrance"}),
        ("inquire_securities", {"institution", "account", "holdings", "market_value"}),
        ("inquire_social_insurance", {"employer", "insurance_status", "monthly_pension"}),
        ("inquire_exit_entry", {"document_type", "number", "valid_until"}),
        ("inquire_household", {"registered_address", "current_address"}),
        ("inquire_marriage", {"marital_status", "spouse", "registered_on"}),
        ("inquire_phone", {"number", "status", "address"}),
    ],
)
def test_each_inquiry_asks_what_its_unit_keeps(request_type, expected):
    assert expected <= _names(request_type)


def test_the_liaisons_page_shows_the_form_of_the_requests_type(client, world, case):
    from enforcelink.linkage import actions
    from tests.linkage.conftest import ask

    tax = UnitFactory(region=world.region, name="綦江区税务局", unit_type="tax")
    liaison = UserFactory(unit=tax, role=Role.LIAISON)
    sent = actions.request_send(actions.request_create(case, ask(tax, "inquire_tax"), actor=world.officer),
                                actor=world.officer)  # fmt: skip
    client.force_login(liaison)
    page = client.get(reverse("request-detail", args=[sent.pk])).content.decode()
    assert 'name="tax_records-0-period"' in page and 'name="refunds-0-amount"' in page
    assert "certificate" not in page
