"""The farmer's public form: every problem at once in plain Chinese, names that are names,
limits shown, the village picked from the region table, and dated progress on the receipt."""

import re

from django.test import Client
from django.urls import reverse

from fupin.monitoring.models import RiskClue
from fupin.registry import codes
from tests.support import TOWN, VILLAGE

GOOD = {
    "name": "阿依古丽·买买提",
    "id_number": "11010519491231002X",
    "phone": "13800001111",
    "village_code": VILLAGE,
    "risk_types": [codes.RiskType.ACCIDENT],
    "description": "家中失火",
    "has_consent": "on",
}


def _errors(body: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", error).strip()
        for error in re.findall(r'class="invalid-feedback(?: d-block)?">(.*?)</div>', body)
    ]


def test_an_empty_form_lists_every_problem_at_once_in_plain_chinese(
    regions: None, client: Client
) -> None:
    response = client.post(reverse("monitoring:apply"), {})
    assert response.status_code == 400
    body = response.content.decode()
    assert _errors(body) == [
        "请填写姓名。",
        "请填写身份证号码。",
        "请填写手机号码。",
        "请逐级选择到您所在的村。",
        "请至少选择一种遇到的困难。",
        "请简要说明家庭遇到的困难。",
        "请阅读并同意授权查询核对家庭经济状况，否则无法受理。",
    ]
    assert "该变量" not in body
    assert not RiskClue.objects.exists()


def test_wrong_values_are_all_reported_together(regions: None, client: Client) -> None:
    response = client.post(
        reverse("monitoring:apply"),
        {
            **GOOD,
            "name": "<script>alert(1)</script>",
            "id_number": "110105194912310021",
            "phone": "1380000",
            "description": "难" * 1001,
        },
    )
    assert response.status_code == 400
    errors = _errors(response.content.decode())
    assert errors[0] == "姓名只能填写汉字（少数民族姓名可用间隔号“·”）。"
    assert "身份证号码" in errors[1]
    assert errors[2] == "请填写 11 位手机号码。"
    assert errors[3] == "困难情况最多 1000 个字，请精简后再提交。"
    assert len(errors) == 4
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not RiskClue.objects.exists()


def test_a_minority_name_with_a_middle_dot_is_accepted(regions: None, client: Client) -> None:
    response = client.post(reverse("monitoring:apply"), GOOD)
    assert response.status_code == 302
    assert RiskClue.objects.get().applicant_name == "阿依古丽·买买提"


def test_limits_are_in_the_page_with_a_counter(regions: None, client: Client) -> None:
    body = client.get(reverse("monitoring:apply"), {"village": VILLAGE}).content.decode()
    assert 'maxlength="1000"' in body
    assert 'maxlength="50"' in body
    assert 'data-testid="counter-description"' in body
    assert "js/char_counter" in body
    # the village is a picker, not a box for a 12-digit code
    assert reverse("registry:region-picker-public") in body
    assert "12 位" not in body


def test_the_public_picker_offers_the_region_table_without_login(
    regions: None, client: Client
) -> None:
    url = reverse("registry:region-picker-public")
    top = client.get(url, {"field": "village_code"}).content.decode()
    assert "吉林省" in top
    assert "北京市" in top
    chosen = client.get(url, {"field": "village_code", "code": TOWN}).content.decode()
    assert "东榛柴村委会" in chosen
    assert 'name="village_code" value="220122101"' in chosen
    # the field name is echoed into the page, so only a plain name is taken
    odd = client.get(url, {"field": '"><script>'}).content.decode()
    assert "<script>" not in odd
    assert 'name="village_code"' in odd
