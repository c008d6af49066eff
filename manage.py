#!/usr/bin/env python
"""Django's command-line utility for notifyadmin."""

import os
import sys


def main() -> None:
    from notifyadmin.settings import settings_module_for

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module_for(os.environ.get("NOTIFY_ENVIRONMENT", "local")))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
