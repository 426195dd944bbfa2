"""The admin wears the product's look: its palette is app.css's, value for value."""

from __future__ import annotations

import re
from pathlib import Path

import enforcelink

STATIC = Path(enforcelink.__file__).parent / "static" / "enforcelink"


def _palette(css: str, prefix: str) -> dict[str, str]:
    return dict(re.findall(rf"--{prefix}([\w-]+):\s*([^;]+);", css))


def test_the_admin_palette_is_the_products():
    product = _palette((STATIC / "app.css").read_text(), "")
    admin = _palette((STATIC / "admin.css").read_text(), "el-")
    colours = ["ink", "muted", "line", "bg", "card", "brand", "brand-2", "accent", "ok", "warn", "radius"]
    assert {name: admin[name] for name in colours} == {name: product[name] for name in colours}
