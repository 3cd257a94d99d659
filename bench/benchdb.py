"""What every database benchmark does first: Django configured on a scratch home or database, migrated."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def setup_django(home: str, database_url: str | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zeren.settings")
    os.environ["ZEREN_HOME"] = home
    if database_url:
        os.environ["ZEREN_DATABASE_URL"] = database_url
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
