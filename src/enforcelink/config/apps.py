"""Third-party apps under names of our own (INSTALLED_APPS lists these instead of the packages).

django-axes and django-tasks-db name themselves in English and not through gettext ("Axes",
"Tasks Database Backend"), so the admin's index, breadcrumbs and page titles showed those words to a
Chinese administrator. Subclassing an app's AppConfig to rename it is the way Django documents
("For application users", Applications); the apps' labels, models and migrations stay as they are.
Their model and field names are gettext msgids that our catalogue translates (`vendor_strings`), and
the few admin columns they label with a bare method name are relabelled in `vendor_admin`.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")

    def ready(self) -> None:
        super().ready()
        from enforcelink.config import vendor_admin

        vendor_admin.relabel_axes()


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # lazy, as Django's own apps name theirs

    def ready(self) -> None:
        super().ready()
        from enforcelink.config import vendor_admin

        vendor_admin.relabel_tasks()
