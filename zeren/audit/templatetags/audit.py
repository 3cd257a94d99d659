"""``{% load audit %}{% history_url obj %}``: the URL of a record's change history."""

from django import template
from django.db import models
from django.urls import reverse

from zeren.audit.actions import object_label

register = template.Library()


@register.simple_tag
def history_url(obj: models.Model) -> str:
    object_type, object_id = object_label(obj)
    return reverse("audit:history", args=[object_type, object_id])
