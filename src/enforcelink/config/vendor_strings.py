"""Other packages' words that our admin shows, listed so that `makemessages` extracts them.

django-axes and django-tasks-db ship no Simplified Chinese catalogue, and Django 5.2's own zh_Hans
admin catalogue lacks a few newer strings (the app list's hidden column headers, read out by screen
readers). Their code marks these words for translation, so a translation in our catalogue serves
them: LOCALE_PATHS comes before every app's own locale. But `makemessages` reads only our source;
without this module the msgids would not be in django.po and a later run would drop them.

Nothing imports this module at run time; `tests/config/test_admin_language.py` checks that the admin
shows none of these words in English. When one of these packages is upgraded, its admin pages are
where a new untranslated word shows first.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, pgettext_lazy

# django-axes 8.3: models and admin (axes/models.py, axes/admin.py).
AXES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
]

# django-tasks-db 0.13: DBTaskResult's names (django_tasks_db/models.py) and django-tasks' statuses.
TASKS = [
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
]
TASK_STATUSES = [
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
]

# Django 5.2's admin templates (admin/app_list.html, login.html, auth/user/add_form.html).
DJANGO_ADMIN = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]
