"""How the trail entries of organisations, accounts, API keys and the admin read (`core.narration`),
and the names of the machine actors behind API keys: a unit's system, by the unit's name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.core import narration
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Fields, Scene, Told, detail
from enforcelink.orgs.models import (
    ApiKey,
    Court,
    LinkageUnit,
    SupervisoryBody,
    UnitType,
    User,
)

API_KEY_LABEL = "api-key:"  # the trail's label of a unit system's actions: "api-key:<prefix>"


def api_key_names(labels: set[str]) -> Mapping[str, str]:
    """ "api-key:d4874415" → "重庆农村商业银行綦江支行系统（API）", all the page's keys in one query."""
    prefixes = {label.removeprefix(API_KEY_LABEL): label for label in labels}
    keys = ApiKey.objects.filter(prefix__in=prefixes).select_related("unit").only("prefix", "unit__name")
    return {prefixes[key.prefix]: unit_system(key.unit.name) for key in keys}


def unit_system(unit_name: str) -> str:
    return _("%(unit)s system (API)") % {"unit": unit_name}


def _say(template: str, scene: Scene, **values: Any) -> str:
    return template % {"actor": scene.actor, **values}


def _created(template: Any, model: type[Any], labels: Mapping[str, Any] | None = None) -> narration.Describe:
    """An object created, named in the sentence, its other values listed with their labels (a unit's
    type, a user's role, a court's level by their choices' labels)."""

    def describe(event: AuditEvent, scene: Scene) -> Told:
        after = narration.after_of(event)
        how = Fields(
            labels=labels or {}, choices={"type": UnitType}, skip=("name", "full_name", "username", "path")
        )
        return Told(
            _say(
                str(template),
                scene,
                name=after.get("name") or after.get("full_name") or after.get("username", ""),
            ),
            narration.changes(model, None, after, how),
        )

    return describe


def _units(events: Sequence[AuditEvent]) -> dict[int, str]:
    ids = {narration.after_of(event).get("unit") for event in events}
    return dict(
        LinkageUnit.objects.filter(pk__in=[i for i in ids if isinstance(i, int)]).values_list("pk", "name")
    )


def _unit(event: AuditEvent, scene: Scene) -> str:
    unit = narration.after_of(event).get("unit")
    return (scene.loaded or {}).get(unit) or _("a linkage unit")


def apikey_issued(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _say(_("%(actor)s issued an API key to %(unit)s"), scene, unit=_unit(event, scene)),
        detail(_("Key name"), str(after.get("name") or "")),
    )


def apikey_revoked(event: AuditEvent, scene: Scene) -> Told:
    return Told(_say(_("%(actor)s revoked an API key of %(unit)s"), scene, unit=_unit(event, scene)))


def _users(events: Sequence[AuditEvent]) -> dict[str, str]:
    return {str(user.pk): str(user) for user in User.objects.filter(pk__in=narration.ids(events))}


def _whose(event: AuditEvent, scene: Scene) -> str:
    return (scene.loaded or {}).get(event.object_id) or _("an account")


def twofactor_enabled(event: AuditEvent, scene: Scene) -> Told:
    return Told(
        _say(_("%(actor)s turned on two-factor sign-in for %(user)s"), scene, user=_whose(event, scene))
    )


TWO_FACTOR_BY = {"self": gettext_lazy("by its holder"), "admin": gettext_lazy("by an administrator")}


def twofactor_disabled(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    by = TWO_FACTOR_BY.get(str(after.get("by")))
    return Told(
        _say(_("%(actor)s turned off two-factor sign-in for %(user)s"), scene, user=_whose(event, scene)),
        detail(_("Authenticator devices removed"), str(after.get("devices_removed", "")))
        + detail(_("Turned off"), str(by or "")),
    )


def _objects(events: Sequence[AuditEvent]) -> dict[tuple[str, str], str]:
    """The admin's objects by (type, id), one query per model, for their names."""
    by_type: dict[str, list[str]] = {}
    for event in events:
        by_type.setdefault(event.object_type, []).append(event.object_id)
    names: dict[tuple[str, str], str] = {}
    for object_type, object_ids in by_type.items():
        model = narration.model_of(object_type)
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=[i for i in object_ids if i.isdigit()]):
            names[(object_type, str(obj.pk))] = str(obj)
    return names


ADMIN_SENTENCES = {
    "admin.created": gettext_lazy("%(actor)s created the %(model)s “%(object)s” in the administration site"),
    "admin.changed": gettext_lazy("%(actor)s changed the %(model)s “%(object)s” in the administration site"),
    "admin.deleted": gettext_lazy("%(actor)s deleted the %(model)s “%(object)s” in the administration site"),
}


def admin_write(event: AuditEvent, scene: Scene) -> Told:
    """Any model the admin writes: its verbose name, the object's name, and the fields changed with
    their labels and values (before → after)."""
    model = narration.model_of(event.object_type)
    deleted = event.action == "admin.deleted"
    name = (event.before if deleted and isinstance(event.before, str) else "") or (scene.loaded or {}).get(
        (event.object_type, event.object_id), "#" + event.object_id
    )
    sentence = str(ADMIN_SENTENCES[event.action]) % {
        "actor": scene.actor, "model": narration.model_name(event.object_type), "object": name}  # fmt: skip
    return Told(sentence, () if deleted else narration.changes(model, event.before, event.after))


SENTENCES = {
    "region.created": _created(gettext_lazy("%(actor)s added the region %(name)s"), Court, {"code": gettext_lazy("Region code")}),
    "court.added": _created(gettext_lazy("%(actor)s added the court %(name)s"), Court, {"region": gettext_lazy("Region code")}),
    "court.created": _created(gettext_lazy("%(actor)s added the court %(name)s"), Court),
    "team.created": _created(gettext_lazy("%(actor)s added the enforcement team %(name)s"), Court, {"court": gettext_lazy("Court code")}),
    "unit.created": _created(gettext_lazy("%(actor)s added the linkage unit %(name)s"), LinkageUnit, {"type": gettext_lazy("Unit type"), "region": gettext_lazy("Region code"), "leader": gettext_lazy("Supervising leader")}),
    "body.created": _created(gettext_lazy("%(actor)s added the supervisory body %(name)s"), SupervisoryBody),
    "user.created": _created(gettext_lazy("%(actor)s opened an account for %(name)s"), User, {"unit": gettext_lazy("Linkage unit")}),
}  # fmt: skip


def register() -> None:
    for action, describe in SENTENCES.items():
        narration.register(action, describe)
    narration.register("apikey.issued", apikey_issued, load=_units)
    narration.register("apikey.revoked", apikey_revoked, load=_units)
    narration.register("auth.2fa_enabled", twofactor_enabled, load=_users)
    narration.register("auth.2fa_disabled", twofactor_disabled, load=_users)
    for action in ADMIN_SENTENCES:
        narration.register(action, admin_write, load=_objects)
    narration.register_actors(API_KEY_LABEL, api_key_names)
    narration.name_machine("cli:court", gettext_lazy("court set-up command"))
    narration.name_machine("cli:apikey", gettext_lazy("API key command"))
