"""The `gtec` console command: a thin front over Django's management commands.

gtec import rome|fap|geo|all   load the official referentials
gtec data fetch                download the official files
gtec serve                     run the web server (development server)
gtec demo generate --scale S   write a synthetic demo territory (gtec_core.demo)
gtec <any django command>      e.g. gtec migrate, gtec createsuperuser
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "import": "import_data",
    "serve": "runserver",
    "match-titles": "match_titles",
    "extract-skills": "extract_skills",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    try:
        execute_from_command_line(["gtec", *argv[1:]])
    except ImproperlyConfigured as exc:  # e.g. production settings without SECRET_KEY: say it plainly
        sys.stderr.write(f"Configuration incorrecte : {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
