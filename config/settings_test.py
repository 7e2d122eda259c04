"""Settings for pytest: the real settings in demo mode, on the database under test.

SQLite by default; the PostgreSQL run sets FUPIN_DATABASE_URL (see Makefile). The SQLite
test database is a file, not memory, so that the browser tests' live server and job worker
threads see the same committed data through their own connections, as in production.
"""

import os
from pathlib import Path

_TEST_SQLITE = Path(__file__).resolve().parent.parent / "var" / "test.sqlite3"
os.environ.setdefault("FUPIN_DEMO", "1")
# Not ":memory:": the live server would then share the test thread's connection.
os.environ.setdefault("FUPIN_DATABASE_URL", f"sqlite:///{_TEST_SQLITE}")

from config.settings import *  # noqa: E402, F403
from config.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(_TEST_SQLITE)}
