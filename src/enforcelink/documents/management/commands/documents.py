"""`enforcelink documents samples --out docs/documents/`: a PNG of the first page of every shipped template.

The samples are made in a throwaway in-memory SQLite database (migrated afresh, dropped at the end),
so they show the shipped defaults, not whatever versions a court has saved, and running the command
never writes to, or locks anything in, the configured database. Every document goes through
`document_issue`, so a sample shows exactly what an officer gets: number, verification code, QR.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction
from django.db.utils import ConnectionHandler
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.actions import CaseFiling, PartyInput, case_file
from enforcelink.cases.models import Case
from enforcelink.core.errors import DomainError
from enforcelink.documents import judgments, policy
from enforcelink.documents.actions import document_issue
from enforcelink.documents.models import DocumentKind
from enforcelink.documents.queries import file_content
from enforcelink.orgs.models import Court, Region, Role, Team, User

PDFTOPPM = "/usr/bin/pdftoppm"
DEFAULT_DPI = 60

# A realistic case: a person and a company owe 12,345.67 yuan (R-MONEY-01 prints 壹万贰仟叁佰肆拾伍元陆角柒分).
PERSON_ID, PERSON_ID_2, USCC, USCC_2 = (
    "11010519491231002X",
    "110105199003074472",
    "914403001922038216",
    "91500110MA5U8XJ06R",
)
ACCOUNT = "账号6217000000000001（户名：李四）"
HOUSE = (
    "位于重庆市綦江区古南街道某路18号3幢5-2号的房屋（不动产权证号：渝（2020）綦江区不动产权第000123456号）"
)
TRUCK = "号牌为渝A·12345的重型自卸货车（车辆识别代号LZZ1CLSB0KW000001）"
BANK, REGISTRY = "綦江农商银行", "重庆市綦江区不动产登记中心"
POLICE, VEHICLES = "重庆市公安局綦江区分局", "重庆市公安局綦江区分局交通巡逻警察支队车辆管理所"
MARKET = "重庆市綦江区市场监督管理局"
AMOUNT = "12345.67"

# What the officer enters for each assistance variant (`extra` of document_issue).
ASSISTANCE_EXTRA: dict[str, dict[str, str]] = {
    "": {
        "addressee": BANK,
        "measure": f"冻结被执行人李四在你行开立的{ACCOUNT}内的存款，以12,345.67元为限，期限一年。",
        "measure_amount": AMOUNT,
    },
    "inquiry": {
        "addressee": BANK,
        "measure": f"被执行人李四（公民身份号码{PERSON_ID_2}）、重庆某建材有限公司（统一社会信用代码{USCC}）在你行开立的全部账户的开户信息、存款余额及二〇二三年一月一日以来的交易明细。",
    },
    "freeze": {
        "addressee": BANK,
        "measure": f"被执行人李四在你行开立的{ACCOUNT}内的存款。",
        "measure_amount": AMOUNT,
    },
    "renew_freeze": {
        "addressee": BANK,
        "measure": f"本院（2024）渝0110协执3号协助执行通知书冻结的被执行人李四在你行{ACCOUNT}内的存款，原冻结期限至二〇二五年三月十日届满。",
        "measure_amount": AMOUNT,
    },
    "unfreeze": {
        "addressee": BANK,
        "measure": f"本院（2024）渝0110协执3号协助执行通知书冻结的被执行人李四在你行{ACCOUNT}内的存款12,345.67元。",
    },
    "deduct": {
        "addressee": BANK,
        "measure": f"被执行人李四在你行开立的{ACCOUNT}内已被本院冻结的存款。本院执行款专户：户名重庆市綦江区人民法院，开户行綦江农商银行营业部，账号3101000000000000。",
        "measure_amount": AMOUNT,
    },
    "freeze_equity": {
        "addressee": MARKET,
        "measure": f"被执行人重庆某建材有限公司持有的重庆某贸易有限公司（统一社会信用代码{USCC_2}）30%的股权（认缴出资额人民币三十万元）及其收益。",
    },
    "seize": {"addressee": REGISTRY, "measure": f"被执行人李四名下{HOUSE}及其占用范围内的土地使用权。"},
    "seize_movable": {
        "addressee": VEHICLES,
        "measure": f"被执行人重庆某建材有限公司名下{TRUCK}，办理查封登记。",
    },
    "release": {
        "addressee": REGISTRY,
        "measure": f"本院（2024）渝0110协执5号协助执行通知书查封的被执行人李四名下{HOUSE}。",
    },
    "renew_seizure": {
        "addressee": REGISTRY,
        "measure": f"本院（2024）渝0110协执5号协助执行通知书查封的被执行人李四名下{HOUSE}，原查封期限至二〇二七年三月十日届满。",
    },
    "vehicle_detention": {
        "addressee": POLICE,
        "measure": f"被执行人重庆某建材有限公司名下{TRUCK}，车身颜色黄色，常停放于綦江区某建材市场附近。",
    },
    "locate": {
        "addressee": POLICE,
        "measure": f"被执行人李四（公民身份号码{PERSON_ID_2}），男，最后已知住址重庆市綦江区古南街道某路18号，手机号码13800000000。",
    },
    "archive": {
        "addressee": MARKET,
        "measure": "被执行人重庆某建材有限公司的企业登记档案：设立、变更登记材料，历年股东及出资情况，年度报告。",
    },
}
REASON = "被执行人已履行完毕生效法律文书确定的全部义务"
ACT = "被执行人李四收到报告财产令后，拒绝报告财产情况"
KIND_EXTRA: dict[str, dict[str, Any]] = {
    DocumentKind.DISHONEST_LISTING: {"grounds": [1, 4]},
    DocumentKind.CONSUMPTION_LIFTING: {"reason": REASON},
    DocumentKind.DISHONEST_DELETION: {"reason": REASON},
    DocumentKind.FINE: {"act": ACT, "subject": "李四", "subject_kind": "person", "fine_amount": "20000"},
    DocumentKind.DETENTION: {"act": ACT, "subject": "李四", "detention_days": 15},
    DocumentKind.SUMMONS: {"act": "被执行人李四经本院两次传票传唤，无正当理由拒不到场", "subject": "李四"},
    DocumentKind.TERMINATION_RULING: {
        "measures": "向被执行人发出执行通知书、报告财产令；通过网络执行查控系统查询被执行人的存款、车辆、不动产、证券等财产；到被执行人住所地调查；对被执行人限制消费并纳入失信被执行人名单。",
        "property_found": "冻结被执行人银行存款共计1,234.56元并已扣划，未发现其他可供执行的财产。",
        "applicant_view": "申请执行人同意终结本次执行程序，发现财产线索后将申请恢复执行。",
    },
    DocumentKind.BOUNTY_NOTICE: {"reward_amount": "5000"},
    DocumentKind.REINQUIRY_NOTICE: {
        "inquiry_date": "二〇二六年六月一日",
        "inquired": "存款、不动产、车辆、证券、网络资金、股权等",
        "found": "发现被执行人名下新的财产：綦江农商银行古南支行账户6228480123456789，余额12,345.67元。",
    },
    # The general ruling names its measure; the variants print theirs (R-ASSET-02 periods).
    DocumentKind.ENFORCEMENT_RULING: {
        "measure": "扣留、提取被执行人李四应当履行义务部分的收入",
        "legal_basis": "《中华人民共和国民事诉讼法》第二百五十四条",
        "clerk_name": "赵书记",
    },
}


def sample_extra(kind: str, variant: str = "") -> dict[str, Any]:
    """The officer's input for one sample document of `kind` (and variant)."""
    if kind == DocumentKind.ASSISTANCE_NOTICE:
        return dict(ASSISTANCE_EXTRA[variant])
    return dict(KIND_EXTRA.get(kind, {}))


