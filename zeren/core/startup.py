"""What a server process does once the application is loaded, before its first request."""

from __future__ import annotations

import gc


def settle() -> None:
    """Import every view (through the URLconf), collect, then freeze the heap (``gc.freeze``): the
    objects of a loaded application — modules, classes, URL patterns — live as long as the process,
    and frozen they are no longer scanned by each full garbage collection. Unfrozen, a full collection
    scanned them all, ~80 ms added to whichever request set it off: a page building many objects (a
    target's subtree) set one off nearly every time (/targets/t/<id>/ 150 → 70 ms, city demo)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views)
    gc.collect()
    gc.freeze()
