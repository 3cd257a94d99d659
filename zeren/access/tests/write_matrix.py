"""The permission matrix of writes (权限矩阵·写操作): every write route and each of its steps, one row each.

A row names the route (a page by ``namespace:name``, an API operation by ``METHOD /path``; ``#step`` for one
step of a route that takes several), the object whose unit the action checks and the capability it needs,
how to pick that object in the demo city, how to send the write, and what every log-in gets — one token
per column of :data:`USERS`:

- ``ok``: the write happened (an audit entry was appended: every write goes through an audited action,
  zeren/audit/tests/test_coverage.py) and the answer was not an error;
- ``login``: a page sent the anonymous visitor to the log-in page;
- ``401`` ``403`` ``404`` ``409`` ``422`` …: that status, nothing written;
- ``msg``: refused on the page (a redirect or page with the refusal as an error message), nothing written;
- ``none``: answered without an error and wrote nothing — there was nothing of theirs to act on.

"Nothing written" is checked three ways: no audit entry appended, the object's row unchanged, and no new
row in the table the write would add to (``creates``). Every attempt runs in a savepoint rolled back
afterwards, so every log-in meets the same object in the same state (``prepare`` sets that state).

The log-ins (:data:`USERS`) are the demo's, over the market regulation bureau (SZ-SCJG) where a role is a
department's: ``head`` and ``staff`` work there; ``other_staff`` is staff of another department (SZ-ZJ, made
by the test) and must never write SZ-SCJG's records; ``jc_district`` is a district's supervision officer (a
supervisor whose scope does not hold the city's departments); ``caizheng`` is staff of the finance bureau, a
referring body (财政部门, 移送机关). Objects are picked in SZ-SCJG (or moved there by ``prepare``).

To add a write route: add its row here (the test lists every route that reads a POST and every API
operation that is not a GET, and fails on one without a row) — docs/development.md, "Permission matrix".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from zeren.org.models import Unit

USERS = ("anonymous", "admin", "leader", "officer", "perf", "head", "staff", "bianban", "other_staff",
         "jc_district", "caizheng")


class At(str):
    """A unit's code that ``move`` turns into the unit."""


MARKET = At("SZ-SCJG")  # the department of the demo's head and staff
CITY_BUREAU = At("SZ-JC")  # the city's supervision bureau: handles the complaints and cases of city departments
HOUSING = "SZ-ZJ"  # other_staff's department
TODAY = date(2026, 11, 27)  # the demo city's reference date (test_matrix_api.city)
# Credentials that are not log-ins, made by the test's fixture and shown once (only their digests are stored):
# "open311" — an Open311 api_key; "survey" — a satisfaction survey's one-time invitation token.
SECRETS: dict[str, str] = {}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Write:
    route: str  # "namespace:name" or "METHOD /api/v1/path", "#step" for one step of a route
    checks: str  # the object whose unit is checked, and the capability (as the action checks it)
    pick: Callable[[], Any]  # the object tried (its row is compared before and after)
    send: Callable[[Any, Any], Any]  # (client, object) → response
    expect: str  # one outcome token per column of USERS
    prepare: Callable[[Any], None] = lambda obj: None  # its state for the attempt (rolled back after)
    creates: tuple[type[models.Model], ...] = ()  # tables a successful write adds rows to

    @property
    def outcomes(self) -> dict[str, str]:
        tokens = self.expect.split()
        assert len(tokens) == len(USERS), f"{self.route}: {len(tokens)} outcomes for {len(USERS)} log-ins"
        return dict(zip(USERS, tokens, strict=True))


# --- how an attempt is judged ------------------------------------------------------------------------------------

def fingerprint(write: Write, obj: Any) -> tuple:
    """What a refused write must leave as it was: the audit log's length, the object's row, the ``creates`` tables."""
    from zeren.audit.models import AuditEntry

    row = type(obj)._default_manager.filter(pk=obj.pk).values().first() if isinstance(obj, models.Model) else None
    return (AuditEntry.objects.count(), row, tuple(m._default_manager.count() for m in write.creates))


def outcome(response: Any, before: tuple, after: tuple) -> str:
    status = response.status_code
    if status >= 500:
        return str(status)
    if after[0] > before[0]:
        return "ok" if status < 400 else f"{status}+wrote"
    if after != before:
        return "changed-unaudited"
    if status == 302 and "/login/" in response.get("Location", ""):
        return "login"
    if status >= 400:
        return str(status)
    errors = [m for m in this_requests_messages(response) if m.level == ERROR]
    context = getattr(response, "context", None) or {}
    if errors or (context and (context.get("error") or context.get("errors"))):
        return "msg"
    return "none"  # answered without an error and wrote nothing: nothing of theirs to act on


def this_requests_messages(response: Any) -> list[Any]:
    """The messages of the answer, shown on the page or queued for the next one (the test clears the browser's
    message cookie before each attempt, so none is carried in from an earlier answer)."""
    request = getattr(response, "wsgi_request", None)
    return list(get_messages(request)) if request is not None else []


def said(response: Any) -> str:
    """What the answer told the user, for a failure message: its messages, or its status and first words."""
    shown = [str(m) for m in this_requests_messages(response)]
    context = getattr(response, "context", None) or {}
    if context and context.get("error"):
        shown.append(str(context["error"]))
    return "; ".join(shown)[:200] or f"{response.status_code} {response.content[:80]!r}"


# --- helpers ---------------------------------------------------------------------------------------------------

def market() -> Unit:
    return Unit.objects.get(code=MARKET)


def in_market(qs: models.QuerySet, path: str = "unit__path") -> models.QuerySet:
    return qs.filter(**{f"{path}__startswith": market().path})


