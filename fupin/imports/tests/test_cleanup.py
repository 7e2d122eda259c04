"""Unconfirmed uploads and old exports are deleted: they hold personal data."""

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture
def var_dir(tmp_path: Path, settings: object) -> Path:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def _file(path: Path, *, age_hours: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    moment = time.time() - age_hours * 3600
    os.utime(path, (moment, moment))
    return path


def test_stale_uploads_and_exports_are_removed(var_dir: Path) -> None:
    old_upload = _file(var_dir / "imports" / "a.csv", age_hours=30)
    old_meta = _file(var_dir / "imports" / "a.json", age_hours=30)
    fresh_upload = _file(var_dir / "imports" / "b.csv", age_hours=2)
    old_export = _file(var_dir / "exports" / "1.xlsx", age_hours=24 * 8)
    recent_export = _file(var_dir / "exports" / "2.xlsx", age_hours=30)
    stdout = io.StringIO()
    call_command("cleanup_imports", stdout=stdout)
    assert "已删除 3 个过期文件。" in stdout.getvalue()
    assert not old_upload.exists()
    assert not old_meta.exists()
    assert not old_export.exists()
    assert fresh_upload.exists()
    assert recent_export.exists()
    assert Path(settings.VAR_DIR) == var_dir
