"""The `attune` console script: Django's manage.py for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.settings")
    if sys.argv[1:2] == ["score"]:
        # Batch scoring touches no database, app or template: starting Django's apps would cost more CPU than
        # scoring a large file's worth of I/O (bench/score.py), so the command runs on its own.
        from attune.measures.management.commands.score import Command

        Command().run_from_argv(sys.argv)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
