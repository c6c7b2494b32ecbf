from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file-backed SQLite test database (not in memory), so that the browser tests' server process reads the
# same referentials the test session imported. PostgreSQL runs use Django's default `test_<name>`.
# GTEC_TEST_DB names the test database, so that several test runs (one per work tree or helper) can
# share a machine without sharing a database.
_TEST_DB = env("GTEC_TEST_DB") or "test-gtec"  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"{_TEST_DB}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": _TEST_DB.replace("-", "_")}  # noqa: F405

# Tests use a local-memory cache and run jobs at once, whatever REDIS_URL says; the tests of the Redis cache
# and of the RQ worker (tests/jobs, tests/deploy) reach Redis on their own database number and key prefix.
CACHES = cache_config("")  # noqa: F405
GTEC_JOBS_EAGER = True

# Mail stays in memory, in the test session (pytest-django does the same) and in the browser tests' server
# process, which would otherwise try an SMTP server on localhost and refuse every invitation.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
