"""Soundness on many generated programs: how often each confidence's predictions held, and recall.

    python benchmarks/soundness.py                      # 5,000 programs, seed 0
    python benchmarks/soundness.py --programs 20000 --seed 7 --show 3

Generates random programs of classes and their uses (`tests/programgen.py`, needs the `dev` extra
for hypothesis), checks each with oocheck in-process (`--no-mypy`, every confidence), runs it
(`tests/soundness_runner.py`) and prints: programs, findings by confidence, the share of each
confidence's AttributeError/TypeError predictions that held (raised on every run of their line),
and recall: how many units that really ended in an AttributeError or TypeError oocheck predicted.
`--show N` prints the first N programs with an unsound high-confidence finding.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from programgen import Program, programs
from soundnesslib import HELD, NOT_RAISED, NOT_RUN, PARTLY, ProgramRunner, Tally, check_and_run

VERDICTS = (HELD, PARTLY, NOT_RAISED, NOT_RUN)


def measure(count: int, seed_value: int, show: int) -> tuple[Tally, float]:
    tally = Tally()
    runner = ProgramRunner()
    shown = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="oocheck-soundness-") as folder:

        @seed(seed_value)
        @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(program=programs())
        def one(program: Program) -> None:
            nonlocal shown
            judged = check_and_run(program.source(), Path(folder), runner)
            tally.add(judged)
            if (judged.unsound() or judged.warnings or "error" in judged.outcome) and shown < show:
                shown += 1
                print(judged.outcome.get("error", ""), judged.describe(), sep="\n", end="\n\n")

        one()
    runner.close()
    return tally, time.perf_counter() - started


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "n/a"


def report(tally: Tally, seconds: float) -> None:
    print(f"programs: {tally.programs} in {seconds:.0f} s; oocheck rule failures (warnings): {tally.warnings}; "
          f"programs that did not run: {tally.errors}")
    print("AttributeError/TypeError findings by confidence, and what happened on their line:")
    for confidence in ("high", "medium", "low"):
        counts = {v: tally.verdicts[(confidence, v)] for v in VERDICTS}
        judged = counts[HELD] + counts[PARTLY] + counts[NOT_RAISED]
        print(f"  {confidence:6} {sum(counts.values()):6} findings: held {share(counts[HELD], judged)} "
              f"(raised on every run), raised on some runs {share(counts[PARTLY], judged)}, "
              f"never raised {share(counts[NOT_RAISED], judged)}; not run: {counts[NOT_RUN]}")
    print("Recall on the generated failures (units ending in the exception; best finding on its traceback):")
    for exception in ("AttributeError", "TypeError"):
        by = {c: tally.failures[(exception, c)] for c in ("high", "medium", "low", "none")}
        total = sum(by.values())
        print(f"  {exception:14} {total:6} failures: predicted at high {share(by['high'], total)}, "
              f"at medium or above {share(by['high'] + by['medium'], total)}, "
              f"at any confidence {share(total - by['none'], total)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=0, help="print this many programs with unsound findings")
    args = parser.parse_args()
    tally, seconds = measure(args.programs, args.seed, args.show)
    report(tally, seconds)
    unsound = tally.verdicts[("high", PARTLY)] + tally.verdicts[("high", NOT_RAISED)]
    sys.exit(1 if unsound or tally.warnings else 0)


if __name__ == "__main__":
    main()
