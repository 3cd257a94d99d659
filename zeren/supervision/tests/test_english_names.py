"""The board's statistics and chart data name units in the UI's language (issue 18 item 7)."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from zeren.org.models import Unit
from zeren.org.testing import make_user
from zeren.supervision.actions import cli_source, do_ingest_events
from zeren.supervision.tests.conftest import event

pytestmark = pytest.mark.django_db


def test_the_boards_chart_names_units_in_english_in_the_english_ui(client, tree, items):
    Unit.objects.filter(pk=tree["market"].pk).update(name_en="Administration for Market Regulation")
    day = timezone.localdate() - timedelta(days=30)
    do_ingest_events(source=cli_source(), events=[event("a1", "A", "received", f"{day}T09:00:00+08:00"),
                                                  event("a2", "A", "decided", f"{day}T10:00:00+08:00", outcome="approved")])
    client.force_login(make_user("o", "supervision_officer", tree["city"]))

    def chart(html: str) -> str:  # the chart's data: a JSON string in a json_script
        return json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)[1])

    html = client.get("/supervision/").content.decode()
    assert "深圳市市场监督管理局" in chart(html)
    client.cookies["django_language"] = "en"
    html = client.get("/supervision/").content.decode()
    data = chart(html)
    assert "Administration for Market Regulation" in data and "深圳市市场监督管理局" not in data
    assert "Administration for Market Regulation</" in html  # the statistics table too


def test_the_public_on_time_rates_name_and_find_departments_in_english(client, tree, items):
    Unit.objects.filter(pk=tree["market"].pk).update(name_en="Administration for Market Regulation")
    Unit.objects.filter(pk=tree["city"].pk).update(name_en="Shenzhen Municipal People's Government")
    day = timezone.localdate() - timedelta(days=30)
    do_ingest_events(source=cli_source(), events=[event("a1", "A", "received", f"{day}T09:00:00+08:00")])
    client.cookies["django_language"] = "en"
    html = client.get("/supervision/public/", {"q": "market regulation"}).content.decode()
    assert "Administration for Market Regulation" in html and "Shenzhen Municipal People&#x27;s Government" in html
    csv = client.get("/supervision/public/", {"q": "market regulation", "format": "csv"}).content.decode("utf-8-sig")
    assert "Administration for Market Regulation,SZ-SCJG,Shenzhen Municipal People's Government" in csv
