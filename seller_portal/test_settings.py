"""Settings for the test suite: the real settings, with a test key and fast hashing.

DATABASE_URL and REDIS_URL still come from the environment, so CI tests PostgreSQL and Redis.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
# The test client and the live server speak plain HTTP; production settings are checked by
# tests/test_configuration.py in a child process with the production environment.
os.environ.setdefault("DJANGO_HTTPS", "false")

from seller_portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# live_server tests serve static files from the finders, without a collect step.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
