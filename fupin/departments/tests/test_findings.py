"""疑点 from the registry's data-quality rules, as tasks: village answers, township
reviews; and the quality index they move."""

from datetime import date

import pytest

from fupin.accounts.models import User
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.departments.models import Finding, FindingStatus, QualityRule
from fupin.departments.selectors import quality_index_for, quality_index_list
from fupin.departments.services import finding_answer, finding_review, findings_check
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus, HouseholdYear, Member
from tests.support import COUNTY, OTHER_VILLAGE, TOWN, VILLAGE, Actors, nothing_changes, scope_of

from .conftest import register


def _check(region: str = COUNTY) -> int:
    return findings_check(actor=None, scope=None, region_code=region).findings_opened


def test_registry_rules_open_one_finding_per_subject_and_never_twice(
    actors: Actors, household: Household
) -> None:
    head = household.members.get(relation=codes.Relation.HEAD)
    child = household.members.get(relation=codes.Relation.SON)
    Member.objects.filter(pk=head.pk).update(birth_date=date(1970, 5, 2))
    Member.objects.filter(pk=child.pk).update(schooling=codes.Schooling.NOT_IN_SCHOOL)

    assert _check() == 2
    assert _check() == 0

    found = dict(Finding.objects.values_list("rule_code", "member_id"))
    assert found == {"registry.birth_date_vs_id": head.pk, "registry.school_age": child.pk}
    assert "1970-05-02" in Finding.objects.get(rule_code="registry.birth_date_vs_id").detail


def test_national_rules_cite_their_ids(actors: Actors) -> None:
    eliminated = register(actors, "220122101201021", status=HouseholdStatus.RISK_ELIMINATED)
    Household.objects.filter(pk=eliminated.pk).update(phone="")
    Member.objects.filter(household=eliminated, relation=codes.Relation.HEAD).update(
        receives_dibao=True
    )
    HouseholdYear.objects.create(household=eliminated, year=2025, member_count=3, wage_income=5000)
    monitored = register(actors, "220122101201022", status=HouseholdStatus.MONITORED)
    Member.objects.filter(household=monitored).update(labor_skill=codes.LaborSkill.NONE)
    HouseholdYear.objects.create(household=monitored, year=2025, member_count=3, wage_income=50)

    _check()

    assert sorted(Finding.objects.values_list("rule_code", "household_id")) == sorted(
        [
            ("1111_07", monitored.pk),
            ("1_11_011", eliminated.pk),
            ("4_11_013", eliminated.pk),
            ("5_15_023", monitored.pk),
        ]
    )


def test_a_rule_switched_off_for_the_county_opens_nothing(
    actors: Actors, household: Household
) -> None:
    Member.objects.filter(household=household, relation=codes.Relation.HEAD).update(
        birth_date=date(1970, 5, 2)
    )
    QualityRule.objects.create(
        code="registry.birth_date_vs_id", region_code=COUNTY, label="关闭", is_active=False
    )
    assert _check() == 0


def _finding(household: Household) -> Finding:
    Member.objects.filter(household=household, relation=codes.Relation.HEAD).update(
        birth_date=date(1970, 5, 2)
    )
    _check()
    return Finding.objects.get()


def _fix(household: Household) -> None:
    Member.objects.filter(household=household, relation=codes.Relation.HEAD).update(
        birth_date=date(1970, 5, 1)
    )


def test_village_answers_township_closes_and_the_index_moves(
    actors: Actors, household: Household
) -> None:
    register(actors, "220122101201002")
    finding = _finding(household)
    county = scope_of(actors.county_admin)
    assert quality_index_for(county).index == 50.0

    village = scope_of(actors.village_officer)
    with nothing_changes(finding), pytest.raises(ApplicationError, match="仍有这个问题"):
        finding_answer(
            actor=actors.village_officer,
            scope=village,
            finding_id=finding.pk,
            verdict="true",
            evidence="",
        )
    _fix(household)
    finding_answer(
        actor=actors.village_officer,
        scope=village,
        finding_id=finding.pk,
        verdict="true",
        evidence="已按身份证改正出生日期",
    )
    assert quality_index_for(county).index == 50.0
    finding_review(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        finding_id=finding.pk,
        approve=True,
    )

    finding.refresh_from_db()
    assert (finding.status, finding.verdict) == (FindingStatus.CLOSED, "true")
    assert quality_index_for(county).index == 100.0


