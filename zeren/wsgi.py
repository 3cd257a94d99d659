"""WSGI entry point: ``gunicorn zeren.wsgi`` (what ``zeren serve`` runs)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zeren.settings")
application = get_wsgi_application()
