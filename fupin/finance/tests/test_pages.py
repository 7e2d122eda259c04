"""Finance pages: who sees what (scope matrix), the step form, the warnings export."""

from datetime import date
from functools import partial
from io import BytesIO

import fastexcel
from django.test import Client

from fupin.audit.models import AuditEvent
from fupin.finance.models import Project, ProjectState
from fupin.finance.tests.conftest import approve_through, make_loan, propose
from fupin.finance.tests.samples import sample_finance
from fupin.finance.tests.test_subsidies import apply
from fupin.registry.models import Household
from tests.support import Actors, Expectation, assert_scope_matrix, nothing_changes


def test_loan_pages_are_scoped(actors: Actors, household: Household) -> None:
    loan = make_loan(actors, household, issued_on=date(2023, 3, 1), due_on=date(2025, 12, 1))
    sees = Expectation(200, shows=("张建国",))
    hides = Expectation(200, hides=("张建国",))
    for url in ("/finance/loans/", "/finance/loans/warnings/?as_of=2025-11-10&days=30"):
        assert_scope_matrix(
            partial(Client.get, path=url),
            {
                actors.county_admin: sees,
                actors.township_reviewer: sees,
                actors.village_officer: sees,
                actors.other_village_officer: hides,
                actors.other_county_admin: hides,
                actors.no_role: Expectation(403),
                None: Expectation(302),
            },
        )
    assert_scope_matrix(
        lambda client: client.get(f"/finance/loans/{loan.pk}/"),
        {
            actors.county_admin: Expectation(200, shows=("合同沿革", "财政贴息", "贷款条件")),
            actors.other_county_admin: Expectation(404, hides=("NX-2023-001",)),
            actors.other_village_officer: Expectation(404),
            None: Expectation(302),
        },
    )


def test_warnings_page_counts_and_exports_audited(actors: Actors, household: Household) -> None:
    make_loan(actors, household, issued_on=date(2023, 3, 1), due_on=date(2025, 11, 5))
    make_loan(
        actors,
        household,
        contract_number="NX-2",
        issued_on=date(2023, 3, 1),
        due_on=date(2026, 1, 5),
    )
    client = Client()
    client.force_login(actors.county_admin)

    page = client.get("/finance/loans/warnings/?as_of=2025-11-10&days=90").content.decode()
    assert 'data-testid="count-overdue">1<' in page
    assert 'data-testid="count-60">1<' in page

    response = client.get("/finance/loans/warnings/export/?as_of=2025-11-10&days=90")
    assert response.status_code == 200
    sheet = fastexcel.read_excel(BytesIO(response.content).getvalue()).load_sheet(0).to_polars()
    assert sheet.get_column("合同编号").to_list() == ["NX-2023-001", "NX-2"]
    assert sheet.get_column("预警").to_list() == ["逾期 5 天", "60 天内到期"]
    assert household.members.first().id_number not in response.content.decode("latin-1")  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="finance.loan_warnings_export").count() == 1


def test_village_proposes_through_the_form(actors: Actors) -> None:
    client = Client()
    client.force_login(actors.village_officer)
    form = {
        "year": "2026",
        "name": "兴隆屯灌溉渠",
        "category": "infrastructure",
        "location": "东榛柴村一组",
        "department": "农安县水利局",
        "responsible_person": "李明",
        "content": "新建防渗渠 1.2 公里",
        "starts_on": "2026-04-01",
        "ends_on": "2026-09-30",
        "budget": "380000",
        "subsidy_standard": "全额补助",
        "benefit_mechanism": "吸纳脱贫劳动力务工",
        "performance_target": "灌溉面积 800 亩",
        "meeting_on": "2025-11-01",
        "meeting_record": "",
    }
    with nothing_changes():
        refused = client.post("/finance/projects/new/", form)
    assert refused.status_code == 200
    assert "这个字段是必填项" in refused.content.decode() or "必填" in refused.content.decode()

    form["meeting_record"] = "11月1日村民代表大会决议通过"
    response = client.post("/finance/projects/new/", form)

    project = Project.objects.get(name="兴隆屯灌溉渠")
    assert response.status_code == 302
    assert response["Location"] == f"/finance/projects/{project.pk}/"
    assert project.state == ProjectState.TOWNSHIP
    assert Client().get("/finance/projects/new/").status_code == 302
    other = Client()
    other.force_login(actors.township_reviewer)
    assert other.get("/finance/projects/new/")["Location"] == "/finance/projects/"


