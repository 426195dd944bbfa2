"""Holds a user whose role requires two-factor sign-in on the enrolment page until they enrol."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from enforcelink.orgs.twofactor import ENROL_REQUIRED_KEY


class TwoFactorRequiredMiddleware:
    """The sign-in view sets the session flag when policy requires 2FA and the user has no device.

    Reading a session flag rather than the policy keeps every other request free of extra queries;
    a change of policy therefore takes effect at the user's next sign-in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(ENROL_REQUIRED_KEY) and not self._exempt(request.path):
            if request.user.is_verified():  # type: ignore[union-attr]
                request.session.pop(ENROL_REQUIRED_KEY, None)
            elif request.path.startswith("/api/"):
                message = _("Two-factor sign-in is required: enrol an authenticator app first.")
                return JsonResponse({"code": "2FA_REQUIRED", "message": message, "field": None}, status=403)
            else:
                return redirect("two_factor")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (reverse("two_factor"), reverse("logout"), reverse("set_language"), "/static/")
        return path.startswith(allowed)
