"""``zeren serve [ADDR:PORT]``: the web app under gunicorn (not Django's debug server).

Static files are served by WhiteNoise from the app folders. For a larger deployment run
gunicorn behind a reverse proxy with PostgreSQL, e.g.::

    ZEREN_PROFILE=production ZEREN_DATABASE_URL=postgres://… zeren collectstatic --noinput
    ZEREN_PROFILE=production gunicorn zeren.wsgi -b 0.0.0.0:8000 -w 9 --threads 4
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the zeren web app with gunicorn (default 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="ADDR:PORT or PORT")
        parser.add_argument("--workers", type=int, default=min(4, 2 * (os.cpu_count() or 1) + 1))
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, addrport: str, workers: int, threads: int, **options):
        bind = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        host, _, port = bind.rpartition(":")
        if not port.isdigit():
            raise CommandError(f"not an ADDR:PORT: {addrport!r}")
        self.stdout.write(f"zeren: serving on http://{bind}/ (gunicorn, {workers} workers × {threads} threads)")
        sys.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "zeren.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--threads", str(threads),
            "--access-logfile", "-", "--timeout", "120",
        ]
        os.execv(sys.executable, argv)
