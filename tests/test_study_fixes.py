"""`oocheck study --fixes` on a tiny RealClassEval layout: the safe fixes of the generated class remove the
predicted failures they should, tests are never edited, and the input folder is only read."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from oocheck.cli import app
from oocheck.study.executed import ExecuteOptions
from oocheck.study.fixes import executing, study_fixes

SNIPPET = '''\
class Box:
    def __init__(self, size):
        self.size = size
        self.width = 2
        self.colours = []
        self.colors = []

    def area(self):
        return self.size * self.widht  # a typo: one safe fix

    def label(self):
        return self.colour  # two close names: an unsafe fix
'''

TESTS = '''\
import snippet_1 as module_0


def test_case_0():
    module_0.Box(3).area()


def test_case_1():
    module_0.Box(3).label()


def test_case_2():
    assert module_0.Box(3).hieght == 1
'''

# test name -> (status, message) as recorded
RECORDED = {
    "test_case_0": ("failed", "AttributeError: 'Box' object has no attribute 'widht'. Did you mean: 'width'?"),
    "test_case_1": ("failed", "AttributeError: 'Box' object has no attribute 'colour'"),
    "test_case_2": ("failed", "AttributeError: 'Box' object has no attribute 'hieght'"),
}


def make_split(root: Path) -> Path:
    code = root / "functional_correctness_test_folder" / "toy" / "m1" / "full_docstr"
    code.mkdir(parents=True)
    (code / "snippet_1.py").write_text(SNIPPET)
    (code / "test_snippet_1.py").write_text(TESTS)
    rel = "functional_correctness_test_folder/toy/m1/full_docstr/test_snippet_1.py"
    report = code.parent / "full_docstr_reports" / "combined_test_report.csv"
    report.parent.mkdir()
    with report.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "module", "name", "file", "doc", "markers", "status", "message", "duration"])
        for name, (status, message) in RECORDED.items():
            writer.writerow([f"{rel}::{name}", "m", name, rel, "", "", status, message, "0.001"])
    return root


def digest(folder: Path) -> str:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return hashlib.sha256(b"".join(p.as_posix().encode() + p.read_bytes() for p in files)).hexdigest()


def test_fixes_remove_the_predicted_failure_of_the_fixed_class_only(tmp_path: Path) -> None:
    root = make_split(tmp_path / "pkg")
    before = digest(root)
    study = study_fixes(root, "toy")
    assert digest(root) == before  # the split is only read
    assert study.classes == 1 and study.fixes_by_code == {"OO101": 1}
    assert study.predicted_before == {"AttributeError": 3}
    assert study.predicted_after == {"AttributeError": 2}  # `colour` is unsafe; the test's own typo stays
    assert study.unsafe_left == 1 and study.unsafe_applied == 0
    assert study.removed == {"AttributeError": 1} and study.removed_recorded == {"AttributeError": 1}
    assert not study.added
    [fixed] = study.fixed
    assert fixed.snippet.endswith("m1/full_docstr/snippet_1.py") and fixed.removed[0].endswith("::test_case_0")
    assert "+        return self.size * self.width  # a typo: one safe fix" in fixed.diff
    assert fixed.diff.startswith("--- a/functional_correctness_test_folder/toy/m1/full_docstr/snippet_1.py\n")


def test_cli_json(tmp_path: Path) -> None:
    root = make_split(tmp_path / "pkg")
    result = CliRunner().invoke(app, ["study", str(root), "--fixes", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["predicted_failures_removed"] == {"AttributeError": 1}
    assert data["examples"][0]["fixes"] == ["OO101: rename 'widht' to 'width'"]
    unsafe = CliRunner().invoke(app, ["study", str(root), "--fixes", "--unsafe-fixes", "--format", "json"])
    assert json.loads(unsafe.stdout)["predicted_failures_removed"] == {"AttributeError": 2}


def test_executed_with_the_contained_runner_of_study_execute(tmp_path: Path) -> None:
    study = study_fixes(make_split(tmp_path / "pkg"), "toy", run_tests=executing(ExecuteOptions()))
    run = study.execution
    assert run is not None and (run.cases, run.failing_before, run.failing_after) == (3, 3, 2)
    assert run.failures_before == {"AttributeError": 3} and run.failures_after == {"AttributeError": 2}
    [(test, before)] = run.now_pass
    assert test == "m1/full_docstr/test_snippet_1.py::test_case_0" and before.startswith("AttributeError")


def test_cli_rejects_options_fixes_does_not_use(tmp_path: Path) -> None:
    root = make_split(tmp_path / "pkg")
    for extra in (["--fixes", "--distribution"], ["--fixes", "--report", str(tmp_path / "r")], ["--unsafe-fixes"]):
        result = CliRunner().invoke(app, ["study", str(root), *extra])
        assert result.exit_code == 2, (extra, result.output)
