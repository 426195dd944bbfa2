"""Sign-in (password, then a TOTP code when the user has enrolled), and two-factor enrolment."""

from __future__ import annotations

from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from enforcelink.orgs import known_devices, twofactor
from enforcelink.orgs.forms import TokenForm
from enforcelink.orgs.models import User

WRONG_CODE = gettext_lazy("The code is wrong or has expired. Wait for the next code and try again.")


class SignInView(LoginView):
    """Step one. Users with a confirmed device go on to step two before any session is theirs."""

    template_name = "orgs/login.html"
    # Not redirecting signed-in users: the admin sends a signed-in non-administrator here, and a
    # redirect back would loop. They see the form with a note instead (as Django's admin login does).
    redirect_authenticated_user = False

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if twofactor.has_device(user):
            twofactor.begin_pending(self.request, user, self.get_success_url())
            return redirect("login_verify")
        response = super().form_valid(form)
        if twofactor.required_for(user):
            self.request.session[twofactor.ENROL_REQUIRED_KEY] = True
            response = redirect("two_factor")
        return known_devices.remember(self.request, response, user.get_username())


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    """Step two: the six-digit code; only now is the user logged in (and marked as verified)."""
    state = twofactor.pending(request)
    if state is None:
        messages.error(request, _("The sign-in has expired. Please enter your password again."))
        return redirect("login")
    user, backend, next_url = state
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_pending(user, form.cleaned_data["token"])
        if device is not None:
            twofactor.clear_pending(request)
            # django-otp's login hook reads this attribute and marks the session as verified.
            user.otp_device = device  # type: ignore[attr-defined]
            auth_login(request, user, backend=backend)
            response = redirect(next_url or settings.LOGIN_REDIRECT_URL)
            return known_devices.remember(request, response, user.get_username())
        form.add_error("token", WRONG_CODE)
    return render(request, "orgs/login_verify.html", {"form": form})


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required guarantees it
    return user


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (QR code drawn on the server), or switch two-factor sign-in off."""
    user = _user(request)
    context: dict[str, Any] = {"required": twofactor.required_for(user)}
    if twofactor.has_device(user):
        return _manage(request, user, context)
    return _enrol(request, user, context)


def _enrol(request: HttpRequest, user: User, context: dict[str, Any]) -> HttpResponse:
    device = twofactor.enrolment_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.confirm(device, form.cleaned_data["token"], actor=user):
            django_otp.login(request, device)
            request.session.pop(twofactor.ENROL_REQUIRED_KEY, None)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("two_factor")
        form.add_error("token", WRONG_CODE)
    context.update(
        enabled=False, form=form, qr=twofactor.qr_data_uri(device), secret=twofactor.secret_text(device)
    )
    return render(request, "orgs/two_factor.html", context)


def _manage(request: HttpRequest, user: User, context: dict[str, Any]) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and not context["required"] and form.is_valid():
        if twofactor.disable(user, form.cleaned_data["token"], actor=user):
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two_factor")
        form.add_error("token", WRONG_CODE)
    context.update(enabled=True, form=form)
    return render(request, "orgs/two_factor.html", context)
