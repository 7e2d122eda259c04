"""Structured logs: one JSON object per line, for a log collector on a real server.

Chosen with FUPIN_LOG_FORMAT=json (docs/settings.md); the web server's access log uses the
same formatter (config/gunicorn.py), so one parser reads both.
"""

import datetime
import json
import logging
from typing import Any

# gunicorn passes the access-log atoms as the record's args (a dict). Only these are kept:
# the query string and the request line are left out because a search by name or ID number
# travels in the query string, and personal data must not reach the logs.
_ACCESS_FIELDS = {
    "m": "method",
    "U": "path",
    "s": "status",
    "B": "bytes",
    "h": "remote",
}


class JsonFormatter(logging.Formatter):
    """Format a record as a single-line JSON object (UTC time, level, logger, message)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            for atom, field in _ACCESS_FIELDS.items():
                if atom in atoms:
                    entry[field] = atoms[atom]
            if "D" in atoms:
                entry["duration_ms"] = round(int(atoms["D"]) / 1000, 1)
            entry["message"] = f"{entry.get('method', '')} {entry.get('path', '')}".strip()
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
