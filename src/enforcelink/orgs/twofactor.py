"""Two-factor sign-in with a TOTP authenticator app (django-otp): who must use it, enrolment, sign-in.

Sign-in is two steps when the user has a confirmed device: the password step stores a short-lived
"pending" marker in the anonymous session and only the code step logs the user in, so a stolen
password alone never yields a session. Enrolment and removal are writes and go on the audit trail.
"""

from __future__ import annotations

import base64
import time
from base64 import b32encode
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from enforcelink.core import audit
from enforcelink.core.actors import AuditActor
from enforcelink.orgs.models import User

PENDING_KEY = "enforcelink_2fa_pending"
ENROL_REQUIRED_KEY = "enforcelink_2fa_enrol_required"
PENDING_SECONDS = 300
DEVICE_NAME = "authenticator"


def required_for(user: User) -> bool:
    """Policy: the role is listed in ENFORCELINK_REQUIRE_2FA_ROLES, or the user's court or unit demands it."""
    if user.role and user.role in settings.REQUIRE_2FA_ROLES:
        return True
    if user.court_id is not None and user.court is not None and user.court.require_2fa:
        return True
    return user.unit_id is not None and user.unit is not None and user.unit.require_2fa


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled; created on first visit, reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, grouped by four, for typing into an app when the camera is not an option."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data URI, drawn here so no third party sees the key."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8, border=2)
    svg = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def confirm(device: TOTPDevice, token: str, *, actor: User) -> bool:
    """Confirm an enrolment with the first code the app shows; audit event `auth.2fa_enabled`."""
    with transaction.atomic():
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
        user = device.user
        audit.record(
            "auth.2fa_enabled",
            user,
            actor=actor,
            court_id=user.court_id,
            after={"device": device.persistent_id},
        )
    return True


def disable(user: User, token: str, *, actor: User) -> bool:
    """Remove the user's devices after checking a current code; audit event `auth.2fa_disabled`."""
    with transaction.atomic():
        if match_token(user, token) is None:
            return False
        _remove_devices(user, actor=actor, reason="self")
    return True


def reset(user: User, *, actor: AuditActor) -> None:
    """An administrator removes the devices of someone who lost their phone (no code needed)."""
    with transaction.atomic():
        _remove_devices(user, actor=actor, reason="admin")


def _remove_devices(user: User, *, actor: AuditActor, reason: str) -> None:
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    audit.record(
        "auth.2fa_disabled",
        user,
        actor=actor,
        court_id=user.court_id,
        after={"devices_removed": count, "by": reason},
    )


def begin_pending(request: HttpRequest, user: User, next_url: str) -> None:
    """Remember who passed the password step; nobody is logged in yet."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "next": next_url,
        "since": time.time(),
    }


def pending(request: HttpRequest) -> tuple[User, str, str] | None:
    """(user, backend, next) of a password step younger than PENDING_SECONDS, else None."""
    data: dict[str, Any] | None = request.session.get(PENDING_KEY)
    if not data or time.time() - float(data.get("since", 0)) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        return None
    return user, str(data["backend"]), str(data.get("next") or "")


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def verify_pending(user: User, token: str) -> Any:
    """The device that accepts `token` (django-otp throttles repeated failures per device), or None."""
    return match_token(user, token)
