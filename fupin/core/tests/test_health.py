"""/healthz and /readyz, the gunicorn configuration and the WSGI application of a real
server (production settings, in a fresh process), and the JSON log format."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from fupin.core.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[3]

# Loads gunicorn's settings module and the WSGI application as gunicorn would, then sends
# the two probes through the application (a host name not in ALLOWED_HOSTS, plain HTTP,
# as a proxy's probe arrives) and prints status, body and whether a cookie was set.
_PROBE = """
import io, json, sys
import config.gunicorn as g
from gunicorn.config import Config
cfg = Config()
for name in ("bind", "workers", "threads", "timeout", "worker_class", "access_log_format"):
    cfg.set(name, getattr(g, name))
from config.wsgi import application
quiet = "%(q)s" not in g.access_log_format and "%(r)s" not in g.access_log_format
results = {"gunicorn": [g.wsgi_app, g.worker_class, cfg.workers >= 1, quiet]}
for path in ("/healthz", "/readyz", "/"):
    answer = {}
    def start_response(status, headers, exc_info=None):
        answer["status"] = status
        answer["cookie"] = any(name.lower() == "set-cookie" for name, _ in headers)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "10.0.0.7",
               "SERVER_PORT": "8000", "HTTP_HOST": "10.0.0.7:8000", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1"}
    body = b"".join(application(environ, start_response))
    answer["body"] = body.decode() if path != "/" else ""
    results[path] = answer
print(json.dumps(results))
"""


def _probe(database_url: str, tmp_path: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUPIN_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "FUPIN_SECRET_KEY": "k" * 60,
            "FUPIN_ALLOWED_HOSTS": "fupin.example.gov.cn",
            "FUPIN_DATABASE_URL": database_url,
            "FUPIN_VAR_DIR": str(tmp_path),
            "FUPIN_LOG_FORMAT": "json",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    answer["log"] = result.stderr
    return answer


@pytest.mark.django_db
def test_probes_answer_ok_without_session_or_host_check() -> None:
    client = Client(HTTP_HOST="10.0.0.7")
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json() == {"status": "ok"}
        assert response["Cache-Control"] == "no-store"
        assert "Set-Cookie" not in response
        assert "sessionid" not in response.cookies


def test_server_loads_and_readiness_fails_while_migrations_are_not_applied(
    tmp_path: Path,
) -> None:
    # given a production configuration on a reachable database that was never migrated
    answer = _probe(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path)
    # then gunicorn's settings load, the process is alive but not ready, and says no more
    assert answer["gunicorn"] == ["config.wsgi:application", "gthread", True, True]
    assert answer["/healthz"] == {"status": "200 OK", "cookie": False, "body": '{"status": "ok"}'}
    assert answer["/readyz"] == {
        "status": "503 Service Unavailable",
        "cookie": False,
        "body": '{"status": "unavailable"}',
    }
    # the reason is in the server's log, as one JSON object per line
    logged = [json.loads(line) for line in str(answer["log"]).splitlines() if line.startswith("{")]
    health = [entry for entry in logged if entry["logger"] == "fupin.health"]
    assert [(entry["level"], entry["message"]) for entry in health] == [
        ("ERROR", "readiness: migrations not applied")
    ]
    # any other path still checks the host name
    assert str(answer["/"]).startswith("{'status': '400")


def test_readiness_fails_without_leaking_when_the_database_is_unreachable(
    tmp_path: Path,
) -> None:
    # given a database server that does not answer (nothing listens on port 1)
    answer = _probe("postgresql://fupin:secret-password@127.0.0.1:1/fupin", tmp_path)
    # then the process is alive, not ready, and the answer names neither host nor error
    assert answer["/healthz"] == {"status": "200 OK", "cookie": False, "body": '{"status": "ok"}'}
    assert answer["/readyz"] == {
        "status": "503 Service Unavailable",
        "cookie": False,
        "body": '{"status": "unavailable"}',
    }
    assert "database unreachable" in str(answer["log"])


def test_json_log_lines_keep_the_query_string_out_of_access_logs() -> None:
    # given gunicorn's access record of a search by ID number
    atoms = {
        "m": "GET",
        "U": "/households/",
        "q": "q=220122198001010011",
        "r": "GET /households/?q=220122198001010011 HTTP/1.1",
        "s": "200",
        "B": 5120,
        "h": "127.0.0.1",
        "D": 48200,
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(r)s", None, None)
    record.args = atoms
    # when it is formatted as JSON, then the fields are there and the ID number is not
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["path"] == "/households/"
    assert entry["status"] == "200"
    assert entry["duration_ms"] == 48.2
    assert "220122198001010011" not in line
