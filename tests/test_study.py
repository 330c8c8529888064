"""`oocheck study`: the paper's distribution, metrics on a tiny hand-made layout, agreement with the
independent scorer on the real csn split.

The RealClassEval data lives beside the clone (`../shared/realclasseval`), or where
OOCHECK_REALCLASSEVAL points; tests that need it are skipped without it.
"""

from __future__ import annotations

import ast
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oocheck.analyzer.model import ModuleInfo
from oocheck.cli import app
from oocheck.study import predict
from oocheck.study.distribution import COLUMNS, distribution
from oocheck.study.metrics import TARGETS, StudyMetrics
from oocheck.study.outcomes import StudyError, label_of, load_split
from oocheck.study.report import prediction_lines
from oocheck.study.runner import StudyRun, run_study


def _data_root() -> Path | None:
    for candidate in (Path(__file__).resolve().parents[2] / "shared" / "realclasseval",
                      Path(os.environ.get("OOCHECK_REALCLASSEVAL", "/nonexistent"))):
        if (candidate / "functional_correctness_test_folder" / "csn").is_dir():
            return candidate
    return None


DATA = _data_root()
SCORER = DATA.parent / "tools" / "score_predictions.py" if DATA is not None else None
# Generated classes with `'\k'` in a docstring: Python warns while oocheck parses them.
pytestmark = [pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning"),
              pytest.mark.filterwarnings("ignore:invalid escape sequence:SyntaxWarning")]
needs_data = pytest.mark.skipif(DATA is None, reason="RealClassEval data not found (set OOCHECK_REALCLASSEVAL)")

# -- a tiny layout with known outcomes ---------------------------------------------------------------
SNIPPET = '''\
class Box:
    def __init__(self, size):
        self.size = size

    def area(self):
        return self.size * self.width

    def grow(self):
        if self.size:
            return self.depth
        return 0
'''

TESTS = '''\
import pytest
import snippet_1 as module_0


def test_case_0():
    box_0 = module_0.Box(3)
    box_0.area()


def test_case_1():
    box_0 = module_0.Box(3)
    assert box_0.volume == 3


def test_case_2():
    box_0 = module_0.Box(3)
    box_0.grow()


def test_case_3():
    box_0 = module_0.Box(3)
    with pytest.raises(AttributeError):
        box_0.area()


@pytest.mark.xfail(strict=True)
def test_case_4():
    module_0.Box(3).area()


def test_case_5():
    box_0 = module_0.Box(3)
    assert len([box_0.area()]) == 1
'''

# test name -> (markers, status, message); the comment says what oocheck should predict.
RECORDED = {
    "test_case_0": ("", "failed", "AttributeError: 'Box' object has no attribute 'width'"),  # AE inside area(): TP
    "test_case_1": ("", "failed", "TypeError: something else went first"),  # AE on the test line: FP
    "test_case_2": ("", "failed", "AttributeError: 'Box' object has no attribute 'depth'"),  # conditional: FN
    "test_case_3": ("", "passed", ""),  # caught by pytest.raises: nothing predicted
    "test_case_4": ("xfail", "xfailed", ""),  # left out
    "test_case_5": ("", "failed", "AttributeError: 'Box' object has no attribute 'width'"),  # nested call: TP
}

HUMAN_CLEAN = "class Box:\n    def __init__(self, size):\n        self.size = size\n        self.width = 2\n"
HUMAN_CLEAN_TESTS = '''\
import pytest
import snippet_1 as module_0


def test_case_0():
    box_0 = module_0.Box(3)
    assert box_0.width == 2


@pytest.mark.xfail(strict=True)
def test_case_1():
    module_0.Box(3).missing
'''
HUMAN_FLAGGED = "class Gauge:\n    def read(self):\n        return self.level\n"
HUMAN_FLAGGED_TESTS = "import snippet_2 as module_0\n\n\ndef test_case_0():\n    module_0.Gauge().read()\n"


