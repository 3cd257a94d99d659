"""The shared API query parameters: one bound, checked by ninja before the route runs, published in OpenAPI."""

from __future__ import annotations

import pytest

from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db

YEAR_ROUTES = ["/api/v1/oversight/publications", "/api/v1/oversight/referral-statistics",
               "/api/v1/accountability/cases"]


@pytest.mark.parametrize("route", YEAR_ROUTES)
def test_a_year_out_of_range_is_a_422_naming_the_field_and_an_ordinary_one_answers(client, route):
    tree = make_small_tree()
    client.force_login(make_user("officer", "supervision_officer", tree["city"], unit=tree["supervision"]))
    for year in (65536, -99999, 1899, 2201):
        response = client.get(route, {"year": year})
        assert response.status_code == 422, (route, year, response.content)
        assert response.json()["detail"][0]["loc"] == ["query", "year"]
    assert client.get(route, {"year": 2026}).status_code == 200
    assert client.get(route).status_code == 200


def test_the_year_bounds_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for route in YEAR_ROUTES:
        (param,) = [p for p in paths[route]["get"]["parameters"] if p["name"] == "year"]
        schema = param["schema"]
        bounded = schema.get("anyOf", [schema])[0]
        assert (bounded["minimum"], bounded["maximum"]) == (1900, 2200), param
