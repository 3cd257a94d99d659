"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) for fault complaints, at ``/open311/v2/``.

Services are the complaint categories; a service request is a complaint. What the spec defines is
served as it defines it: JSON and XML, ``open``/``closed`` statuses, W3C date-times with an offset,
POST form-encoded with an ``api_key``, errors as ``[{"code": 400, "description": "…"}]`` (403 for a
missing or wrong key). Personal fields (``email``, ``first_name``, ``phone``…) are accepted on POST
and stored apart (:class:`~zeren.accountability.models.Complainant`); they are never returned.
Bad input of any kind is a 400 in the spec's format, never a 500.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from zeren.accountability.actions import do_submit_complaint, key_digest
from zeren.accountability.models import (
    OPEN_COMPLAINT_STATUSES,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    Open311Key,
)
from zeren.org.models import Unit

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00+08:00"
MAX_IDS = 200
MAX_SPAN = timedelta(days=90)
UNIT_ATTRIBUTE = "unit"


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code, self.description = code, description


# --- rendering ------------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, name: str, value: Any) -> None:
    node = ET.SubElement(parent, name)
    if isinstance(value, list):
        child = name[:-1] if name.endswith("s") else "item"
        for item in value:
            _xml_node(node, child, item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(node, key, inner)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)


def _xml_node(parent: ET.Element, name: str, item: Any) -> None:
    if isinstance(item, dict):
        node = ET.SubElement(parent, name)
        for key, value in item.items():
            _xml_value(node, key, value)
    else:
        _xml_value(parent, name, item)


