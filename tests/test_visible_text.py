"""No code or English leaks into Chinese pages: every page of the URL smoke test, seen by a
nationwide system administrator with a browser asking for English, is Chinese."""

from django.contrib.auth import get_user_model

from fupin.assessment.models import RuleSetRecord
from fupin.finance.models import Loan
from fupin.monitoring.models import Attachment, RiskClue
from fupin.rectification.models import Complaint, Problem
from tests.smoke_pages import smoke_pages
from tests.support import Actors, client_for
from tests.visible_text import WORD, ascii_identifiers, visible_text


def test_visible_text_of_a_page_skips_scripts_and_marked_code() -> None:
    html = (
        '<html><head><title>t</title></head><body><p title="提示 hint">农户 household</p>'
        '<script>var x_y = 1;</script><code translate="no">income_per_capita</code></body></html>'
    )
    assert visible_text(html) == "提示 hint 农户 household"
    assert ascii_identifiers(html) == ["hint", "household"]


def test_no_ascii_identifiers_in_the_visible_text_of_any_page(
    actors: Actors, baseline: RuleSetRecord, seeded_tables: None
) -> None:
    pages = smoke_pages(actors, baseline)
    client = client_for(actors.system_admin)
    # Data people typed or the system issued, in Latin letters by nature: account names,
    # receipt numbers read aloud over the phone, problem and loan contract numbers, the names
    # of uploaded files.
    data_words = frozenset(
        [
            *get_user_model().objects.values_list("username", flat=True),
            *RiskClue.objects.values_list("receipt_number", flat=True),
            *Complaint.objects.values_list("receipt_number", flat=True),
            *Loan.objects.values_list("contract_number", flat=True),
            *(problem.number for problem in Problem.objects.all()),
            *(
                word
                for name in Attachment.objects.values_list("name", flat=True)
                for word in WORD.findall(name)
            ),
        ]
    )
    leaks: dict[str, list[str]] = {}
    scanned = 0
    for page in pages:
        response = client.get(page.url, headers={"accept-language": "en-US,en;q=0.9"})
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        scanned += 1
        found = ascii_identifiers(response.content.decode(), data_words=data_words)
        if found:
            leaks[page.name] = found
    assert scanned >= 30
    assert leaks == {}, "\n".join(f"{name}: {words}" for name, words in leaks.items())
