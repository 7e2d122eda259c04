import re

from django.urls import reverse

from fupin.jobs.models import Job
from tests.support import (
    OTHER_VILLAGE,
    TOWN,
    VILLAGE,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
)


def test_region_browser_scope_matrix(actors: Actors) -> None:
    url = reverse("registry:region-browse")
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.no_role: Expectation(403),
            actors.village_officer: Expectation(
                200, shows=("东榛柴村委会",), hides=("兴隆村委会", "奢岭")
            ),
            actors.county_admin: Expectation(
                200, shows=("伏龙泉镇", "哈拉海镇"), hides=("奢岭街道", "北京市")
            ),
            actors.province_admin: Expectation(200, shows=("长春市",), hides=("北京市",)),
            actors.system_admin: Expectation(200, shows=("吉林省", "北京市")),
        },
    )


def test_url_guessing_a_region_outside_scope_shows_nothing_of_it(actors: Actors) -> None:
    # given a village officer asking for the neighbouring village's town by URL
    url = reverse("registry:region-browse") + f"?code={TOWN}"
    body = client_for(actors.village_officer).get(url).content.decode()
    assert "兴隆村委会" not in body
    assert OTHER_VILLAGE not in body
    picker = client_for(actors.village_officer).get(
        reverse("registry:region-picker") + f"?code={OTHER_VILLAGE}"
    )
    assert "兴隆村委会" not in picker.content.decode()


def test_cascading_picker_lists_children_of_the_chosen_region(actors: Actors) -> None:
    client = client_for(actors.county_admin)
    body = client.get(reverse("registry:region-picker") + f"?code={TOWN}").content.decode()
    assert re.search(r'<option value="220122101"\s+selected>伏龙泉镇', body)
    assert re.search(r'<option value="220122102"\s+>哈拉海镇', body)
    assert "东榛柴村委会" in body
    assert "兴隆村委会" in body


def test_region_browser_htmx_returns_picker_and_children_only(actors: Actors) -> None:
    client = client_for(actors.county_admin)
    response = client.get(
        reverse("registry:region-browse") + f"?code={TOWN}", headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="region-picker"' in body
    assert 'hx-swap-oob="true"' in body
    assert "兴隆村委会" in body


def test_search_by_name_is_scoped(actors: Actors) -> None:
    url = reverse("registry:region-search") + "?q=村委会"
    officer = client_for(actors.village_officer).get(url).content.decode()
    assert "东榛柴村委会" in officer
    assert "兴隆村委会" not in officer
    county = client_for(actors.county_admin).get(url).content.decode()
    assert "兴隆村委会" in county
    assert "奢岭村委会" not in county
    by_code = client_for(actors.county_admin).get(
        reverse("registry:region-search") + f"?q={VILLAGE}"
    )
    assert "东榛柴村委会" in by_code.content.decode()


def test_region_load_pages_are_for_system_administrators_only(actors: Actors) -> None:
    url = reverse("registry:region-load")
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.county_admin: Expectation(403),
            actors.province_admin: Expectation(403),
            actors.system_admin: Expectation(200, shows=("吉林省（22）",)),
        },
    )
    start = reverse("registry:region-load-start")
    assert client_for(actors.province_admin).post(start, {"province": "22"}).status_code == 403
    assert not Job.objects.exists()


def test_starting_a_load_redirects_to_the_job_page(actors: Actors) -> None:
    response = client_for(actors.system_admin).post(
        reverse("registry:region-load-start"), {"province": "22"}
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job-detail", args=[job.pk])
    assert (job.kind, job.region_code, job.params) == ("region_load", "22", {"province_code": "22"})


def test_starting_a_load_of_an_unknown_province_explains_why(actors: Actors) -> None:
    response = client_for(actors.system_admin).post(
        reverse("registry:region-load-start"), {"province": "99"}, follow=True
    )
    assert "省级区划代码 99 不存在" in response.content.decode()
    assert not Job.objects.exists()