def _write_report(path: Path, rel_tests: str, rows: dict[str, tuple[str, str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "module", "name", "file", "doc", "markers", "status", "message", "duration"])
        for name, (markers, status, message) in rows.items():
            writer.writerow([f"{rel_tests}::{name}", "m", name, rel_tests, "", markers, status, message, "0.001"])


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    code = tmp_path / "functional_correctness_test_folder" / "toy" / "m1" / "full_docstr"
    code.mkdir(parents=True)
    (code / "snippet_1.py").write_text(SNIPPET)
    (code / "test_snippet_1.py").write_text(TESTS)
    rel = "functional_correctness_test_folder/toy/m1/full_docstr/test_snippet_1.py"
    _write_report(code.parent / "full_docstr_reports" / "combined_test_report.csv", rel, RECORDED)
    data = tmp_path / "data" / "functional_correctness_data" / "toy"
    human = data / "human_written_classes" / "full_docstr" / "human"
    tests = data / "pynguin_generated_tests" / "full_docstr"
    human.mkdir(parents=True)
    tests.mkdir(parents=True)
    (human / "snippet_1.py").write_text(HUMAN_CLEAN)
    (tests / "test_snippet_1.py").write_text(HUMAN_CLEAN_TESTS)
    (human / "snippet_2.py").write_text(HUMAN_FLAGGED)
    (tests / "test_snippet_2.py").write_text(HUMAN_FLAGGED_TESTS)
    return tmp_path


def test_label_follows_the_paper() -> None:
    assert label_of("failed", "AttributeError: 'X' object has no attribute 'y'") == "AttributeError"
    assert label_of("failed", "snippet_3.NotFoundError: gone") == "snippet_3.NotFoundError"
    assert label_of("failed", "Failed: DID NOT RAISE <class 'Exception'>") == "Other"
    assert label_of("failed", "assert 1 == 2") == "Other"
    assert label_of("passed", "TypeError: ignored") == "ok"


def test_toy_outcomes_leave_out_xfail(toy: Path) -> None:
    (toy / "functional_correctness_test_folder" / ".oocheck_cache").mkdir()  # a cache is not a split
    data = load_split(toy)
    assert data.split == "toy"
    assert sorted(o.test_name for o in data.outcomes) == ["test_case_0", "test_case_1", "test_case_2",
                                                          "test_case_3", "test_case_5"]
    assert data.xfail_rows == 1
    assert [o.model for o in data.outcomes] == ["m1"] * 5
    assert len(data.human) == 2


def test_toy_metrics(toy: Path) -> None:
    run = run_study(toy)
    predicted = {s.outcome.test_name: s.prediction.exception for s in run.scored}
    assert predicted == {"test_case_0": "AttributeError", "test_case_1": "AttributeError", "test_case_2": None,
                         "test_case_3": None, "test_case_5": "AttributeError"}
    metrics = run.metrics()
    ae = metrics.test_level["AttributeError"]
    assert (ae.tp, ae.fp, ae.fn) == (2, 1, 1)
    assert ae.precision == pytest.approx(2 / 3) and ae.recall == pytest.approx(2 / 3)
    te = metrics.test_level["TypeError"]
    assert (te.tp, te.fp, te.fn) == (0, 0, 1)
    # No TypeError predicted: precision is 0/0, undefined, not 0.
    assert te.defined() == (None, 0.0, 0.0) and ae.defined()[0] == pytest.approx(2 / 3)
    sample = metrics.sample_level["AttributeError"]
    assert (sample.tp, sample.fp, sample.fn) == (1, 0, 0)
    assert metrics.confusion["TypeError"]["AttributeError"] == 1
    assert metrics.confusion["ok"]["none"] == 1
    oo101 = next(r for r in metrics.rules if r.code == "OO101")
    assert (oo101.tests, oo101.correct) == (3, 2)
    assert metrics.per_model["m1"]["AttributeError"] == ae
    assert metrics.human is not None
    assert (metrics.human.samples, metrics.human.flagged) == (2, 1)
    assert metrics.human.flagged_samples[0].endswith("snippet_2.py")


def test_rag_layout(toy: Path) -> None:
    split = toy / "functional_correctness_test_folder" / "toy"
    rag = split / "rag" / "m1"
    shutil.copytree(split / "m1", rag)
    report = rag / "full_docstr_reports" / "combined_test_report.csv"
    report.write_text(report.read_text().replace("toy/m1/", "toy/rag/m1/"))
    data = load_split(toy)
    assert sorted({o.model for o in data.outcomes}) == ["m1", "rag/m1"]
    assert len(data.outcomes) == 10
    rag_only = load_split(split / "rag")
    assert {o.model for o in rag_only.outcomes} == {"rag/m1"}
    assert rag_only.check_paths == [split / "rag"]


def test_toy_narrowed_to_a_model_folder(toy: Path) -> None:
    data = load_split(toy / "functional_correctness_test_folder" / "toy" / "m1")
    assert len(data.outcomes) == 5
    assert data.human == []  # the reference classes belong to the whole split


def test_cli_on_toy(toy: Path, tmp_path: Path) -> None:
    preds = tmp_path / "preds.jsonl"
    report = tmp_path / "report"
    result = CliRunner().invoke(app, ["study", str(toy), "--format", "json", "--predictions", str(preds),
                                      "--report", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["test_level"]["AttributeError"]["tp"] == 2
    assert data["test_level"]["TypeError"]["precision"] is None  # JSON null: undefined, not 0.000
    lines = [json.loads(line) for line in preds.read_text().splitlines()]
    assert len(lines) == 5
    assert all(set(line) == {"id", "predicted", "codes", "confidence"} for line in lines)
    first = next(line for line in lines if line["id"].endswith("::test_case_0"))
    assert first["predicted"] == "AttributeError" and "OO101" in first["codes"] and first["confidence"] == "high"
    assert (report / "report.md").read_text().startswith("# oocheck study: split toy")
    type_error_row = next(line for line in (report / "report.md").read_text().splitlines()
                          if line.startswith("| TypeError"))
    assert type_error_row.split("|")[2].strip() == "—"  # precision 0/0 shown as undefined


@pytest.mark.parametrize("args", [["/no/such/folder"], ["{toy}/functional_correctness_test_folder/toy/m1/"
                                                        "full_docstr/snippet_1.py"], ["{tmp}"],
                                  ["{toy}", "--split", "nope"], ["{toy}", "--format", "xml"]])
def test_cli_bad_input_is_one_line(args: list[str], toy: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    empty = tmp_path_factory.mktemp("not_a_package")
    argv = ["study", *[a.format(toy=toy, tmp=empty) for a in args]]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("oocheck: ")


def test_load_split_rejects_a_foreign_folder(tmp_path: Path) -> None:
    with pytest.raises(StudyError):
        load_split(tmp_path)


# -- the real csn split ------------------------------------------------------------------------------
@needs_data
def test_distribution_reproduces_the_paper_row() -> None:
    assert DATA is not None
    dist = distribution(load_split(DATA, "csn").outcomes)
    assert dist.failures == 5904
    assert dict(zip(COLUMNS, dist.row(), strict=True)) == {
        "AttributeError": "49.41", "TypeError": "22.14", "ValueError": "2.81", "NameError": "0.12",
        "IndexError": "0.42", "KeyError": "0.27", "ZeroDivisionError": "0.14", "FileNotFoundError": "0.76",
        "AssertionError": "5.34", "ImportError": "0.00", "RuntimeError": "0.30", "SyntaxError": "0.00",
        "Other": "18.29"}


@needs_data
def test_xfail_decorators_match_the_markers_column() -> None:
    """Human-written tests have no report: their xfail markers are read from the decorators."""
    assert DATA is not None
    split = DATA / "functional_correctness_test_folder" / "csn"
    recorded: dict[tuple[str, str], bool] = {}
    csv.field_size_limit(sys.maxsize)
    for report in split.glob("*/*_reports/combined_test_report.csv"):
        with report.open(newline="") as handle:
            for row in csv.DictReader(handle):
                file_part, name = row["id"].split("::", 1)
                recorded[(file_part, name)] = bool(row["markers"])
    parsed: dict[tuple[str, str], bool] = {}
    for file_part in {f for f, _ in recorded}:
        path = DATA / file_part
        if not path.is_file():
            continue
        module = ModuleInfo(path.stem, path, path.parent, str(path), ast.parse(path.read_bytes()))
        for test in predict.test_functions(module):
            parsed[(file_part, test.qualname)] = test.xfail
    common = recorded.keys() & parsed.keys()
    assert len(common) > 13000
    assert all(recorded[k] == parsed[k] for k in common)


@pytest.fixture(scope="module")
def csn_run() -> Iterator[StudyRun]:
    assert DATA is not None
    yield run_study(DATA, "csn")


_SCORE_LINE = re.compile(r"^(?P<exc>\w+): P (?P<p>[\d.]+) R (?P<r>[\d.]+) F1 (?P<f>[\d.]+) "
                         r"\(tp (?P<tp>\d+) fp (?P<fp>\d+) fn (?P<fn>\d+)\)$")


@needs_data
def test_agrees_with_score_predictions(csn_run: StudyRun, tmp_path: Path) -> None:
    assert DATA is not None and SCORER is not None
    preds = tmp_path / "preds.jsonl"
    preds.write_text("".join(line + "\n" for line in prediction_lines(csn_run.scored)))
    out = subprocess.run([sys.executable, str(SCORER), "--root", str(DATA), "--split", "csn",
                          "--predictions", str(preds)], capture_output=True, text=True, timeout=300, check=True)
    scored = {m["exc"]: m for line in out.stdout.splitlines() if (m := _SCORE_LINE.match(line))}
    metrics: StudyMetrics = csn_run.metrics()
    assert set(scored) == set(TARGETS)
    for exc in TARGETS:
        ours = metrics.test_level[exc]
        theirs = scored[exc]
        assert (ours.tp, ours.fp, ours.fn) == (int(theirs["tp"]), int(theirs["fp"]), int(theirs["fn"]))
        assert (f"{ours.precision:.3f}", f"{ours.recall:.3f}", f"{ours.f1:.3f}") == (
            theirs["p"], theirs["r"], theirs["f"])
    assert f"tests scored: {metrics.tests} " in out.stdout
    assert f"covering {metrics.tests};" in out.stdout
    assert "lines for unknown or xfail ids: 0" in out.stdout


@needs_data
def test_csn_study_covers_every_test(csn_run: StudyRun) -> None:
    metrics = csn_run.metrics()
    assert metrics.tests == 8088
    # The reports name 11 test files that are not in the package; everything else is found.
    assert metrics.linked >= metrics.tests - 30
    assert metrics.human is not None and metrics.human.samples > 150
