"""Every fixture case under `fixtures/` (all groups): oocheck reports exactly the marked lines, and each
runnable case still does what its sidecar records, on a line oocheck predicts.

See `fixturelib.py` for the case format.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from fixturelib import (
    FIXTURES,
    REPO,
    RUN_TIMEOUT,
    SKIPPED_FOLDERS,
    Case,
    Mark,
    RunResult,
    describe_finding,
    discover_cases,
    entry_path,
    expected_marks,
    finding_marks,
    findings_at,
    hint_of,
    strip_hint,
)
from fixturelib import check_case as _check_case
from fixturelib import run_case as _run_case
from oocheck.catalog import catalog
from oocheck.engine import CheckResult

CASES = discover_cases()
RUNNABLE = [case for case in CASES if case.runnable]
CONTRACT_FIELDS = {"path", "line", "col", "end_line", "end_col", "code", "name", "predicts", "message",
                   "confidence", "evidence"}


# Each case is checked and run once per session, whichever tests ask.
@functools.cache
def check_case(case: Case) -> CheckResult:
    return _check_case(case)


@functools.cache
def run_case(case: Case) -> RunResult:
    return _run_case(case)


@functools.cache
def check_case_without_mypy(case: Case) -> CheckResult:
    return _check_case(case, mypy=False)


_LEVELS = {entry.code: entry.levels() for entry in catalog()}


def _mypy_code(code: str) -> bool:
    return code[:4] in {"OO18", "OO28"}


def _format(marks: Counter[Mark]) -> str:
    return "\n".join(f"    {path}:{line}: {code}" + (f" (x{n})" if n > 1 else "")
                     for (path, line, code), n in sorted(marks.items()))


def test_fixture_cases_exist() -> None:
    attribute = [c for c in CASES if c.path.parent.name == "attribute"]
    assert len(attribute) >= 30, f"expected at least 30 attribute cases under {FIXTURES / 'attribute'}"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_findings_match_markers(case: Case) -> None:
    result = check_case(case)
    assert not result.warnings, "oocheck warned:\n" + "\n".join(result.warnings)
    expected = expected_marks(case)
    got = finding_marks(case, result.findings)
    missing, extra = expected - got, got - expected
    if missing or extra:
        lines = [f"{case}: oocheck disagrees with the `# expect:` markers"]
        if missing:
            lines += ["  marked but not reported:", _format(missing)]
        if extra:
            lines += ["  reported but not marked:", _format(extra)]
        lines += ["  all findings:", *(f"    {describe_finding(case, f)}" for f in result.findings)]
        pytest.fail("\n".join(lines), pytrace=False)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_findings_match_markers_without_mypy(case: Case) -> None:
    """With the bridge off (`--no-mypy`) every case gives its marked findings but the mypy ones."""
    result = check_case_without_mypy(case)
    assert not result.warnings, "oocheck warned:\n" + "\n".join(result.warnings)
    expected = Counter({mark: n for mark, n in expected_marks(case).items() if not _mypy_code(mark[2])})
    got = finding_marks(case, result.findings)
    # Every finding's confidence is one the catalog (`oocheck rules`) says its rule reports.
    undeclared = [describe_finding(case, f) for f in result.findings
                  if str(f.confidence) not in _LEVELS.get(f.code, "").split("/")]
    assert not undeclared, "confidence not listed by `oocheck rules`:\n" + "\n".join(undeclared)
    assert got == expected, (f"{case} with --no-mypy: missing {_format(expected - got)}\n"
                             f"extra {_format(got - expected)}")


@pytest.mark.parametrize("case", RUNNABLE, ids=str)
def test_runnable_case_outcome(case: Case) -> None:
    recorded = case.recorded_outcome()
    run = run_case(case)
    assert run.outcome == recorded, (
        f"{case}: running {case.entry().name} no longer gives the recorded outcome "
        f"(re-record with `python tests/record_outcomes.py {case}` if Python changed)\n{run.stderr}")
    if recorded["exception"] is None:
        return
    entry = entry_path(case)
    marked = {line for path, line, _ in expected_marks(case) if path == entry}
    frames = run.frames or (int(str(recorded["line"])),)
    assert marked & set(frames), (
        f"{case}: fixture design: {entry}:{recorded['line']} raises {recorded['exception']} but no line of "
        f"its traceback ({frames}) has an `# expect:` marker")
    findings = check_case(case).findings
    predicted = {f.predicts for line in frames for f in findings_at(case, findings, entry, line)}
    assert recorded["exception"] in predicted, (
        f"{case}: Python raises {recorded['exception']} at {entry}:{recorded['line']}, "
        f"oocheck predicts {sorted(predicted) or 'nothing'} on its traceback lines {frames}")


def _records_exception(case: Case) -> bool:
    try:
        return case.recorded_outcome()["exception"] is not None
    except (ValueError, KeyError):
        return True  # a broken sidecar: let the test run and fail on it rather than break collection


@pytest.mark.parametrize("case", [c for c in RUNNABLE if _records_exception(c)], ids=str)
def test_message_matches_cpython(case: Case) -> None:
    """The finding on the raising line says what CPython says, "Did you mean" hint included."""
    run = run_case(case)
    assert run.exception_message is not None, run.stderr
    entry = entry_path(case)
    all_findings = check_case(case).findings
    findings = [f for line in (run.frames or (run.outcome["line"],)) for f in
                findings_at(case, all_findings, entry, line) if f.predicts == run.outcome["exception"]]
    cpython = run.exception_message
    assert findings, f"{case}: no finding on {entry}:{run.outcome['line']}, where CPython says {cpython!r}"
    for finding in findings:
        assert finding.message.startswith(strip_hint(cpython)), (
            f"{case}: CPython says {cpython!r}, oocheck says {finding.message!r}")
        assert hint_of(finding.message) == hint_of(cpython), (
            f"{case}: CPython's hint is {hint_of(cpython)!r}, oocheck's is {hint_of(finding.message)!r} "
            f"(CPython: {cpython!r}; oocheck: {finding.message!r})")


def test_cli_jsonl_contract() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "oocheck", "check", "fixtures/attribute", "--min-confidence", "low",
         "--format", "jsonl"],
        cwd=REPO, capture_output=True, text=True, timeout=RUN_TIMEOUT * 6, check=False)
    assert proc.returncode == 1, f"exit code {proc.returncode}\n{proc.stderr}"
    assert "warning" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines, "no findings on fixtures/attribute"
    for text in lines:
        record = json.loads(text)
        assert set(record) == CONTRACT_FIELDS, f"fields {sorted(record)} in {text}"
        assert record["confidence"] in {"high", "medium", "low"}
        assert isinstance(record["line"], int) and isinstance(record["col"], int)
        assert isinstance(record["evidence"], list)


def test_whole_fixture_tree_as_one_repo() -> None:
    """`oocheck check fixtures/` (every case at once, as the README's user runs it) reports exactly the
    marked lines: cases do not leak into each other."""
    proc = subprocess.run(
        [sys.executable, "-m", "oocheck", "check", "fixtures", "--min-confidence", "low", "--format", "jsonl"],
        cwd=REPO, capture_output=True, text=True, timeout=RUN_TIMEOUT * 12, check=False)
    assert proc.returncode == 1, proc.stderr
    got: Counter[tuple[str, int, str]] = Counter()
    for text in proc.stdout.splitlines():
        finding = json.loads(text)
        if not SKIPPED_FOLDERS.intersection(Path(finding["path"]).parts):  # not cases: bad_input, study
            got[(str((REPO / finding["path"]).resolve()), finding["line"], finding["code"])] += 1
    expected: Counter[tuple[str, int, str]] = Counter()
    for case in CASES:
        base = case.path if case.path.is_dir() else case.path.parent
        for (path, line, code), count in expected_marks(case).items():
            expected[(str((base / path).resolve()), line, code)] += count
    assert got == expected, f"missing {sorted(expected - got)}\nextra {sorted(got - expected)}"
