"""Fixtures for sign-in, two-factor and admin tests (the shared `world` lives in tests/conftest.py)."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

PASSWORD = "correct-horse-9"  # what UserFactory sets


def current_code(device: TOTPDevice) -> str:
    """The six digits an authenticator app would show right now for this device."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 500000) % 1000000:06d}"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True, role="")


@pytest.fixture
def enrolled(world):
    """The officer with a confirmed authenticator device."""
    return TOTPDevice.objects.create(user=world.officer, name="authenticator", confirmed=True)