def first(qs: models.QuerySet) -> Any:
    found = qs.order_by("pk").first()
    assert found is not None, f"the demo city has no {qs.model._meta.label} to try"
    return found


def move(model: type[models.Model], **fields: Any) -> Callable[[Any], None]:
    """``prepare``: set fields of the object (``unit=MARKET`` moves it to the market bureau). The demo city is
    built as of a fixed day, but some of its records follow the real date: a row sets every field its outcomes
    depend on, rather than trusting the state the demo left."""
    def prepare(obj: Any) -> None:
        values = {k: (Unit.objects.get(code=v) if isinstance(v, At) else v) for k, v in fields.items()}
        model._default_manager.filter(pk=obj.pk).update(**values)
    return prepare


def post(name: str, data: dict[str, Any] | Callable[[Any], dict[str, Any]], *args: Callable[[Any], Any]):
    """``send``: a form POST to the page ``name`` (arguments taken from the object)."""
    def send(client: Any, obj: Any) -> Any:
        payload = data(obj) if callable(data) else data
        return client.post(reverse(name, args=[a(obj) for a in args]), payload)
    return send


def api(method: str, path: str, data: dict[str, Any] | list | Callable[[Any], Any]):
    """``send``: a JSON request to the API (``{id}`` is the object's pk)."""
    def send(client: Any, obj: Any) -> Any:
        payload = data(obj) if callable(data) else data
        return client.generic(method, path.replace("{id}", str(obj.pk)), json.dumps(payload, default=str),
                              content_type="application/json")
    return send


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def pk(obj: Any) -> Any:
    return obj.pk


# --- the rows ----------------------------------------------------------------------------------------------------

