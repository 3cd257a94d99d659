"""Pages of the web shell itself: the server-error page (the other error pages are Django's own
handlers rendering ``403.html`` and ``404.html`` of this app)."""

from __future__ import annotations

import contextlib

from django.http import HttpRequest, HttpResponseServerError
from django.template import loader

from zeren.core.context import shell


def server_error(request: HttpRequest) -> HttpResponseServerError:
    """``handler500``: ``500.html`` in the site's layout. Django's default renders it without the
    request (so without the navigation and the language); here the shell's context is added when
    it can be built — the error may be the database itself, and then the page goes without it."""
    context: dict = {"request": request}
    with contextlib.suppress(Exception):  # the error page must render whatever broke
        user = request.user
        _ = user.is_authenticated  # reads the session (and the database) now, not halfway through rendering
        context.update(shell(request), user=user)
    return HttpResponseServerError(loader.get_template("500.html").render(context))
