"""`python -m notifyadmin.safety`: check the hazard log's traceability and render the safety case.

python -m notifyadmin.safety render [--out var/safety-case] [--results PATH] [--no-pdf]
python -m notifyadmin.safety check
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from notifyadmin.safety.hazard_log import REPO_ROOT, HazardLogError, hazard_log_load
from notifyadmin.safety.results import DEFAULT_RESULTS_PATH


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notifyadmin.safety", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="write safety-case.html and safety-case.pdf")
    render.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "safety-case")
    render.add_argument("--results", type=Path, default=DEFAULT_RESULTS_PATH)
    render.add_argument("--no-pdf", action="store_true", help="HTML only")
    commands.add_parser("check", help="check the links between hazards, code and tests")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check()
        return _render(out=args.out, results=args.results, pdf=not args.no_pdf)
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


def _render(*, out: Path, results: Path, pdf: bool) -> int:
    from notifyadmin.safety.case import safety_case_build
    from notifyadmin.safety.render import safety_case_write

    case = safety_case_build(results_path=results)
    written = safety_case_write(case=case, out_dir=out, pdf=pdf)
    print(f"Safety case for notifyadmin {case.release.version} ({case.release.commit[:12]}):")
    print(f"  {written.html}")
    if written.pdf:
        print(f"  {written.pdf}")
    if not results.exists():
        print(f"  No test results at {results}: every test shows as not run. Run `make test` first.")
    for item in case.failing_controls:
        print(f"  FAILING control {item.control.ref}: {item.control.summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
