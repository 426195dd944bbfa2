"""Reads on documents, including the public check "is this document genuine?"."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

from django.utils import timezone

from enforcelink.documents.models import Document, DocumentFile

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CODE_CHARS = re.compile(r"[\s\-\u2010-\u2015_]")  # spaces, and the hyphens and dashes an IME types
# actions.CODE_ALPHABET, 16 of them (tests/documents/test_verify_page.py keeps the two in step).
_CODE = re.compile(r"^[A-HJ-NP-Z2-9]{16}$")
_CHUNK = 1024 * 1024


class Verdict(StrEnum):
    GENUINE = "genuine"  # the code exists and the file is byte-for-byte one the court issued
    ALTERED = "altered"  # the code exists but the file differs from every file issued under it
    UNKNOWN = "unknown"  # no document has this code (forged, or mistyped)
    ON_RECORD = "on_record"  # the code exists; no file was given, so only its record is shown


@dataclass(frozen=True)
class PublicRecord:
    """What the public page shows of a document: what its paper copy prints about itself (kind,
    number, court, date) and the fingerprints of its files. Never the case or a party: the page is
    open to whoever holds the code, and a copy may have passed through many hands."""

    code: str  # grouped as printed: ABCD-EFGH-JKLM-NPQR
    kind: str
    number: str
    court: str
    issued_on: dt.date
    fingerprints: tuple[tuple[str, str], ...]  # (format, sha256) of each file issued, PDF first


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    document: Document | None = None
    record: PublicRecord | None = None
    matched: str = ""  # the format of the issued file the evidence matched (genuine only)


def normalise_code(code: str) -> str:
    """Codes are printed in groups (ABCD-EFGH-…) and may be typed in lower case, with spaces, or in
    the full-width letters of a Chinese input method (ＡＢＣＤ－…, folded by NFKC)."""
    return _CODE_CHARS.sub("", unicodedata.normalize("NFKC", str(code or ""))).upper()


def well_formed_code(code: str) -> bool:
    """Whether `code` (as typed) can be a verification code at all: a mistyped length or an I, O,
    0 or 1 is told apart from a code that is well formed but was never issued."""
    return bool(_CODE.match(normalise_code(code)))


def _digest(evidence: str | bytes | IO[bytes]) -> str | None:
    if isinstance(evidence, str):
        text = evidence.strip().lower()
        return text if _SHA256.match(text) else None
    if isinstance(evidence, bytes):
        return hashlib.sha256(evidence).hexdigest()
    digest = hashlib.sha256()
    while chunk := evidence.read(_CHUNK):  # an upload of up to 20 MB, not read into memory whole
        digest.update(chunk)
    return digest.hexdigest()


def _record(document: Document, issued: dict[str, str]) -> PublicRecord:
    code = document.verification_code
    return PublicRecord(
        code="-".join(code[i : i + 4] for i in range(0, len(code), 4)),
        kind=document.get_kind_display(),
        number=document.number,
        court=document.court.name,
        issued_on=timezone.localdate(document.issued_at),
        fingerprints=tuple(sorted(issued.items(), key=lambda item: item[0] != "pdf")),
    )


def document_verify(code: str, evidence: str | bytes | IO[bytes] | None = None) -> Verification:
    """Genuine, altered or unknown: `evidence` is the file (bytes or a binary file) or its sha256.
    Without evidence (the QR code opened on a paper copy), a code that exists is on record."""
    document = Document.objects.select_related("court").filter(verification_code=normalise_code(code)).first()
    if document is None:
        return Verification(Verdict.UNKNOWN)
    issued = dict(DocumentFile.objects.filter(document=document).values_list("format", "sha256"))
    record = _record(document, issued)
    if evidence is None:
        return Verification(Verdict.ON_RECORD, document, record)
    digest = _digest(evidence)
    matched = next((fmt for fmt, sha256 in issued.items() if sha256 == digest), "")
    if matched:
        return Verification(Verdict.GENUINE, document, record, matched)
    return Verification(Verdict.ALTERED, document, record)


def file_content(document: Document, fmt: str) -> bytes:
    """The stored bytes of one rendered file (BinaryField gives memoryview on PostgreSQL)."""
    content = (
        DocumentFile.objects.filter(document=document, format=fmt).values_list("content", flat=True).get()
    )
    return bytes(content)
