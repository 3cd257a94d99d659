"""Fuzzing the whole JSON API from its OpenAPI document (schemathesis, in process through WSGI).

Every operation gets a bounded number of generated requests, as an administrator and as the
anonymous public; no answer may be a server error, and every documented answer must match its
response schema. New routers are covered as soon as ``zeren/api.py`` mounts them.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings

from zeren.org.testing import make_small_tree, make_user
from zeren.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.response_schema_conformance]
CSRF = "zerenfuzzzerenfuzzzerenfuzzzeren"  # a fixed 32-character CSRF secret, sent as cookie and header
FUZZ = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: requests must not close the test transaction's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_cookies(db, settings):
    settings.ZEREN_RATELIMITS = {}
    units = make_small_tree()
    make_user("mstaff", "staff", units["market"])
    client = Client()
    client.force_login(make_user("fuzz-admin", "admin", units["city"], is_superuser=True))
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}


@schema.parametrize()
@FUZZ
def test_api_as_admin(case, admin_cookies):
    case.call_and_validate(cookies=admin_cookies, headers={"X-CSRFToken": CSRF}, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_api_as_anonymous(case, db, settings):
    settings.ZEREN_RATELIMITS = {}
    case.call_and_validate(checks=CHECKS)