def writes() -> list[Write]:
    from zeren.accountability.models import (
        Commendation,
        Complaint,
        ComplaintCategory,
        FaultCase,
        IncidentReview,
        SanctionLevel,
    )
    from zeren.cockpit.models import Urge
    from zeren.duties.models import DraftChange, DutyFinding, ItemVersion
    from zeren.evaluation.models import Proposal, Round, Survey
    from zeren.findings.models import Finding
    from zeren.org.models import Post
    from zeren.oversight.models import (
        Body,
        BodyKind,
        ExternalEvaluation,
        InspectionIssue,
        JointInspection,
        JointMeeting,
        MeetingTask,
        Publication,
        Referral,
        ReferralNote,
    )
    from zeren.supervision.models import Alert
    from zeren.supervision.projects.models import Dependency, Project
    from zeren.targets.models import (
        Assessment,
        Letter,
        Notice,
        ProgressReport,
        Target,
        WhitePaper,
        WhitePaperPilot,
    )

    def item_lead(f: DutyFinding) -> str:
        content = ItemVersion.objects.filter(item__code=f.item_codes[0], ended_by__isnull=True).first().content
        return content["lead_units"][0]

    def resolve(how: str, extra: Callable[[DutyFinding], dict[str, str]] = lambda f: {}):
        return post("duties:resolve", lambda f: {"how": how, "reason": "矩阵测试", **extra(f)}, pk)

    def duty_finding(items: int = 1) -> DutyFinding:
        found = [f for f in DutyFinding.objects.filter(status="open").order_by("pk") if len(f.item_codes) >= items]
        in_market_first = sorted(found, key=lambda f: not (f.unit and f.unit.code.startswith(MARKET)))
        assert in_market_first, "the demo city has no duty finding to try"
        return in_market_first[0]

    def import_item(client: Any, unit: Unit) -> Any:
        content = {**ItemVersion.objects.filter(ended_by__isnull=True).order_by("pk").first().content,
                   "code": "MATRIX-NEW-1", "lead_units": [unit.code], "assisting_units": [], "parent": ""}
        return client.post(reverse("duties:import"), {
            "file": upload("matrix.json", json.dumps([content], ensure_ascii=False).encode()),
            "batch": "矩阵测试", "batch_date": "2026-11-27"})

    def free_stage_pair(project: Project):
        stages = list(project.stages.order_by("pk"))
        free = [s for s in stages if not Dependency.objects.filter(stage=s).exists()]  # requires nothing: no cycle
        for requires in free:
            for stage in stages:
                if stage != requires and not Dependency.objects.filter(stage=stage, requires=requires).exists():
                    return stage, requires
        return None

    def add_dependency(client: Any, project: Project) -> Any:
        stage, requires = free_stage_pair(project)
        return client.post(reverse("projects:add_dependency", args=[project.code]),
                           {"stage": stage.code, "requires": requires.code})

    def target() -> Target:
        return first(in_market(Target.objects.filter(kind="quantitative", state="active", start__lte=TODAY)))

    def import_target(client: Any, unit: Unit) -> Any:
        from zeren.targets.exchange import export_rows

        row = {**export_rows(Target.objects.filter(pk=target().pk))[0], "code": "MATRIX-T-1", "unit": unit.code,
               "parent": None, "leader": None, "person": None, "duty_items": [], "milestones": []}
        return client.post(reverse("targets:import"),
                           {"file": upload("targets.json", json.dumps([row], ensure_ascii=False).encode())})

    def notice() -> Notice:
        return first(Notice.objects.all())

    def assessment() -> Assessment:  # a grade proposed and not yet confirmed (moved to the market bureau)
        return first(Assessment.objects.filter(grade="", proposed_grade="competent"))

    def pilot_2026(unit: Unit) -> None:  # the market bureau publishes in 2026 and has no paper yet
        WhitePaperPilot.objects.get_or_create(unit=unit, year=2026)
        WhitePaper.objects.filter(unit=unit, year=2026).delete()

    def draft_paper_in_market(paper: WhitePaper) -> None:
        WhitePaper.objects.filter(unit=market(), year=paper.year).exclude(pk=paper.pk).delete()
        WhitePaper.objects.filter(pk=paper.pk).update(unit=market(), state="draft")

    def finding() -> Finding:
        return first(in_market(Finding.objects.filter(status="open")))

    def case() -> FaultCase:
        return first(FaultCase.objects.all())

    def case_step(step: str, **data: Any):
        return post("accountability:case", {"step": step, **data}, pk)

    sanction = lambda: SanctionLevel.objects.order_by("rank").first()  # noqa: E731

    def complaint() -> Complaint:
        return first(Complaint.objects.all())

    def complaint_step(step: str, **data: Any):
        return post("accountability:complaint", {"step": step, **data}, pk)

    def complaint_form(channel: str | None) -> Callable[[Unit], dict[str, Any]]:
        def data(unit: Unit) -> dict[str, Any]:
            values = {"category": ComplaintCategory.objects.filter(active=True).order_by("pk").first().pk,
                      "unit": unit.code, "description": "矩阵测试：办事拖延", "client_token": ""}
            return {**values, "channel": channel} if channel else values
        return data

    def review() -> IncidentReview:  # no apology yet; movable to the market bureau (one review per unit and incident)
        taken = IncidentReview.objects.filter(unit=market()).exclude(apology__isnull=True).values("incident")
        return first(IncidentReview.objects.filter(apology__isnull=True).exclude(incident__in=taken)
                     .exclude(incident__reviews__unit=market(), unit__in=Unit.objects.exclude(code=MARKET)))

    def review_step(step: str, **data: Any):
        return post("accountability:review", {"step": step, **data}, pk)

    def commendation() -> Commendation:
        return first(Commendation.objects.all())

    def round_() -> Round:
        return first(Round.objects.all())

    def proposal() -> Proposal:
        return first(Proposal.objects.filter(status="open", unit__isnull=False))

    def publication() -> Publication:
        return first(in_market(Publication.objects.all()))

    def referral() -> Referral:
        return first(in_market(Referral.objects.all()))

    def referral_step(step: str, **data: Any):
        return post("oversight:referral", {"step": step, **data}, pk)

    def finance_body() -> Body:
        return first(Body.objects.filter(kind=BodyKind.FINANCE, unit__parent__parent__isnull=True))

    def city_body() -> Body:
        return first(Body.objects.filter(kind=BodyKind.SUPERVISION, jurisdiction__parent__isnull=True))

    def refer(client: Any, unit: Unit) -> Any:
        return client.post(reverse("oversight:referral_new"), {
            "from_body": finance_body().pk, "to_body": city_body().pk, "unit": unit.code, "type": "funds",
            "title": "矩阵测试移送", "facts": "矩阵测试", "referred_on": TODAY.isoformat(),
            "attachments": upload("evidence.pdf", PDF)})

    def meeting() -> JointMeeting:
        return first(JointMeeting.objects.filter(convener__jurisdiction__parent__isnull=True))

    def meeting_task() -> MeetingTask:
        return first(MeetingTask.objects.filter(meeting__convener__jurisdiction__parent__isnull=True))

    def inspection() -> JointInspection:
        return first(JointInspection.objects.filter(lead__jurisdiction__parent__isnull=True))

    def issue() -> InspectionIssue:
        return first(InspectionIssue.objects.filter(inspection__lead__jurisdiction__parent__isnull=True))

    def underway(inspection: JointInspection) -> None:
        JointInspection.objects.filter(pk=inspection.pk).update(status="underway")
        inspection.targets.add(market())
        inspection.targets.remove(*Unit.objects.filter(code=HOUSING))

    def issue_in_market(status: str, **fields: Any) -> Callable[[InspectionIssue], None]:
        def prepare(issue: InspectionIssue) -> None:
            underway(issue.inspection)
            move(InspectionIssue, unit=MARKET, status=status, **fields)(issue)
        return prepare

    def issue_step(step: str, **data: Any):
        def send(client: Any, issue: InspectionIssue) -> Any:
            return client.post(reverse("oversight:inspection", args=[issue.inspection_id]),
                               {"step": step, "issue": issue.pk, **data})
        return send

    day = TODAY.isoformat()
    later = (TODAY + timedelta(days=3)).isoformat()

    # Columns:          anonymous admin leader officer perf head staff bianban other_staff jc_district caizheng
    return [
        # --- duties (职责): the 编办 resolves findings; a unit head keeps their unit's catalogue and positions
        Write("duties:resolve#intended", "duties.DutyFinding: its unit, and every unit of every item it changes "
              "or names (administer_duties, in the actions)", lambda: duty_finding(), resolve("intended"),
              "login ok 403 403 403 403 403 ok 404 404 404"),
        Write("duties:resolve#assign_lead", "duties.DutyFinding and the item's units, old and new (administer_duties)",
              lambda: duty_finding(), resolve("assign_lead", lambda f: {"item": f.item_codes[0], "unit": item_lead(f)}),
              "login ok 403 403 403 403 403 ok 404 404 404"),
        Write("duties:resolve#merge", "duties.DutyFinding and the units of every item merged (administer_duties)",
              lambda: duty_finding(2), resolve("merge", lambda f: {"keep": f.item_codes[0]}),
              "login ok 403 403 403 404 404 ok 404 404 404"),
        Write("duties:resolve#split", "duties.DutyFinding, the item's units and each part's lead unit "
              "(administer_duties)", lambda: duty_finding(),
              resolve("split", lambda f: {"item": f.item_codes[0],
                                          "parts": f"MX-1 {MARKET} 矩阵甲\nMX-2 {MARKET} 矩阵乙"}),
              "login ok 403 403 403 403 403 ok 404 404 404"),
        Write("duties:position_edit", "org.Post: its unit (administer, or approve: the unit head)",
              lambda: first(in_market(Post.objects.all())), post("duties:position_edit", {"duties": "矩阵测试"}, pk),
              "login ok 403 403 403 ok 403 403 404 404 404"),
        Write("duties:import", "org.Unit: every unit a row names and every unit now holding its code "
              "(administer, or approve)", market, import_item,
              "login ok 403 403 403 ok 403 403 403 403 403"),
        Write("duties:draft_decide", "duties.DraftChange: every unit on the item now and after the change "
              "(administer_duties, in the action); seen by the 编办 and the performance office",
              lambda: first(DraftChange.objects.filter(status="pending")),
              post("duties:draft_decide", {"decision": "approve", "reason": "矩阵测试"}, pk),
              "login ok 404 404 msg 404 404 ok 404 404 404"),
        Write("duties:draft_decide#reject", "duties.DraftChange: every unit on the item (administer_duties)",
              lambda: first(DraftChange.objects.filter(status="pending")),
              post("duties:draft_decide", {"decision": "reject", "reason": "矩阵测试"}, pk),
              "login ok 404 404 msg 404 404 ok 404 404 404"),
        # --- supervision (行政监督): a unit answers its alerts; the supervision office closes them
        Write("supervision:move_alert", "supervision.Alert: its unit (edit to acknowledge, explain, correct)",
              lambda: first(in_market(Alert.objects.filter(status="open"))),
              post("supervision:move_alert", {"status": "acknowledged", "note": "矩阵测试"}, pk),
              "login ok msg msg msg ok ok msg 404 404 404"),
        Write("supervision:move_alert#close", "supervision.Alert: its unit (supervise to close)",
              lambda: first(in_market(Alert.objects.filter(status="open"))),
              post("supervision:move_alert", {"status": "closed", "note": "矩阵测试"}, pk),
              "login ok msg ok msg msg msg msg 404 404 404",
              prepare=move(Alert, status="explained", note="已说明")),
        Write("projects:add_dependency", "projects.Project: its lead unit (edit or supervise)",
              lambda: first(Project.objects.filter(pk__in=[p.pk for p in Project.objects.all() if free_stage_pair(p)])),
              add_dependency, "login ok msg ok msg ok ok msg msg 404 404", prepare=move(Project, lead_unit=MARKET)),
        Write("POST /api/v1/supervision/events", "a source system's token (its unit's cases): no log-in writes here",
              market, api("POST", "/api/v1/supervision/events", []),
              "401 401 401 401 401 401 401 401 401 401 401"),
        # --- findings (问题线索)
        Write("POST /api/v1/findings/{finding_id}/status", "findings.Finding: its unit (supervise or evaluate)",
              finding, api("POST", "/api/v1/findings/{id}/status", {"status": "accepted", "reason": "矩阵测试"}),
              "401 ok 403 ok ok 403 403 403 404 404 404"),
        # --- targets (目标管理): the unit reports and replies; the supervision office closes notices
        Write("targets:report", "targets.Target: its unit (edit)", target,
              post("targets:report", {"date": day, "value": "1"}, pk),
              "login ok msg msg msg ok ok msg 404 404 404", creates=(ProgressReport,)),
        Write("POST /api/v1/targets/{target_id}/reports", "targets.Target: its unit (edit)", target,
              api("POST", "/api/v1/targets/{id}/reports", {"date": day, "value": 1}),
              "401 ok 403 403 403 ok ok 403 404 404 404", creates=(ProgressReport,)),
        Write("targets:notice_action", "targets.Notice: its unit (edit or approve to reply)", notice,
              post("targets:notice_action", {"reply": "矩阵测试答复"}, pk),
              "login ok msg msg msg ok ok msg 404 404 404", prepare=move(Notice, unit=MARKET, status="open")),
        Write("targets:notice_action#close", "targets.Notice: its unit (supervise to close)", notice,
              post("targets:notice_action", {"do": "close", "reason": "矩阵测试"}, pk),
              "login ok msg ok msg msg msg msg 404 404 404", prepare=move(Notice, unit=MARKET, status="open")),
        Write("targets:import", "org.Unit of each target (edit or approve) — targets.actions.check_manage_unit",
              market, import_target, "login ok 422 422 422 ok ok 422 422 422 422", creates=(Target,)),
        Write("targets:letter", "targets.Letter: its unit (edit or approve) — targets.actions.check_manage_unit",
              lambda: first(in_market(Letter.objects.all())),
              lambda c, letter: c.post(reverse("targets:letter", args=[letter.unit.code, letter.year]),
                                       {"signatory": "", "signed_on": ""}),
              "login ok msg msg msg ok ok msg 404 404 404"),
        Write("targets:assessments", "org.Unit whose assessment round is proposed (edit or approve) — "
              "check_propose_assessments", market,
              lambda c, unit: c.post(reverse("targets:assessments") + "?year=2025", {"unit": unit.code, "do": "propose"}),
              "login ok msg msg msg ok ok msg none none none"),
        Write("targets:assessment", "targets.Assessment: its unit (approve: the head or its assessment committee "
              "confirms the grade) — check_confirm_assessments", assessment,
              post("targets:assessment", {"do": "confirm", "grade": "competent", "notified_on": day}, pk),
              "login ok msg msg msg ok msg msg 404 404 404", prepare=move(Assessment, unit=MARKET)),
        Write("targets:assessment#judge", "targets.Assessment: its unit (edit or approve: standards judged, the "
              "proposal recomputed) — check_propose_assessments", assessment,
              post("targets:assessment", {"do": "judge", "unmet": ["0"]}, pk),
              "login ok msg msg msg ok ok msg 404 404 404", prepare=move(Assessment, unit=MARKET)),
        Write("targets:papers_manage", "org.Unit drafting its white paper, one publishing that year (edit or "
              "approve) — check_manage_unit", market,
              post("targets:papers_manage", {"unit": MARKET, "do": "draft"}),
              "login ok msg msg msg ok ok msg msg msg msg", prepare=pilot_2026, creates=(WhitePaper,)),
        Write("targets:papers_manage#pilots", "org.Unit chosen to publish in a year (administer) — "
              "check_set_white_paper_pilots", market,
              lambda c, unit: c.post(reverse("targets:papers_manage") + "?year=2027", {"unit": unit.code,
                                                                                     "do": "add_pilot"}),
              "login ok msg msg msg msg msg msg msg msg msg", creates=(WhitePaperPilot,)),
        Write("targets:paper_manage", "targets.WhitePaper: its unit (approve: the head approves, publishes, "
              "withdraws)", lambda: first(WhitePaper.objects.all()),
              post("targets:paper_manage", {"to": "approved"}, pk),
              "login ok msg msg msg ok msg msg 404 404 404", prepare=draft_paper_in_market),
        Write("workbench:urge", "the unit that must act on each urged item (supervise) — cockpit.actions.do_urge_items",
              notice, post("workbench:urge", lambda n: {"item": f"targets.notice:{n.pk}", "level": "urge",
                                                       "note": "矩阵测试"}),
              "login ok msg ok msg msg msg msg msg msg msg", creates=(Urge,),
              prepare=move(Notice, unit=MARKET, status="open")),
        # --- accountability (行政问责)
        Write("accountability:inbox_bulk", "findings.Finding: each one's unit (supervise or evaluate)", finding,
              post("accountability:inbox_bulk", lambda f: {"finding": [f.pk], "action": "accept"}),
              "login ok msg ok ok msg msg msg msg msg msg"),
        Write("accountability:inbox_bulk#dismiss", "findings.Finding: each one's unit (supervise or evaluate)", finding,
              post("accountability:inbox_bulk", lambda f: {"finding": [f.pk], "action": "dismiss", "reason": "矩阵测试"}),
              "login ok msg ok ok msg msg msg msg msg msg"),
        Write("POST /api/v1/accountability/inbox/bulk", "findings.Finding: each one's unit (supervise or evaluate)",
              finding, api("POST", "/api/v1/accountability/inbox/bulk",
                           lambda f: {"findings": [f.pk], "action": "accept", "reason": "矩阵测试"}),
              "401 ok 403 ok ok 403 403 403 404 404 404"),
        Write("accountability:case_new", "org.Unit of the case and its handling body (supervise over both)", finding,
              post("accountability:case_new", lambda f: {"finding": [f.pk], "subject_kind": "unit", "unit": MARKET,
                                                         "fault_type": "delay", "summary": "矩阵测试"}),
              "login ok msg ok msg msg msg msg msg msg msg", creates=(FaultCase,)),
        Write("POST /api/v1/accountability/cases", "org.Unit of the case and its handling body (supervise over both)",
              finding, api("POST", "/api/v1/accountability/cases",
                           lambda f: {"findings": [f.pk], "subject_kind": "unit", "unit_code": MARKET,
                                      "fault_type": "delay", "summary": "矩阵测试"}),
              "401 ok 403 ok 403 403 403 403 404 404 404", creates=(FaultCase,)),
        Write("accountability:case#statement", "accountability.FaultCase: its unit (edit: the unit's statement) or "
              "its handling body (supervise)", case, case_step("statement", statement="矩阵测试陈述"),
              "login ok msg ok msg ok ok msg 404 404 404", prepare=move(FaultCase, unit=MARKET, handling_body=CITY_BUREAU, status="open")),
        Write("accountability:case#decide", "accountability.FaultCase: its handling body and unit (supervise)", case,
              lambda c, case: c.post(reverse("accountability:case", args=[case.pk]), {
                  "step": "decide", "sanction": sanction().code, "decision": "矩阵测试决定"}),
              "login ok msg ok msg msg msg msg 404 404 404", prepare=move(FaultCase, unit=MARKET, handling_body=CITY_BUREAU, status="statement")),
        Write("accountability:case#file", "accountability.FaultCase: its handling body and unit (supervise)", case,
              case_step("file"), "login ok msg ok msg msg msg msg 404 404 404",
              prepare=move(FaultCase, unit=MARKET, handling_body=CITY_BUREAU, status="decided")),
        Write("accountability:case#appeal", "accountability.FaultCase: its unit (edit) or handling body (supervise)",
              case, case_step("appeal", appeal="矩阵测试申诉"), "login ok msg ok msg ok ok msg 404 404 404",
              prepare=move(FaultCase, unit=MARKET, handling_body=CITY_BUREAU, status="filed")),
        Write("accountability:case#appeal_decision", "accountability.FaultCase: its handling body and unit "
              "(supervise)", case, case_step("appeal_decision", outcome="upheld", decision="矩阵测试"),
              "login ok msg ok msg msg msg msg 404 404 404", prepare=move(FaultCase, unit=MARKET, handling_body=CITY_BUREAU, status="appealed")),
        Write("accountability:case#close", "accountability.FaultCase: its handling body and unit (supervise)", case,
              case_step("close"), "login ok msg ok msg msg msg msg 404 404 404",
              prepare=move(FaultCase, unit=MARKET, handling_body=CITY_BUREAU, status="filed")),
        Write("POST /api/v1/accountability/cases/{case_id}/steps", "accountability.FaultCase: its handling body and "
              "unit (supervise) — check_run_case", case,
              api("POST", "/api/v1/accountability/cases/{id}/steps", {"step": "file"}),
              "401 ok 403 ok 403 403 403 403 404 404 404", prepare=move(FaultCase, unit=MARKET, handling_body=CITY_BUREAU, status="decided")),
        Write("accountability:complaint", "accountability.Complaint: its handling body (supervise), never someone of "
              "the accused unit — check_handle_complaint", complaint, complaint_step("accept"),
              "login ok msg ok msg msg msg msg 404 404 404", prepare=move(Complaint, unit=MARKET, handling_body=CITY_BUREAU, status="received")),
        Write("accountability:complaint#reject", "accountability.Complaint: its handling body (supervise)", complaint,
              complaint_step("reject", reason="矩阵测试"), "login ok msg ok msg msg msg msg 404 404 404",
              prepare=move(Complaint, unit=MARKET, handling_body=CITY_BUREAU, status="received")),
        Write("accountability:complaint#note", "accountability.Complaint: its handling body (supervise)", complaint,
              complaint_step("note", note="矩阵测试"), "login ok msg ok msg msg msg msg 404 404 404",
              prepare=move(Complaint, unit=MARKET, handling_body=CITY_BUREAU, status="accepted")),
        Write("accountability:complaint#conclude", "accountability.Complaint: its handling body (supervise)",
              complaint, complaint_step("conclude", conclusion="unsubstantiated", note="矩阵测试"),
              "login ok msg ok msg msg msg msg 404 404 404", prepare=move(Complaint, unit=MARKET, handling_body=CITY_BUREAU, status="accepted")),
        Write("accountability:complaint#reply", "accountability.Complaint: its handling body (supervise)", complaint,
              complaint_step("reply", reply="矩阵测试答复"), "login ok msg ok msg msg msg msg 404 404 404",
              prepare=move(Complaint, unit=MARKET, handling_body=CITY_BUREAU, status="concluded", conclusion="unsubstantiated")),
        Write("accountability:complaint#appeal_decision", "accountability.Complaint: its handling body (supervise)",
              complaint, complaint_step("appeal_decision", outcome="upheld"),
              "login ok msg ok msg msg msg msg 404 404 404",
              prepare=move(Complaint, unit=MARKET, handling_body=CITY_BUREAU, status="appealed", conclusion="unsubstantiated")),
        Write("accountability:complaint#close", "accountability.Complaint: its handling body (supervise)", complaint,
              complaint_step("close"), "login ok msg ok msg msg msg msg 404 404 404",
              prepare=move(Complaint, unit=MARKET, handling_body=CITY_BUREAU, status="replied", conclusion="unsubstantiated")),
        Write("POST /api/v1/accountability/complaints/{complaint_id}/accept", "accountability.Complaint: its handling "
              "body (supervise) — check_handle_complaint", complaint,
              api("POST", "/api/v1/accountability/complaints/{id}/accept", {"accept": True}),
              "401 ok 403 ok 403 403 403 403 404 404 404", prepare=move(Complaint, unit=MARKET, handling_body=CITY_BUREAU, status="received")),
        Write("accountability:complaint_new", "the handling body of the complaint (supervise): complaints taken by "
              "phone, letter or visit are registered by its officers", market,
              post("accountability:complaint_new", complaint_form("hotline")),
              "login ok msg ok msg msg msg msg msg msg msg", creates=(Complaint,)),
        Write("accountability:complain", "none: the public complaint form (anyone, rate-limited)", market,
              post("accountability:complain", complaint_form(None)),
              "ok ok ok ok ok ok ok ok ok ok ok", creates=(Complaint,)),
        Write("accountability:track", "none: the complainant's tracking number (a replied complaint's review)",
              complaint, lambda c, x: c.post(reverse("accountability:track", args=[x.tracking_number]),
                                             {"reason": "矩阵测试复查"}),
              "ok ok ok ok ok ok ok ok ok ok ok", prepare=move(Complaint, status="replied", conclusion="unsubstantiated",
                                                              replied_on=TODAY)),
        Write("accountability:track_lookup", "none: the complainant's tracking number", complaint,
              lambda c, x: c.post(reverse("accountability:track_lookup") + f"?tracking={x.tracking_number}",
                                  {"reason": "矩阵测试复查"}),
              "ok ok ok ok ok ok ok ok ok ok ok", prepare=move(Complaint, status="replied", conclusion="unsubstantiated",
                                                              replied_on=TODAY)),
        Write("accountability:review", "accountability.IncidentReview: its unit (edit)", review,
              review_step("submit", findings_text="矩阵测试", corrective_actions="矩阵测试",
                          measures_appropriate="1", rules_missing="0", negligent="0"),
              "login ok msg msg msg ok ok msg 404 404 404",
              prepare=move(IncidentReview, unit=MARKET, submitted_on=None)),
        Write("accountability:review#apology", "accountability.IncidentReview: its unit (edit)", review,
              review_step("apology", statement="矩阵测试道歉", medium="portal", published_on=day),
              "login ok msg msg msg ok ok msg 404 404 404",
              prepare=move(IncidentReview, unit=MARKET, submitted_on=TODAY, negligent=True)),
        Write("accountability:review#refusal", "accountability.IncidentReview: its unit (supervise)", review,
              review_step("refusal", what="review", note="矩阵测试"),
              "login ok msg ok msg msg msg msg 404 404 404",
              prepare=move(IncidentReview, unit=MARKET, submitted_on=None, refusal="")),
        Write("accountability:commendations", "accountability.Commendation: its unit (supervise)", commendation,
              lambda c, row: c.post(reverse("accountability:commendations"), {"id": row.pk, "award": "1"}),
              "login ok msg ok msg msg msg msg msg msg msg",
              prepare=move(Commendation, unit=MARKET, status="candidate")),
        Write("accountability:commendations#take", "findings.Finding (evaluation.commendation): each one's unit "
              "(supervise)", finding, lambda c, f: c.post(reverse("accountability:commendations"), {"take": "1"}),
              "login ok msg ok msg msg msg msg msg none msg", creates=(Commendation,),
              prepare=move(Finding, cause="evaluation.commendation", source_app="evaluation")),
        # --- evaluation (绩效评估): the performance office over the city
        Write("evaluation:round_act", "the city (evaluate) — evaluation.actions.check_evaluate", round_,
              post("evaluation:round_act", {"step": "supersede", "reason": "矩阵测试"}, pk),
              "login ok msg msg ok msg msg msg msg msg msg"),
        Write("evaluation:round_act#proposals", "the city (evaluate) — check_evaluate", round_,
              post("evaluation:round_act", {"step": "proposals"}, pk),
              "login ok msg msg ok msg msg msg msg msg msg"),
        Write("evaluation:round_values", "the city (evaluate) — check_evaluate", round_,
              lambda c, r: c.post(reverse("evaluation:round_values", args=[r.pk]), {"file": upload(
                  "values.json", json.dumps([{"unit": v.unit.code, "indicator": v.indicator.code, "value": 1}
                                             for v in r.values.filter(indicator__source="manual")
                                             .select_related("unit", "indicator").order_by("pk")[:1]]).encode())}),
              "login ok 404 404 ok 404 404 404 404 404 404", prepare=move(Round, status="draft")),
        Write("evaluation:proposal", "evaluation.Proposal: its unit (evaluate)", proposal,
              post("evaluation:proposal", {"decision": "reject", "reason": "矩阵测试"}, pk),
              "login ok 404 404 ok 404 404 404 404 404 404"),
        Write("evaluation:survey_form", "none: a public satisfaction survey with a one-time invitation token",
              lambda: first(Survey.objects.filter(status="open")),
              lambda c, s: c.post(reverse("evaluation:survey_form", args=[s.code]),
                                  {"token": SECRETS["survey"], **survey_answers(s)}),
              "ok ok ok ok ok ok ok ok ok ok ok", prepare=lambda s: s.quotas.update(target=10**6)),
        # --- oversight (监督网络)
        Write("oversight:publications", "org.Unit of the new publication (edit)", market,
              post("oversight:publications", {"unit": MARKET, "category": "plan", "title": "矩阵测试",
                                               "body": "矩阵测试", "issued_on": day}),
              "login ok msg msg msg ok ok msg msg msg msg", creates=(Publication,)),
        Write("oversight:publication", "oversight.Publication: its unit (approve)", publication,
              post("oversight:publication", {"step": "approve"}, pk),
              "login ok msg msg msg ok msg msg 404 404 404", prepare=move(Publication, status="draft")),
        Write("oversight:publication#publish", "oversight.Publication: its unit (approve)", publication,
              post("oversight:publication", {"step": "publish"}, pk),
              "login ok msg msg msg ok msg msg 404 404 404", prepare=move(Publication, status="approved")),
        Write("oversight:publication#withdraw", "oversight.Publication: its unit (approve)", publication,
              post("oversight:publication", {"step": "withdraw", "reason": "矩阵测试"}, pk),
              "login ok msg msg msg ok msg msg 404 404 404", prepare=move(Publication, status="published")),
        Write("oversight:referral_new", "oversight.Body that refers: the user works in it; the receiver oversees "
              "the unit — check_refer", market, refer,
              "login ok msg msg msg msg msg msg msg msg ok", creates=(Referral,)),
        Write("oversight:referral", "oversight.Referral: its unit (supervise), not the referring body — "
              "check_receive", referral, referral_step("register", registered_on=day),
              "login ok 404 ok 404 404 404 404 404 404 403",
              prepare=move(Referral, status="referred", registered_on=None, report_due=None, referred_on=TODAY)),
        Write("oversight:referral#note", "oversight.Referral: its unit (supervise) — check_receive", referral,
              referral_step("note", body="矩阵测试"), "login ok 404 ok 404 404 404 404 404 404 403",
              creates=(ReferralNote,)),
        Write("oversight:referral#report", "oversight.Referral: its unit (supervise) — check_receive", referral,
              referral_step("report", outcome="no_violation", summary="矩阵测试", reported_on=later),
              "login ok 404 ok 404 404 404 404 404 404 403",
              prepare=move(Referral, status="registered", registered_on=TODAY, outcome="", reported_on=None)),
        Write("POST /api/v1/oversight/referrals/{referral_id}/register", "oversight.Referral: its unit (supervise) — "
              "check_receive", referral, api("POST", "/api/v1/oversight/referrals/{id}/register",
                                             {"registered_on": day}),
              "401 ok 404 ok 404 404 404 404 404 404 403",
              prepare=move(Referral, status="referred", registered_on=None, report_due=None, referred_on=TODAY)),
        Write("POST /api/v1/oversight/referrals/{referral_id}/report", "oversight.Referral: its unit (supervise) — "
              "check_receive", referral, api("POST", "/api/v1/oversight/referrals/{id}/report",
                                             {"outcome": "no_violation", "summary": "矩阵测试", "reported_on": later}),
              "401 ok 404 ok 404 404 404 404 404 404 403",
              prepare=move(Referral, status="registered", registered_on=TODAY, outcome="", reported_on=None)),
        Write("oversight:meeting_new", "oversight.Body convening: its jurisdiction (supervise)", market,
              post("oversight:meeting_new", {"title": "矩阵测试会议", "held_on": day, "agenda": "矩阵测试"}),
              "login ok 403 ok 403 403 403 403 403 ok 403", creates=(JointMeeting,)),
        Write("oversight:meeting", "oversight.JointMeeting: its convener's jurisdiction (supervise)", meeting,
              lambda c, m: c.post(reverse("oversight:meeting", args=[m.pk]), {
                  "step": "task", "decision": "矩阵测试", "owner": m.convener_id, "workdays": 5}),
              "login ok msg ok msg 404 404 msg 404 404 msg", creates=(MeetingTask,)),
        Write("oversight:meeting#done", "oversight.MeetingTask: its owner body (the user works in it — "
              "caizheng, of the finance bureau — or supervises its unit)", meeting_task,
              lambda c, t: c.post(reverse("oversight:meeting", args=[t.meeting_id]), {
                  "step": "done", "task": t.pk, "report": "矩阵测试", "done_on": day}),
              "login ok msg ok msg 404 404 msg 404 404 ok",
              prepare=lambda t: move(MeetingTask, done_on=None, report="", owner=finance_body())(t)),
        Write("oversight:inspection_new", "oversight.Body leading: its jurisdiction (supervise)", market,
              lambda c, unit: c.post(reverse("oversight:inspection_new"), {
                  "title": "矩阵测试检查", "lead": city_body().pk, "targets": unit.code, "plan": "矩阵测试", "starts_on": day, "ends_on": later,
                  "team": [str(b.pk) for b in Body.objects.filter(jurisdiction__parent__isnull=True)
                           .exclude(kind=BodyKind.SUPERVISION).order_by("pk")[:1]]}),
              "login ok 403 ok 403 403 403 403 403 msg 403", creates=(JointInspection,)),
        Write("oversight:inspection", "org.Unit the issue is about (supervise)", inspection,
              lambda c, i: c.post(reverse("oversight:inspection", args=[i.pk]), {
                  "step": "issue", "unit": MARKET, "description": "矩阵测试", "found_on": day, "workdays": 5}),
              "login ok 404 ok 404 msg msg 404 404 404 msg", creates=(InspectionIssue,), prepare=underway),
        Write("oversight:inspection#rectify", "oversight.InspectionIssue: its unit (edit)", issue,
              issue_step("rectify", report="矩阵测试", reported_on=day),
              "login ok 404 msg 404 ok ok 404 404 404 msg", prepare=issue_in_market("open")),
        Write("oversight:inspection#accept", "oversight.InspectionIssue: its unit (supervise)", issue,
              issue_step("accept", accepted_on=day), "login ok 404 ok 404 msg msg 404 404 404 msg",
              prepare=issue_in_market("reported", reported_on=TODAY)),
        Write("oversight:inspection#close", "oversight.JointInspection: its lead body's jurisdiction (supervise)",
              inspection, lambda c, i: c.post(reverse("oversight:inspection", args=[i.pk]), {
                  "step": "close", "conclusion": "矩阵测试", "closed_on": later}),
              "login ok 404 ok 404 msg msg 404 404 404 msg",
              prepare=lambda i: (underway(i), i.issues.update(status="accepted"))),
        Write("oversight:external", "org.Unit evaluated by deputies (supervise records the evaluation)", market,
              post("oversight:external", {"unit": MARKET, "evaluator_kind": "deputy", "evaluator": "矩阵测试",
                                          "visited_on": day, "rating": "satisfied"}),
              "login ok msg ok msg msg msg msg msg msg msg", creates=(ExternalEvaluation,)),
        Write("oversight:run_checks", "the supervision office (supervise somewhere): the daily overdue checks, "
              "the same whoever runs them", meeting_task, post("oversight:run_checks", {}),
              "login ok 403 ok 403 403 403 403 403 ok 403",
              prepare=move(MeetingTask, due_on=TODAY - timedelta(days=60), escalated_on=None, done_on=None)),
        # --- Open311 (GeoReport v2): a client's api_key, not a log-in
        Write("open311:requests", "accountability.Open311Key: the client's api_key (no log-in writes here)",
              market, lambda c, unit: c.post("/open311/v2/requests.json", {
                  "api_key": SECRETS["open311"], "service_code": ComplaintCategory.objects.filter(active=True)
                  .order_by("pk").first().code, "address_string": "矩阵测试", "description": "矩阵测试",
                  "attribute[unit]": unit.code}),
              "ok ok ok ok ok ok ok ok ok ok ok", creates=(Complaint,)),
        Write("open311:requests#no_key", "accountability.Open311Key: without a key nothing is filed", market,
              lambda c, unit: c.post("/open311/v2/requests.json", {"service_code": "x", "description": "矩阵测试"}),
              "403 403 403 403 403 403 403 403 403 403 403"),
    ]


def survey_answers(survey: Any) -> dict[str, Any]:
    """A valid answer to every question: 5 on a scale, the first choice, a line of text."""
    answers: dict[str, Any] = {}
    for q in survey.questions.all():
        answers[f"q{q.pk}"] = {"likert": "5", "single": (q.choices or [""])[0], "multiple": (q.choices or [""])[:1],
                               "text": "矩阵测试"}[q.kind]
    return answers
