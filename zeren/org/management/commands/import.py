"""``zeren import FORMAT FILE``: read outside data, all or nothing.

Formats: ``popolo`` (Popolo JSON, docs/popolo.md) and ``org-xlsx`` (an org chart in Excel,
docs/org-xlsx.md). A bad file exits non-zero naming the place (JSON path, or sheet/row/column)
and field, and writes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zeren.core.importing import problem
from zeren.core.jsoninput import read_json_file
from zeren.org.actions import do_import_registry
from zeren.org.popolo import from_popolo
from zeren.org.registry import RegistryData, RegistryError
from zeren.org.xlsx import read_org_xlsx


def _popolo(path: Path, *, quiet: bool) -> RegistryData:
    try:
        doc = read_json_file(path.read_bytes())
    except json.JSONDecodeError as exc:
        raise RegistryError([problem(path.name, exc.lineno, "", _("不是有效的 JSON（第 %(column)s 列：%(error)s）") % {
            "column": exc.colno, "error": exc.msg})]) from None
    except UnicodeDecodeError:
        raise RegistryError([problem(path.name, 0, "", _("不是 UTF-8 文本"))]) from None
    except ValueError as exc:  # what no database can store, or nested or written beyond bounds
        raise RegistryError([problem(path.name, 0, "", str(exc))]) from None
    return from_popolo(doc, str(path))


FORMATS = {"popolo": _popolo, "org-xlsx": read_org_xlsx}


class Command(BaseCommand):
    help = "Import data, all or nothing: `zeren import popolo FILE` or `zeren import org-xlsx FILE`."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(FORMATS))
        parser.add_argument("file")
        parser.add_argument("--reason", default="", help="why (goes into the audit entry)")

    def handle(self, *args, format, file, reason, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            registry = FORMATS[format](path, quiet=options["verbosity"] < 1)
            result = do_import_registry(None, registry, str(path), reason=reason or f"zeren import {format}")
        except RegistryError as exc:
            raise CommandError(_("导入被拒绝，未写入任何数据（%(n)s 处错误）：") % {"n": len(exc.problems)} + f"\n{exc}") from None
        self.stdout.write(self.style.SUCCESS(f"zeren import {format}: {result.summary()}"))
        self.stdout.write(f"sha256 {result.digest}")
