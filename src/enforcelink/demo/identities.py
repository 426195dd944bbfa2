"""Fake but valid people and companies for demo cases (R-ID-01, R-ID-02).

Check characters come from python-stdnum; region codes are real division codes that existed in the
person's birth year, so `parse_resident_id` accepts every number without a region warning.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import cache

from faker import Faker
from stdnum.cn import ric, uscc

# Real division codes around 綦江 (and further afield), old and new; validity per year is read from
# stdnum's table, because codes are created, renamed and merged over time (R-ID-01).
PERSON_REGION_CODES = (
    "500110",  # 綦江区 (万盛区 before 2011)
    "500222",  # 綦江县 1997–2011
    "510223",  # 綦江县 before 1997 (Sichuan)
    "500113",  # 巴南区
    "500116",  # 江津区
    "500381",  # 江津市 1997–2006
    "500119",  # 南川区
    "500384",  # 南川市 1997–2006
    "500103",  # 渝中区
    "500106",  # 沙坪坝区
    "510104",  # 成都市锦江区
    "520321",  # 遵义县
    "520322",  # 桐梓县
)
# The registration division of most companies in the demo region.
COMPANY_REGION_CODES = ("500110", "500110", "500110", "500113", "500116", "500119", "500103", "500112")
COMPANY_INDUSTRIES = (
    "建材",
    "建筑工程",
    "商贸",
    "房地产开发",
    "物流",
    "餐饮管理",
    "农业开发",
    "机械制造",
    "科技",
    "劳务",
    "汽车销售",
    "装饰工程",
    "矿业",
    "食品",
    "物业管理",
)
COMPANY_FORMS = ("有限公司", "有限公司", "有限责任公司", "股份有限公司")
STREETS = ("古南街道", "文龙街道", "三江街道", "通惠街道", "新盛街道", "永城镇", "东溪镇", "打通镇", "石角镇")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    birth_date: str  # ISO date
    sex: str
    address: str
    phone: str


@dataclass(frozen=True)
class Company:
    name: str
    uscc: str
    legal_representative: str
    actual_controller: str
    address: str
    phone: str


def _code_valid_in(code: str, year: int) -> bool:
    try:
        return bool(ric.get_birth_place(f"{code}{year}0101001X"))
    except Exception:  # stdnum raises for codes it does not know in that year
        return False


@cache
def codes_for_year(year: int) -> tuple[str, ...]:
    """The candidate region codes that existed in `year` (falls back to the whole list)."""
    valid = tuple(code for code in PERSON_REGION_CODES if _code_valid_in(code, year))
    return valid or PERSON_REGION_CODES


def organisation_code(rng: random.Random) -> str:
    """A GB 11714 organisation code ("MA" prefix of post-2015 registrations) with its check character."""
    body = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    total = sum(int(char, 36) * weight for char, weight in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(rng: random.Random) -> str:
    """R-ID-02: 9 (registered by market regulation) 1 (enterprise) + division + org code + check."""
    number17 = f"91{rng.choice(COMPANY_REGION_CODES)}{organisation_code(rng)}"
    return number17 + uscc.calc_check_digit(number17)


def phone_number(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


class IdentityFactory:
    """Builds people and companies from one seeded random source and one seeded Faker."""

    def __init__(self, rng: random.Random, seed: int, today: dt.date, name_pool: int = 4000) -> None:
        self.rng = rng
        self.today_ordinal = today.toordinal()
        self.iso_cache: dict[int, str] = {}
        faker = Faker("zh_CN")
        faker.seed_instance(seed)
        self.names = [faker.name() for _ in range(name_pool)]
        self.company_prefixes = sorted({faker.company_prefix() for _ in range(400)})

    def person(self, *, min_age: int = 20, max_age: int = 70) -> Person:
        # random() and indexing rather than choice()/randrange(): this runs a million times.
        roll = self.rng.random
        birth = self.today_ordinal - min_age * 365 - int(roll() * (max_age - min_age) * 365)
        iso = self._iso(birth)
        male = roll() < 0.62  # debtors skew male in enforcement statistics
        codes = codes_for_year(int(iso[:4]))
        sequence = int(roll() * 500) * 2 + (1 if male else 0)
        number17 = f"{codes[int(roll() * len(codes))]}{iso[:4]}{iso[5:7]}{iso[8:10]}{sequence:03d}"
        # python-stdnum's calc_check_digit expects all 18 characters and ignores the last one (R-ID-01).
        number = number17 + ric.calc_check_digit(number17 + "0")
        street = STREETS[int(roll() * len(STREETS))]
        address = f"重庆市綦江区{street}{int(roll() * 299) + 1}号"
        name = self.names[int(roll() * len(self.names))]
        phone = f"1{'3578'[int(roll() * 4)]}{int(roll() * 10**9):09d}"
        return Person(name, number, iso, "M" if male else "F", address, phone)

    def _iso(self, ordinal: int) -> str:
        text = self.iso_cache.get(ordinal)
        if text is None:
            text = self.iso_cache[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    def company(self) -> Company:
        rng = self.rng
        name = f"重庆{rng.choice(self.company_prefixes)}{rng.choice(COMPANY_INDUSTRIES)}{rng.choice(COMPANY_FORMS)}"
        representative = rng.choice(self.names)
        controller = representative if rng.random() < 0.7 else rng.choice(self.names)
        address = f"重庆市綦江区{rng.choice(STREETS)}{rng.randrange(1, 300)}号"
        return Company(name, make_uscc(rng), representative, controller, address, phone_number(rng))
