from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file-backed SQLite test database (not in memory), so that the browser tests' server process reads the
# same referentials the test session imported. PostgreSQL runs use Django's default `test_<name>`.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-gtec.sqlite3")}  # noqa: F405
