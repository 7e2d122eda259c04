"""The audit trail keeps personal data masked and reads in Chinese: action labels for every
action the code writes, field names from the models, code values by their labels, long
values folded."""

import dataclasses
import re
from pathlib import Path

from django.urls import reverse

from fupin.accounts.scoping import scope_for
from fupin.audit.models import AuditEvent
from fupin.audit.presentation import ACTION_LABELS, describe
from fupin.core.masking import mask_bank_account, mask_id_number, mask_phone
from fupin.monitoring.services import clue_register
from fupin.registry import codes
from fupin.registry.models import Household
from fupin.registry.services import (
    HouseholdData,
    household_register,
    household_update,
    member_update,
)
from fupin.registry.tests import factories
from tests.support import VILLAGE, Actors, client_for

FUPIN = Path(__file__).resolve().parents[2]
PHONE = "13912345678"
NEW_PHONE = "13800001111"
BANK_ACCOUNT = "6221881234567890123"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _actions_written_by_the_code() -> set[str]:
    found: set[str] = set()
    for path in FUPIN.rglob("*.py"):
        if "tests" in path.parts:
            continue
        found.update(re.findall(r'\baction="([a-z_]+\.[a-z_]+)"', path.read_text("utf-8")))
    return found


def test_every_action_the_code_writes_has_a_chinese_label() -> None:
    written = _actions_written_by_the_code()
    # the scan finds the actions (so an empty result cannot pass)
    assert {"registry.member_update", "accounts.role_assign", "monitoring.case_announce"} <= written
    assert sorted(written - set(ACTION_LABELS)) == []
    assert all(CJK.search(str(label)) for label in ACTION_LABELS.values())


def _household(actors: Actors) -> Household:
    scope = scope_for(actors.village_officer)
    assert scope is not None
    return household_register(
        actor=actors.village_officer,
        scope=scope,
        data=factories.household("H001", VILLAGE, phone=PHONE, bank_account=BANK_ACCOUNT),
        members=factories.family(),
    )


def _update_phone(actors: Actors, household: Household, **extra: object) -> None:
    scope = scope_for(actors.village_officer)
    assert scope is not None
    household_update(
        actor=actors.village_officer,
        scope=scope,
        household=household,
        expected_version=household.version,
        data=HouseholdData(
            number=household.number,
            village_code=household.village_id,
            primary_cause=str(extra.get("primary_cause", household.primary_cause)),
            phone=NEW_PHONE,
            bank_account=BANK_ACCOUNT,
            address=str(extra.get("address", "")),
        ),
    )


def test_personal_fields_are_stored_masked(actors: Actors) -> None:
    household = _household(actors)
    registered = AuditEvent.objects.get(action="registry.household_register")
    assert registered.changes["phone"] == [None, mask_phone(PHONE)]
    assert registered.changes["bank_account"] == [None, mask_bank_account(BANK_ACCOUNT)]
    _update_phone(actors, household)
    updated = AuditEvent.objects.get(action="registry.household_update")
    assert updated.changes["phone"] == [mask_phone(PHONE), mask_phone(NEW_PHONE)]
    stored = str(AuditEvent.objects.values_list("changes", "context"))
    assert PHONE not in stored
    assert NEW_PHONE not in stored
    assert BANK_ACCOUNT not in stored


def test_a_changed_id_number_is_recorded_as_changed_but_masked(actors: Actors) -> None:
    household = _household(actors)
    child = household.members.get(relation=codes.Relation.SON)
    old = child.id_number
    new = factories.id_number(child.birth_date, male=True)
    scope = scope_for(actors.village_officer)
    assert scope is not None
    data = dataclasses.replace(
        factories.member(child.name, child.relation, child.birth_date),
        id_number=new,
        schooling=child.schooling,
        labor_skill=child.labor_skill,
    )
    member_update(
        actor=actors.village_officer,
        scope=scope,
        member=child,
        expected_version=child.version,
        data=data,
    )
    event = AuditEvent.objects.get(action="registry.member_update")
    assert event.changes["id_number"] == [mask_id_number(old), mask_id_number(new)]
    assert old not in str(event.changes)
    assert new not in str(event.changes)