def render(data: Any, fmt: str, root: str = "", item: str = "", status: int = 200) -> HttpResponse:
    """JSON as the spec's examples, or XML: a ``root`` list of ``item`` elements (or one ``root`` object)."""
    if fmt == "json":
        return HttpResponse(json.dumps(data, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    top = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _xml_node(top, item, entry)
    else:
        for key, value in data.items():
            _xml_value(top, key, value)
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8", xml_declaration=False)
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def error(code: int, description: str, fmt: str = "json") -> HttpResponse:
    return render([{"code": code, "description": description}], fmt if fmt in ("json", "xml") else "json",
                  "errors", "error", status=code)


def endpoint(view):
    """Format check, and every failure as the spec's error list — never a 500 for bad input."""
    def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
        if fmt not in ("json", "xml"):
            return error(404, f"format {fmt!r} is not supported: use json or xml")
        try:
            return view(request, fmt, **kwargs)
        except Open311Error as exc:
            return error(exc.code, exc.description, fmt)
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


def w3(moment: datetime | None) -> str | None:
    """W3C date-time with its offset (the spec requires the zone)."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# --- resources ------------------------------------------------------------------------------------


def _service(category: ComplaintCategory) -> dict[str, Any]:
    return {"service_code": category.code, "service_name": category.name, "description": category.description,
            "metadata": True, "type": "realtime", "keywords": category.keywords, "group": category.group}


def _definition(category: ComplaintCategory) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": [{
        "variable": True, "code": UNIT_ATTRIBUTE, "datatype": "string", "required": True,
        "datatype_description": "被投诉单位的单位代码（见 /org/）", "order": 1,
        "description": "被投诉单位 (the unit complained about: its code in the public registry)", "values": []}]}


def _request(complaint: Complaint) -> dict[str, Any]:
    """A complaint as a GeoReport service request: no personal field, no internal note."""
    closed = complaint.status not in OPEN_COMPLAINT_STATUSES
    notes = complaint.reply if complaint.status in (ComplaintStatus.REPLIED, ComplaintStatus.CLOSED) else (
        complaint.rejection_reason if complaint.status == ComplaintStatus.REJECTED else "")
    expected = complaint.investigation_due or complaint.acceptance_due
    return {
        "service_request_id": str(complaint.pk), "status": "closed" if closed else "open",
        "status_notes": notes or complaint.get_status_display(), "service_name": complaint.category.name,
        "service_code": complaint.category.code, "description": complaint.description,
        "agency_responsible": complaint.handling_body.name, "service_notice": notice(complaint),
        "requested_datetime": w3(complaint.submitted_at), "updated_datetime": w3(complaint.updated_at),
        "expected_datetime": w3(timezone.make_aware(datetime.combine(expected, time(17, 30)))) if expected else None,
        "address": complaint.address, "address_id": "", "zipcode": "", "lat": complaint.lat, "long": complaint.long,
        "media_url": "",
    }


def notice(complaint: Complaint) -> str:
    return f"{complaint.handling_body.name}将于 {complaint.acceptance_due} 前决定是否受理"


def _categories() -> QuerySet[ComplaintCategory]:
    return ComplaintCategory.objects.filter(active=True)


def _category(service_code: str) -> ComplaintCategory:
    category = _categories().filter(code=service_code).first()
    if category is None:
        raise Open311Error(404, f"service_code {service_code!r} was not found")
    return category


# --- views ----------------------------------------------------------------------------------------


@endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:services", args=["json"])).rsplit("/", 1)[0] + "/"
    data = {"changeset": CHANGESET, "contact": "行政过错投诉受理（监察机关）", "key_service": base + "requests.json",
            "endpoints": [{"specification": SPEC, "url": base, "changeset": CHANGESET, "type": "production",
                           "formats": ["text/xml", "application/json"]}]}
    if fmt == "xml":
        body = render({k: v for k, v in data.items() if k != "endpoints"}, fmt, "discovery")
        top = ET.fromstring(body.content)
        endpoints = ET.SubElement(top, "endpoints")
        for entry in data["endpoints"]:
            node = ET.SubElement(endpoints, "endpoint")
            for key, value in entry.items():
                if key == "formats":
                    formats = ET.SubElement(node, "formats")
                    for f in value:
                        ET.SubElement(formats, "format").text = f
                else:
                    ET.SubElement(node, key).text = value
        return HttpResponse(b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8"),
                            content_type="text/xml; charset=utf-8")
    return render(data, fmt)


@endpoint
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service List: the complaint categories."""
    return render([_service(c) for c in _categories()], fmt, "services", "service")


@endpoint
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    """GET Service Definition: one attribute, the accused unit's code."""
    return render(_definition(_category(service_code)), fmt, "service_definition")


def _float(value: str, name: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise Open311Error(400, f"{name} must be a number") from None
    if not low <= number <= high:
        raise Open311Error(400, f"{name} must be between {low:g} and {high:g}")
    return number


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    """POST Service Request (form-encoded, with ``api_key``): files a complaint; returns its id."""
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise Open311Error(400, "send the request form-encoded (application/x-www-form-urlencoded)")
    data = request.POST
    api_key = data.get("api_key", "")
    if not api_key or not Open311Key.objects.filter(key_sha256=key_digest(api_key), active=True).exists():
        raise Open311Error(403, "api_key is missing or not valid")
    if not data.get("service_code"):
        raise Open311Error(400, "service_code was not provided")
    category = _category(data["service_code"])
    lat, long = data.get("lat", ""), data.get("long", "")
    if bool(lat) != bool(long):
        raise Open311Error(400, "lat and long must be sent together")
    if not (lat or data.get("address_string") or data.get("address_id")):
        raise Open311Error(400, "a location is required: lat & long, address_string or address_id")
    lat_value = _float(lat, "lat", -90, 90) if lat else None
    long_value = _float(long, "long", -180, 180) if long else None
    description = data.get("description", "").strip()
    if not description:
        raise Open311Error(400, "description is required: say what the unit did or failed to do")
    if len(description) > 4000:
        raise Open311Error(400, "description is limited to 4,000 characters")
    code = data.get(f"attribute[{UNIT_ATTRIBUTE}]", "").strip()
    if not code:
        raise Open311Error(400, f"attribute[{UNIT_ATTRIBUTE}] (the unit complained about) is required")
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Open311Error(400, f"attribute[{UNIT_ATTRIBUTE}]: unknown unit {code!r}")
    for name, limit in (("email", 254), ("phone", 32), ("first_name", 50), ("last_name", 50), ("device_id", 100),
                        ("account_id", 100), ("address_string", 300)):
        if len(data.get(name, "")) > limit:
            raise Open311Error(400, f"{name} is longer than {limit} characters")
    person = {"name": " ".join(p for p in (data.get("last_name", ""), data.get("first_name", "")) if p),
              "email": data.get("email", ""), "phone": data.get("phone", ""), "device_id": data.get("device_id", ""),
              "account_id": data.get("account_id", "")}
    address = data.get("address_string", "") or data.get("address_id", "")
    try:
        complaint, _created = do_submit_complaint(
            actor=None, channel=Channel.OPEN311, category=category, unit=unit, description=description,
            complainant=person, address=address, lat=lat_value, long=long_value)
    except ValidationError as exc:
        raise Open311Error(400, "; ".join(exc.messages)) from exc
    return render([{"service_request_id": str(complaint.pk), "service_notice": notice(complaint),
                    "account_id": data.get("account_id") or None}], fmt, "service_requests", "request")


def _moment(value: str, name: str) -> datetime:
    moment = None
    with contextlib.suppress(ValueError):  # a well-formed but impossible date-time
        moment = parse_datetime(value)
    if moment is None:
        raise Open311Error(400, f"{name} must be a W3C date-time, e.g. 2026-01-01T00:00:00Z")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.get_current_timezone())


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service Requests with the spec's filters; by default the most recent 90 days."""
    qs = Complaint.objects.select_related("category", "handling_body").order_by("-submitted_at", "-id")
    ids = request.GET.get("service_request_id", "")
    if ids:  # overrides all other arguments
        wanted = [i.strip() for i in ids.split(",") if i.strip()]
        if len(wanted) > MAX_IDS or not all(i.isdigit() and len(i) < 12 for i in wanted):
            raise Open311Error(400, f"service_request_id: up to {MAX_IDS} numeric ids, comma delimited")
        return render([_request(c) for c in qs.filter(pk__in=[int(i) for i in wanted])], fmt, "service_requests",
                      "request")
    codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed (comma delimited)")
    if statuses == {"open"}:
        qs = qs.filter(status__in=OPEN_COMPLAINT_STATUSES)
    elif statuses == {"closed"}:
        qs = qs.exclude(status__in=OPEN_COMPLAINT_STATUSES)
    start = _moment(request.GET["start_date"], "start_date") if request.GET.get("start_date") else None
    end = _moment(request.GET["end_date"], "end_date") if request.GET.get("end_date") else None
    if start and end and end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    if start and end and end < start:
        raise Open311Error(400, "end_date is before start_date")
    end = end or ((start + MAX_SPAN) if start else timezone.now())
    start = start or end - MAX_SPAN
    qs = qs.filter(submitted_at__gte=start, submitted_at__lte=end)
    return render([_request(c) for c in qs[:1000]], fmt, "service_requests", "request")


@endpoint
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        raise Open311Error(400, "use GET to read requests or POST to create one")
    return _list(request, fmt)


@endpoint
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    """GET Service Request: one request, as a one-element list (the spec's shape)."""
    if not request_id.isdigit() or len(request_id) > 11:
        raise Open311Error(404, f"service_request_id {request_id!r} was not found")
    complaint = Complaint.objects.select_related("category", "handling_body").filter(pk=int(request_id)).first()
    if complaint is None:
        raise Open311Error(404, f"service_request_id {request_id!r} was not found")
    return render([_request(complaint)], fmt, "service_requests", "request")


app_name = "open311"
urlpatterns = [
    path("v2/discovery.<str:fmt>", discovery, name="discovery"),
    path("v2/services.<str:fmt>", services, name="services"),
    path("v2/services/<str:service_code>.<str:fmt>", service_definition, name="service"),
    path("v2/requests.<str:fmt>", requests_view, name="requests"),
    path("v2/requests/<str:request_id>.<str:fmt>", request_detail, name="request"),
]
