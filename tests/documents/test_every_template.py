"""Every shipped template, rendered through `document_issue` and read back from the PDF and the DOCX
(issue 3 §5): its title, the 案号, the document number, amounts in capitals (R-MONEY-01), the
verification code, and a line of wording only that kind prints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcelink.core.money import to_capital
from enforcelink.documents import policy
from enforcelink.documents.actions import document_issue, format_code, shipped_body
from enforcelink.documents.management.commands.documents import sample_extra, sample_name, shipped_templates
from enforcelink.documents.models import DocumentKind
from enforcelink.urging.models import Judgment, JudgmentParty
from tests.documents.conftest import docx_text, pdf_text
from tests.factories import PERSON_IDS, USCCS

SHIPPED = shipped_templates()
OWED = Decimal("12345.67")  # the case fixture's principal, and the judgment's below
# The source of each amount a template prints in capitals.
CAPITALS = {
    "amount_total_capital": OWED,
    "principal_capital": OWED,
    "unperformed_amount_capital": OWED,
    "recovered_amount_capital": Decimal("0"),
    "measure_amount_capital": OWED,
    "fine_amount_capital": Decimal("20000"),
    "reward_capital": Decimal("5000"),
}
# One line each kind (or assistance variant) prints that no general wording would.
WORDING = {
    "execution_notice": "如实向本院报告当前以及收到本通知书之日前一年的财产情况",
    "property_report_order": "应当自财产变动之日起十日内向本院补充报告",
    "assistance_notice": "请协助执行下列事项",
    "assistance_notice.inquiry": "查询结果仅用于本案执行",
    "assistance_notice.freeze": "冻结期限为一年，自冻结之日起计算",
    "assistance_notice.renew_freeze": "续行冻结期限为一年，自原冻结期限届满之日起计算",
    "assistance_notice.unfreeze": "请你单位协助解除对被执行人下列存款的冻结",
    "assistance_notice.deduct": "请将上述款项划入本院执行款专户",
    "assistance_notice.freeze_equity": "冻结期限为三年，自公示之日起计算",
    "assistance_notice.seize": "查封期限为三年，自查封登记之日起计算",
    "assistance_notice.seize_movable": "查封、扣押期限为二年，自查封、扣押之日起计算",
    "assistance_notice.release": "请你单位协助解除对被执行人下列财产的查封、扣押",
    "assistance_notice.renew_seizure": "续行期限自原查封、扣押期限届满之日起计算",
    "assistance_notice.vehicle_detention": "发现上述车辆的，请予扣押，并立即通知本院接收",
    "assistance_notice.locate": "请协助提供被执行人的户籍登记、居住登记、住宿登记、出行等信息",
    "assistance_notice.archive": "提供档案材料复制件（加盖档案证明章）",
    "consumption_restriction": "乘坐G字头动车组列车全部座位",
    "consumption_lifting": "决定解除对你（单位）的限制消费措施",
    "dishonest_listing": "纳入失信被执行人名单，期限为二年",
    "dishonest_deletion": "决定删除被执行人李四、重庆某建材有限公司的失信信息",
    "fine": "对李四罚款20,000.00元",
    "detention": "对李四拘留十五日，交公安机关看管",
    "summons": "调查询问的时间不超过八小时",
    "exit_restriction": "本院将解除限制出境措施",
    "termination_ruling": "终结本次执行程序。",
    "enforcement_ruling": "采取下列执行措施：扣留、提取被执行人李四应当履行义务部分的收入。",
    "enforcement_ruling.freeze": "冻结期限为一年，自冻结之日起计算",
    "enforcement_ruling.renew_freeze": "续行冻结期限为一年，自原冻结期限届满之日起计算",
    "enforcement_ruling.unfreeze": "在银行等金融机构被本院冻结的存款的冻结",
    "enforcement_ruling.deduct": "划入本院执行款专户",
    "enforcement_ruling.freeze_equity": "冻结期限为三年，自公示之日起计算",
    "enforcement_ruling.seize": "查封期限为三年，自查封登记之日起计算",
    "enforcement_ruling.seize_movable": "查封、扣押期限为二年，自查封、扣押之日起计算",
    "enforcement_ruling.release": "名下被本院查封、扣押的财产的查封、扣押",
    "enforcement_ruling.renew_seizure": "不动产及其他财产权不超过三年，动产不超过二年",
    "enforcement_ruling.vehicle_detention": "扣押期限为二年，自扣押之日起计算",
    "bounty_notice": "本院对举报人的身份及所提供的线索依法保密",
    "risk_notice": "以拒不执行判决、裁定罪追究刑事责任",
    "urging_notice": "主动履行的，本院将依当事人申请出具自动履行证明",
    "reinquiry_notice": "通过网络执行查控系统再次查询了被执行人的财产",
}


def title_of(body: str) -> str:
    """The document's own heading: the first `# ` line that is not the court's name."""
    return next(line[2:].strip() for line in body.splitlines() if line.startswith("# ") and "{{" not in line)


@pytest.fixture
def judgment(world):
    """A registered judgment (执前督促), made directly: the kinds issued on it need only these fields."""
    effective_on = timezone.localdate() - dt.timedelta(days=3)
    judgment = Judgment.objects.create(
        court=world.court,
        number="（2026）渝0110民初123号",
        judge=world.officer,
        judge_name="王法官",
        effective_on=effective_on,
        performance_days=15,
        due_on=effective_on + dt.timedelta(days=15),
        principal=OWED,
        registered_by=world.officer,
    )
    JudgmentParty.objects.create(
        judgment=judgment,
        role="applicant",
        kind="person",
        name="张三",
        id_type="resident_id",
        id_number=PERSON_IDS[0],
    )
    JudgmentParty.objects.create(
        judgment=judgment,
        role="respondent",
        kind="organisation",
        name="重庆某建材有限公司",
        id_type="uscc",
        id_number=USCCS[0],
    )
    return judgment


def test_every_kind_with_a_case_or_judgment_flow_is_covered():
    """Every kind ships a default (risk and urging notices once the pre-enforcement flow has them),
    and every shipped text has wording under test."""
    kinds = {kind for kind, _variant in SHIPPED}
    assert kinds >= set(DocumentKind.values) - policy.JUDGMENT_KINDS
    assert {sample_name(*pair) for pair in SHIPPED} <= set(WORDING)
    assert {("assistance_notice", variant) for variant in policy.ASSISTANCE_VARIANTS} <= set(SHIPPED)
    assert {("enforcement_ruling", variant) for variant in policy.RULING_VARIANTS} <= set(SHIPPED)


@pytest.mark.parametrize(("kind", "variant"), SHIPPED, ids=[sample_name(*pair) for pair in SHIPPED])
def test_template_renders_and_reads_back(request, world, case, kind, variant):
    subject = request.getfixturevalue("judgment") if kind in policy.JUDGMENT_KINDS else case
    document = document_issue(
        subject, kind=kind, variant=variant, actor=world.officer, extra=sample_extra(kind, variant)
    )
    body = shipped_body(kind, variant)
    assert body is not None and document.template.body == body
    used = policy.used_placeholders(body)
    for text in (pdf_text(document), docx_text(document)):
        assert title_of(body) in text
        assert subject.number in text  # the 案号 (the judgment's number before enforcement)
        assert world.court.name in text
        if "document_number" in used:
            assert document.number in text
        for name in (name for name in used if name in CAPITALS):
            assert to_capital(CAPITALS[name]) in text, name  # R-MONEY-01
        assert format_code(document.verification_code) in text
        assert WORDING[sample_name(kind, variant)] in text
