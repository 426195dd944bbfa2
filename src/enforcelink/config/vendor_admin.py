"""Admin columns of third-party apps relabelled in the user's language.

django-axes' lockout status and django-tasks-db's task name, id, traceback and run-after columns are
labelled with a method's bare name or a plain English string, which no catalogue can translate. Each
admin is registered again as a subclass that gives those columns a translated label and otherwise
behaves as the package's own (its queries, filters and permissions are inherited). Called from the
apps' `ready()` in `config.apps`, after the admin has discovered the packages' registrations.
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult


class LockoutAttemptAdmin(AccessAttemptAdmin):
    @admin.display(description=_("Status"))
    def status(self, obj: AccessAttempt) -> str:
        limit = axes_settings.AXES_FAILURE_LIMIT
        if obj.failures_since_start >= limit:
            return str(_("Locked out"))
        left = limit - obj.failures_since_start
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {"count": left}

    @admin.display(description=_("Expires at"))
    def expiration(self, obj: AccessAttempt) -> Any:
        return super().expiration(obj)


class TaskResultAdmin(DBTaskResultAdmin):
    @admin.display(description=_("Task ID"))
    def task_id(self, obj: DBTaskResult) -> Any:
        return obj.id

    @admin.display(description=_("Task"))
    def task_name(self, obj: DBTaskResult) -> str:
        return str(obj.task_name)

    @admin.display(description=_("Traceback"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return str(super().formatted_traceback(obj))

    @admin.display(description=_("Run after"))
    def display_run_after(self, obj: DBTaskResult) -> Any:
        return super().display_run_after(obj)

    # The package's columns, its bare "id" (shown as "Id") read as the task's ID.
    list_display = (
        "task_id", "task_name", "status", "enqueued_at", "started_at", "finished_at", "priority", "queue_name"
    )  # fmt: skip


def _replace(model: Any, model_admin: type[admin.ModelAdmin]) -> None:
    if admin.site.is_registered(model):  # AXES_ENABLE_ADMIN = False leaves axes out of the admin
        admin.site.unregister(model)
        admin.site.register(model, model_admin)


def relabel_axes() -> None:
    _replace(AccessAttempt, LockoutAttemptAdmin)


def relabel_tasks() -> None:
    _replace(DBTaskResult, TaskResultAdmin)
