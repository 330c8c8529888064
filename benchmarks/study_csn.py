"""Run the whole accuracy study on the csn split of RealClassEval; print the headline table and the wall time.

    python benchmarks/study_csn.py [ROOT]

ROOT defaults to OOCHECK_REALCLASSEVAL, else `../shared/realclasseval` beside the clone. The issue's
budget: under 3 minutes on a 2-core machine.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from rich.console import Console

from oocheck.study.report import render_headline
from oocheck.study.runner import run_study


def _root(argv: list[str]) -> Path:
    if argv:
        return Path(argv[0])
    if "OOCHECK_REALCLASSEVAL" in os.environ:
        return Path(os.environ["OOCHECK_REALCLASSEVAL"])
    return Path(__file__).resolve().parents[2] / "shared" / "realclasseval"


def main(argv: list[str]) -> int:
    root = _root(argv)
    if not root.is_dir():
        sys.stderr.write(f"study_csn: {root}: no such folder (give the RealClassEval root)\n")
        return 2
    started = time.perf_counter()
    run = run_study(root, "csn")
    wall = time.perf_counter() - started
    console = Console(width=160)
    render_headline(run.metrics(), console)
    stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.seconds.items() if name != "total")
    console.print(f"wall time {wall:.1f} s ({stages}); {run.files} files checked, {len(run.scored)} test cases")
    for warning in run.warnings:
        console.print(f"warning: {warning}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
