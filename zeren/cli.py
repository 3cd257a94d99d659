"""The ``zeren`` console script: Django's management commands plus zeren's own.

``zeren migrate``, ``zeren createsuperuser``, ``zeren demo``, ``zeren serve``, ``zeren import popolo FILE``…
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zeren.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "zeren"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
