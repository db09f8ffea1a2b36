"""Test overrides: fast hasher, in-memory mail; everything else as in production settings."""

import os as _os

# Tests run with DEBUG off, as production does; production refuses to start without a key, so the
# test settings bring their own, and serve plain HTTP to the test client.
_os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
_os.environ.setdefault("DJANGO_HTTPS", "0")

from .settings import *  # noqa: F401,F403,E402
from .settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not :memory:, so that a real Celery worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": _os.environ.get("SQLITE_TEST_DB", "var/test_db.sqlite3")}

from .settings import env_bool

# Unit tests run tasks in-process; integration tests start a real worker (see tests/conftest.py),
# which gets CELERY_TASK_ALWAYS_EAGER=0 in its environment.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
# Per-process cache, cleared before each test; Redis is exercised as the broker.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
