"""Shared test fixtures: users with roles, and a real browser (Debian Chromium via Playwright)."""

from __future__ import annotations

import os
import shutil

import pytest

from zeren.audit import schedule

# Playwright's sync API runs an event loop; Django's live_server + ORM then need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# No checkpoint timer in a test process (a test importing zeren.wsgi would start one, and ten minutes on it
# would seal whatever test database is current); test_schedule starts its own.
schedule._started.set()

CHROMIUM = os.environ.get("ZEREN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for UI tests. Installed by scripts/install-test-deps; required in CI."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: run scripts/install-test-deps")
        pytest.skip(f"{CHROMIUM} is not installed (scripts/install-test-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def pytest_configure(config):
    """Tests count rate limits in a process-local cache: the suite is one process, and the cache every
    worker shares (the database's table, Redis) is tested on its own in zeren/core/tests/test_ratelimit.py."""
    from django.conf import settings

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so rate-limit counters never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The small demo city (every app's demo step, zeren.demo.testing.committed_demo), built and committed
    once for the test module that asks for it, flushed after it."""
    from zeren.demo.testing import committed_demo

    with django_db_blocker.unblock(), committed_demo() as ctx:
        yield ctx
