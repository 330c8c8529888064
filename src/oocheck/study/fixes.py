"""`oocheck study --fixes`: what the safe fixes would have saved on a split.

The selected folders are copied into a temporary folder (the input is only read), checked, and every
test predicted as in the study; the safe fixes of findings in the *generated classes* (never in their
tests: the tests are the specification) are applied to the copy, which is checked again. A predicted
failure the fixes remove is a test predicted to fail before and predicted to pass after.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from oocheck.diagnostics import Finding
from oocheck.engine import CheckResult, check_paths
from oocheck.fixes.apply import FileFix, plan_fixes
from oocheck.study.executed import ExecuteOptions
from oocheck.study.outcomes import REPORT_SUFFIX, SplitData, TestOutcome, label_of, load_split
from oocheck.study.predict import NO_FAILURE, Predictor
from oocheck.study.runner import Progress, _config, _quiet

MAX_EXAMPLES = 5


@dataclass
class FixedClass:
    """One generated class the fixes changed, and what that did to its tests' predictions."""

    snippet: str  # relative to the package root
    fixes: list[str]  # the fixes' descriptions, with the code of the finding they repair
    diff: str
    removed: list[str] = field(default_factory=list)  # ids of tests whose predicted failure is gone


# A test run: each test case of the given test files (by code folder) -> (status, message).
RunTests = Callable[[dict[Path, list[Path]]], dict[str, tuple[str, str]]]
FAILED = {"failed", "error"}


@dataclass
class ExecutionDelta:
    """The tests of the fixed classes, run before and after the fixes."""

    cases: int = 0
    failing_before: int = 0
    failing_after: int = 0
    now_pass: list[tuple[str, str]] = field(default_factory=list)  # (test, its failure before the fixes)
    now_fail: list[tuple[str, str]] = field(default_factory=list)  # (test, its failure after the fixes)
    failures_before: Counter[str] = field(default_factory=Counter)  # failing cases by exception
    failures_after: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {"cases": self.cases, "failing_before": self.failing_before, "failing_after": self.failing_after,
                "failures_before": dict(self.failures_before), "failures_after": dict(self.failures_after),
                "failing_tests_that_now_pass": len(self.now_pass), "passing_tests_that_now_fail": len(self.now_fail),
                "now_pass": [{"test": t, "before": m} for t, m in self.now_pass[:MAX_EXAMPLES * 4]],
                "now_fail": [{"test": t, "after": m} for t, m in self.now_fail[:MAX_EXAMPLES * 4]]}


def compare_runs(before: dict[str, tuple[str, str]], after: dict[str, tuple[str, str]]) -> ExecutionDelta:
    delta = ExecutionDelta()
    for case in sorted(before.keys() & after.keys()):
        (old, old_message), (new, new_message) = before[case], after[case]
        delta.cases += 1
        delta.failing_before += old in FAILED
        delta.failing_after += new in FAILED
        if old in FAILED:
            delta.failures_before[label_of("failed", old_message)] += 1
        if new in FAILED:
            delta.failures_after[label_of("failed", new_message)] += 1
        if old in FAILED and new == "passed":
            delta.now_pass.append((case, old_message.splitlines()[0] if old_message else old))
        elif old == "passed" and new in FAILED:
            delta.now_fail.append((case, new_message.splitlines()[0] if new_message else new))
    return delta


@dataclass
class FixStudy:
    """Before and after the safe fixes, on one split."""

    split: str
    classes: int = 0  # generated classes checked
    fixed: list[FixedClass] = field(default_factory=list)
    fixes_by_code: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    unsafe_left: int = 0
    unsafe_applied: int = 0  # with --unsafe-fixes
    findings_before: Counter[str] = field(default_factory=Counter)  # by code, in the generated classes
    findings_after: Counter[str] = field(default_factory=Counter)
    predicted_before: Counter[str] = field(default_factory=Counter)  # test cases by predicted exception
    predicted_after: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)  # predicted failures gone, by exception
    removed_recorded: Counter[str] = field(default_factory=Counter)  # of those, recorded failing so
    added: Counter[str] = field(default_factory=Counter)  # predicted failures that appear after the fixes
    execution: ExecutionDelta | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "split": self.split, "classes": self.classes, "fixed_classes": len(self.fixed),
            "fixes_by_code": dict(self.fixes_by_code), "unsafe_fixes_left_out": self.unsafe_left,
            "unsafe_fixes_applied": self.unsafe_applied,
            "skipped": self.skipped,
            "findings_in_generated_classes": {"before": dict(self.findings_before),
                                              "after": dict(self.findings_after)},
            "tests_predicted_to_fail": {"before": dict(self.predicted_before), "after": dict(self.predicted_after)},
            "predicted_failures_removed": dict(self.removed),
            "removed_that_were_recorded_failing": dict(self.removed_recorded),
            "predicted_failures_added": dict(self.added),
            "execution": self.execution.to_dict() if self.execution is not None else None,
            "examples": [vars(example) for example in self.fixed[:MAX_EXAMPLES]],
        }


