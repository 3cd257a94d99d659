"""The ``zeren`` console script: Django's management commands plus zeren's own.

``zeren migrate``, ``zeren createsuperuser``, ``zeren demo``, ``zeren serve``, ``zeren import popolo FILE``…

Every command works in a fresh folder. Before a command that uses the database runs, the
script compares the migrations on disk with those the database has applied (one query and a
directory listing, no migration module imported):

- on the embedded SQLite default it applies the missing ones itself and says so on stderr;
- on PostgreSQL (``ZEREN_DATABASE_URL``), where schema changes are an administrator's decision,
  it stops with one line naming the command to run.

A database that cannot be reached, or any other database error, ends in one line, not a
traceback (``ZEREN_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import os
import sys

# Commands that need no up-to-date schema: they manage migrations, inspect the code or work on
# files only. Everything else is brought up to date (SQLite) or stopped (PostgreSQL) first.
NO_SCHEMA_NEEDED = frozenset({
    "migrate", "makemigrations", "showmigrations", "sqlmigrate", "squashmigrations", "optimizemigration",
    "check", "help", "version", "makemessages", "compilemessages", "collectstatic", "findstatic",
    "diffsettings", "startapp", "startproject", "test", "testserver", "dbshell", "sqlflush", "sqlsequencereset",
})
# `zeren audit verify-proof FILE` checks a proof without any database.
NO_SCHEMA_NEEDED_SUBCOMMANDS = frozenset({("audit", "verify-proof")})


class SchemaNotReady(Exception):
    """The database lacks migrations and the command may not apply them itself."""


def _needs_schema(args: list[str]) -> bool:
    words = [a for a in args[1:] if not a.startswith("-")]
    if not words or words[0] in NO_SCHEMA_NEEDED:
        return False
    return tuple(words[:2]) not in NO_SCHEMA_NEEDED_SUBCOMMANDS and not ({"-h", "--help"} & set(args))


def _without_system_checks(args: list[str]) -> list[str]:
    """``args`` with ``--skip-checks`` after the name of a zeren command other than ``serve``.

    Django runs every system check before a command, and the URL checks import every view and
    API module (about a third of the start-up of `zeren calendar add-workdays`). zeren's own
    commands do not need them: `zeren check`, `zeren migrate` and `zeren serve` still run them.
    """
    from django.core.management import get_commands

    words = [a for a in args[1:] if not a.startswith("-")]
    if not words or words[0] == "serve" or not get_commands().get(words[0], "").startswith("zeren."):
        return args
    at = args.index(words[0]) + 1
    return [*args[:at], "--skip-checks", *args[at:]]


def unapplied_migrations() -> list[tuple[str, str]]:
    """(app label, name) of every migration file on disk that the database has not recorded."""
    from importlib.util import find_spec
    from pathlib import Path

    from django.apps import apps
    from django.db import DatabaseError, connection
    from django.db.migrations.recorder import MigrationRecorder

    on_disk = []
    for config in apps.get_app_configs():
        spec = find_spec(f"{config.name}.migrations")
        if spec is None or not spec.submodule_search_locations:
            continue
        for folder in spec.submodule_search_locations:
            on_disk += [(config.label, p.stem) for p in Path(folder).glob("[0-9]*.py")]
    try:
        recorder = MigrationRecorder(connection)
        applied = set(recorder.applied_migrations()) if recorder.has_table() else set()
    except DatabaseError:
        applied = set()
    return sorted(set(on_disk) - applied)


def ensure_schema() -> None:
    """Bring the embedded database up to date, or raise :class:`SchemaNotReady` for PostgreSQL."""
    from django.db import connection

    missing = unapplied_migrations()
    if not missing:
        return
    if connection.vendor != "sqlite":
        raise SchemaNotReady(f"the database {connection.settings_dict['NAME']!r} is not up to date "
                             f"({len(missing)} migration(s) not applied): run `zeren migrate` first")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    sys.stderr.write(f"zeren: database {connection.settings_dict['NAME']} brought up to date "
                     f"({len(missing)} migration(s) applied)\n")


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zeren.settings")
    import django
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    args = list(sys.argv if argv is None else argv)
    args[0] = "zeren"
    try:
        if _needs_schema(args):
            django.setup()
            ensure_schema()
            args = _without_system_checks(args)
        execute_from_command_line(args)
    except SchemaNotReady as exc:
        sys.stderr.write(f"zeren: {exc}\n")
        sys.exit(2)
    except DatabaseError as exc:
        if os.environ.get("ZEREN_DEBUG") == "1":
            raise
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(f"zeren: database error: {first_line} (ZEREN_DEBUG=1 shows the traceback)\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
