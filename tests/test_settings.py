"""The settings module outside demo mode: required secret, secure cookies, no debug."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
    "s.SECURE_SSL_REDIRECT, s.DATABASES['default']['ENGINE'])"
)


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FUPIN_")}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_deployment_without_a_secret_key_refuses_to_start() -> None:
    result = _run({"FUPIN_DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode != 0
    assert "FUPIN_SECRET_KEY must be set" in result.stderr


def test_a_deployment_is_secure_by_default() -> None:
    result = _run(
        {
            "FUPIN_SECRET_KEY": "x" * 60,
            "FUPIN_DATABASE_URL": "postgresql://fupin@db.internal:5432/fupin",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "django.db.backends.postgresql",
    ]


def test_the_demo_generates_its_secret_under_var(tmp_path: Path) -> None:
    result = _run({"FUPIN_DEMO": "1", "FUPIN_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["True", "False"]
    assert len((tmp_path / "secret_key").read_text()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_a_bad_boolean_is_reported_by_name() -> None:
    result = _run({"FUPIN_DEMO": "maybe"})
    assert result.returncode != 0
    assert "FUPIN_DEMO must be a boolean" in result.stderr
