"""Where a cold check's CPU time goes, phase by phase, in one process (no fork, no mypy).

    python benchmarks/phases.py PATH [--runs 3]

Prints the least CPU time of N runs for: finding the files, parsing them (alone, for reference),
collecting (parse included), the inference walk, each rule family, and the cache store (into a
temporary folder). The engine runs the same steps; see README "Where a check's time goes".
"""

from __future__ import annotations

import argparse
import ast
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from oocheck import incremental
from oocheck.cache import Cache
from oocheck.discovery import DEFAULT_EXCLUDES, discover
from oocheck.engine import _family, run_rules
from oocheck.environment import TargetEnvironment, find_environment
from oocheck.registry import load_rules
from oocheck.rule import Rule

T = TypeVar("T")


class Phases:
    """CPU seconds per phase, over several runs."""

    def __init__(self) -> None:
        self.spent: dict[str, list[float]] = {}

    def run(self, name: str, step: Callable[[], T]) -> T:
        began = time.process_time()
        result = step()
        self.spent.setdefault(name, []).append(time.process_time() - began)
        return result

    def print(self) -> None:
        width = max(map(len, self.spent))
        for name, seconds in self.spent.items():
            print(f"{name:<{width}}  {min(seconds):6.2f} s CPU")


def one_run(path: Path, families: dict[str, list[type[Rule]]], environment: TargetEnvironment | None,
            phases: Phases) -> None:
    files = phases.run("find the files", lambda: discover([path], DEFAULT_EXCLUDES))
    phases.run("parse only (reference)", lambda: [ast.parse(f.path.read_bytes()) for f in files])
    with tempfile.TemporaryDirectory() as folder:
        cache = Cache.open(Path(folder), [])
        index, store_collected = phases.run("collect (parse included)",
                                            lambda: incremental.collect(files, {}, cache, partial=False))
        _, store_effects = phases.run("inference walk", lambda: incremental.infer(index, cache, None))
        for family, rules in families.items():
            def check(rules: list[type[Rule]] = rules) -> object:
                return run_rules(index, rules, [], environment)
            phases.run(f"rules {family}", check)

        def store() -> None:
            store_collected()
            store_effects()
        phases.run("cache store", store)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    gc.disable()  # as the engine does while it indexes
    families: dict[str, list[type[Rule]]] = {}
    for rule in load_rules([]):
        families.setdefault(_family(rule), []).append(rule)
    environment = find_environment(None, args.path.resolve()).environment
    phases = Phases()
    for _ in range(args.runs):
        one_run(args.path, families, environment, phases)
        gc.collect()
    phases.print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
