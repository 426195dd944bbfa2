"""The first-page PNGs under docs/documents/ (issue 3 §5) and the command that makes them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from enforcelink.documents.management.commands.documents import PDFTOPPM, sample_name, shipped_templates
from enforcelink.documents.models import Document

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "documents"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
needs_pdftoppm = pytest.mark.skipif(
    not Path(PDFTOPPM).exists() and shutil.which("pdftoppm") is None, reason="poppler-utils not installed"
)


def test_every_shipped_default_has_a_sample_png():
    """Adding a template without regenerating the samples fails here: run
    `enforcelink documents samples --out docs/documents/`."""
    missing = [
        name
        for name in (sample_name(*pair) for pair in shipped_templates())
        if not (SAMPLES / f"{name}.png").is_file()
    ]
    assert not missing, f"no sample PNG for {missing}"
    for png in SAMPLES.glob("*.png"):
        assert png.read_bytes()[:8] == PNG_MAGIC
        assert png.stat().st_size < 300_000, f"{png.name} is too large: render at 60–80 dpi"


@needs_pdftoppm
@pytest.mark.django_db
def test_samples_command_renders_in_a_throwaway_database(world, tmp_path):
    call_command("documents", "samples", "--out", str(tmp_path), "--only", "summons", "--only", "risk_notice")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["risk_notice.png", "summons.png"]
    assert (tmp_path / "summons.png").read_bytes()[:8] == PNG_MAGIC
    # The configured database is untouched: the demo court, case and documents lived elsewhere.
    assert not Document.objects.exists()
    assert world.court.cases.count() == 0


@pytest.mark.django_db
def test_samples_command_refuses_an_unknown_name(tmp_path):
    with pytest.raises(CommandError, match=r"assistance_notice\.garnish"):
        call_command("documents", "samples", "--out", str(tmp_path), "--only", "assistance_notice.garnish")
