"""Reads on documents, including the public check "is this document genuine?"."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

from enforcelink.documents.models import Document, DocumentFile

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CODE_CHARS = re.compile(r"[\s\-]")


class Verdict(StrEnum):
    GENUINE = "genuine"  # the code exists and the file is byte-for-byte one the court issued
    ALTERED = "altered"  # the code exists but the file differs from every file issued under it
    UNKNOWN = "unknown"  # no document has this code (forged, or mistyped)


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    document: Document | None = None


def normalise_code(code: str) -> str:
    """Codes are printed in groups (ABCD-EFGH-…) and may be typed in lower case or with spaces."""
    return _CODE_CHARS.sub("", str(code or "")).upper()


def _digest(evidence: str | bytes | IO[bytes]) -> str | None:
    if isinstance(evidence, str):
        text = evidence.strip().lower()
        return text if _SHA256.match(text) else None
    data = evidence if isinstance(evidence, bytes) else evidence.read()
    return hashlib.sha256(data).hexdigest()


def document_verify(code: str, evidence: str | bytes | IO[bytes]) -> Verification:
    """Genuine, altered or unknown: `evidence` is the file (bytes or a binary file) or its sha256."""
    document = Document.objects.select_related("court").filter(verification_code=normalise_code(code)).first()
    if document is None:
        return Verification(Verdict.UNKNOWN)
    digest = _digest(evidence)
    issued = DocumentFile.objects.filter(document=document).values_list("sha256", flat=True)
    if digest is not None and digest in set(issued):
        return Verification(Verdict.GENUINE, document)
    return Verification(Verdict.ALTERED, document)


def file_content(document: Document, fmt: str) -> bytes:
    """The stored bytes of one rendered file (BinaryField gives memoryview on PostgreSQL)."""
    content = (
        DocumentFile.objects.filter(document=document, format=fmt).values_list("content", flat=True).get()
    )
    return bytes(content)
