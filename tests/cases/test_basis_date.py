"""An implausible effective date of the enforcement basis (issue 12 §8: 0001-01-01 was accepted) is
refused with the same code in the policy, the API, the filing form and the import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from enforcelink.cases import policy
from enforcelink.cases.models import Case
from enforcelink.core.errors import RuleViolation
from tests.api.conftest import API, filing_body
from tests.cases.test_import_errors import run
from tests.cases.test_views import client_for, filing_data, written
from tests.imports.files import HEADERS, case_row, write_csv

FILED = dt.date(2024, 3, 1)


@pytest.mark.parametrize(
    ("effective_on", "code"),
    [
        (dt.date(1, 1, 1), "BASIS_DATE_TOO_EARLY"),
        (dt.date(1949, 9, 30), "BASIS_DATE_TOO_EARLY"),  # the last refused day
        (dt.date(1949, 10, 1), None),  # the first allowed day
        (FILED, None),
        (FILED + dt.timedelta(days=1), "BASIS_DATE_AFTER_FILING"),
        (dt.date.today() + dt.timedelta(days=1), "BASIS_DATE_FUTURE"),
        (None, None),
    ],
)
def test_policy_table(effective_on, code):
    if code is None:
        policy.check_basis_date(effective_on, FILED)
        return
    with pytest.raises(RuleViolation) as caught:
        policy.check_basis_date(effective_on, FILED)
    assert (caught.value.code, caught.value.field) == (code, "basis_effective_on")


def test_the_api_refuses_year_one_and_writes_nothing(world, client_for):
    client = client_for("officer")
    response = client.post(
        f"{API}/cases/",
        filing_body(basis_effective_on="0001-01-01"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["code"], body["field"]) == ("BASIS_DATE_TOO_EARLY", "basis_effective_on")
    assert "1949-10-01" in body["message"]
    assert not Case.objects.exists()


def test_the_form_shows_it_beside_the_field(world):
    before = written()
    response = client_for(world.officer).post(
        reverse("case-new"), filing_data(basis_effective_on="0001-01-01")
    )
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('id="id_basis_effective_on_error"')
    assert "1949-10-01" in page[start : start + 400]
    assert written() == before


def test_the_import_refuses_it_too(world, tmp_path):
    row = case_row(1, 执行依据生效日期="0001-01-01")
    _out, err, code = run(write_csv(tmp_path / "old.csv", [row], headers=[*HEADERS, "执行依据生效日期"]))
    assert code != 0 and "BASIS_DATE_TOO_EARLY" in err
    assert not Case.objects.exists()
