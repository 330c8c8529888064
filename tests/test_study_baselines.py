"""`oocheck study --baseline`: the mapping table, reading each tool's output, the per-test assignment,
one real run of mypy; and the study on a split it has never seen (fixtures/study/mini_split: the
split `heldout`, a `rag/` model, one docstring level per model, no human-written classes).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oocheck.cli import app
from oocheck.config import Config
from oocheck.diagnostics import Confidence
from oocheck.engine import check_paths
from oocheck.study import baseline_tools, baselines
from oocheck.study.baseline_codes import TABLE, environment_codes, mapping_for
from oocheck.study.baseline_tools import TOOLS, PeerDiagnostic
from oocheck.study.baselines import finding_code, peer_findings, peer_predictor
from oocheck.study.distribution import distribution
from oocheck.study.outcomes import load_split
from oocheck.study.predict import Predictor

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "fixtures" / "study" / "mini_split"
SPLIT = MINI / "functional_correctness_test_folder" / "heldout"
METER = SPLIT / "modelA" / "partial_docstr"
LEDGER = SPLIT / "rag" / "modelB" / "no_docstr"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- the mapping table ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("tool", "code", "message", "expected"), [
    ("mypy", "attr-defined", '"Box" has no attribute "width"', "AttributeError"),
    ("mypy", "attr-defined", 'Module has no attribute "Missing"', "AttributeError"),
    ("mypy", "attr-defined", 'Module "snippet_1" has no attribute "Nope"', "ImportError"),
    ("mypy", "attr-defined", '"int" has no attribute "__iter__" (not iterable)', "TypeError"),
    ("mypy", "call-arg", 'Too many arguments for "Box"', "TypeError"),
    ("mypy", "misc", 'Cannot access instance-only attribute "x" on class object', "AttributeError"),
    ("mypy", "misc", '"g" gets multiple values for keyword argument "a"', "TypeError"),
    ("mypy", "misc", "Need type annotation", None),
    ("mypy", "assignment", "Incompatible types in assignment", None),
    ("pylint", "E1101", "Instance of 'Box' has no 'width' member", "AttributeError"),
    ("pylint", "E1120", "No value for argument 'a' in function call", "TypeError"),
    ("pylint", "E0401", "Unable to import 'bs4'", "ImportError"),
    ("pylint", "C0114", "Missing module docstring", None),
    ("pyright", "reportAttributeAccessIssue", 'Cannot access attribute "w" for class "Box"', "AttributeError"),
    ("pyright", "reportAttributeAccessIssue", '"Nope" is unknown import symbol', "ImportError"),
    ("pyright", "reportCallIssue", 'Expected 1 positional argument', "TypeError"),
    ("pyright", "reportGeneralTypeIssues", '"Literal[3]" is not iterable', "TypeError"),
    ("pyright", "reportGeneralTypeIssues", "Code is too complex to analyze", None),
    ("ty", "unresolved-attribute", "Object of type `Box` has no attribute `w`", "AttributeError"),
    ("ty", "missing-attribute", "Object of type `Box` has no attribute `w`", "AttributeError"),
    ("ty", "unknown-argument", "Argument `c` does not match any known parameter", "TypeError"),
    ("ty", "invalid-return-type", "Return type does not match", None),
    ("pyrefly", "missing-attribute", "Object of class `Box` has no attribute `w`", "AttributeError"),
    ("pyrefly", "bad-argument-count", "Expected 1 positional argument, got 2", "TypeError"),
    ("pyrefly", "bad-return", "Returned type is not assignable", None),
])
def test_mapping(tool: str, code: str, message: str, expected: str | None) -> None:
    row = mapping_for(tool, code, message)
    assert (row.predicts if row is not None else None) == expected


def test_every_tool_has_a_table_a_runner_and_import_rows_left_out() -> None:
    assert set(TABLE) == set(TOOLS)
    for tool, rows in TABLE.items():
        predicted = {r.predicts for r in rows}
        assert {"AttributeError", "TypeError", "ImportError"} <= predicted, tool
        assert all(r.predicts == "ImportError" for r in rows if r.environment), tool
        assert environment_codes(tool), tool
    # attr-defined also maps to AttributeError: it is not left out wholesale.
    assert "attr-defined" not in environment_codes("mypy") and "import-not-found" in environment_codes("mypy")
    special = mapping_for("mypy", "attr-defined", '"int" has no attribute "__enter__"')
    assert special is not None and finding_code("mypy", special) == "attr-defined/TypeError"


# -- reading each tool's output (as the tools print it) ---------------------------------------------------
FOLDER = Path("/project/gen")


def test_parse_mypy() -> None:
    out = ('{"file": "test_snippet_1.py", "line": 12, "column": 4, "end_line": 12, "end_column": 17, '
           '"message": "\\"Meter\\" has no attribute \\"total\\"", "hint": null, "code": "attr-defined", '
           '"severity": "error"}\n'
           '{"file": "snippet_1.py", "line": 1, "column": 0, "end_line": 1, "end_column": 1, "message": "See", '
           '"hint": null, "code": null, "severity": "note"}\n')
    assert TOOLS["mypy"].parse(out, FOLDER) == [
        PeerDiagnostic(FOLDER / "test_snippet_1.py", 12, 5, 12, 18, "attr-defined", '"Meter" has no attribute "total"')]


def test_parse_pylint() -> None:
    out = json.dumps([{"type": "error", "line": 16, "column": 14, "endLine": 16, "endColumn": 37,
                       "path": "test_snippet_1.py", "symbol": "too-many-function-args",
                       "message": "Too many positional arguments for constructor call", "message-id": "E1121"}])
    [diag] = TOOLS["pylint"].parse(out, FOLDER)
    assert (diag.path, diag.line, diag.col, diag.end_col, diag.code) == (FOLDER / "test_snippet_1.py", 16, 15, 38,
                                                                         "E1121")


def test_parse_pyright() -> None:
    out = json.dumps({"version": "1.1", "generalDiagnostics": [
        {"file": "/project/gen/test_snippet_1.py", "severity": "error", "message": "Expected 1 positional argument",
         "range": {"start": {"line": 15, "character": 35}, "end": {"line": 15, "character": 36}},
         "rule": "reportCallIssue"},
        {"file": "/project/gen/test_snippet_1.py", "severity": "warning", "message": "unused",
         "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 3}}}]})
    assert TOOLS["pyright"].parse(out, FOLDER) == [PeerDiagnostic(
        FOLDER / "test_snippet_1.py", 16, 36, 16, 37, "reportCallIssue", "Expected 1 positional argument")]


def test_parse_ty() -> None:
    out = ("test_snippet_1.py:12:5: error[missing-attribute] Object of type `Meter` has no attribute `total`\n"
           "snippet_1.py:3:1: warning[unused-ignore-comment] Unused blanket `type: ignore` directive\n"
           "Found 2 diagnostics\n")
    assert TOOLS["ty"].parse(out, FOLDER) == [
        PeerDiagnostic(FOLDER / "test_snippet_1.py", 12, 5, 12, 5, "missing-attribute",
                       "Object of type `Meter` has no attribute `total`")]


def test_parse_pyrefly() -> None:
    out = " INFO checking\n" + json.dumps({"errors": [
        {"line": 12, "column": 5, "stop_line": 12, "stop_column": 18, "path": "test_snippet_1.py", "code": -2,
         "name": "missing-attribute", "description": "long", "concise_description": "Object of class `Meter` has "
         "no attribute `total`", "severity": "error"}]})
    [diag] = TOOLS["pyrefly"].parse(out, FOLDER)
    assert (diag.line, diag.col, diag.end_col, diag.code, diag.message) == (
        12, 5, 18, "missing-attribute", "Object of class `Meter` has no attribute `total`")


def test_unreadable_output_is_an_error_not_a_crash() -> None:
    for tool in ("mypy", "pylint", "pyright", "pyrefly"):
        with pytest.raises(baseline_tools.ToolOutputError):
            TOOLS[tool].parse("Traceback (most recent call last): {oops", FOLDER)


# -- the per-test assignment, on fake tool output ----------------------------------------------------------
@pytest.fixture(scope="module")
def meter_index() -> Predictor:
    return Predictor(check_paths([METER], Config(min_confidence=Confidence.LOW, mypy=False)))


def _diag(path: Path, line: int, col: int, code: str, message: str = "has no attribute") -> PeerDiagnostic:
    return PeerDiagnostic(path.resolve(), line, col, line, col + 5, code, message)


def _predict(predictor: Predictor, diagnostics: list[PeerDiagnostic], follow_calls: bool = False
             ) -> dict[str, str | None]:
    index = predictor.index
    display = {str(m.path.resolve()): m.display_path for m in index.modules}
    peer = peer_predictor(index, peer_findings("mypy", diagnostics, display), follow_calls)
    return {name: peer.predict(test).exception for (_, name), test in sorted(peer.tests().items())}


def test_first_mapped_diagnostic_on_the_test_lines_decides(meter_index: Predictor) -> None:
    tests = METER / "test_snippet_1.py"
    snippet = METER / "snippet_1.py"
    predicted = _predict(meter_index, [
        _diag(tests, 12, 5, "attr-defined"),  # test_case_1: AttributeError
        _diag(tests, 16, 15, "call-arg", "Too many arguments"),  # test_case_2: TypeError
        _diag(tests, 16, 15, "assignment", "Incompatible types"),  # unmapped: predicts nothing
        _diag(tests, 7, 12, "import-not-found", "Cannot find module"),  # an import row: left out
        _diag(snippet, 11, 37, "attr-defined"),  # inside Meter.mean: not on any test's lines
    ])
    assert predicted == {"test_case_0": None, "test_case_1": "AttributeError", "test_case_2": "TypeError",
                         "test_case_3": None, "test_case_4": None}


def test_earliest_diagnostic_in_evaluation_order(meter_index: Predictor) -> None:
    tests = METER / "test_snippet_1.py"
    # Two on test_case_1's line 12 and one on its line 11: the statement that runs first wins.
    predicted = _predict(meter_index, [_diag(tests, 12, 5, "attr-defined"),
                                       _diag(tests, 11, 15, "call-arg", "Missing positional argument")])
    assert predicted["test_case_1"] == "TypeError"


def test_calls_followed_on_request_and_pytest_raises_respected(meter_index: Predictor) -> None:
    snippet = METER / "snippet_1.py"
    diagnostics = [_diag(snippet, 11, 37, "attr-defined")]  # `self.count` in Meter.mean
    assert _predict(meter_index, diagnostics)["test_case_3"] is None
    followed = _predict(meter_index, diagnostics, follow_calls=True)
    # test_case_3 calls mean(); test_case_4 calls it inside `pytest.raises(AttributeError)`.
    assert (followed["test_case_3"], followed["test_case_4"]) == ("AttributeError", None)


def test_module_level_diagnostic_fails_every_test_of_the_module(meter_index: Predictor) -> None:
    tests = METER / "test_snippet_1.py"  # a diagnostic at import time of the test module
    predicted = _predict(meter_index, [_diag(tests, 2, 1, "name-defined", 'Name "x" is not defined')])
    assert set(predicted.values()) == {"NameError"}


# -- one real run of mypy, and the unseen split ----------------------------------------------------------
def test_real_mypy_run_on_the_unseen_split() -> None:
    before = _files(MINI)
    result = CliRunner().invoke(app, ["study", str(MINI), "--split", "heldout", "--baseline", "mypy",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ours = data["test_level"]
    assert (ours["AttributeError"]["tp"], ours["AttributeError"]["fn"], ours["TypeError"]["tp"]) == (2, 0, 3)
    mypy = data["baselines"]["mypy"]
    assert mypy["version"]
    # mypy sees the attribute read and the three bad calls on the tests' lines, not `self.count` inside mean().
    assert {k: mypy["test_level"]["AttributeError"][k] for k in ("tp", "fp", "fn")} == {"tp": 1, "fp": 0, "fn": 1}
    assert {k: mypy["test_level"]["TypeError"][k] for k in ("tp", "fp", "fn")} == {"tp": 3, "fp": 0, "fn": 0}
    assert {r["code"]: r["tests"] for r in mypy["rules"]} == {"attr-defined": 1, "call-arg": 3}
    assert mypy["human"] is None and mypy["failed_folders"] == []
    assert _files(MINI) == before  # nothing written into the checked folders


def test_unseen_split_layout() -> None:
    data = load_split(MINI, "heldout")
    assert data.split == "heldout" and data.human == [] and data.xfail_rows == 1
    assert sorted({(o.model, o.docstr) for o in data.outcomes}) == [("modelA", "partial_docstr"),
                                                                   ("rag/modelB", "no_docstr")]
    assert load_split(MINI).split == "heldout"  # the only split: no --split needed
    rag_only = load_split(SPLIT / "rag")
    assert {o.model for o in rag_only.outcomes} == {"rag/modelB"} and len(rag_only.outcomes) == 3
    dist = distribution(data.outcomes)
    assert (dist.failures, dist.counts["AttributeError"], dist.counts["TypeError"]) == (5, 2, 3)


def test_unseen_split_cli_tables_and_distribution() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["study", str(MINI), "--split", "heldout"])
    assert result.exit_code == 0, result.output
    assert "split heldout" in result.stdout and "rag/modelB" in result.stdout and "human-written" not in result.stdout
    dist = runner.invoke(app, ["study", str(MINI), "--split", "heldout", "--distribution", "--format", "json"])
    assert dist.exit_code == 0, dist.output
    assert json.loads(dist.stdout)["percent"]["AttributeError"] == 40.0


def test_missing_tool_is_one_warning_and_the_study_goes_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(baseline_tools, "_executable", lambda name, module: None)
    report = tmp_path / "report"
    result = CliRunner().invoke(app, ["study", str(LEDGER), "--baseline", "ty", "--report", str(report)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == ["oocheck: warning: baseline ty is not installed here (pip install ty); it is left out"]
    assert "oocheck and its peers" not in result.stdout and "TypeError" in result.stdout
    assert "Peers side by side" not in (report / "report.md").read_text()


def test_unknown_baseline_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["study", str(MINI), "--baseline", "flake8"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("oocheck: unknown --baseline 'flake8' (choose from mypy, pylint, pyright, ty, "
                                     "pyrefly)")


def test_side_by_side_in_text_and_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The rendering, with mypy's run replaced by fake output (the real run is tested above)."""
    def fake_check(tool: object, exe: list[str], folder: Path, files: list[Path], scratch: Path,
                   timeout: float = 0) -> list[PeerDiagnostic]:
        if folder == LEDGER.resolve():
            return [_diag(LEDGER / "test_snippet_1.py", 11, 16, "call-arg", 'Unexpected keyword argument "currency"')]
        return []

    monkeypatch.setattr(baseline_tools, "check_folder", fake_check)
    monkeypatch.setattr(baselines, "version", lambda name: "9.9")
    report = tmp_path / "report"
    result = CliRunner().invoke(app, ["study", str(MINI), "--baseline", "mypy", "--report", str(report),
                                      "--baseline-ignore", "call-arg", "--baseline-ignore", "reportCallIssue"])
    assert result.exit_code == 0, result.output
    rows = {cells[0]: cells[1:] for line in result.stdout.splitlines()
            if (cells := [cell.strip() for cell in line.split("│") if cell.strip()]) and cells[0].startswith("mypy")}
    # TypeError: 1 of 3 found, precisely; without call-arg (the same run), none.
    assert rows["mypy 9.9"][3:6] == ["1.000", "0.333", "0.500"]
    assert rows["mypy 9.9 without call-arg"][3:6] == ["—", "0.000", "0.000"]  # no prediction: precision undefined
    assert result.stdout.count("mypy: per code") == 1
    text = (report / "report.md").read_text()
    assert "## Peers side by side" in text and "| mypy 9.9 |" in text and "### mypy: per code" in text
