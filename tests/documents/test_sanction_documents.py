"""限制消费令, 失信决定书 and 悬赏公告: who is bound, grounds and term, masking in public notices."""

from __future__ import annotations

import pytest

from enforcelink.cases.actions import PartyInput
from enforcelink.core.errors import DomainError
from enforcelink.documents import policy
from enforcelink.documents.actions import document_issue
from enforcelink.funds.actions import receipt_record
from enforcelink.orgs.models import Role
from tests.documents.conftest import docx_text, pdf_text
from tests.factories import PERSON_IDS, USCCS, UserFactory, file_case


@pytest.fixture
def company_case(world):
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_number=PERSON_IDS[0]),
        PartyInput(
            role="respondent",
            kind="organisation",
            name="重庆某建材有限公司",
            id_number=USCCS[0],
            legal_representative="王五",
        ),
    ]
    return file_case(world.court, world.officer, parties=parties, principal="50000.00")


def test_consumption_restriction_binds_the_legal_representative(world, company_case):
    """R-RESTRICT-01/02: the nine restricted items; an organisation's legal representative is bound."""
    document = document_issue(company_case, kind="consumption_restriction", actor=world.officer)
    for text in (pdf_text(document), docx_text(document)):
        assert "重庆某建材有限公司及其法定代表人王五：" in text
        assert "限制消费令" in text and company_case.number in text
        assert "伍万元整" in text  # R-MONEY-01
        assert "飞机、列车软卧" in text and "子女就读高收费私立学校" in text
        assert "G字头动车组列车全部座位" in text


def test_dishonest_listing_grounds_and_term(world, case):
    """R-LIST-01: grounds cited by text; R-LIST-03: two years for grounds 2–6 plus an extension."""
    document = document_issue(
        case, kind="dishonest_listing", actor=world.officer, extra={"grounds": [4, 1], "extension_years": 1}
    )
    text = pdf_text(document)
    assert "有履行能力而拒不履行生效法律文书确定义务；违反财产报告制度" in text
    assert "期限为三年" in text
    assert "壹万贰仟叁佰肆拾伍元陆角柒分" in text


def test_dishonest_listing_needs_a_ground(world, case):
    for grounds in (None, [], [7], ["x"]):
        with pytest.raises(DomainError) as caught:
            document_issue(case, kind="dishonest_listing", actor=world.officer, extra={"grounds": grounds})
        assert caught.value.code == "LISTING_GROUND" and caught.value.field == "grounds"


@pytest.mark.parametrize(
    ("grounds", "extension", "years"), [([1], 0, None), ([2], 0, 2), ([1, 3], 3, 5), ([6], 1, 3)]
)
def test_listing_term(grounds, extension, years):
    """R-LIST-03: ground 1 alone lasts until a deletion ground (no fixed term)."""
    assert policy.listing_term_years(grounds, extension) == years


def test_listing_extension_limited():
    with pytest.raises(DomainError):
        policy.listing_term_years([2], 4)


def test_bounty_notice_is_public_and_masked(world, case):
    """R-ID-05: the published notice masks birth month and day; R-BOUNTY-01: reward and confidentiality."""
    document = document_issue(
        case, kind="bounty_notice", actor=world.officer, extra={"reward_amount": "2000"}
    )
    for text in (pdf_text(document), docx_text(document)):
        assert "1101051990****4472" in text
        assert PERSON_IDS[1] not in text
        assert "贰仟元整" in text and "2,000.00元" in text
        assert "保密" in text


def test_bounty_notice_needs_a_reward(world, case):
    with pytest.raises(DomainError) as caught:
        document_issue(case, kind="bounty_notice", actor=world.officer)
    assert caught.value.code == "MISSING_DATA" and caught.value.field == "reward"


@pytest.mark.parametrize(
    ("amount", "organisation", "allowed"),
    [
        ("100000.00", False, True),
        ("100000.01", False, False),
        ("49999.99", True, False),
        ("50000.00", True, True),
        ("1000000.00", True, True),
        ("1000000.01", True, False),
    ],
)
def test_fine_limits(amount, organisation, allowed):
    """R-FORCE-01: individual ≤ 100,000 yuan; organisation 50,000–1,000,000 yuan."""
    from decimal import Decimal

    if allowed:
        assert policy.check_fine(Decimal(amount), organisation=organisation) == Decimal(amount)
    else:
        with pytest.raises(DomainError) as caught:
            policy.check_fine(Decimal(amount), organisation=organisation)
        assert caught.value.code == "FINE_LIMIT" and caught.value.field == "fine_amount"


