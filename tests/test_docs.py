"""Docs that must stay true: every setting documented, the quick start, the layout."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _settings_variables() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "config").glob("*.py"):
        names |= set(re.findall(r"env_\w+\(\s*\"(FUPIN_[A-Z0-9_]+)\"", path.read_text()))
    return names


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"`(FUPIN_[A-Z0-9_]+)`", (ROOT / "docs/settings.md").read_text()))
    used = _settings_variables()
    assert len(used) >= 10
    assert used - documented == set(), "undocumented settings"


def test_documented_settings_exist() -> None:
    documented = set(re.findall(r"`(FUPIN_[A-Z0-9_]+)`", (ROOT / "docs/settings.md").read_text()))
    test_only = {"FUPIN_TEST_POSTGRES", "FUPIN_TEST_REDIS"}
    assert documented - _settings_variables() - test_only == set(), "documented but unused"


def test_readme_quick_start_is_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^make \w+$", quick_start, flags=re.MULTILINE)
    assert commands == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci/run").read_text()


def test_required_docs_exist_and_are_not_empty() -> None:
    for name in [
        "docs/architecture.md",
        "docs/glossary.md",
        "docs/settings.md",
        "docs/adr/0001-stack.md",
    ]:
        assert len((ROOT / name).read_text().strip()) > 200, name


def test_every_audit_action_is_in_the_glossary() -> None:
    glossary = (ROOT / "docs/glossary.md").read_text()
    actions: set[str] = set()
    for path in (ROOT / "fupin").rglob("*.py"):
        if "tests" in path.parts:
            continue
        actions |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text()))
    assert len(actions) >= 10
    assert {action for action in actions if f"`{action}`" not in glossary} == set()
