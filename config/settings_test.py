"""Settings for pytest: the real settings in demo mode, on the database under test.

SQLite by default (in memory); the PostgreSQL run sets FUPIN_DATABASE_URL (see Makefile).
"""

import os

os.environ.setdefault("FUPIN_DEMO", "1")
os.environ.setdefault("FUPIN_DATABASE_URL", "sqlite:///:memory:")

from config.settings import *  # noqa: F403
from config.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
