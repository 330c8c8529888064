"""`oocheck check --format jsonl` over every model/docstring folder of the csn split, as a user would run it.

Prints, per folder and in total: findings, findings by code, exit code, any traceback, wall time.

    python benchmarks/check_csn.py [--root ../shared/realclasseval] [--mypy]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "realclasseval"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--mypy", action="store_true", help="keep the mypy bridge on (default: --no-mypy)")
    args = parser.parse_args()
    base = args.root / "functional_correctness_test_folder" / "csn"
    folders = sorted(p for p in base.glob("*/*") if p.is_dir() and not p.name.endswith("_reports"))
    if not folders:
        print(f"no csn folders under {base}", file=sys.stderr)
        return 2
    total: Counter[str] = Counter()
    tracebacks = 0
    started = time.perf_counter()
    for folder in folders:
        command = [sys.executable, "-m", "oocheck", "check", "--format", "jsonl", str(folder)]
        if not args.mypy:
            command.append("--no-mypy")
        t0 = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        codes = Counter(json.loads(line)["code"] for line in proc.stdout.splitlines() if line.strip())
        total.update(codes)
        tracebacks += "Traceback" in proc.stderr
        print(f"{folder.relative_to(base)}: {sum(codes.values())} findings, exit {proc.returncode}, "
              f"{time.perf_counter() - t0:.1f} s{'  TRACEBACK' if 'Traceback' in proc.stderr else ''}")
    wall = time.perf_counter() - started
    print(f"\n{len(folders)} folders, {sum(total.values())} findings, {tracebacks} tracebacks, {wall:.1f} s wall")
    print("by code: " + ", ".join(f"{code} {n}" for code, n in sorted(total.items())))
    return 1 if tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
