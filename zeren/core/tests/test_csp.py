"""Content-Security-Policy (issue 11, item 13): nothing from elsewhere, inline scripts only with the nonce."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import zeren

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


@pytest.mark.django_db
def test_every_page_carries_the_policy_with_a_fresh_nonce(client):
    first, second = client.get("/"), client.get("/login/")
    csp = policy(first)
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    nonces = [s for s in csp["script-src"] if s.startswith("'nonce-")]
    assert len(nonces) == 1 and len(nonces[0]) > 20
    assert nonces != [s for s in policy(second)["script-src"] if s.startswith("'nonce-")]
    assert not any("http" in v for values in csp.values() for v in values)  # nothing from another origin


@pytest.mark.django_db
def test_an_inline_script_carries_the_nonce_of_its_response(client):
    response = client.get("/supervision/public/")
    nonce = next(s for s in policy(response)["script-src"] if s.startswith("'nonce-"))[len("'nonce-"):-1]
    inline = [attrs for attrs in SCRIPT_TAG.findall(response.content.decode()) if "src=" not in attrs
              and "application/json" not in attrs]
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)


def test_no_template_has_an_inline_script_without_the_nonce():
    """Scripts come from static files; an inline one must carry ``nonce="{{ request.csp_nonce }}"`` or the
    browser will not run it. Data blocks (``json_script``, ``type="application/json"``) are not scripts."""
    offenders = []
    for template in Path(zeren.__file__).parent.rglob("templates/**/*.html"):
        for attrs in SCRIPT_TAG.findall(template.read_text(encoding="utf-8")):
            if "src=" in attrs or "application/json" in attrs:
                continue
            if 'nonce="{{ request.csp_nonce }}"' not in attrs:
                offenders.append(str(template))
    assert not offenders, offenders
    assert not [t for t in Path(zeren.__file__).parent.rglob("templates/**/*.html")
                if re.search(r"\son[a-z]+=", t.read_text(encoding="utf-8"))], "inline event handlers do not run"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_echarts_htmx_and_the_pages_scripts_run_under_the_policy(page, live_server, settings):
    from datetime import timedelta

    from django.utils import timezone
    from playwright.sync_api import expect

    from zeren.org.testing import make_small_tree
    from zeren.supervision.actions import cli_source, do_ingest_events
    from zeren.supervision.models import ApprovalItem

    settings.ZEREN_RATELIMITS = {}
    tree = make_small_tree()
    ApprovalItem.objects.create(code="SCJG-001", name="企业设立登记", unit=tree["market"], statutory_days=20,
                                promised_days=10)
    received = timezone.localdate() - timedelta(days=40)  # a case of the last year: the chart has a bar
    do_ingest_events(source=cli_source(), events=[
        {"event_id": f"e{n}", "case_id": "A", "item_code": "SCJG-001", "unit_code": "SZ-SCJG", "type": kind,
         "at": f"{received + timedelta(days=n * 3)}T09:00:00+08:00", **extra}
        for n, (kind, extra) in enumerate([("received", {}), ("decided", {"outcome": "approved"})])])
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(f"{live_server.url}/supervision/public/")  # ECharts, started by a nonce'd inline script
    page.wait_for_selector("#rates canvas", timeout=10_000)

    page.goto(f"{live_server.url}/org/")  # htmx loads the children; org/tree.js folds them
    toggle = page.locator(".tree .toggle").first
    toggle.click()
    # A locator's wait, not wait_for_function: a string Playwright polls in the page is an eval the CSP refuses.
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    assert refused == []
