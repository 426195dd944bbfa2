"""Amounts in fen (integer cents) for generated cases (R-MONEY-01: never floats in the stored value)."""

from __future__ import annotations

import math
import random

# 诉讼费用交纳办法 Art.14: the enforcement application fee, by bands of the amount enforced (yuan).
FEE_BANDS = ((10_000, 0.0), (500_000, 0.015), (5_000_000, 0.01), (10_000_000, 0.005), (None, 0.001))
FEE_BASE_FEN = 5_000  # 50 yuan up to 10,000 yuan
MAX_FEN = 50_000_000_000  # 500 million yuan: the tail stops somewhere


def lognormal_fen(rng: random.Random, median_yuan: float, sigma: float) -> int:
    """Log-normal amounts: many small claims and a long tail, rounded like real judgments."""
    yuan = rng.lognormvariate(math.log(median_yuan), sigma)
    fen = int(yuan * 100)
    if rng.random() < 0.6:
        fen -= fen % 100_00  # most judgments name whole hundreds of yuan
    return max(100_00, min(fen, MAX_FEN))


def application_fee_fen(amount_fen: int) -> int:
    """执行申请费 for an amount: 50 yuan, then a falling percentage per band."""
    yuan = amount_fen / 100
    fee, lower = FEE_BASE_FEN / 100, 10_000
    if yuan <= lower:
        return FEE_BASE_FEN
    for upper, rate in FEE_BANDS[1:]:
        top = yuan if upper is None else min(yuan, upper)
        if top > lower:
            fee += (top - lower) * rate
        if upper is None or yuan <= upper:
            break
        lower = upper
    return round(fee * 100)


def yuan(fen: int) -> str:
    """Fen as the decimal string the database stores ("1234.50")."""
    return f"{fen // 100}.{fen % 100:02d}"
