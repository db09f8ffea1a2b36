"""Test overrides: fast hasher, in-memory mail; everything else as in production settings."""

from .settings import *  # noqa: F401,F403
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
    import os as _os

    DATABASES["default"]["TEST"] = {"NAME": _os.environ.get("SQLITE_TEST_DB", "var/test_db.sqlite3")}

from .settings import env_bool

# Unit tests run tasks in-process; integration tests start a real worker (see tests/conftest.py),
# which gets CELERY_TASK_ALWAYS_EAGER=0 in its environment.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
# Per-process cache, cleared before each test; Redis is exercised as the broker.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
