"""The ``anjian`` console script: Django's management commands.

``anjian migrate``, ``anjian demo``, ``anjian run``, ``anjian worker`` …
"""

import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
