"""Supervision API: departments' systems push events; officers read alerts and cases."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import HttpBearer

from zeren.supervision.actions import do_ingest_events, token_digest
from zeren.supervision.events import parse_body
from zeren.supervision.models import SourceSystem

router = Router(tags=["supervision"])


class SourceToken(HttpBearer):
    """``Authorization: Bearer <token>`` of a registered, active source system."""

    def authenticate(self, request: HttpRequest, token: str) -> SourceSystem | None:
        return SourceSystem.objects.select_related("unit").filter(
            token_sha256=token_digest(token), active=True).first()


class Rejected(Schema):
    index: int
    event_id: str | None
    field: str
    reason: str


class IngestOut(Schema):
    batch: int | None
    accepted: int
    duplicates: int
    rejected: int
    rejections: list[Rejected]


@router.post("/events", response=IngestOut, auth=SourceToken(),
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                 "application/x-ndjson": {"schema": {"type": "string"}}}}})
def post_events(request: HttpRequest) -> dict[str, Any]:
    """Report events (办件事件): a JSON array or JSONL body, schema in docs/events.md.

    Answers after the batch committed: counts, and every rejection with its index and the field
    at fault. Events for units outside the token's unit are rejected.
    """
    result = do_ingest_events(source=request.auth, events=parse_body(request.body))
    return {"batch": result.batches[0] if result.batches else None, "accepted": result.accepted,
            "duplicates": result.duplicates, "rejected": result.rejected, "rejections": result.rejections}
