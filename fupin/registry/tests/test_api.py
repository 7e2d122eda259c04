from tests.support import COUNTY, OTHER_COUNTY, TOWN, Actors, client_for


def test_children_endpoint_is_scoped(actors: Actors) -> None:
    county = client_for(actors.county_admin)
    response = county.get(f"/api/v1/regions/{TOWN}/children")
    assert response.status_code == 200
    assert [row["code"] for row in response.json()] == ["220122101201", "220122101202"]
    assert county.get(f"/api/v1/regions/{OTHER_COUNTY}/children").status_code == 404
    officer = client_for(actors.village_officer)
    assert officer.get(f"/api/v1/regions/{COUNTY}/children").status_code == 404
    assert client_for(None).get(f"/api/v1/regions/{COUNTY}/children").status_code == 401
    assert client_for(actors.no_role).get(f"/api/v1/regions/{COUNTY}/children").status_code == 403


def test_search_endpoint_is_scoped(actors: Actors) -> None:
    rows = client_for(actors.county_admin).get("/api/v1/regions/search?q=村委会").json()
    assert {row["name"] for row in rows} == {"东榛柴村委会", "兴隆村委会"}


def test_openapi_schema_lists_the_endpoints(actors: Actors) -> None:
    schema = client_for(actors.county_admin).get("/api/v1/openapi.json").json()
    assert "/api/v1/regions/{code}/children" in schema["paths"]
    assert "/api/v1/jobs/{job_id}" in schema["paths"]
    assert "/api/v1/monitoring/cases/{case_id}" in schema["paths"]
