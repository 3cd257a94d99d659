"""Data versions for caches invalidated by change: the last audit entry of each app.

Every change in zeren is recorded in the audit log (the project's rule), so the highest entry of the
apps a computation reads is a version of its inputs: cached under that version, a result is computed
afresh after any change and never expires otherwise (the cockpit's panels, the supervision board's
statistics). Unit names and the tree (``org``) and the working-day calendar (``workcal``) are read by
nearly everything, so they are part of every version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

from zeren.audit.models import AuditEntry, AuditHead

VERSIONS_KEY = "cockpit:versions"
REBUILD_AFTER = 20_000  # more new audit entries than this since the last look: consider every app changed
ALWAYS = ("org", "workcal")
CACHE_SECONDS = 36 * 3600

T = TypeVar("T")


def _head() -> int:
    return int(AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0)


def data_versions() -> dict[str, Any]:
    """``{"head", "base", "apps": {app: seq}}``: the last audit entry of each app (its action prefix)
    since ``base``; apps with none since then are at ``base``. Kept in the cache and brought up to date
    from the entries after the last look (usually none: one query of the head)."""
    head = _head()
    state = cache.get(VERSIONS_KEY)
    if state is not None and state["head"] == head:
        return state
    if state is None or head < state["head"] or head - state["head"] > REBUILD_AFTER:
        state = {"head": head, "base": head, "apps": {}}
    else:
        apps = dict(state["apps"])
        for seq, action in AuditEntry.objects.filter(seq__gt=state["head"], seq__lte=head).values_list("seq", "action"):
            prefix = action.split(".", 1)[0]
            apps[prefix] = max(apps.get(prefix, 0), seq)
        state = {"head": head, "base": state["base"], "apps": apps}
    cache.set(VERSIONS_KEY, state, None)
    return state


def version_of(apps: tuple[str, ...], versions: dict[str, Any]) -> int:
    return max([versions["base"], *(versions["apps"].get(a, 0) for a in (*apps, *ALWAYS))])


def query_key(*parts: Any) -> str:
    """A short cache key for ``parts`` — querysets by their SQL — that may be long or hold any text."""
    return hashlib.sha256(repr([str(p.query) if hasattr(p, "query") else p for p in parts]).encode()).hexdigest()[:32]


def cached(key: str, apps: tuple[str, ...], compute: Callable[[], T]) -> T:
    """``compute()``, cached under ``key`` and the data version of ``apps``."""
    versioned = f"{key}:{version_of(apps, data_versions())}"
    found = cache.get(versioned)
    if found is None:
        found = compute()
        cache.set(versioned, found, CACHE_SECONDS)
    return found
