"""No CDN at run time: every script and stylesheet comes from our own static files."""

import re
from pathlib import Path

from django.test import Client

from tests.support import Actors, client_for

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = re.compile(r"""(src|href)=["']\s*(https?:)?//""", re.IGNORECASE)


def test_templates_load_nothing_from_other_hosts() -> None:
    templates = list((ROOT / "fupin").rglob("templates/**/*.html"))
    assert len(templates) > 20
    offenders = [str(path) for path in templates if EXTERNAL.search(path.read_text())]
    assert offenders == []


def test_vendored_libraries_carry_their_version_and_licence() -> None:
    vendor = ROOT / "fupin" / "static" / "vendor"
    folders = sorted(path.name for path in vendor.iterdir())
    assert folders == ["bootstrap-5.3.9", "bootstrap-icons-1.13.2", "echarts-5.6.0", "htmx-2.0.11"]
    assert all((vendor / folder / "LICENSE").exists() for folder in folders)


def test_api_docs_use_the_bundled_swagger(actors: Actors) -> None:
    assert Client().get("/api/v1/docs").status_code == 302
    page = client_for(actors.county_admin).get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert not EXTERNAL.search(page)
