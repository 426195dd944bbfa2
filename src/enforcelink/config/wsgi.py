"""The WSGI application that `enforcelink serve` (granian) and any other WSGI server load.

Outside debug it does not start on a guessable secret key (issue 12 §8): `serve` and `runserver`
check it themselves, and this check covers a server started some other way (gunicorn, uWSGI).
"""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcelink.config.settings")
application = get_wsgi_application()


def _refuse_a_weak_key() -> None:
    from django.conf import settings

    from enforcelink.config.env import secret_key_is_weak

    if not settings.DEBUG and secret_key_is_weak(settings.SECRET_KEY):
        raise ImproperlyConfigured(
            "ENFORCELINK_SECRET_KEY is too weak to serve with: use at least 50 random characters."
        )


_refuse_a_weak_key()
