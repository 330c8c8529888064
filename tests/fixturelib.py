"""Fixture cases: find them, read their `# expect:` markers, check them with oocheck, run them.

A case is `fixtures/<group>/<name>.py` (one file) or `fixtures/<group>/<name>/` (a folder checked as
one repo). Folders named `bad_input` are not cases. A line that oocheck must report ends with
`# expect: OO101` (several codes comma-separated; repeat a code for two findings on one line).

A runnable case has a sidecar recording what really happens when it runs: `<name>.outcome.json`
next to a one-file case, `outcome.json` with an `"entry"` key inside a folder case. Sidecars are
written by running the code (`python tests/record_outcomes.py`), never by hand.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tokenize
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from oocheck.config import Config
from oocheck.diagnostics import Confidence, Finding
from oocheck.engine import CheckResult, check_paths

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SKIPPED_FOLDERS = {"bad_input", "study", "__pycache__"}  # study: executed by test_execute.py
RUN_TIMEOUT = 20

_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)\s*$")
_LOOKS_LIKE_MARKER = re.compile(r"#\s*expect\b", re.IGNORECASE)
_FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)')
_EXCEPTION_LINE = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)(?::\s?(?P<message>.*))?$")
_HINT = re.compile(r"Did you mean: '(?P<name>[^']*)'\?")

# (path relative to the case folder, line, code)
Mark = tuple[str, int, str]


@dataclass(frozen=True)
class Case:
    """One fixture case: a single file or a folder, checked as one repo."""

    path: Path

    @property
    def id(self) -> str:
        return self.path.relative_to(REPO).as_posix()

    @property
    def folder(self) -> Path:
        """Where the case runs, and what its findings' paths are relative to."""
        return self.path if self.path.is_dir() else self.path.parent

    @property
    def sources(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        return sorted(p for p in self.path.rglob("*.py")
                      if not SKIPPED_FOLDERS.intersection(p.relative_to(self.path).parts))

    @property
    def sidecar(self) -> Path:
        if self.path.is_dir():
            return self.path / "outcome.json"
        return self.path.with_name(f"{self.path.stem}.outcome.json")

    @property
    def runnable(self) -> bool:
        return self.sidecar.is_file()

    def entry(self) -> Path:
        """The script that runs the case."""
        if self.path.is_file():
            return self.path
        return self.path / json.loads(self.sidecar.read_text(encoding="utf-8"))["entry"]

    def recorded_outcome(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(self.sidecar.read_text(encoding="utf-8"))
        data.pop("entry", None)
        return data

    def __str__(self) -> str:
        return self.id


def discover_cases(root: Path = FIXTURES, groups: tuple[str, ...] = ()) -> list[Case]:
    """Every case under `fixtures/<group>/`, in a stable order."""
    cases = []
    for group in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in SKIPPED_FOLDERS):
        if groups and group.name not in groups:
            continue
        for child in sorted(group.iterdir()):
            if child.name in SKIPPED_FOLDERS or child.name.startswith("."):
                continue
            if (child.is_file() and child.suffix == ".py") or child.is_dir():
                cases.append(Case(child))
    return cases


def _relative(path: Path, case: Case) -> str:
    return path.resolve().relative_to(case.folder.resolve()).as_posix()


def expected_marks(case: Case) -> Counter[Mark]:
    """The `# expect:` markers of every file of the case (comments only, not strings)."""
    marks: Counter[Mark] = Counter()
    for source in case.sources:
        text = source.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.COMMENT:
                continue
            match = _EXPECT.search(token.string)
            if match is None and _LOOKS_LIKE_MARKER.search(token.string):
                # A misspelt marker would silently expect nothing.
                raise ValueError(f"{source}:{token.start[0]}: malformed marker {token.string!r} "
                                 "(write `# expect: OO101` or `# expect: OO101, OO102` at the end of the line)")
            if match:
                for code in match.group("codes").split(","):
                    marks[(_relative(source, case), token.start[0], code.strip())] += 1
    return marks


def check_case(case: Case, mypy: bool = True) -> CheckResult:
    return check_paths([case.path], Config(min_confidence=Confidence.LOW, mypy=mypy))


def finding_marks(case: Case, findings: list[Finding]) -> Counter[Mark]:
    return Counter((_relative(Path(f.path), case), f.line, f.code) for f in findings)


def findings_at(case: Case, findings: list[Finding], path: str, line: int) -> list[Finding]:
    """The findings on `path:line` (path relative to the case folder)."""
    return [f for f in findings if f.line == line and _relative(Path(f.path), case) == path]


def entry_path(case: Case) -> str:
    return _relative(case.entry(), case)


def describe_finding(case: Case, finding: Finding) -> str:
    return (f"{_relative(Path(finding.path), case)}:{finding.line}:{finding.col}: {finding.code} "
            f"[{finding.confidence}] {finding.message}")


# -- running a case -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunResult:
    """What happened when the case ran: the outcome to compare with the sidecar, and the raw text."""

    outcome: dict[str, object]
    exception_message: str | None
    stderr: str
    # Every line of the entry file on the traceback, outermost first: a failure raised inside a callee
    # is predicted at the call that passes the bad value (OO107, OO209), an outer frame.
    frames: tuple[int, ...] = ()


def run_case(case: Case) -> RunResult:
    """Run the case's entry script as `python entry.py` from the case's folder."""
    entry = case.entry()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([sys.executable, entry.name], cwd=entry.parent, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, env=env, check=False)
    if proc.returncode == 0:
        return RunResult({"exception": None}, None, proc.stderr)
    return _parse_traceback(proc.stderr, entry, proc.returncode)


def _parse_traceback(stderr: str, entry: Path, returncode: int) -> RunResult:
    lines = stderr.splitlines()
    starts = [i for i, text in enumerate(lines) if text.startswith("Traceback (most recent call last):")]
    if not starts:
        return RunResult({"exception": "SystemExit", "line": None, "returncode": returncode}, None, stderr)
    last = lines[starts[-1]:]
    line = None
    frames: list[int] = []
    for text in last:
        match = _FRAME.match(text)
        if match and Path(match.group("path")).resolve() == entry.resolve():
            line = int(match.group("line"))
            frames.append(line)
    name, message = "?", None
    for text in reversed(last):
        if text and not text[0].isspace():
            match = _EXCEPTION_LINE.match(text)
            if match:
                name, message = match.group("name").rsplit(".", 1)[-1], match.group("message")
            break
    return RunResult({"exception": name, "line": line}, message, stderr, tuple(frames))


def hint_of(message: str | None) -> str | None:
    """The name in a "Did you mean: 'x'?" hint, or None."""
    match = _HINT.search(message or "")
    return match.group("name") if match else None


def strip_hint(message: str) -> str:
    return _HINT.sub("", message).rstrip(". ").rstrip()