def shipped_templates() -> list[tuple[str, str]]:
    """(kind, variant) of every default text shipped in documents/defaults/, in a stable order."""
    found = []
    for entry in resources.files("enforcelink.documents").joinpath("defaults").iterdir():
        kind, _dot, variant = entry.name.removesuffix(".txt").partition(".")
        if entry.name.endswith(".txt") and kind in DocumentKind.values:
            found.append((kind, variant))
    return sorted(found, key=lambda pair: (DocumentKind.values.index(pair[0]), pair[1]))


def sample_name(kind: str, variant: str = "") -> str:
    return f"{kind}.{variant}" if variant else kind


@contextmanager
def throwaway_database() -> Iterator[None]:
    """Point the default connection at a fresh, migrated in-memory SQLite database for the block."""
    original = connections["default"]
    connection = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})[
        "default"
    ]
    connections["default"] = connection
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        connection.close()
        connections["default"] = original


@dataclass
class Demo:
    officer: User
    case: Case
    judgment: judgments.RegisteredJudgment


def build_demo() -> Demo:
    """A court with one officer, a case filed through `case_file`, and a registered judgment (made by
    the app that provides them, documents/judgments.py)."""
    region, _created = Region.objects.get_or_create(
        code="500110", defaults={"name": "綦江区", "path": "500000/500110/"}
    )
    court = Court.objects.create(code="渝0110", name="重庆市綦江区人民法院", region=region)
    team = Team.objects.create(court=court, name="执行一组")
    officer = User.objects.create_user(
        "sample_officer", court=court, team=team, role=Role.OFFICER, full_name="王执行", phone="023-48600000"
    )
    parties = [
        PartyInput(
            role="applicant",
            kind="person",
            name="张三",
            id_number=PERSON_ID,
            address="重庆市綦江区文龙街道某街1号",
        ),
        PartyInput(
            role="respondent",
            kind="person",
            name="李四",
            id_number=PERSON_ID_2,
            address="重庆市綦江区古南街道某路18号",
        ),
        PartyInput(
            role="respondent",
            kind="organisation",
            name="重庆某建材有限公司",
            id_number=USCC,
            legal_representative="王五",
            address="重庆市綦江区某工业园区8号",
        ),
    ]
    filing = CaseFiling(
        court=court,
        filed_on=timezone.localdate() - dt.timedelta(days=20),
        basis_type="judgment",
        basis_body=court.name,
        basis_number="（2023）渝0110民初321号",
        parties=parties,
        principal=AMOUNT,
    )
    case = case_file(filing, actor=officer)
    return Demo(officer=officer, case=case, judgment=judgments.provider().sample(court, officer))