def test_describe_uses_chinese_field_names_code_labels_and_folds_long_values(
    actors: Actors,
) -> None:
    household = _household(actors)
    _update_phone(actors, household, primary_cause=codes.PovertyCause.DISABILITY, address="长" * 80)
    row = describe(AuditEvent.objects.get(action="registry.household_update"))
    lines = {line.label: line for line in row.changes}
    assert row.action_label == "修改农户信息"
    assert lines["联系电话"].before == mask_phone(PHONE)
    assert lines["联系电话"].after == mask_phone(NEW_PHONE)
    assert lines["主要致贫原因"].before == str(codes.PovertyCause.ILLNESS.label)
    assert lines["主要致贫原因"].after == str(codes.PovertyCause.DISABILITY.label)
    assert lines["家庭住址"].is_long
    assert not lines["联系电话"].is_long


def test_audit_page_reads_in_chinese_without_personal_data(actors: Actors) -> None:
    household = _household(actors)
    _update_phone(actors, household, address="长" * 80)
    body = client_for(actors.county_admin).get(reverse("audit:event-list")).content.decode()
    assert "修改农户信息" in body
    assert "农户建档" in body
    assert "联系电话" in body
    assert mask_phone(NEW_PHONE) in body
    assert PHONE not in body
    assert NEW_PHONE not in body
    assert BANK_ACCOUNT not in body
    # no raw change dicts with English keys
    assert "&#x27;phone&#x27;" not in body
    assert "'phone'" not in body
    assert "<details>" in body
    # the filter offers labels, not codes
    assert re.search(r'<option value="registry.household_update"\s*>修改农户信息</option>', body)


def test_audit_rows_show_no_raw_action_codes(actors: Actors) -> None:
    household = _household(actors)
    _update_phone(actors, household, address="村里")
    body = client_for(actors.county_admin).get(reverse("audit:event-list")).content.decode()
    rows = body[body.index('data-testid="audit-event"') :]
    visible_text = re.sub(r"<[^>]+>", " ", rows)
    assert "修改农户信息" in visible_text
    assert "registry.household_update" not in visible_text
    assert "registry.household_register" not in visible_text


def test_a_clues_risk_types_read_as_their_labels(actors: Actors) -> None:
    household = _household(actors)
    scope = scope_for(actors.village_officer)
    assert scope is not None
    clue_register(
        actor=actors.village_officer,
        scope=scope,
        household=household,
        risk_types=[codes.RiskType.ILLNESS, codes.RiskType.LACK_OF_LABOR],
        description="户主住院",
    )
    row = describe(AuditEvent.objects.get(action="monitoring.clue_register"))
    lines = {line.label: line for line in row.changes}
    assert lines["风险类型"].before is None
    assert lines["风险类型"].after == "因病、缺劳动力"


def _described(action: str, subject_type: str, changes: dict[str, object]) -> dict[str, str]:
    event = AuditEvent(action=action, subject_type=subject_type, changes=changes)
    return {
        line.label: (f"{line.before} → {line.after}" if line.before else line.after)
        for line in describe(event).changes
    }


def test_codes_read_by_their_labels_whatever_table_holds_them() -> None:
    # a role, from the role assignments' code table
    assert _described("accounts.role_assign", "accounts.user", {"role": "village_officer"}) == {
        "角色": "村级信息员"
    }
    # a status event's kind and the household's statuses, on the household
    status = _described(
        "registry.household_status_record",
        "registry.household",
        {"kind": "risk_eliminated", "status": ["monitored", "risk_eliminated"]},
    )
    assert status == {"类型": "风险消除", "状态": "监测中 → 风险已消除"}
    # a campaign's two household types are a list, not a change from one to the other
    campaign = _described(
        "rectification.campaign_open",
        "rectification.campaign",
        {"household_types": ["exited", "monitored"]},
    )
    assert campaign == {"农户类型": "脱贫户、监测户"}
    # a year's income is recorded on the household but labelled from the year's fields
    year = _described(
        "registry.household_year_record", "registry.household", {"wage_income": "1000"}
    )
    assert year == {"工资性收入": "1000"}
    # which contact was revealed, by the field's own name
    revealed = _described(
        "registry.household_reveal_contact", "registry.household", {"field": "bank_account"}
    )
    assert revealed == {"查看项": "银行账号"}
    # codes kept in the code of the app that writes them
    assert _described("accounts.user_login_failed", "accounts.user", {"reason": "locked"}) == {
        "原因": "账号已锁定"
    }
    assert _described("imports.ledger_export", "jobs.job", {"kind": "members"}) == {
        "台账": "成员台账"
    }
    assert _described(
        "assessment.policy_parameter_set", "assessment.policyparameter", {"name": "monitoring_line"}
    ) == {"参数": "监测范围"}
