"""`python -m notifyadmin.safety`: check the hazard log's traceability and render the safety case.

python -m notifyadmin.safety render [--out var/safety-case] [--results PATH] [--no-pdf] [--no-app-records]
python -m notifyadmin.safety check

`render` lays the statuses and raised hazards recorded in the app over the log when it can read
the app's database (NOTIFY_ENVIRONMENT's settings, DATABASE_URL); without one (a fresh clone) it
says so and renders the log as it is in the repository.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from notifyadmin.safety.hazard_log import REPO_ROOT, HazardLogError, hazard_log_load
from notifyadmin.safety.overlay import EMPTY_OVERLAY, AppOverlay
from notifyadmin.safety.results import DEFAULT_RESULTS_PATH


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notifyadmin.safety", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="write safety-case.html and safety-case.pdf")
    render.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "safety-case")
    render.add_argument("--results", type=Path, default=DEFAULT_RESULTS_PATH)
    render.add_argument("--no-pdf", action="store_true", help="HTML only")
    render.add_argument("--no-app-records", action="store_true", help="the log only, without the app's statuses")
    commands.add_parser("check", help="check the links between hazards, code and tests")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check()
        return _render(out=args.out, results=args.results, pdf=not args.no_pdf, app_records=not args.no_app_records)
    except HazardLogError as error:
        print(error, file=sys.stderr)
        return 1


def _check() -> int:
    from notifyadmin.safety.traceability import marked_tests_index, traceability_problems

    problems = traceability_problems(hazards=hazard_log_load(), index=marked_tests_index(tests_dir=REPO_ROOT / "tests"))
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} traceability problems.")
    return 1 if problems else 0


def _app_overlay() -> tuple[AppOverlay, str]:
    """The app's records, or the empty overlay and why they could not be read."""
    try:
        import django
        from django.db import DatabaseError

        from notifyadmin.settings import settings_module_for

        environment = os.environ.get("NOTIFY_ENVIRONMENT", "local")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module_for(environment))
        django.setup()
        from notifyadmin.safety.selectors import app_overlay

        try:
            return app_overlay(), ""
        except DatabaseError as error:
            return EMPTY_OVERLAY, f"the app's database could not be read ({type(error).__name__})"
    except Exception as error:  # noqa: BLE001 - any settings problem means "no app records", said aloud
        return EMPTY_OVERLAY, f"the app's settings could not be loaded ({type(error).__name__}: {error})"


def _render(*, out: Path, results: Path, pdf: bool, app_records: bool = True) -> int:
    from notifyadmin.safety.case import safety_case_build
    from notifyadmin.safety.render import safety_case_write

    overlay, why_not = _app_overlay() if app_records else (EMPTY_OVERLAY, "--no-app-records")
    case = safety_case_build(results_path=results, overlay=overlay)
    written = safety_case_write(case=case, out_dir=out, pdf=pdf)
    print(f"Safety case for notifyadmin {case.release.version} ({case.release.commit[:12]}):")
    print(f"  {written.html}")
    if written.pdf:
        print(f"  {written.pdf}")
    if not results.exists():
        print(f"  No test results at {results}: every test shows as not run. Run `make test` first.")
    if why_not:
        print(f"  Statuses recorded in the app not shown: {why_not}.")
    else:
        changed = sum(1 for entry in case.entries if entry.app_history)
        print(f"  With the app's records: {changed} hazards with a status set in the app, {len(case.raised)} raised.")
    for item in case.failing_controls:
        print(f"  FAILING control {item.control.ref}: {item.control.summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
