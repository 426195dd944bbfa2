"""Per-unit API keys for agency systems: `Authorization: Bearer el_<prefix>_<secret>`.

Issuing and revoking a key are writes on the trail (`api_key_issue`, `api_key_revoke`).
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from enforcelink.core import audit
from enforcelink.core.actors import AuditActor
from enforcelink.core.errors import InvalidInput
from enforcelink.orgs.models import ApiKey, LinkageUnit

# "Last used" to the minute: a bank's system calls many times a second, and writing the time on
# every call would make each read a write (a row version and a commit of its own).
LAST_USED_STEP = dt.timedelta(minutes=1)


class UnitPrincipal:
    """The machine user an API key authenticates as: staff of its unit, nothing more."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_court_staff = False
    is_supervisor = False
    is_unit_staff = True
    is_staff = False
    role = "liaison"
    court_id = None
    body_id = None
    pk = None

    def __init__(self, key: ApiKey):
        self.api_key = key
        self.unit = key.unit
        self.unit_id = key.unit_id
        self.username = f"api:{key.prefix}"

    def __str__(self) -> str:
        return self.username


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[UnitPrincipal, ApiKey] | None:
        """None only when there is no Authorization header at all. A header that is there but holds
        no valid key (another scheme, another token, a typo) is refused: never a silent fall-back to
        the browser session that happens to come with it."""
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        if not header.startswith(f"{self.keyword} el_"):
            raise exceptions.AuthenticationFailed(
                _("The Authorization header holds no API key: send Bearer el_…, or no header at all.")
            )
        secret = header[len(self.keyword) + 1 :].strip()
        parts = secret.split("_", 2)
        if len(parts) != 3:
            raise exceptions.AuthenticationFailed(_("Malformed API key."))
        key = ApiKey.objects.select_related("unit").filter(prefix=parts[1], revoked_at__isnull=True).first()
        if key is None or not hmac.compare_digest(key.key_hash, ApiKey.hash_secret(secret)):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_STEP:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return UnitPrincipal(key), key

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Documents the key in the OpenAPI schema as an HTTP bearer scheme."""

    target_class = ApiKeyAuthentication
    name = "unitApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "el_<prefix>_<secret>",
            "description": "A linkage unit's API key (`enforcelink apikey create`).",
        }


def api_key_issue(unit: LinkageUnit, *, name: str, actor: AuditActor) -> tuple[ApiKey, str]:
    """Create a key for a unit's system; the secret is returned once and only its hash is kept."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput("API_KEY_NAME", _("Give the key a name of at most 100 characters."), field="name")
    prefix, secret = ApiKey.new_secret()
    with transaction.atomic():
        key = ApiKey.objects.create(unit=unit, name=name, prefix=prefix, key_hash=ApiKey.hash_secret(secret))
        audit.record(
            "apikey.issued", key, actor=actor, after={"unit": unit.pk, "name": name, "prefix": prefix}
        )
    return key, secret


def api_key_revoke(key: ApiKey, *, actor: AuditActor) -> ApiKey:
    """Revoke a key at once; requests with it answer 401 from then on."""
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            audit.record(
                "apikey.revoked", key, actor=actor, after={"unit": key.unit_id, "prefix": key.prefix}
            )
    return key
