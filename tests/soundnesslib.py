"""Check a generated program with oocheck, run it, and judge each finding against what really raised.

Shared by `test_soundness.py` (500 programs in CI) and `benchmarks/soundness.py` (many more).

A finding predicting exception E at line L is judged on the runner's line counts
(`soundness_runner.py`):

- **held**: L ran, and every run of L raised E (or let it through from a call made on L);
- **partly**: some runs of L raised E, others did not;
- **not raised**: L ran and never raised E;
- **not run**: L never ran (an earlier line of the same unit failed first), so nothing can be said.

High confidence promises "the line raises whenever it runs": only *held* and *not run* keep it.
Recall is judged per unit (a top-level statement or a test function): a unit that ended in an
AttributeError or TypeError was predicted when a finding for that exception sits on one of the
program lines of its traceback.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oocheck.config import Config
from oocheck.diagnostics import Confidence, Finding
from oocheck.engine import check_paths
from oocheck.registry import load_rules

RUNNER = Path(__file__).resolve().parent / "soundness_runner.py"
JUDGED_EXCEPTIONS = ("AttributeError", "TypeError")
HELD, PARTLY, NOT_RAISED, NOT_RUN = "held", "partly", "not raised", "not run"
# `--no-mypy --min-confidence low --no-cache`: throwaway programs have nothing to cache.
CONFIG = Config(min_confidence=Confidence.LOW, mypy=False, cache=False)
RULES = load_rules([])
# check_paths raises the limit to this for deep code; raising it once here, before hypothesis runs a
# test, keeps hypothesis from warning that a test changed it.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))


class ProgramRunner:
    """One `soundness_runner.py` process for many programs (a process per program would cost more
    than checking and running the program together)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
        env.pop("PYTHONPATH", None)
        return subprocess.Popen([sys.executable, str(RUNNER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True, env=env)

    def run(self, path: Path) -> dict[str, Any]:
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps({"path": str(path)}) + "\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline()
        if not answer:
            self._process = None
            return {"error": "the runner process died"}
        result: dict[str, Any] = json.loads(answer)
        return result

    def close(self) -> None:
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            self._process.wait(timeout=10)
            self._process = None


@dataclass
class Judged:
    """One program: its findings, what ran, and each finding's verdict."""

    source: str
    findings: list[Finding]
    warnings: list[str]
    outcome: dict[str, Any]
    verdicts: list[tuple[Finding, str]] = field(default_factory=list)

    def verdict(self, finding: Finding) -> str:
        """What happened on the runs of the finding's line (see the module docstring)."""
        runs, held, not_reached = self.counts(finding)
        reached = runs - not_reached
        if reached <= 0:
            return NOT_RUN
        if held == reached:
            return HELD
        return PARTLY if held else NOT_RAISED

    def counts(self, finding: Finding) -> tuple[int, int, int]:
        """(runs of the finding's line, runs where its operation raised the predicted exception, runs
        where something before that operation raised first)."""
        span = ((finding.line, finding.col - 1), (finding.end_line, finding.end_col - 1))
        runs = int(self.outcome["runs"].get(str(finding.line), 0))
        held = not_reached = 0
        for line, name, start_line, col, end_line, end_col in self.outcome["raised"]:
            if line != finding.line:
                continue
            # Without a position (rare), the whole line.
            raised = ((line, -1), (line, 1 << 30)) if col is None else ((start_line, col), (end_line, end_col))
            if raised[0] <= span[0] and raised[1] >= span[1]:  # the operation itself, or a call around it
                held += finding.predicts in self.outcome["mros"].get(name, [name])
            elif raised[1] <= span[0] or (span[0] <= raised[0] and raised[1] <= span[1]):
                not_reached += 1  # an earlier part of the line, or an operand of the operation, raised first
        return runs, held, not_reached

    def unsound(self) -> list[tuple[Finding, str]]:
        """High-confidence findings that did not raise whenever their line ran."""
        return [(f, v) for f, v in self.verdicts if f.confidence == Confidence.HIGH and v not in (HELD, NOT_RUN)]

    def failures(self) -> list[tuple[dict[str, Any], Confidence | None]]:
        """Units that ended in a judged exception, with the best confidence of a finding predicting it."""
        result = []
        for unit in self.outcome["units"]:
            mro = self.outcome["mros"].get(unit["exception"], []) if unit["exception"] else []
            judged = [e for e in JUDGED_EXCEPTIONS if e in mro]
            if not judged:
                continue
            confidences = [f.confidence for f in self.findings if f.predicts in judged and f.line in unit["lines"]]
            result.append((unit, max(confidences) if confidences else None))
        return result

    def describe(self) -> str:
        """The program with line numbers, its findings and verdicts, for a failing test's message."""
        numbered = [f"{n:4} | {text}" for n, text in enumerate(self.source.splitlines(), 1)]
        verdicts = []
        for finding, verdict in self.verdicts:
            runs, held, not_reached = self.counts(finding)
            seen = [r[1:] for r in self.outcome["raised"] if r[0] == finding.line]
            verdicts.append(f"  {finding.line}:{finding.col}-{finding.end_col}: {finding.code} [{finding.confidence}] "
                            f"{finding.message} -> {verdict} (ran {runs}x, its operation raised {finding.predicts} "
                            f"{held}x, an earlier part {not_reached}x; raised on the line: {seen})")
        units = [f"  unit at line {u['line']}: {u['exception']} {u['message'] or ''} (traceback lines {u['lines']})"
                 for u in self.outcome.get("units", []) if u["exception"]]
        return "\n".join([*numbered, "findings:", *verdicts, "what raised:", *units,
                          *(f"oocheck warned: {w}" for w in self.warnings)])


_numbers = itertools.count()


def check_and_run(source: str, folder: Path, runner: ProgramRunner) -> Judged:
    """Write the program to a new file under `folder`, check it in-process and run it."""
    path = folder / f"program_{next(_numbers)}.py"
    path.write_text(source, encoding="utf-8")
    result = check_paths([path], CONFIG, RULES)
    judged = Judged(source, result.findings, result.warnings, runner.run(path))
    if "error" in judged.outcome:
        return judged
    judged.verdicts = [(finding, judged.verdict(finding)) for finding in result.findings]
    return judged


@dataclass
class Tally:
    """Counts over many programs, for the benchmark's report."""

    programs: int = 0
    verdicts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (confidence, verdict)
    failures: Counter[tuple[str, str]] = field(default_factory=Counter)  # (exception, best confidence or "none")
    warnings: int = 0
    errors: int = 0

    def add(self, judged: Judged) -> None:
        self.programs += 1
        self.warnings += len(judged.warnings)
        self.errors += "error" in judged.outcome
        for finding, verdict in judged.verdicts:
            if finding.predicts in JUDGED_EXCEPTIONS:
                self.verdicts[(str(finding.confidence), verdict)] += 1
        if "error" not in judged.outcome:
            for unit, confidence in judged.failures():
                mro = judged.outcome["mros"][unit["exception"]]
                exception = next(e for e in JUDGED_EXCEPTIONS if e in mro)
                self.failures[(exception, str(confidence) if confidence else "none")] += 1
