"""``{% load supervision %}``: readable names of the codes the approval systems report."""

from django import template

from zeren.supervision.models import STEP_LABELS, Outcome

register = template.Library()


@register.filter
def step_label(code: str) -> str:
    """A handling step's name (办理环节); a system's own step code as reported."""
    label = STEP_LABELS.get(code)
    return str(label) if label is not None else code


@register.filter
def outcome_label(code: str) -> str:
    """A decision's outcome (准予/不予许可); blank for none."""
    return str(Outcome(code).label) if code in Outcome.values else code
