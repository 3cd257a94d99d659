"""Rate limits: the public over the limit gets 429 with Retry-After; signed-in users are not limited."""

import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from ninja import NinjaAPI
from ninja.testing import TestClient

from zeren.core.ratelimit import parse_rate, ratelimit
from zeren.org.testing import make_unit, make_user


@pytest.fixture(autouse=True)
def fresh_counters(settings):
    cache.clear()
    settings.ZEREN_RATELIMITS = {"api": "3/m", "tiny": "2/h", "public": "3/m", "login": "3/m"}
    yield
    cache.clear()


def test_parse_rate():
    assert parse_rate("120/m") == (120, 60) and parse_rate("5/h") == (5, 3600) and parse_rate("2/s") == (2, 1)


@pytest.mark.django_db
def test_middleware_limits_the_anonymous_api_per_ip(client):
    codes = [client.get("/api/v1/openapi.json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/openapi.json")
    assert 1 <= int(response["Retry-After"]) <= 61
    assert "请求过于频繁" in response.content.decode()
    other = client.get("/api/v1/openapi.json", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


@pytest.mark.django_db
def test_signed_in_users_are_not_limited(client):
    client.force_login(make_user("staff1", "staff", make_unit("SZ")))
    assert {client.get("/api/v1/openapi.json").status_code for _ in range(6)} == {200}


def test_decorator_on_a_view():
    view = ratelimit("tiny")(lambda request: HttpResponse("ok"))
    codes = [view(RequestFactory().get("/complaint/")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]

    def seconds_left(t: float) -> int:  # "2/h" is a fixed window: Retry-After runs to the end of the hour
        return max(1, int((t // 3600 + 1) * 3600 - t) + 1)
    before = time.time()
    retry_after = int(view(RequestFactory().get("/complaint/"))["Retry-After"])
    assert seconds_left(time.time()) <= retry_after <= seconds_left(before)


@pytest.mark.django_db
def test_a_decorated_public_page_counts_once_per_request(client):
    """The middleware and the view's own @ratelimit("public") apply the same limit: one request, one count."""
    codes = [client.get("/duties/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_decorator_on_a_ninja_operation():
    api = NinjaAPI(urls_namespace="ratelimit-test")

    @api.get("/ping")
    @ratelimit("tiny")
    def ping(request, n: int = 1):
        return {"n": n}

    client = TestClient(api)
    assert client.get("/ping?n=5").json() == {"n": 5}
    client.get("/ping")
    assert client.get("/ping").status_code == 429
