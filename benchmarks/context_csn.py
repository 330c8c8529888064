"""Wall time of `oocheck context FILE:Class` on classes of the csn split's human-written code.

Each run is a whole process, as a user or an agent runs it; the index is the containing folder's
(1,278 files in one flat folder), scoped by `context` itself. `oocheck version` is timed the same way,
as the floor the machine's load and Python's start-up put under any command. Target: under 1 s.

    python benchmarks/context_csn.py [--root ../shared/realclasseval] [--classes 20] [--split-folder partial_docstr]
"""

from __future__ import annotations

import argparse
import ast
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "realclasseval"


def _timed(command: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall seconds and CPU seconds (user + system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def _first_class(path: Path) -> str | None:
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return None
    return next((node.name for node in tree.body if isinstance(node, ast.ClassDef)), None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--classes", type=int, default=20, help="how many classes (every n-th file, sorted)")
    parser.add_argument("--split-folder", default="partial_docstr")
    args = parser.parse_args()
    folder = (args.root / "data" / "functional_correctness_data" / "csn" / "human_written_classes"
              / args.split_folder / "human")
    files = sorted(folder.glob("*.py"))
    if not files:
        print(f"no human-written classes under {folder}", file=sys.stderr)
        return 2
    step = max(len(files) // args.classes, 1)
    targets = [(f, c) for f in files[::step][: args.classes] if (c := _first_class(f)) is not None]
    oocheck = [sys.executable, "-m", "oocheck"]
    floor = [_timed([*oocheck, "version"])[:2] for _ in range(5)]
    times: list[float] = []
    cpus: list[float] = []
    failures = 0
    for path, name in targets:
        seconds, cpu, proc = _timed([*oocheck, "context", f"{path}:{name}"])
        times.append(seconds)
        cpus.append(cpu)
        if proc.returncode != 0 or "Traceback" in proc.stderr:
            failures += 1
            print(f"FAILED {path.name}:{name}: {proc.stderr.strip()[:300]}", file=sys.stderr)
    print(f"{len(targets)} classes from {folder} ({len(files)} files in the folder)")
    print(f"oocheck context: wall median {statistics.median(times):.2f} s, max {max(times):.2f} s, "
          f"under 1 s: {sum(t < 1 for t in times)}/{len(times)}; CPU median {statistics.median(cpus):.2f} s, "
          f"max {max(cpus):.2f} s; failures: {failures}")
    print(f"oocheck version (start-up floor): wall median {statistics.median(w for w, _ in floor):.2f} s, "
          f"CPU median {statistics.median(c for _, c in floor):.2f} s")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
