"""Wiring of durations, renewals and waiting lists, called from `AssetsConfig.ready()` after the
controls' own (`assets.controls` records a unit's answer first; `assets.expiry` reads it after)."""

from __future__ import annotations


def register() -> None:
    from enforcelink.assets.expiry import home, listeners, sentences
    from enforcelink.core import events

    events.subscribe("request.completed", "assets.expiry", listeners.on_completed)
    sentences.register()
    home.register()
