"""Backups that restore: the database and the files kept under FUPIN_VAR_DIR, in one archive.

A backup is an uncompressed tar file holding
  - `manifest.json`: format version, database engine, time taken, and each file's size and
    SHA-256, checked again on restore;
  - `database.dump` (PostgreSQL: `pg_dump --format=custom`, compressed by pg_dump) or
    `database.sqlite3` (SQLite: a consistent copy through SQLite's online backup API);
  - `files/…`: the folders of FUPIN_VAR_DIR that hold users' files (staged uploads and
    exports, see FILE_FOLDERS). Attachments of monitoring cases live in the database.

A restore goes into a new, empty database (PostgreSQL: created beforehand with
`createdb`; SQLite: a file that does not exist yet) so that it can never overwrite live data;
the operator then points FUPIN_DATABASE_URL at it. Both doors are management commands
(`fupin backup FILE`, `fupin restore FILE`).
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FILES_PREFIX = "files/"
# The folders of FUPIN_VAR_DIR that hold users' files. Not the collected static files, the
# SQLite database (copied through the backup API instead) nor the demo's secret key.
FILE_FOLDERS = ("imports", "exports")
_POSTGRES = "postgresql"
_SQLITE = "sqlite"


class BackupError(ApplicationError):
    """A backup or restore that cannot be done; nothing was changed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    files: int
    size: int


@dataclass(frozen=True)
class RestoreResult:
    engine: str
    database: str
    files: int


def _engine(database: dict[str, Any]) -> str:
    engine = str(database["ENGINE"])
    if engine.endswith("postgresql"):
        return _POSTGRES
    if engine.endswith("sqlite3"):
        return _SQLITE
    raise BackupError(_("不支持备份这种数据库：%(engine)s。") % {"engine": engine})


def _libpq(database: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump / pg_restore; the password travels in the
    environment, never on the command line where other users could read it."""
    arguments = ["--dbname", str(database["NAME"])]
    if database.get("HOST"):
        arguments += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        arguments += ["--port", str(database["PORT"])]
    if database.get("USER"):
        arguments += ["--username", str(database["USER"])]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return arguments, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s 失败：%(error)s")
            % {"tool": command[0], "error": result.stderr.strip()[-2000:]}
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _user_files(var_dir: Path) -> Iterator[tuple[str, Path]]:
    """(archive name, path) of every file in the user-file folders, in a stable order."""
    for folder in FILE_FOLDERS:
        root = var_dir / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield FILES_PREFIX + path.relative_to(var_dir).as_posix(), path


def backup_create(*, path: Path, var_dir: Path | None = None) -> BackupResult:
    """Write a backup of the default database and the users' files to `path`.

    Raises BackupError when the database is neither PostgreSQL nor SQLite, `path` exists,
    or pg_dump fails (its message is included).
    """
    var_dir = Path(var_dir or settings.VAR_DIR)
    database = connections["default"].settings_dict
    engine = _engine(database)
    if path.exists():
        raise BackupError(_("备份文件已存在：%(path)s。请换一个文件名。") % {"path": path})
    entries: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as work:
        if engine == _POSTGRES:
            name, dump = POSTGRES_DUMP, Path(work) / POSTGRES_DUMP
            arguments, env = _libpq(database)
            # Ownership and grants belong to the old server's roles, not to the data.
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(dump),
                    *arguments,
                ],
                env,
            )
        else:
            name, dump = SQLITE_COPY, Path(work) / SQLITE_COPY
            connection = connections["default"]
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        members = [(name, dump), *_user_files(var_dir)]
        for member, source in members:
            entries[member] = {"size": source.stat().st_size, "sha256": _sha256(source)}
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "created_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
            "entries": entries,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.datetime.now(tz=datetime.UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
            for member, source in members:
                archive.add(source, arcname=member, recursive=False)
        # Rename last: a backup that stopped half-way never looks like a finished one.
        partial.rename(path)
    return BackupResult(path=path, engine=engine, files=len(members) - 1, size=path.stat().st_size)


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        handle = archive.extractfile(MANIFEST)
    except KeyError:
        handle = None
    if handle is None:
        raise BackupError(_("这不是 Fupin 的备份文件（缺少 manifest.json）。"))
    manifest: dict[str, Any] = json.loads(handle.read())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(
            _("备份文件格式 %(found)s 不受支持（应为 %(expected)s）。")
            % {"found": manifest.get("format"), "expected": FORMAT_VERSION}
        )
    return manifest


def _postgres_is_empty(database: dict[str, Any]) -> bool:
    arguments, env = _libpq(database)
    result = subprocess.run(
        [
            "psql",
            *arguments,
            "--no-psqlrc",
            "--tuples-only",
            "--no-align",
            "--command",
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            _("无法连接目标数据库：%(error)s") % {"error": result.stderr.strip()[-2000:]}
        )
    return result.stdout.strip() == "0"


def backup_restore(
    *, path: Path, database: dict[str, Any], var_dir: Path | None = None
) -> RestoreResult:
    """Restore the backup at `path` into the empty `database` (a Django settings dict) and
    its files into `var_dir`.

    Every entry is checked against the manifest's size and SHA-256 before anything is
    written. Raises BackupError for a file that is not a backup, a damaged entry, a backup
    of the other database engine, a target database that is not empty (or a SQLite file
    that exists), or a failing pg_restore (which then leaves the new database empty: it
    runs in one transaction).
    """
    var_dir = Path(var_dir or settings.VAR_DIR)
    engine = _engine(database)
    if not path.is_file():
        raise BackupError(_("找不到备份文件：%(path)s。") % {"path": path})
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r") as archive:
        manifest = _read_manifest(archive)
        if manifest["engine"] != engine:
            raise BackupError(
                _("这是 %(found)s 数据库的备份，不能恢复到 %(target)s 数据库。")
                % {"found": manifest["engine"], "target": engine}
            )
        entries: dict[str, dict[str, Any]] = manifest["entries"]
        # The "data" filter refuses absolute paths, links out of the folder and devices.
        archive.extractall(work, members=_listed(archive, entries), filter="data")
        for member, expected in entries.items():
            extracted = Path(work) / member
            if not extracted.is_file() or _sha256(extracted) != expected["sha256"]:
                raise BackupError(_("备份文件已损坏：%(member)s 与清单不符。") % {"member": member})
        if engine == _POSTGRES:
            if not _postgres_is_empty(database):
                raise BackupError(
                    _(
                        "目标数据库 %(name)s 不是空的。为免覆盖现有数据，"
                        "请先用 createdb 新建一个空数据库再恢复。"
                    )
                    % {"name": database["NAME"]}
                )
            arguments, env = _libpq(database)
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    *arguments,
                    str(Path(work) / POSTGRES_DUMP),
                ],
                env,
            )
        else:
            target = Path(str(database["NAME"]))
            if target.exists() and target.stat().st_size > 0:
                raise BackupError(
                    _("目标数据库文件 %(name)s 已存在。为免覆盖现有数据，请指定一个新文件。")
                    % {"name": target}
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(Path(work) / SQLITE_COPY)
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                destination.close()
                source.close()
        files = 0
        for member in entries:
            if member.startswith(FILES_PREFIX):
                destination_path = var_dir / member.removeprefix(FILES_PREFIX)
                destination_path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(work) / member, destination_path)
                files += 1
    return RestoreResult(engine=engine, database=str(database["NAME"]), files=files)


def _listed(archive: tarfile.TarFile, entries: dict[str, Any]) -> list[tarfile.TarInfo]:
    """The archive's members named in the manifest; anything else is not extracted."""
    return [member for member in archive.getmembers() if member.name in entries]
