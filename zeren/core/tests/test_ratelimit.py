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
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # a log-in attempt takes ms
    yield
    cache.clear()


@pytest.fixture
def one_window(monkeypatch):
    """The counters' clock stands still, so a slow machine cannot cross a window boundary mid-test."""
    from types import SimpleNamespace

    monkeypatch.setattr("zeren.core.ratelimit.time", SimpleNamespace(time=lambda: 1_800_000_030.0))


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


@pytest.mark.django_db
def test_a_login_is_also_limited_per_username(client, settings, one_window):
    """Guessing one account's password from many addresses: the per-username limit stops it."""
    settings.ZEREN_RATELIMITS = {"login": "100/m", "login_username": "3/m"}
    codes = [client.post("/login/", {"username": "Staff ", "password": "x"}, REMOTE_ADDR=f"10.0.0.{i}").status_code
             for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]  # " Staff" and "staff" are the same account's attempts
    assert client.post("/login/", {"username": "staff", "password": "x"}, REMOTE_ADDR="10.0.1.1").status_code == 429
    assert client.post("/login/", {"username": "other", "password": "x"}, REMOTE_ADDR="10.0.1.1").status_code == 200
    assert client.post("/admin/login/", {"username": "STAFF", "password": "x"}).status_code == 429


@pytest.mark.django_db
def test_the_admin_login_has_the_login_limit(client, one_window):
    codes = [client.post("/admin/login/", {"username": f"u{i}", "password": "x"}).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


SHARED = """
import os, sys
import django
django.setup()
from multiprocessing import get_context
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory

def worker(n):
    from types import SimpleNamespace
    from django.db import connections
    connections.close_all()  # each worker process has its own connection, as under gunicorn
    from zeren.core import ratelimit
    from zeren.core.ratelimit import hit
    ratelimit.time = SimpleNamespace(time=lambda: 1_800_000_030.0)  # one window, however slow the machine
    return sum(hit("login", RequestFactory().post("/login/", REMOTE_ADDR="10.9.8.7")) is not None for _ in range(n))

if __name__ == "__main__":
    call_command("createcachetable", verbosity=0)
    from django.core.cache import cache
    cache.clear()
    print(settings.CACHES["default"]["BACKEND"])
    from django.db import connections
    connections.close_all()
    with get_context("fork").Pool(2) as pool:
        print(sum(pool.map(worker, [40, 40])))
"""


def run_two_workers(tmp_path, **env_extra: str) -> tuple[str, int]:
    """Two forked worker processes count 40 log-in attempts each from one address against the default
    limit of 60 a minute, with the settings a deployment has (not the test run's local cache)."""
    import os
    import subprocess
    import sys

    script = tmp_path / "two_workers.py"
    script.write_text(SHARED)
    # On the PostgreSQL run, the workers use its database (the advisory-lock path), else a SQLite file.
    env = {**os.environ, "ZEREN_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "zeren.settings", **env_extra}
    result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    backend, refused = result.stdout.split()
    return backend, int(refused)


def test_workers_share_the_counters_in_the_database(tmp_path):
    backend, refused = run_two_workers(tmp_path)
    assert backend == "django.core.cache.backends.db.DatabaseCache"
    assert refused == 20  # 80 attempts against 60; with a cache per worker none would be refused


def test_workers_share_the_counters_in_redis(tmp_path):
    import redis

    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    backend, refused = run_two_workers(tmp_path, ZEREN_REDIS_URL=url)
    assert backend == "django_redis.cache.RedisCache" and refused == 20  # Redis INCR is atomic


@pytest.mark.django_db
def test_migrate_makes_the_cache_table(settings):
    """The database cache's table comes with `zeren migrate` (its post_migrate signal), not a separate command."""
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "zeren_cache_test"}}
    assert "zeren_cache_test" not in connection.introspection.table_names()
    emit_post_migrate_signal(0, False, "default")
    assert "zeren_cache_test" in connection.introspection.table_names()
    cache.set("k", 1)
    assert cache.incr("k") == 2
