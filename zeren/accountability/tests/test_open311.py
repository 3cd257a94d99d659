"""Open311 GeoReport v2 at /open311/v2/: the spec's shapes and errors, and a real client over HTTP."""

import os
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from zeren.accountability.actions import do_create_open311_key
from zeren.accountability.models import Complaint
from zeren.accountability.tests.factories import category, complain

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(tree):
    category()
    category("abuse", "滥用职权")
    return do_create_open311_key(actor=None, name="测试客户端")[1]


def post(client, **data):
    return client.post("/open311/v2/requests.json", data)


def form(key, **extra):
    return {"api_key": key, "service_code": "delay", "lat": "22.543", "long": "114.057",
            "description": "审批窗口拖延办理超过法定时限", "attribute[unit]": "SZ-SCJG", "email": "a@b.cn",
            "first_name": "明", "last_name": "王", "phone": "13900000000", **extra}


def test_discovery_services_and_definition(client, key):
    discovery = client.get("/open311/v2/discovery.json").json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2/")
    services = client.get("/open311/v2/services.json")
    assert services["Content-Type"] == "application/json; charset=utf-8"
    assert [s["service_code"] for s in services.json()] == ["abuse", "delay"]
    assert set(services.json()[0]) == {"service_code", "service_name", "description", "metadata", "type", "keywords",
                                       "group"}
    xml = client.get("/open311/v2/services.xml")
    assert xml["Content-Type"] == "text/xml; charset=utf-8" and xml.content.startswith(b'<?xml version="1.0"')
    root = ET.fromstring(xml.content)
    assert root.tag == "services" and root.find("service/metadata").text == "true"
    definition = client.get("/open311/v2/services/delay.json").json()
    assert definition["attributes"][0]["code"] == "unit" and definition["attributes"][0]["required"] is True
    assert client.get("/open311/v2/services/nope.json").json() == [
        {"code": 404, "description": "service_code 'nope' was not found"}]


def test_post_then_read_back_without_personal_fields(client, key):
    created = post(client, **form(key))
    assert created.status_code == 200
    [row] = created.json()
    assert set(row) == {"service_request_id", "service_notice", "account_id"}
    request = client.get(f"/open311/v2/requests/{row['service_request_id']}.json").json()[0]
    assert request["status"] == "open" and request["service_code"] == "delay"
    assert request["requested_datetime"].endswith("+08:00") and request["lat"] == 22.543
    body = client.get("/open311/v2/requests.json").content.decode()
    assert "13900000000" not in body and "a@b.cn" not in body and "王 明" not in body
    assert not any(k in request for k in ("email", "phone", "first_name", "last_name", "device_id", "account_id"))
    assert Complaint.objects.get().complainant.phone == "13900000000"


@pytest.mark.parametrize("change, code, fragment", [
    ({"api_key": ""}, 403, "api_key"), ({"api_key": "wrong"}, 403, "api_key"),
    ({"service_code": ""}, 400, "service_code"), ({"service_code": "zzz"}, 404, "service_code"),
    ({"lat": "", "long": ""}, 400, "location"), ({"lat": "north"}, 400, "lat must be a number"),
    ({"long": "200"}, 400, "long must be between"), ({"attribute[unit]": "NOPE"}, 400, "unknown unit"),
    ({"description": "x" * 4001}, 400, "4,000"), ({"description": ""}, 400, "description"),
    ({"email": "e" * 300}, 400, "email"),
])
def test_bad_posts_get_the_spec_error_format(client, key, change, code, fragment):
    response = post(client, **form(key, **change))
    assert response.status_code == code
    [error] = response.json()
    assert error["code"] == code and fragment in error["description"]
    assert not Complaint.objects.exists()


def test_list_filters_and_errors(client, key, tree, officer):
    from zeren.accountability.actions import do_accept_complaint

    a, _ = complain(tree["market"])
    b, _ = complain(tree["housing"])
    do_accept_complaint(actor=officer, complaint=b, accept=False, reason="不属于受理范围")
    ids = lambda r: sorted(int(x["service_request_id"]) for x in r.json())  # noqa: E731
    assert ids(client.get("/open311/v2/requests.json")) == sorted([a.pk, b.pk])
    assert ids(client.get("/open311/v2/requests.json?status=closed")) == [b.pk]
    assert ids(client.get("/open311/v2/requests.json?status=open,closed")) == sorted([a.pk, b.pk])
    assert ids(client.get(f"/open311/v2/requests.json?service_request_id={b.pk}&status=open")) == [b.pk]
    assert ids(client.get("/open311/v2/requests.json?service_code=abuse")) == []
    assert ids(client.get("/open311/v2/requests.json?start_date=2001-01-01T00:00:00Z&end_date=2001-02-01T00:00:00Z")) == []
    closed = client.get(f"/open311/v2/requests/{b.pk}.json").json()[0]
    assert closed["status"] == "closed" and closed["status_notes"] == "不属于受理范围"
    for query, fragment in [("status=pending", "status"), ("start_date=yesterday", "start_date"),
                            ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "90 days"),
                            ("service_request_id=1;DROP", "service_request_id")]:
        response = client.get(f"/open311/v2/requests.json?{query}")
        assert response.status_code == 400 and fragment in response.json()[0]["description"], query
    assert client.get("/open311/v2/requests/999999.json").status_code == 404
    assert client.get("/open311/v2/requests/abc.xml").status_code == 404
    assert client.get("/open311/v2/services.html").status_code == 404
    assert client.put("/open311/v2/requests.json").status_code == 400


def test_create_key_command_prints_a_working_key(client, tree, capsys):
    category()
    call_command("open311", "create-key", "--name", "微信小程序")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert post(client, **form(key)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_georeport_client_lists_services_and_reads_back_a_posted_request(live_server, tree):
    """An existing Open311 client (PyPI ``georeport``) against a running server, over HTTP."""
    import requests
    from georeport import GeoReport

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    category()
    key = do_create_open311_key(actor=None, name="georeport")[1]
    root = f"{live_server.url}/open311/v2"
    client = GeoReport(root, api_key=key)
    assert [s["service_code"] for s in client.get_service_list()] == ["delay"]
    assert client.get_service_definition("delay")["attributes"][0]["code"] == "unit"
    # POSTed as the spec describes: form-encoded, api_key in the body (the client itself only reads).
    response = requests.post(f"{root}/requests.json", data=form(key), timeout=10)
    assert response.status_code == 200, response.text
    request_id = response.json()[0]["service_request_id"]
    read = client.get_service_request(request_id)
    assert read["service_request_id"] == request_id and read["status"] == "open"
    assert read["description"] == "审批窗口拖延办理超过法定时限"
    assert [r["service_request_id"] for r in client.get_service_requests(status="open")] == [request_id]
    xml_client = GeoReport(root, output_format="xml")
    assert xml_client.get_service_list()["service_code"] == "delay"  # one service: xmltodict gives a dict
