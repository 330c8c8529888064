"""Recorded test outcomes in the RealClassEval layout, with the paper's ground truth.

    <root>/functional_correctness_test_folder/<split>/[rag/]<model>/<docstr>/            classes and tests
    <root>/functional_correctness_test_folder/<split>/[rag/]<model>/<docstr>_reports/combined_test_report.csv
    <root>/data/functional_correctness_data/<split>/human_written_classes/<docstr>/human/snippet_N.py
    <root>/data/functional_correctness_data/<split>/pynguin_generated_tests/<docstr>/test_snippet_N.py

Ground truth is exactly that of `score_predictions.py`: rows without `::` in the id or with a marker
(xfail) are left out; a failed test's exception is the text before the first `:` of its message when
the message contains `Error:`, else `Other`; any other status is `ok`.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

TEST_FOLDER = "functional_correctness_test_folder"
DATA_FOLDER = Path("data") / "functional_correctness_data"
REPORT_NAME = "combined_test_report.csv"
REPORT_SUFFIX = "_reports"
OK = "ok"
OTHER = "Other"

csv.field_size_limit(sys.maxsize)


class StudyError(Exception):
    """A path or split that cannot be studied (a usage error, exit code 2)."""


@dataclass(frozen=True)
class TestOutcome:
    """One recorded test case: where its test lives and what happened when it ran."""

    id: str
    model: str  # `Qwen`, or `rag/Qwen` for the rag layout
    docstr: str
    test_file: Path  # absolute
    test_name: str  # `test_case_0`, or `TestX::test_y` for a method
    label: str  # `ok`, an exception name, or `Other`

    @property
    def sample(self) -> str:
        """A sample is one generated class with its tests: one test file."""
        return str(self.test_file)


@dataclass(frozen=True)
class HumanSample:
    """A human-written reference class and the tests generated from it."""

    docstr: str
    snippet: Path
    tests: Path


@dataclass
class SplitData:
    """Everything recorded about the selected part of a split."""

    root: Path
    split: str
    outcomes: list[TestOutcome]
    check_paths: list[Path]  # what one `check_paths` run covers: the selected folder of the split
    human: list[HumanSample] = field(default_factory=list)
    xfail_rows: int = 0  # rows left out because of a marker


def label_of(status: str, message: str) -> str:
    """The paper's label of one report row."""
    if status != "failed":
        return OK
    return message.split(":")[0] if "Error:" in message else OTHER


def outcome_of_row(row: dict[str, str], root: Path, model: str, docstr: str) -> TestOutcome:
    """The outcome a report row (recorded, or executed by `execute.py`) with a `::` id stands for."""
    test_id = row["id"]
    file_part, *names = test_id.split("::")
    return TestOutcome(id=test_id, model=model, docstr=docstr, test_file=root / file_part,
                       test_name="::".join(names).split("[")[0],
                       label=label_of(row.get("status") or "", row.get("message") or ""))


def find_root(path: Path) -> Path:
    """The package root at or above `path` (the folder holding `functional_correctness_test_folder`)."""
    for candidate in [path, *path.parents]:
        if (candidate / TEST_FOLDER).is_dir():
            return candidate
    raise StudyError(f"{path}: not inside a RealClassEval package (no {TEST_FOLDER}/ at or above it)")


def _split_of(root: Path, path: Path, wanted: str | None) -> str:
    rel = path.relative_to(root).parts
    from_path: str | None = None
    if len(rel) >= 2 and rel[0] == TEST_FOLDER:
        from_path = rel[1]
    elif len(rel) >= 3 and Path(*rel[:2]) == DATA_FOLDER:
        from_path = rel[2]
    if from_path is not None:
        if wanted is not None and wanted != from_path:
            raise StudyError(f"{path} is in split {from_path!r}, not {wanted!r}")
        return from_path
    available = sorted(p.name for p in (root / TEST_FOLDER).iterdir() if p.is_dir() and not p.name.startswith("."))
    if wanted is not None:
        if wanted not in available:
            raise StudyError(f"no split {wanted!r} in {root / TEST_FOLDER} (found: {', '.join(available) or 'none'})")
        return wanted
    if len(available) == 1:
        return available[0]
    raise StudyError(f"{root} holds several splits ({', '.join(available)}); choose one with --split")


