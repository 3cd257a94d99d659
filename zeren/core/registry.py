"""How apps contribute to each other without importing each other: by a module of an agreed name.

An app offers indicator sources in ``indicators.py``, finding causes in ``causes.py``, its part of
the demo in ``demo.py``; the consumer walks the installed apps for that module name, so it never
names (or imports) a producer.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured


def app_modules(name: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """``(app config, module)`` of each installed zeren app that has a module ``name``, in
    ``INSTALLED_APPS`` order. An import error inside such a module is raised, not skipped."""
    for config in apps.get_app_configs():
        if not config.name.startswith("zeren."):
            continue
        try:
            module = import_module(f"{config.name}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
            continue
        yield config, module


def declared(name: str, attribute: str, what: str) -> dict[str, Any]:
    """``key → value`` over every installed app's ``<name>.py`` dict ``attribute`` (``MESSAGES`` in
    ``messages.py``…); a key declared twice is an error naming ``what`` it is and the second app."""
    found: dict[str, Any] = {}
    for config, module in app_modules(name):
        for key, value in getattr(module, attribute, {}).items():
            if key in found:
                raise ImproperlyConfigured(f"{what} {key!r} is declared twice ({config.label})")
            found[key] = value
    return found
