"""Readable everywhere (issue 18): with the small demo city, the main pages as a Chinese user of each
kind sees them show no raw code — no ``snake_case`` value, no dotted action or record name
(``supervision.alert_closed``), no English word — in their visible text.

The crawl starts from every list page of the navigation and follows the links it finds (two pages
of each URL shape), as an administrator, a supervision officer and a department's staff member.
Allowed: the users' own names (the log shows who did what), the product's and formats' names, a
unit's English name (marked ``lang="en"``) and what is shown as code (``<code>``).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from zeren.audit.models import AuditEntry
from zeren.core.testing import MAIN_PAGES, Page, reach

PER_SHAPE = 2
RAW = re.compile(r"(?<![\w./@-])(?:[a-z]+(?:_[a-z0-9]+)+|[a-z]+\.[a-z_]+(?:\.[a-z_]+)*)(?![\w/-])")
WORD = re.compile(r"(?<![\w./@-])[A-Za-z][a-z]{2,}(?![\w.@-])")
NAMES = {"zeren", "Excel", "JSON", "Atom", "English", "Open311", "OpenAPI", "Merkle", "Wilson"}


def raw_text(text: str, allowed: set[str]) -> set[str]:
    found = {m.group(0) for m in RAW.finditer(text)}
    found |= {m.group(0) for m in WORD.finditer(text)}
    return found - allowed


def crawl(client, allowed: set[str]) -> tuple[dict[str, set[str]], int]:
    """``{token: pages}`` of raw text over the pages reached, and how many pages were read."""
    found: dict[str, set[str]] = {}
    pages = 0
    for path, page in reach(client, MAIN_PAGES, PER_SHAPE):
        pages += 1
        for token in raw_text(page.text, allowed):
            found.setdefault(token, set()).add(path)
    return found, pages


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.ZEREN_RATELIMITS = {}


@pytest.mark.parametrize("username", ["admin", "officer", "staff"])
def test_no_raw_codes_in_the_chinese_ui(demo_city, client, db, username):
    client.force_login(get_user_model().objects.get(username=username))
    allowed = NAMES | set(get_user_model().objects.values_list("username", flat=True)) | set(
        AuditEntry.objects.values_list("actor_username", flat=True).distinct())
    found, pages = crawl(client, allowed)
    assert pages > 80
    assert {token: sorted(paths)[:3] for token, paths in found.items()} == {}


def test_the_check_finds_raw_codes():
    allowed = NAMES | {"admin"}
    text = Page('<p>supervision.alert_closed 由 admin 办结 · 状态 review · 证据 <code>a_b</code>'
                '<span lang="en">Shenzhen</span> <input placeholder="red_card"></p>').text
    assert raw_text(text, allowed) == {"supervision.alert_closed", "review", "red_card"}


def test_every_action_the_demo_wrote_has_a_label(demo_city, db):
    from zeren.audit.labels import registry

    written = set(AuditEntry.objects.values_list("action", flat=True).distinct())
    assert len(written) > 40 and written - set(registry()[0]) == set()
