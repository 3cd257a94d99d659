"""``{% load audit %}``: ``{% history_url obj %}``, the URL of a record's change history; and the audit
log's readable names (zeren.audit.labels): ``{{ e.action|action_label }}``, ``{{ e.object_type|object_type_label }}``,
``{% for label, before, after, changed in row.changes|labelled_changes:e.object_type %}``, ``{{ e.reason|reason_text }}``."""

from django import template
from django.db import models
from django.urls import reverse

from zeren.audit import labels
from zeren.audit.actions import object_label
from zeren.core.messages import recognise

register = template.Library()


@register.simple_tag
def history_url(obj: models.Model) -> str:
    object_type, object_id = object_label(obj)
    return reverse("audit:history", args=[object_type, object_id])


register.filter("action_label", labels.action_label)
# An entry's reason as written; a reason code wrote (立案问责 WZ2026-0001) in the reader's language.
register.filter("reason_text", recognise)
register.filter("object_type_label", labels.object_type_label)


@register.filter
def labelled_changes(changes: dict, object_type: str) -> list:
    return labels.labelled_changes(object_type, changes)


@register.filter
def actor_label(username: str) -> str:
    """Who wrote an entry: the user name; 系统 for the system itself, 公众 for an anonymous submission."""
    return labels.actor_label(username)


@register.filter
def record_label(ref: str) -> str:
    """A reference to a record written ``<app>.<model>:<key>`` (e.g. ``duties.draftchange:1``) as its kind
    and key, "调整草案 1"; anything else as it is."""
    kind, sep, key = (ref or "").partition(":")
    return f"{labels.object_type_label(kind)} {key}" if sep and "." in kind else ref