def test_fine_decision_text(world, company_case):
    """R-FORCE-01 and R-MONEY-01: the amount in capitals, reconsideration within 3 days."""
    extra = {"act": "拒不报告财产", "fine_amount": "80000"}
    document = document_issue(company_case, kind="fine", actor=world.officer, extra=extra)
    text = pdf_text(document)
    assert "被罚款人：重庆某建材有限公司" in text
    assert "捌万元整" in text and "80,000.00元" in text
    assert "三日内" in text and "申请复议一次" in text


def test_fine_on_an_organisation_below_the_minimum_refused(world, company_case):
    with pytest.raises(DomainError) as caught:
        document_issue(
            company_case, kind="fine", actor=world.officer, extra={"act": "x", "fine_amount": "10000"}
        )
    assert caught.value.code == "FINE_LIMIT"


def test_detention_days_limited(world, case):
    """R-FORCE-01: detention ≤ 15 days; the family is informed within 24 h."""
    with pytest.raises(DomainError) as caught:
        document_issue(case, kind="detention", actor=world.officer, extra={"act": "x", "detention_days": 16})
    assert caught.value.field == "detention_days"
    document = document_issue(
        case, kind="detention", actor=world.officer, extra={"act": "暴力抗拒执行", "detention_days": 15}
    )
    text = docx_text(document)
    assert "被拘留人：李四" in text and "拘留十五日" in text and "二十四小时内通知其家属" in text


def test_summons_exit_lifting_and_deletion_render(world, company_case):
    summons = document_issue(
        company_case, kind="summons", actor=world.officer, extra={"act": "经两次传票传唤无正当理由拒不到场"}
    )
    assert "八小时" in pdf_text(summons)
    exit_ = document_issue(company_case, kind="exit_restriction", actor=world.officer)
    assert "决定对重庆某建材有限公司及其法定代表人王五限制出境" in pdf_text(exit_)
    lifting = document_issue(
        company_case, kind="consumption_lifting", actor=world.officer, extra={"reason": "被执行人已履行完毕"}
    )
    assert "现因被执行人已履行完毕" in pdf_text(lifting) and "第九条" in pdf_text(lifting)
    with pytest.raises(DomainError) as caught:
        document_issue(company_case, kind="dishonest_deletion", actor=world.officer)
    assert caught.value.field == "reason"


def test_termination_ruling_text(world, case):
    """R-ZB-03/04 and R-MONEY-01: measures, property found, the applicant's view, restrictions stay,
    resumption at any time; amounts owed and recovered in capitals."""
    clerk = UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)
    receipt_record(
        case, "2345.67", source="voluntary", value_on=case.filed_on, actor=clerk
    )  # the ledger's 执行到位金额
    extra = {
        "measures": "网络查控银行存款、车辆、不动产、证券；实地调查被执行人住所。",
        "property_found": "未发现可供执行的财产。",
        "applicant_view": "同意终结本次执行程序。",
    }
    document = document_issue(case, kind="termination_ruling", actor=world.officer, extra=extra)
    for text in (pdf_text(document), docx_text(document)):
        assert "终结本次执行程序。" in text and "继续有效" in text and "随时向本院申请恢复执行" in text
        assert "贰仟叁佰肆拾伍元陆角柒分" in text and "壹万元整" in text
        assert "同意终结本次执行程序" in text


def test_termination_ruling_needs_the_applicant_view(world, case):
    """R-ZB-03: the applicant is heard before the ruling; without their view it is not issued."""
    extra = {"measures": "x", "property_found": "y"}
    with pytest.raises(DomainError) as caught:
        document_issue(case, kind="termination_ruling", actor=world.officer, extra=extra)
    assert caught.value.code == "MISSING_DATA" and caught.value.field == "applicant_view"
