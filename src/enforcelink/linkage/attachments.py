"""Files on a request (issue 4 §4/§7): what a unit sends with its reply (a bank's statement, a
registry extract) and what either side sends on the follow-up thread.

A file is checked before anything is written: at most `MAX_FILES` per reply or message, each at most
`settings.ATTACHMENT_MAX_MB`, its type read from its first bytes (PDF, JPEG, PNG, OFD, DOCX, XLSX,
plain text or CSV) and its name's extension agreeing with it, so neither an HTML page named
``.html`` (text, but not named as text) nor a program named ``.pdf`` gets in. The stored type is
the detected one, never what the client said. Names lose any path and control characters (Chinese
is kept). Each refusal is a coded `RuleViolation` on the field "attachments"; the rows are
written by the action, in the transaction of the reply or message they belong to, so a refusal
leaves nothing.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.core import audit
from enforcelink.core.errors import RuleViolation
from enforcelink.core.rows import insert_rows, new
from enforcelink.linkage.models import AssistanceRequest, RequestAttachment, RequestMessage
from enforcelink.orgs.models import ApiKey
from enforcelink.orgs.permissions import Actor

MAX_FILES = 10
MAX_NAME = 200
FIELD = "attachments"
PDF = "application/pdf"
OFD = "application/ofd"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The detected type's extensions; the first is added to a name that has none.
EXTENSIONS = {
    PDF: (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    OFD: (".ofd",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    "text/plain": (".txt",),
    "text/csv": (".csv",),
}
CONTENT_TYPES = sorted(EXTENSIONS)  # what a download can be (the OpenAPI schema lists them)
_UNSAFE = re.compile(r'[<>:"|?*\\/]')
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class FileLike(Protocol):
    """A Django `UploadedFile`, or an `Upload` decoded from the API's base64."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    def read(self) -> bytes: ...


@dataclass(frozen=True)
class Upload:
    """A file given as bytes (the machine API's `content_base64`, decoded)."""

    name: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    def read(self) -> bytes:
        return self.content


@dataclass(frozen=True)
class CleanFile:
    """A checked file, ready to be stored."""

    name: str
    content_type: str
    content: bytes
    sha256: str

    def summary(self) -> dict[str, Any]:
        """What the trail and an Idempotency-Key's fingerprint say of the file."""
        return {"name": self.name, "content_type": self.content_type, "size": len(self.content),
                "sha256": self.sha256}  # fmt: skip


def max_bytes() -> int:
    return int(settings.ATTACHMENT_MAX_MB) * 1024 * 1024


def _invalid(message: str) -> RuleViolation:
    return RuleViolation("ATTACHMENT_INVALID", message, field=FIELD)


def clean_files(files: Sequence[FileLike]) -> list[CleanFile]:
    """The files of one reply or message, checked; the count and sizes before any file is read."""
    files = list(files or ())
    if len(files) > MAX_FILES:
        raise RuleViolation(
            "ATTACHMENT_TOO_MANY", _("Attach at most %(max)d files.") % {"max": MAX_FILES}, field=FIELD
        )
    limit = max_bytes()
    for upload in files:
        if (upload.size or 0) > limit:
            raise _too_large(upload.name or "")
    return [clean_file(upload.name or "", upload.read(), limit) for upload in files]


def _too_large(name: str) -> RuleViolation:
    return RuleViolation(
        "ATTACHMENT_TOO_LARGE",
        _("%(name)s is larger than %(max)d MB.") % {"name": safe_name(name), "max": settings.ATTACHMENT_MAX_MB},
        field=FIELD,
    )  # fmt: skip


def clean_file(name: str, content: bytes, limit: int | None = None) -> CleanFile:
    """One file: not empty, not too large, of an allowed type that its name's extension agrees with."""
    shown = safe_name(name)
    if len(content) > (max_bytes() if limit is None else limit):
        raise _too_large(name)
    if not content:
        raise _invalid(_("%(name)s is empty.") % {"name": shown})
    detected = detect_type(content, shown)
    if detected is None:
        raise _invalid(
            _("%(name)s is not a PDF, OFD, Word (.docx), Excel (.xlsx), JPEG, PNG, text or CSV file.")
            % {"name": shown}
        )
    stored = _with_extension(shown, detected)
    content_type = detected
    if detected.startswith("text/"):
        content_type = f"{detected}; charset={_text_charset(content)}"
    return CleanFile(stored, content_type, content, hashlib.sha256(content).hexdigest())


