"""Signals of the organisation registry, for caches built on it in other apps."""

from django.dispatch import Signal

# Sent when units were written other than one ``save()`` each (bulk import, a subtree moved by one
# UPDATE), which Django's ``post_save`` does not report: listeners drop what they built on units.
units_changed = Signal()
