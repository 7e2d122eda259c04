"""docs/rules/ stays true: every rule code, fact, function and decision kind is documented."""

import json
from pathlib import Path

from fupin.assessment.rules.definition import DEFAULT_RULE_SET_FILE, DecisionKind
from fupin.assessment.rules.facts import DERIVED_FACTS, FACTS
from fupin.assessment.rules.language import FUNCTION_ARITY

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "rules"
DEFAULT_FILE = ROOT / "fupin" / "assessment" / "rules" / DEFAULT_RULE_SET_FILE


def _markdown() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.md")))


def test_every_default_rule_code_is_documented() -> None:
    codes = [rule["code"] for rule in json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))["rules"]]
    markdown = _markdown()
    assert codes
    assert [code for code in codes if f"`{code}`" not in markdown] == []


def test_every_default_parameter_is_documented() -> None:
    parameters = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))["parameters"]
    markdown = _markdown()
    assert [name for name in parameters if f"`{name}`" not in markdown] == []


def test_every_fact_is_documented_in_facts_md() -> None:
    facts_md = (DOCS / "facts.md").read_text(encoding="utf-8")
    assert [name for name in [*FACTS, *DERIVED_FACTS] if f"`{name}`" not in facts_md] == []


def test_every_function_and_decision_kind_is_documented_in_language_md() -> None:
    language_md = (DOCS / "language.md").read_text(encoding="utf-8")
    assert [name for name in FUNCTION_ARITY if f"`{name}(" not in language_md] == []
    assert [kind.value for kind in DecisionKind if f"`{kind.value}`" not in language_md] == []


def test_readme_links_every_page() -> None:
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    pages = [path.name for path in DOCS.glob("*.md") if path.name != "README.md"]
    assert pages
    assert [page for page in pages if f"({page})" not in readme] == []