def _with_extension(name: str, detected: str) -> str:
    """The name with the detected type's extension: added when it has none, refused when it says
    another type (a file is what its content is, and its name must not pretend otherwise)."""
    stem, dot, extension = name.rpartition(".")
    allowed = EXTENSIONS[detected]
    if dot and stem and f".{extension.lower()}" in allowed:
        return name
    if dot and stem and len(extension) <= 5 and extension.isalnum():
        raise _invalid(
            _("%(name)s does not contain what its name says (the content is %(type)s).")
            % {"name": name, "type": allowed[0].lstrip(".").upper()}
        )
    return _shorten(name, allowed[0])


def _shorten(stem: str, extension: str) -> str:
    return stem[: MAX_NAME - len(extension)] + extension


def safe_name(name: str) -> str:
    """The file's own name: no folders (either slash), no control or invisible formatting characters
    (a right-to-left override can make ``cod.exe`` look like ``exe.doc``), none of ``<>:"|?*``, no
    leading dots; at most 200 characters, keeping the extension. Chinese is kept as it is."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(" " if ch.isspace() else ch for ch in text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    text = _UNSAFE.sub("_", " ".join(text.split())).strip(" .")
    if not text:
        return _("attachment")
    if len(text) > MAX_NAME:
        stem, dot, extension = text.rpartition(".")
        text = _shorten(stem, f".{extension}") if dot and stem and len(extension) <= 5 else text[:MAX_NAME]
    return text


def detect_type(content: bytes, name: str = "") -> str | None:
    """The type from the content's first bytes (and, for ZIP packages, their parts): None if it is
    none of the allowed ones."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"PK\x03\x04"):
        return _package_type(content)
    if _text_charset(content):
        return "text/csv" if name.lower().endswith(".csv") else "text/plain"
    return None


def _package_type(content: bytes) -> str | None:
    """OFD (GB/T 33190, 国家版式文档), DOCX and XLSX are ZIP packages: told apart by their parts.
    Only the directory is read, nothing is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return None
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    return None


def _text_charset(content: bytes) -> str:
    """ "utf-8" or "gb18030" (what Chinese agencies' CSV exports use) for readable text without
    control characters; "" for anything else."""
    if b"\x00" in content:
        return ""
    for charset in ("utf-8-sig", "gb18030"):
        try:
            text = codecs.decode(content, charset)
        except UnicodeDecodeError:
            continue
        if _TEXT_CONTROL.search(text):
            return ""
        return "utf-8" if charset == "utf-8-sig" else charset
    return ""


def attachments_store(
    request: AssistanceRequest,
    files: Sequence[CleanFile],
    *,
    kind: str,
    side: str,
    actor: Actor,
    message: RequestMessage | None = None,
) -> list[RequestAttachment]:
    """Write the checked files of a reply or message; call inside its transaction."""
    if not files:
        return []
    user, key = (None, actor) if isinstance(actor, ApiKey) else (actor, None)
    now = timezone.now()
    rows = [
        new(
            RequestAttachment, request_id=request.pk, message_id=message.pk if message else None, kind=kind,
            side=side, uploaded_by_id=getattr(user, "pk", None), api_key_id=key.pk if key else None,
            name=file.name, content_type=file.content_type, content=file.content, size=len(file.content),
            sha256=file.sha256, at=now,
        )
        for file in files
    ]  # fmt: skip
    return insert_rows(rows)


def trail_data(files: Sequence[CleanFile]) -> dict[str, Any]:
    """What the request's event and audit entry record of the files: names, sizes and hashes."""
    return {"attachments": [file.summary() for file in files]} if files else {}


def download_response(attachment: RequestAttachment) -> HttpResponse:
    """The stored bytes as a download, for the page and the API alike: never shown inline (a file
    is not trusted to be what it says), under its stored type and name (RFC 5987 `filename*`,
    with an ASCII fallback for old clients)."""
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def operator_download(attachment: RequestAttachment, *, actor: Actor) -> HttpResponse:
    """A platform operator's download from the admin: on the trail, since an operator is no party to
    the case whose file it is."""
    request = attachment.request
    with transaction.atomic():
        audit.record(
            "attachment.downloaded", attachment, actor=actor, case_id=request.case_id,
            court_id=request.case.court_id,
            after={"request": request.pk, "name": attachment.name, "sha256": attachment.sha256},
        )  # fmt: skip
    return download_response(attachment)


def content_disposition(name: str) -> str:
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in name)
    return f"attachment; filename=\"{fallback or 'attachment'}\"; filename*=UTF-8''{quote(name, safe='')}"
