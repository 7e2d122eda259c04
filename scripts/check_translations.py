"""Check (or with --compile, write) the English message catalogue.

Fails when an entry has no translation, is marked fuzzy, or when the committed .mo file does
not hold exactly the .po file's translations. With --extract it first runs `makemessages`
(GNU gettext) and also fails for user-facing strings in the code that the catalogue lacks;
the committed .po file is left untouched. Compiling uses polib, so the demo needs no gettext.
"""

import argparse
import gettext
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "fupin" / "locale"


def missing_from_catalogues() -> list[str]:
    """Run makemessages, list msgids the committed catalogues lack, restore the files."""
    originals = {path: path.read_bytes() for path in LOCALE_DIR.glob("*/LC_MESSAGES/django.po")}
    problems: list[str] = []
    try:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "--all",
                "--no-location",
                "--no-obsolete",
                "--ignore",
                ".venv/*",
                "--ignore",
                "var/*",
            ],
            cwd=ROOT,
            env={**os.environ, "FUPIN_DEMO": "1"},
            check=True,
            capture_output=True,
        )
        for path, original in originals.items():
            known = {entry.msgid for entry in polib.pofile(original.decode())}
            extracted = {entry.msgid for entry in polib.pofile(str(path)) if not entry.obsolete}
            problems += [
                f"{path}: not in the catalogue: {msgid!r}" for msgid in sorted(extracted - known)
            ]
    finally:
        for path, content in originals.items():
            path.write_bytes(content)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compile", action="store_true", help="write the .mo files")
    parser.add_argument("--extract", action="store_true", help="also compare with the code")
    args = parser.parse_args()
    problems: list[str] = missing_from_catalogues() if args.extract else []
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        catalogue = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        for entry in catalogue:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{po_path}: fuzzy: {entry.msgid!r}")
            translated = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            if not all(translated):
                problems.append(f"{po_path}: untranslated: {entry.msgid!r}")
        if args.compile:
            catalogue.save_as_mofile(str(mo_path))
            continue
        if not mo_path.exists():
            problems.append(f"{mo_path}: missing; run `make messages`")
            continue
        with mo_path.open("rb") as mo_file:
            compiled = gettext.GNUTranslations(mo_file)
        for entry in catalogue.translated_entries():
            if entry.msgid_plural:
                continue
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            if compiled._catalog.get(key) != entry.msgstr:  # type: ignore[attr-defined]
                problems.append(f"{mo_path}: stale for {entry.msgid!r}; run `make messages`")
    for problem in problems:
        print(problem, file=sys.stderr)  # noqa: T201
    if problems:
        print(f"{len(problems)} translation problem(s).", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