def is_generated_class(path: Path) -> bool:
    """A class file of the split, not one of its tests (`test_snippet_N.py` tests `snippet_N.py`)."""
    return path.suffix == ".py" and not path.name.startswith("test_")


def _copy_selection(data: SplitData, into: Path) -> dict[Path, Path]:
    """Copy each checked folder below `into` (reports left out); the copy of each, by original."""
    copies = {}
    for folder in data.check_paths:
        target = into / folder.relative_to(data.root)
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns(f"*{REPORT_SUFFIX}", "__pycache__", "*.csv"))
        copies[folder] = target
    return copies


def _moved(outcome: TestOutcome, copies: dict[Path, Path]) -> TestOutcome:
    for original, copy in copies.items():
        if outcome.test_file.is_relative_to(original):
            return replace(outcome, test_file=copy / outcome.test_file.relative_to(original))
    return outcome


def _predict(result: CheckResult, outcomes: list[TestOutcome]) -> dict[str, str | None]:
    """Each test case's predicted exception (None: predicted to pass), by id."""
    predictor = Predictor(result)
    tests = predictor.tests()
    predicted = {}
    for outcome in outcomes:
        test = tests.get((str(outcome.test_file), outcome.test_name))
        predicted[outcome.id] = (predictor.predict(test) if test is not None else NO_FAILURE).exception
    return predicted


def _generated_findings(findings: list[Finding]) -> Counter[str]:
    return Counter(f.code for f in findings if is_generated_class(Path(f.path)))


def _fixed_class(file: FileFix, copy_root: Path, by_fix: dict[int, str]) -> FixedClass:
    relative = file.path.relative_to(copy_root).as_posix()
    descriptions = [f"{by_fix.get(id(fix), '?')}: {fix.description}" for fix in file.applied]
    return FixedClass(relative, descriptions, file.diff(copy_root))


def study_fixes(path: Path, split: str | None = None, progress: Progress = _quiet, mypy: bool = False,
                run_tests: RunTests | None = None, unsafe: bool = False) -> FixStudy:
    """Apply the safe fixes to a temporary copy of the split's generated classes and compare.

    `run_tests`, when given, executes the tests of the fixed classes (code folder -> test files)
    before and after the fixes; `FixStudy.execution` compares the two runs.
    """
    data = load_split(path, split)
    study = FixStudy(split=data.split)
    with tempfile.TemporaryDirectory(prefix="oocheck-fixes-") as tmp:
        copy_root = Path(tmp).resolve()
        copies = _copy_selection(data, copy_root)
        outcomes = [_moved(o, copies) for o in data.outcomes]
        done = progress("checking the generated classes", None)
        config = _config(mypy)
        before = check_paths(list(copies.values()), config)
        done(1)
        study.classes = sum(1 for folder in copies.values() for p in folder.rglob("*.py") if is_generated_class(p))
        predicted_before = _predict(before, outcomes)
        fixable = [f for f in before.findings if f.fix is not None and is_generated_class(f.fix.path)]
        plan = plan_fixes(fixable, unsafe)
        study.skipped, study.unsafe_left = plan.skipped, plan.unsafe_left
        study.unsafe_applied = sum(1 for file in plan.files for fix in file.applied if not fix.safe)
        by_fix = {id(f.fix): f.code for f in fixable}
        tests_of = _tests_of_fixed(plan.files)
        before_run: dict[str, tuple[str, str]] = {}
        if run_tests is not None and tests_of:
            done = progress(f"running the tests of {len(plan.files)} fixed classes", None)
            before_run = run_tests(tests_of)
            done(1)
        plan.write()
        done = progress("checking again after the fixes", None)
        after = check_paths(list(copies.values()), config)
        done(1)
        predicted_after = _predict(after, outcomes)
        if run_tests is not None:
            done = progress("running them again after the fixes", None)
            study.execution = compare_runs(before_run, run_tests(tests_of) if tests_of else {})
            done(1)
        recorded = {o.id: o.label for o in outcomes}
        fixed = {file.path: _fixed_class(file, copy_root, by_fix) for file in plan.files}
        for outcome in outcomes:
            old, new = predicted_before[outcome.id], predicted_after[outcome.id]
            if old:
                study.predicted_before[old] += 1
            if new:
                study.predicted_after[new] += 1
            if old and not new:
                study.removed[old] += 1
                if recorded[outcome.id] == old:
                    study.removed_recorded[old] += 1
                sample = fixed.get(outcome.test_file.with_name(outcome.test_file.name.removeprefix("test_")))
                if sample is not None:
                    sample.removed.append(outcome.id)
            elif new and not old:
                study.added[new] += 1
        study.fixed = sorted(fixed.values(), key=lambda c: (-len(c.removed), c.snippet))
        study.fixes_by_code = Counter(by_fix[id(fix)] for file in plan.files for fix in file.applied)
        study.findings_before = _generated_findings(before.findings)
        study.findings_after = _generated_findings(after.findings)
    return study


