"""The complainant's identity (投诉人身份) reaches officers of the handling body only — never the
accused unit, by any route: page, API, Open311, export, search, audit history."""

import pytest
from django.urls import reverse

from zeren.accountability.actions import do_accept_complaint, do_add_complaint_note
from zeren.accountability.tests.factories import complain
from zeren.audit.models import AuditEntry
from zeren.org.testing import make_user

pytestmark = pytest.mark.django_db
SECRETS = ("王小明", "13800138000", "wxm@example.cn")


@pytest.fixture
def filed(tree, officer):
    complaint, _ = complain(tree["market"])
    do_accept_complaint(actor=officer, complaint=complaint, accept=True)
    do_add_complaint_note(actor=officer, complaint=complaint, note="已电话联系投诉人核实情况")
    return complaint


def routes(complaint):
    return [
        reverse("accountability:complaint", args=[complaint.pk]),
        reverse("accountability:complaints"),
        reverse("accountability:complaints_export", args=["csv"]),
        f"/api/v1/accountability/complaints/{complaint.pk}",
        "/api/v1/accountability/complaints",
        f"/open311/v2/requests/{complaint.pk}.json",
        f"/open311/v2/requests/{complaint.pk}.xml",
        "/open311/v2/requests.json",
        reverse("audit:history", args=["accountability.complaint", complaint.pk]),
        reverse("audit:index"),
        reverse("accountability:track", args=[complaint.tracking_number]),
    ]


@pytest.mark.parametrize("role", ["unit_head", "staff", "admin"])
def test_no_route_shows_the_complainant_to_the_accused_unit(client, tree, filed, role):
    """Even an administrator whose home unit is the accused unit sees no identity."""
    user = make_user(f"accused-{role}", role, tree["market"])
    client.force_login(user)
    page = client.get(reverse("accountability:complaint", args=[filed.pk]))
    assert page.status_code == 200 and "窗口工作人员三次推诿" in page.content.decode()  # the complaint, yes
    for url in routes(filed):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        body = response.content.decode("utf-8", "replace")
        for secret in SECRETS:
            assert secret not in body, (url, secret)
        assert "已电话联系投诉人" not in body, url  # nor the internal notes
    # Searching by the complainant's name or phone finds nothing (the query itself is echoed back).
    for url in (reverse("accountability:complaints") + "?q=王小明", "/api/v1/accountability/complaints?q=13800138000",
                "/org/search/?q=王小明&what=persons"):
        assert filed.tracking_number not in client.get(url).content.decode(), url


def test_the_handling_officer_sees_the_identity_and_audit_entries_never_hold_it(client, tree, filed, officer):
    client.force_login(officer)
    page = client.get(reverse("accountability:complaint", args=[filed.pk])).content.decode()
    assert all(secret in page for secret in SECRETS) and "已电话联系投诉人" in page
    data = client.get(f"/api/v1/accountability/complaints/{filed.pk}").json()
    assert data["complainant"]["phone"] == "13800138000"
    export = client.get(reverse("accountability:complaints_export", args=["csv"])).content.decode("utf-8-sig")
    assert filed.tracking_number in export and "13800138000" not in export  # exports never carry identity
    for entry in AuditEntry.objects.filter(object_type__startswith="accountability."):
        text = f"{entry.changes} {entry.extra} {entry.reason}"
        assert not any(secret in text for secret in SECRETS), entry.action
    assert AuditEntry.objects.get(action="accountability.submit_complaint").extra["complainant"] == "named"


def test_a_district_officer_outside_the_handling_body_sees_no_identity(client, tree, filed):
    other = make_user("ft-officer", "supervision_officer", tree["district"])
    client.force_login(other)
    assert client.get(reverse("accountability:complaint", args=[filed.pk])).status_code == 404
    assert client.get(f"/api/v1/accountability/complaints/{filed.pk}").status_code == 404
