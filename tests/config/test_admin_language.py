"""The admin speaks Chinese throughout (issue 14 §7), third-party apps included.

django-axes and django-tasks-db ship no Chinese and name their apps in plain English; config.apps
renames the apps, config.vendor_admin relabels the columns a catalogue cannot reach, and
config.vendor_strings lists their msgids for our catalogue. These tests walk the admin index and every
changelist in zh-hans, with a row in each third-party table so that its column headers show.
"""

from __future__ import annotations

import html
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from enforcelink.config.vendor_admin import LockoutAttemptAdmin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
# What the admin showed in English before: the apps' and models' names, their columns and filters.
KNOWN_ENGLISH = [
    "Axes", "Tasks Database Backend", "Access attempts", "Access failures", "Access logs", "Task Results",
    "Task Result", "Attempt Time", "IP Address", "User Agent", "Logout Time", "Access lock out",
    "Failed Logins", "Locked Out", "Attempt Remaining", "Task name", "Queue name", "Enqueued at",
    "Started at", "Finished at", "Priority", "Model name", "Add link", "Change or view list link",
    "Periodic claims", "Sign-in lockouts", "Background tasks",
]  # fmt: skip


def _rows() -> None:
    """One row in each third-party table, so that each changelist shows its column headers."""
    common = {"user_agent": "Mozilla/5.0", "ip_address": "10.0.0.9", "username": "wang", "http_accept": "*/*"}
    AccessAttempt.objects.create(
        **common, path_info="/login/", get_data="", post_data="", failures_since_start=2
    )
    AccessFailureLog.objects.create(**common, path_info="/login/")
    AccessLog.objects.create(**common, path_info="/login/")
    DBTaskResult.objects.create(
        task_path="enforcelink.core.holidays.calendar_recheck",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
    )


def _text(body: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _headers(body: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", body, flags=re.S)
    cells = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', head.group(1), flags=re.S) if head else []
    return [" ".join(_text(cell).split()) for cell in cells]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True, role=""))
    return client


def test_every_app_and_model_in_the_admin_index_is_named_in_chinese(admin_client):
    response = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    names = [app["name"] for app in response.context["app_list"]]
    names += [model["name"] for app in response.context["app_list"] for model in app["models"]]
    assert "登录锁定" in names and "后台任务" in names
    assert [name for name in names if not CJK.search(str(name))] == []
    text = _text(response.content.decode())
    assert [word for word in KNOWN_ENGLISH if word in text] == []


def test_every_changelist_is_labelled_in_chinese(admin_client):
    _rows()
    pages = [f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist" for m in admin.site._registry]
    assert "admin:axes_accessattempt_changelist" in pages
    assert "admin:django_tasks_database_dbtaskresult_changelist" in pages
    english = {}
    for name in pages:
        response = admin_client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, name
        body = response.content.decode()
        # A header is Chinese, or a code everybody reads as it is (ID, API, SHA-256).
        left = [h for h in _headers(body) if h and not CJK.search(h) and h not in {"ID", "API"}]
        left += [word for word in KNOWN_ENGLISH if word in _text(body)]
        if left:
            english[name] = left
    assert english == {}


def test_a_lockout_attempt_reads_how_many_tries_are_left(admin_client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    _rows()
    attempt = AccessAttempt.objects.get()
    model_admin = LockoutAttemptAdmin(AccessAttempt, admin.site)
    with translation.override("en"):
        assert model_admin.status(attempt) == "3 attempts left"
        attempt.failures_since_start = 5
        assert model_admin.status(attempt) == "Locked out"
    assert isinstance(admin.site._registry[AccessAttempt], LockoutAttemptAdmin)


def _named_in_chinese(name: object) -> bool:
    return bool(CJK.search(str(name))) and not str(name).endswith("s")


def test_every_model_of_ours_is_named_in_chinese_singular_and_plural():
    """A model without verbose_name_plural reads "通知s" in the admin's delete pages and history."""
    ours = [model._meta for model in apps.get_models() if model.__module__.startswith("enforcelink.")]
    with translation.override("zh-hans"):
        unnamed = {
            meta.label_lower
            for meta in ours
            if not (_named_in_chinese(meta.verbose_name) and _named_in_chinese(meta.verbose_name_plural))
        }
    assert not unnamed