def test_a_finding_found_untrue_is_remembered(actors: Actors, household: Household) -> None:
    finding = _finding(household)
    finding_answer(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        finding_id=finding.pk,
        verdict="false",
        evidence="户籍证明显示出生日期为 5 月 2 日，证件号码待公安更正",
    )
    finding_review(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        finding_id=finding.pk,
        approve=True,
    )
    assert _check() == 0


def test_the_township_sends_an_answer_back_with_a_reason(
    actors: Actors, household: Household
) -> None:
    finding = _finding(household)
    village = scope_of(actors.village_officer)
    _fix(household)
    finding_answer(
        actor=actors.village_officer,
        scope=village,
        finding_id=finding.pk,
        verdict="true",
        evidence="",
    )
    township = scope_of(actors.township_reviewer)
    with nothing_changes(finding), pytest.raises(ApplicationError, match="原因"):
        finding_review(
            actor=actors.township_reviewer, scope=township, finding_id=finding.pk, approve=False
        )

    finding_review(
        actor=actors.township_reviewer,
        scope=township,
        finding_id=finding.pk,
        approve=False,
        note="出生日期仍未改正",
    )

    finding.refresh_from_db()
    assert (finding.status, finding.review_note) == (FindingStatus.VILLAGE, "出生日期仍未改正")


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("other_village_officer", NotFoundError),
        ("township_reviewer", PermissionDeniedError),
        ("county_admin", PermissionDeniedError),
        ("auditor", PermissionDeniedError),
    ],
)
def test_only_the_village_answers(
    actors: Actors, household: Household, who: str, error: type[Exception]
) -> None:
    finding = _finding(household)
    user: User = getattr(actors, who)
    with nothing_changes(finding), pytest.raises(error):
        finding_answer(
            actor=user, scope=scope_of(user), finding_id=finding.pk, verdict="true", evidence=""
        )


def test_untrue_needs_evidence_and_a_second_answer_is_refused(
    actors: Actors, household: Household
) -> None:
    finding = _finding(household)
    village = scope_of(actors.village_officer)
    with nothing_changes(finding), pytest.raises(ApplicationError, match="依据"):
        finding_answer(
            actor=actors.village_officer,
            scope=village,
            finding_id=finding.pk,
            verdict="false",
            evidence="无",
        )
    _fix(household)
    finding_answer(
        actor=actors.village_officer,
        scope=village,
        finding_id=finding.pk,
        verdict="true",
        evidence="",
    )
    with nothing_changes(finding), pytest.raises(ApplicationError, match="已核实"):
        finding_answer(
            actor=actors.village_officer,
            scope=village,
            finding_id=finding.pk,
            verdict="true",
            evidence="",
        )


def test_the_ranking_lists_the_worst_first(actors: Actors, household: Household) -> None:
    other = register(actors, "220122101202001")
    Household.objects.filter(pk=other.pk).update(village_id=OTHER_VILLAGE)
    _finding(household)

    rows = quality_index_list(scope=scope_of(actors.township_reviewer))

    assert [(row.region_code, row.index, row.households) for row in rows] == [
        (VILLAGE, 0.0, 1),
        (OTHER_VILLAGE, 100.0, 1),
    ]
    county_rows = quality_index_list(scope=scope_of(actors.county_admin))
    assert [(row.region_code, row.index) for row in county_rows] == [(TOWN, 50.0)]