def _tests_of_fixed(files: list[FileFix]) -> dict[Path, list[Path]]:
    """The test file of each fixed class (`snippet_N.py` -> `test_snippet_N.py`), by code folder."""
    folders: dict[Path, list[Path]] = {}
    for file in files:
        test = file.path.with_name(f"test_{file.path.name}")
        if test.is_file():
            folders.setdefault(file.path.parent, []).append(test)
    return folders


def render_fix_study(study: FixStudy) -> str:
    """The text report: the figures, then a few fixed classes with their diffs."""
    def counts(counter: Counter[str]) -> str:
        return ", ".join(f"{n} {name}" for name, n in counter.most_common()) or "none"

    lines = [
        f"Fixes on split {study.split}: {len(study.fixed)} of {study.classes} generated classes changed "
        f"({sum(study.fixes_by_code.values())} fixes: {counts(study.fixes_by_code)}; "
        f"{study.unsafe_applied} of them unsafe; {study.unsafe_left} unsafe fixes left out).",
        f"Findings in the generated classes: {sum(study.findings_before.values())} before, "
        f"{sum(study.findings_after.values())} after.",
        f"Test cases predicted to fail: {counts(study.predicted_before)} before; "
        f"{counts(study.predicted_after)} after.",
        f"Predicted failures the fixes remove: {counts(study.removed)} "
        f"(recorded as failing with that exception: {counts(study.removed_recorded)}); "
        f"predicted failures added: {counts(study.added)}.",
    ]
    run = study.execution
    if run is not None and not study.fixed:
        lines.append("No class was fixed, so no tests were executed.")
    elif run is not None:
        lines.append(f"Tests of the fixed classes, executed before and after: {run.cases} test cases, "
                     f"{run.failing_before} failing before ({counts(run.failures_before)}), "
                     f"{run.failing_after} after ({counts(run.failures_after)}); "
                     f"{len(run.now_pass)} failing tests now pass, {len(run.now_fail)} passing tests now fail.")
        lines.extend(f"  now passes: {test} (was: {message})" for test, message in run.now_pass[:MAX_EXAMPLES])
        lines.extend(f"  now FAILS: {test} ({message})" for test, message in run.now_fail[:MAX_EXAMPLES])
    lines.extend(f"warning: {line}" for line in study.skipped)
    for example in study.fixed[:MAX_EXAMPLES]:
        lines.append("")
        lines.append(f"{example.snippet}: {'; '.join(example.fixes)}; "
                     f"{len(example.removed)} predicted failures removed")
        lines.append(example.diff.rstrip("\n"))
    return "\n".join(lines) + "\n"


def executing(options: ExecuteOptions) -> RunTests:
    """Run tests with `study --execute`'s contained runner. Its results folder is not used: the same
    test file runs twice, against the class before and after the fixes, and must not be resumed."""
    from oocheck.study.execute import execute_files

    def run(folders: dict[Path, list[Path]]) -> dict[str, tuple[str, str]]:
        cases = {}
        for folder, tests in folders.items():
            for result in execute_files(folder, tests, options.limits, python=options.python, jobs=options.jobs):
                for case in result.cases:
                    cases[f"{folder.parent.name}/{folder.name}/{case.id}"] = (case.status, case.message)
        return cases

    return run


def fixes_command(path: Path, split: str | None, output_format: str, mypy: bool, progress: Progress = _quiet,
                  execute: ExecuteOptions | None = None, unsafe: bool = False) -> int:
    """`oocheck study --fixes [--execute]`: print the fix study as text or json; the exit code."""
    import json
    import sys

    from oocheck.study.outcomes import StudyError

    try:
        study = study_fixes(path, split, progress, mypy, executing(execute) if execute is not None else None,
                            unsafe)
    except StudyError as exc:
        sys.stderr.write(f"oocheck: {exc}\n")
        return 2
    if output_format == "json":
        sys.stdout.write(json.dumps(study.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(render_fix_study(study))
    return 0