def _related(selected: Path, folder: Path) -> bool:
    """True when `selected` is `folder`, inside it, or above it."""
    return selected == folder or selected in folder.parents or folder in selected.parents


def report_paths(split_folder: Path) -> list[Path]:
    """Every combined report of a split, for `<model>/` and `rag/<model>/`."""
    found = [*split_folder.glob(f"*/*{REPORT_SUFFIX}/{REPORT_NAME}"),
             *split_folder.glob(f"rag/*/*{REPORT_SUFFIX}/{REPORT_NAME}")]
    return sorted(p for p in found if p.is_file())


def _read_report(report: Path, root: Path, model: str, docstr: str,
                 rows: dict[str, TestOutcome]) -> int:
    """Add the scored rows of one report to `rows` (a later row with the same id wins); return xfail rows."""
    xfail = 0
    try:
        with report.open(newline="", encoding="utf-8", errors="replace") as handle:
            for row in csv.DictReader(handle):
                test_id = row.get("id") or ""
                if "::" not in test_id:
                    continue
                if row.get("markers"):
                    xfail += 1
                    continue
                rows[test_id] = outcome_of_row(row, root, model, docstr)
    except OSError as exc:
        raise StudyError(f"{report}: cannot read: {exc.strerror or exc}") from None
    return xfail


def human_samples(root: Path, split: str) -> list[HumanSample]:
    """Human-written classes that have generated tests, for every docstring level."""
    base = root / DATA_FOLDER / split
    samples = []
    for tests_folder in sorted((base / "pynguin_generated_tests").glob("*")):
        docstr = tests_folder.name
        for test_file in sorted(tests_folder.glob("test_*.py")):
            snippet = base / "human_written_classes" / docstr / "human" / test_file.name.removeprefix("test_")
            if snippet.is_file():
                samples.append(HumanSample(docstr, snippet, test_file))
    return samples


def load_split(path: Path, split: str | None = None) -> SplitData:
    """The recorded outcomes below `path` (the package root or any folder below it)."""
    if not path.exists():
        raise StudyError(f"{path}: no such file or directory")
    if not path.is_dir():
        raise StudyError(f"{path}: not a folder (give the package root or a folder below it)")
    selected = path.resolve()
    root = find_root(selected)
    name = _split_of(root, selected, split)
    split_folder = root / TEST_FOLDER / name
    # Below the split folder the selection narrows; anywhere else (root, data/) it is the whole split.
    scope = selected if split_folder in (selected, *selected.parents) else split_folder
    rows: dict[str, TestOutcome] = {}
    folders: list[Path] = []  # the <model>/<docstr> folders that hold the selected tests
    xfail = 0
    for report in report_paths(split_folder):
        report_folder = report.parent
        docstr = report_folder.name.removesuffix(REPORT_SUFFIX)
        code_folder = report_folder.parent / docstr
        if not (_related(scope, code_folder) or _related(scope, report_folder)):
            continue
        model_folder = report_folder.parent
        in_rag = model_folder.parent.name == "rag" and model_folder.parent.parent == split_folder
        model = f"rag/{model_folder.name}" if in_rag else model_folder.name
        xfail += _read_report(report, root, model, docstr, rows)
        if code_folder.is_dir():
            folders.append(code_folder)
    if not rows and not folders:
        raise StudyError(f"{path}: no {REPORT_NAME} for split {name!r} at or below this folder")
    human = human_samples(root, name) if scope == split_folder else []
    targets = folders if scope.name.endswith(REPORT_SUFFIX) else [scope]
    return SplitData(root=root, split=name, outcomes=list(rows.values()), check_paths=targets,
                     human=human, xfail_rows=xfail)
