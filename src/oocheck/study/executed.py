"""`study --execute`: the selected part of a split run here, its outcomes in place of the recorded ones.

Each `<model>/<docstr>` folder of the selection is one repo (its classes and the tests that import
them); its test files run through `execute.execute_files`, with ids relative to the package root,
exactly as the recorded reports write them. The executed cases become `TestOutcome`s through the
same row reader as the recorded report, so the ground truth (xfail left out, the exception before
the first `:`) and every metric work unchanged. Where a test case has both, the executed and the
recorded labels are compared: how far this machine reproduces the authors' run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oocheck.study.execute import NOT_RUN, FileResult, execute_files
from oocheck.study.outcomes import REPORT_SUFFIX, TEST_FOLDER, SplitData, StudyError, TestOutcome, outcome_of_row
from oocheck.study.sandbox import DEFAULT_LIMITS, Limits

# The shape of runner.Progress (runner imports this module): a stage's name and size, and a
# function to call with each step done.
Progress = Callable[[str, int | None], Callable[[int], None]]


def quiet(description: str, total: int | None) -> Callable[[int], None]:
    del description, total
    return lambda done: None


@dataclass(frozen=True)
class ExecuteOptions:
    """How `study --execute` runs the tests."""

    limits: Limits = DEFAULT_LIMITS
    results: Path | None = None  # keep results here and resume from them
    python: str | None = None  # the interpreter that runs the tests (default: oocheck's)
    jobs: int = 1


@dataclass
class ExecutionSummary:
    """What the execution did, and how its labels compare with the recorded ones."""

    test_files: int = 0
    resumed: int = 0  # test files whose stored results were reused
    timed_out: int = 0
    crashed: int = 0
    not_run: int = 0  # test cases never reached (left out of the metrics)
    problems: list[str] = field(default_factory=list)
    compared: int = 0  # test cases with an executed and a recorded label (no xfail marker)
    agreed: int = 0
    disagreements: Counter[tuple[str, str]] = field(default_factory=Counter)  # (recorded, executed)
    # The same, for test files that could be imported here (a missing package is this machine's doing).
    compared_imported: int = 0
    agreed_imported: int = 0

    @property
    def agreement(self) -> float:
        return self.agreed / self.compared if self.compared else 0.0

    @property
    def agreement_imported(self) -> float:
        return self.agreed_imported / self.compared_imported if self.compared_imported else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"test_files": self.test_files, "resumed": self.resumed, "timed_out": self.timed_out,
                "crashed": self.crashed, "not_run": self.not_run, "problems": self.problems,
                "compared_with_recorded": self.compared, "agreed_with_recorded": self.agreed,
                "agreement": self.agreement, "compared_where_imported": self.compared_imported,
                "agreed_where_imported": self.agreed_imported, "agreement_where_imported": self.agreement_imported,
                "disagreements": [{"recorded": r, "executed": e, "tests": n}
                                  for (r, e), n in self.disagreements.most_common(20)]}


def test_folders(data: SplitData) -> dict[Path, list[Path]]:
    """The code folders of the selection and the test files in each, in a stable order."""
    split_folder = data.root / TEST_FOLDER / data.split
    folders: dict[Path, list[Path]] = {}
    for selected in data.check_paths:
        for test_file in sorted(selected.rglob("test_*.py")):
            if test_file.parent == split_folder or test_file.parent.name.endswith(REPORT_SUFFIX):
                continue
            folders.setdefault(test_file.parent, []).append(test_file)
    return folders


def _model_and_docstr(data: SplitData, folder: Path) -> tuple[str, str]:
    parts = folder.relative_to(data.root / TEST_FOLDER / data.split).parts
    return "/".join(parts[:-1]) or parts[-1], parts[-1]


def execute_split(data: SplitData, options: ExecuteOptions,
                  progress: Progress = quiet) -> tuple[SplitData, ExecutionSummary]:
    """Run the selection's tests; return the split with executed outcomes, and the summary."""
    if options.results is not None:
        target = options.results.resolve()
        if target == data.root or data.root in target.parents:
            raise StudyError(f"--results {options.results}: inside the data being studied "
                             f"({data.root}); oocheck never writes into its input, choose a folder outside it")
    folders = test_folders(data)
    summary = ExecutionSummary(test_files=sum(len(files) for files in folders.values()))
    step = progress(f"running {summary.test_files} test files", summary.test_files)
    finished: list[FileResult] = []

    def done(result: FileResult) -> None:
        finished.append(result)
        step(len(finished))

    outcomes: list[TestOutcome] = []
    imported: set[str] = set()  # ids of cases whose test file was imported
    xfail = 0
    for folder, files in folders.items():
        results = execute_files(folder, files, options.limits, id_root=data.root, results=options.results,
                                python=options.python, jobs=options.jobs, on_done=done)
        model, docstr = _model_and_docstr(data, folder)
        for result in results:
            summary.resumed += result.resumed
            summary.timed_out += result.timed_out
            summary.crashed += result.crashed and not result.timed_out
            if result.problem:
                summary.problems.append(f"{result.test_file}: {result.problem}")
            for case in result.cases:
                if case.status == NOT_RUN:
                    summary.not_run += 1
                elif case.markers:
                    xfail += 1
                elif "::" in case.id:
                    outcomes.append(outcome_of_row(case.row(), data.root, model, docstr))
                    if case.when != "collect":
                        imported.add(case.id)
    recorded = {o.id: o.label for o in data.outcomes}
    for outcome in outcomes:
        label = recorded.get(outcome.id)
        if label is not None:
            summary.compared += 1
            summary.agreed += label == outcome.label
            if outcome.id in imported:
                summary.compared_imported += 1
                summary.agreed_imported += label == outcome.label
            if label != outcome.label:
                summary.disagreements[(label, outcome.label)] += 1
    executed = SplitData(root=data.root, split=data.split, outcomes=outcomes, check_paths=data.check_paths,
                         human=data.human, xfail_rows=xfail)
    return executed, summary