class _Rollback(Exception):
    pass


def first_page_png(pdf: bytes, target: Path, *, dpi: int = DEFAULT_DPI, pdftoppm: str = PDFTOPPM) -> Path:
    """`pdftoppm -png -r <dpi> -singlefile -f 1 -l 1`: the first page as `target` (…/name.png)."""
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "document.pdf"
        source.write_bytes(pdf)
        prefix = Path(scratch) / "page"
        args = [
            pdftoppm,
            "-png",
            "-r",
            str(dpi),
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            str(source),
            str(prefix),
        ]
        subprocess.run(args, check=True, capture_output=True, timeout=60)
        shutil.move(prefix.with_suffix(".png"), target)
    return target


def choose(only: list[str] | None) -> list[tuple[str, str]]:
    """The shipped templates named in `only` (all of them when it is empty); an unknown name is refused."""
    chosen = [pair for pair in shipped_templates() if not only or sample_name(*pair) in only]
    if only and len(chosen) != len(set(only)):
        unknown = set(only) - {sample_name(*pair) for pair in chosen}
        raise CommandError(_("No shipped template named: %(names)s") % {"names": ", ".join(sorted(unknown))})
    return chosen


def render_samples(
    out: Path, *, only: list[str] | None = None, dpi: int = DEFAULT_DPI, pdftoppm: str = PDFTOPPM
) -> list[Path]:
    """Issue one document per shipped template on the demo data in the current database, write the
    PNGs, and roll the database back: nothing issued here stays."""
    chosen = choose(only)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        with transaction.atomic():
            demo = build_demo()
            for kind, variant in chosen:
                subject = demo.judgment if kind in policy.JUDGMENT_KINDS else demo.case
                document = document_issue(
                    subject,
                    kind=kind,
                    variant=variant,
                    actor=demo.officer,
                    extra=sample_extra(kind, variant),
                    formats=("pdf",),
                )
                target = out / f"{sample_name(kind, variant)}.png"
                written.append(
                    first_page_png(file_content(document, "pdf"), target, dpi=dpi, pdftoppm=pdftoppm)
                )
            raise _Rollback
    except _Rollback:
        pass
    return written


class Command(BaseCommand):
    help = "Documents: `samples` writes a PNG of the first page of every shipped template."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        samples = sub.add_parser(
            "samples", help="render each shipped template on demo data and keep its first page"
        )
        samples.add_argument("--out", default="docs/documents", help="directory for <kind>[.<variant>].png")
        samples.add_argument("--only", action="append", help="a sample name such as assistance_notice.freeze")
        samples.add_argument(
            "--dpi", type=int, default=DEFAULT_DPI, help="resolution (60–80 keeps files small)"
        )
        samples.add_argument("--pdftoppm", default=PDFTOPPM, help="path of poppler's pdftoppm")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Path(options["pdftoppm"]).exists() and shutil.which(options["pdftoppm"]) is None:
            raise CommandError(_("pdftoppm was not found: install poppler-utils."))
        choose(options["only"])  # before the few seconds of migrating the throwaway database
        try:
            with throwaway_database():
                written = render_samples(
                    Path(options["out"]),
                    only=options["only"],
                    dpi=options["dpi"],
                    pdftoppm=options["pdftoppm"],
                )
        except DomainError as error:
            raise CommandError(f"{error.message} [{error.code}]") from None
        for path in written:
            self.stdout.write(f"{path}\t{path.stat().st_size // 1024} kB")
        self.stdout.write(_("%(count)s samples written.") % {"count": len(written)})
