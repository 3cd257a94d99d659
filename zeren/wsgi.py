"""WSGI entry point: ``gunicorn zeren.wsgi`` (what ``zeren serve`` runs).

Each worker also seals the audit log's tail on a schedule (``zeren.audit.schedule``), so checkpoints
do not depend on a separate ``zeren run_huey``.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zeren.settings")
application = get_wsgi_application()

from zeren.audit.schedule import start  # noqa: E402 (needs the settings configured above)
from zeren.core.startup import settle  # noqa: E402

start()
settle()
