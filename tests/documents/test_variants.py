"""协助执行通知书 per request type: the variant catalogue, its shipped texts, and court overrides."""

from __future__ import annotations

import pytest

from enforcelink.core.errors import DomainError
from enforcelink.documents.actions import active_template, document_issue, shipped_body, template_save
from enforcelink.documents.management.commands.documents import sample_extra
from enforcelink.documents.models import Document, DocumentTemplate
from enforcelink.documents.placeholders import catalogue
from enforcelink.documents.policy import ASSISTANCE_VARIANTS, check_template, check_variant
from tests.documents.conftest import docx_text, pdf_text
from tests.factories import UserFactory

# The measure and its legal basis, as each variant must print them (R-ASSET-02 for the durations).
WORDING = {
    "inquiry": ["协助查询被执行人的下列财产情况", "查询结果仅用于本案执行"],
    "freeze": ["协助冻结被执行人的下列存款", "冻结期限为一年", "第二百五十三条", "第四百八十五条"],
    "renew_freeze": ["协助续行冻结", "续行冻结期限为一年，自原冻结期限届满之日起计算"],
    "unfreeze": ["协助解除对被执行人下列存款的冻结", "第二十八条"],
    "deduct": ["协助扣划被执行人的下列存款", "划入本院执行款专户"],
    "freeze_equity": ["冻结被执行人持有的下列股权", "冻结期限为三年", "国家企业信用信息公示系统"],
    "seize": ["协助查封被执行人的下列不动产", "查封期限为三年", "第二百五十五条", "轮候查封"],
    "seize_movable": ["查封、扣押期限为二年", "第二百五十五条"],
    "release": ["协助解除对被执行人下列财产的查封、扣押", "第二十八条"],
    "renew_seizure": ["续行查封、扣押登记", "不动产及其他财产权为三年，动产为二年"],
    "vehicle_detention": ["协助查找并扣押被执行人名下的下列机动车（查人扣车）", "扣押期限为二年"],
    "locate": ["协助查找被执行人的下落", "住宿登记"],
    "archive": ["协助查询被执行人的下列档案", "档案证明章"],
}


def test_every_variant_has_wording_under_test():
    assert set(WORDING) == set(ASSISTANCE_VARIANTS)


@pytest.mark.parametrize("variant", sorted(ASSISTANCE_VARIANTS))
def test_each_variant_ships_a_text_within_the_catalogue(variant):
    body = shipped_body("assistance_notice", variant)
    assert body is not None, f"defaults/assistance_notice.{variant}.txt is missing"
    assert check_template(body, catalogue("assistance_notice"))
    assert "\n---\n" in body and "回执" in body.split("---")[1]  # the receipt on its own page


@pytest.mark.parametrize("variant", sorted(ASSISTANCE_VARIANTS))
def test_each_variant_renders_its_own_wording(world, case, variant):
    document = document_issue(
        case,
        kind="assistance_notice",
        variant=variant,
        actor=world.officer,
        extra=sample_extra("assistance_notice", variant),
    )
    assert document.variant == variant and document.template.variant == variant
    pdf, docx = pdf_text(document), docx_text(document)
    for line in WORDING[variant]:
        assert line in pdf and line in docx, line
    assert not [other for other in WORDING if other != variant and WORDING[other][0] in pdf]


def test_unknown_variant_refused_with_its_code(world, case):
    with pytest.raises(DomainError) as caught:
        document_issue(
            case,
            kind="assistance_notice",
            variant="garnish",
            actor=world.officer,
            extra=sample_extra("assistance_notice"),
        )
    assert (caught.value.code, caught.value.field) == ("DOCUMENT_VARIANT", "variant")
    assert "garnish" in str(caught.value.message)
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("kind", "variant"),
    [("assistance_notice", "garnish"), ("fine", "freeze"), ("assistance_notice", "Freeze!")],
)
def test_variants_outside_the_catalogue_refused(world, kind, variant):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    with pytest.raises(DomainError) as caught:
        template_save(kind, "{{ case_number }}", actor=superuser, variant=variant)
    assert caught.value.code == "DOCUMENT_VARIANT"
    assert not DocumentTemplate.objects.exists()


def test_check_variant_accepts_the_general_text():
    assert check_variant("fine", "") == ""
    assert check_variant("assistance_notice", "deduct") == "deduct"


def test_a_courts_own_variant_overrides_the_default(world, case):
    court_admin = UserFactory(username="court_admin", role="admin", court=world.court)
    body = shipped_body("assistance_notice", "freeze").replace("请你单位协助冻结", "特请你单位协助冻结")
    own = template_save("assistance_notice", body, actor=court_admin, court=world.court, variant="freeze")
    assert active_template("assistance_notice", world.court, variant="freeze") == own
    assert active_template("assistance_notice", world.other_court, variant="freeze").court is None
    # The court's general text is not used for the variant, nor its variant for the general text.
    assert active_template("assistance_notice", world.court).variant == ""
    document = document_issue(
        case,
        kind="assistance_notice",
        variant="freeze",
        actor=world.officer,
        extra=sample_extra("assistance_notice", "freeze"),
    )
    assert document.template == own
    assert "特请你单位协助冻结" in pdf_text(document)


@pytest.mark.parametrize("variant", ["freeze", "renew_freeze", "deduct"])
def test_amount_variants_require_the_amount(world, case, variant):
    """R-MONEY-01: a freeze or deduction without its amount would print a blank; refused by name."""
    extra = sample_extra("assistance_notice", variant)
    del extra["measure_amount"]
    with pytest.raises(DomainError) as caught:
        document_issue(case, kind="assistance_notice", variant=variant, actor=world.officer, extra=extra)
    assert caught.value.code == "MISSING_DATA" and caught.value.field == "measure_amount"
    assert not Document.objects.exists()


def test_deduct_prints_the_amount_in_capitals(world, case):
    """R-MONEY-01."""
    extra = {**sample_extra("assistance_notice", "deduct"), "measure_amount": "3000.05"}
    document = document_issue(
        case, kind="assistance_notice", variant="deduct", actor=world.officer, extra=extra
    )
    text = pdf_text(document)
    assert "扣划金额：3,000.05元（大写：叁仟元零伍分）" in text
