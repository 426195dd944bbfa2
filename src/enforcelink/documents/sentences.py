"""How the trail entries of documents, templates and batches read (`core.narration`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from enforcelink.core import narration
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Scene, Told, detail
from enforcelink.documents import policy
from enforcelink.documents.models import DocumentKind


def _kind(value: object) -> str:
    return narration.label_of(DocumentKind, value)


def _variant(kind: object, variant: object) -> str:
    """A template variant by its printed name (冻结存款), never its code."""
    return policy.variants(str(kind)).get(str(variant or ""), "") if variant else ""


def document_issued(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s issued the %(kind)s %(number)s")
        % {"actor": scene.actor, "kind": _kind(after.get("kind", "")), "number": after.get("number", "")}
    )


def document_rendered(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    dropped = after.get("dropped_characters")
    return Told(
        _("%(actor)s downloaded %(number)s for the first time, and its files were made")
        % {"actor": scene.actor, "number": after.get("number", "")},
        detail(_("Characters the document could not print"), "".join(map(str, dropped)) if isinstance(dropped, list) else ""),
    )  # fmt: skip


def template_saved(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s saved version %(version)s of the template of the %(kind)s")
        % {"actor": scene.actor, "version": after.get("version", "?"), "kind": _kind(after.get("kind", ""))},
        detail(_("Variant"), _variant(after.get("kind"), after.get("variant"))),
    )


def batch_created(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    formats = after.get("formats")
    formats = formats if isinstance(formats, list) else []
    return Told(
        _("%(actor)s started a batch of %(total)s documents: %(kind)s")
        % {"actor": scene.actor, "total": after.get("total", "?"), "kind": _kind(after.get("kind", ""))},
        detail(_("Variant"), _variant(after.get("kind"), after.get("variant")))
        + detail(_("Formats"), " · ".join(str(f).upper() for f in formats)),
    )


def batch_resumed(event: AuditEvent, scene: Scene) -> Told:
    return Told(_("%(actor)s resumed the document batch") % {"actor": scene.actor})


def register() -> None:
    narration.register("document.issued", document_issued)
    narration.register("document.rendered", document_rendered)
    narration.register("document_template.saved", template_saved)
    narration.register("document_batch.created", batch_created)
    narration.register("document_batch.resumed", batch_resumed)