def test_step_form_is_shown_to_the_owner_only(actors: Actors) -> None:
    project = propose(actors)
    url = f"/finance/projects/{project.pk}/"
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.township_reviewer: Expectation(200, shows=('data-testid="project-step-form"',)),
            actors.county_admin: Expectation(200, hides=('data-testid="project-step-form"',)),
            actors.village_officer: Expectation(200, hides=('data-testid="project-step-form"',)),
            actors.other_village_officer: Expectation(404),
            actors.other_county_admin: Expectation(404),
            None: Expectation(302),
        },
    )
    county = Client()
    county.force_login(actors.county_admin)
    with nothing_changes(project):
        assert county.post(f"{url}step/", {"approve": "1", "opinion": ""}).status_code == 403
    township = Client()
    township.force_login(actors.township_reviewer)

    response = township.post(f"{url}step/", {"approve": "1", "opinion": "同意"})

    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).state == ProjectState.ASSESSMENT


def test_fund_page_and_public_notice(actors: Actors) -> None:
    project = approve_through(actors, propose(actors))
    client = Client()
    client.force_login(actors.county_admin)
    assert "支出进度" in client.get("/finance/funds/?year=2025").content.decode()

    page = client.get(f"/finance/projects/{project.pk}/").content.decode()
    assert 'data-testid="project-notice-link"' in page
    notice = Client().get(f"/finance/projects/{project.pk}/")
    assert notice.status_code == 302
    assert Client().get("/finance/notices/not-a-token/").status_code == 404


def test_home_page_warns_the_county_and_tells_the_township(
    actors: Actors, household: Household
) -> None:
    make_loan(actors, household, issued_on=date(2023, 3, 1), due_on=date(2025, 11, 5))
    propose(actors)

    county = Client()
    county.force_login(actors.county_admin)
    page = county.get("/").content.decode()
    assert "小额信贷逾期 1 笔；逾期及 30 天内到期共 1 笔。" in page
    assert 'data-testid="home-project-todo"' not in page

    township = Client()
    township.force_login(actors.township_reviewer)
    page = township.get("/").content.decode()
    assert "有 1 个项目等待您办理。" in page
    assert 'data-testid="home-loan-warnings"' not in page


def test_asset_pages_are_scoped(actors: Actors, household: Household) -> None:
    asset_id = sample_finance(actors, household)["asset_id"]
    for url in ("/finance/assets/", f"/finance/assets/{asset_id}/"):
        assert_scope_matrix(
            partial(Client.get, path=url),
            {
                actors.county_admin: Expectation(200, shows=("光伏电站", "500000.00")),
                actors.village_officer: Expectation(200, shows=("光伏电站",)),
                actors.other_county_admin: Expectation(
                    200 if url == "/finance/assets/" else 404, hides=("光伏电站",)
                ),
                None: Expectation(302),
            },
        )


def test_subsidy_list_is_scoped(actors: Actors, household: Household) -> None:
    apply(actors, household)
    assert_scope_matrix(
        partial(Client.get, path="/finance/subsidies/"),
        {
            actors.county_admin: Expectation(200, shows=("张建国", "肉牛养殖", "3000.00")),
            actors.township_reviewer: Expectation(200, shows=("待乡镇审核",)),
            actors.other_village_officer: Expectation(200, hides=("张建国",)),
            actors.other_county_admin: Expectation(200, hides=("张建国",)),
            None: Expectation(302),
        },
    )
