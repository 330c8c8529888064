"""The mypy bridge: what it adds, how it merges with the rules, and that its failures cost one warning."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oocheck import incremental, mypy_bridge
from oocheck.cli import app
from oocheck.config import Config, ConfigError, load_config
from oocheck.diagnostics import Confidence, Finding, Location
from oocheck.engine import CheckResult, check_paths
from oocheck.mypy_bridge import runner
from oocheck.mypy_bridge.codes import MYPY_CODES, mapping_for

HEADINGS = ("## What it finds", "## Why it fails at runtime", "## Example", "## Use instead", "## Not flagged")
_CODE_BLOCK = re.compile(r"```python\n(?P<code>.*?)```", re.DOTALL)

# A rule finding (OO101 on line 6) and a place only mypy can judge (an item of a typed list, line 10).
SOURCE = '''\
class Box:
    def __init__(self) -> None:
        self.size = 1


print(Box().weight)


boxes: list[Box] = [Box()]
print(boxes[0].colour)
'''


def write(tmp_path: Path, text: str = SOURCE, name: str = "boxes.py") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def check(path: Path, **options: object) -> CheckResult:
    return check_paths([path], Config(min_confidence=Confidence.LOW).with_options(**options))


def codes_by_line(result: CheckResult) -> dict[int, list[str]]:
    lines: dict[int, list[str]] = {}
    for finding in result.findings:
        lines.setdefault(finding.line, []).append(finding.code)
    return lines


def test_mypy_finds_an_attribute_error_the_rules_cannot_see(tmp_path: Path) -> None:
    result = check(write(tmp_path))
    assert not result.warnings
    found = [f for f in result.findings if f.line == 10]
    assert [f.code for f in found] == ["OO180"]
    assert found[0].predicts == "AttributeError"
    assert found[0].message == '"Box" has no attribute "colour"'
    assert (found[0].col, found[0].end_col) == (7, 22)  # 1-based, as the rules' columns


def test_no_mypy_gives_the_rules_findings_only(tmp_path: Path) -> None:
    path = write(tmp_path)
    assert codes_by_line(check(path, mypy=False)) == {6: ["OO101"]}
    with_mypy = codes_by_line(check(path))
    assert with_mypy == {6: ["OO101"], 10: ["OO180"]}


def test_mypy_false_in_pyproject_turns_the_bridge_off(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.oocheck]\nmypy = false\nmypy-timeout = 30\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert (config.mypy, config.mypy_timeout) == (False, 30.0)
    (tmp_path / "pyproject.toml").write_text("[tool.oocheck]\nmypy = 'no'\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(tmp_path)


def test_merge_keeps_the_rules_code_and_adds_mypys_evidence(tmp_path: Path) -> None:
    result = check(write(tmp_path))
    on_line_6 = [f for f in result.findings if f.line == 6]
    assert len(on_line_6) == 1, on_line_6
    finding = on_line_6[0]
    assert finding.code == "OO101"
    assert any(e.note.startswith("mypy [mypy-attr-defined]") for e in finding.evidence)


def _finding(code: str, line: int, col: int, predicts: str, confidence: Confidence = Confidence.MEDIUM) -> Finding:
    return Finding(path="m.py", line=line, col=col, end_line=line, end_col=col + 3, code=code, name=code.lower(),
                   predicts=predicts, message=f"{code} says so", confidence=confidence,
                   evidence=(Location("m.py", 1, 1, "a class"),))


def test_merge_one_finding_per_line_and_exception() -> None:
    rules = [_finding("OO101", 3, 5, "AttributeError", Confidence.LOW), _finding("OO202", 7, 1, "TypeError")]
    mypy = [
        _finding("OO180", 3, 1, "AttributeError"),  # same line and exception as OO101: absorbed
        _finding("OO280", 3, 1, "TypeError"),  # same line, another exception: kept
        _finding("OO280", 7, 9, "TypeError"),  # absorbed by OO202
        _finding("OO282", 9, 1, "TypeError"),  # alone: kept
        _finding("OO285", 9, 4, "TypeError"),  # same line as the one above: absorbed by it
    ]
    merged = mypy_bridge.merge_findings(rules, mypy)
    keys = sorted((f.line, f.predicts, f.code) for f in merged)
    assert keys == [(3, "AttributeError", "OO101"), (3, "TypeError", "OO280"), (7, "TypeError", "OO202"),
                    (9, "TypeError", "OO282")]
    oo101 = next(f for f in merged if f.code == "OO101")
    assert oo101.confidence is Confidence.MEDIUM  # two analyses agree: one level up
    assert [e.note for e in oo101.evidence] == ["a class", "mypy [oo180]: OO180 says so"]
    oo282 = next(f for f in merged if f.code == "OO282")
    assert oo282.confidence is Confidence.MEDIUM  # mypy agreeing with mypy proves nothing more
    assert len(oo282.evidence) == 2


def test_a_broken_mypy_configuration_gives_the_rules_findings_and_one_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_args = runner.mypy_args
    monkeypatch.setattr(runner, "mypy_args", lambda *a, **k: [*real_args(*a, **k), "--no-such-mypy-option"])
    result = check(write(tmp_path))
    assert codes_by_line(result) == {6: ["OO101"]}
    assert len(result.warnings) == 1, result.warnings
    assert "mypy" in result.warnings[0] and "left out" in result.warnings[0]


def test_a_mypy_time_out_gives_the_rules_findings_and_one_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "worker_command", lambda: [sys.executable, "-c", "import time; time.sleep(120)"])
    started = time.monotonic()
    result = check(write(tmp_path), mypy_timeout=1.0)
    assert time.monotonic() - started < 30, "the hung worker was not stopped"
    assert codes_by_line(result) == {6: ["OO101"]}
    assert len(result.warnings) == 1, result.warnings
    assert "did not finish within 1 s" in result.warnings[0]


def test_a_crashing_worker_gives_one_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "worker_command",
                        lambda: [sys.executable, "-c", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)"])
    result = check(write(tmp_path))
    assert codes_by_line(result) == {6: ["OO101"]}
    assert len(result.warnings) == 1 and "boom" in result.warnings[0], result.warnings


def test_cli_exit_code_is_decided_by_the_rules_when_mypy_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "worker_command", lambda: [sys.executable, "-c", "import time; time.sleep(120)"])
    clean = write(tmp_path, "values: list[int] = [1]\nprint(values[0])\n", "clean.py")
    cli = CliRunner()
    result = cli.invoke(app, ["check", "--mypy-timeout", "1", str(clean)])
    assert result.exit_code == 0, result.output
    result = cli.invoke(app, ["check", "--mypy-timeout", "1", str(write(tmp_path))])
    assert result.exit_code == 1, result.output
    assert result.output.count("warning:") == 1
    assert "OO101" in result.output and "OO180" not in result.output


def test_cli_no_mypy(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--no-mypy", "--min-confidence", "low", str(write(tmp_path))])
    assert result.exit_code == 1
    assert "OO101" in result.output and "OO180" not in result.output


def test_import_roots_that_reuse_module_names_are_checked_apart(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # no pyproject.toml: the cache goes to the current folder
    tmp_path = tmp_path / "checked"
    tmp_path.mkdir()
    for variant in ("first", "second"):
        (tmp_path / variant).mkdir()
        write(tmp_path / variant, "class Box:\n    pass\n", "snippet.py")
        write(tmp_path / variant, "import snippet\n\nboxes: list[snippet.Box] = []\nprint(boxes[0].size)\n",
              "test_snippet.py")
    result = check(tmp_path)
    assert not result.warnings, result.warnings
    assert sorted((Path(f.path).parent.name, f.line, f.code) for f in result.findings) == [
        ("first", 4, "OO180"), ("second", 4, "OO180")]
    files = [(p.resolve(), p.parent.resolve(), p.stem) for p in sorted(tmp_path.glob("*/*.py"))]
    assert len(runner.group_sources(files)) == 2
    assert (workdir / ".oocheck_cache" / "mypy").is_dir()
    assert not (tmp_path / ".oocheck_cache").exists()  # nothing written into the checked folder


def test_one_project_is_one_group(tmp_path: Path) -> None:
    files = [(tmp_path / "src" / "pkg" / "__init__.py", tmp_path / "src", "pkg"),
             (tmp_path / "src" / "pkg" / "core.py", tmp_path / "src", "pkg.core"),
             (tmp_path / "tests" / "test_core.py", tmp_path / "tests", "test_core")]
    groups = runner.group_sources(files)
    assert len(groups) == 1 and len(groups[0].files) == 3


def test_unparseable_files_do_not_stop_mypy(tmp_path: Path) -> None:
    # More broken files than the worker's retries: they are all found by one parse of every file.
    for number in range(7):
        write(tmp_path, "def broken(:\n", f"broken{number}.py")
    write(tmp_path)
    result = check(tmp_path)
    assert not result.warnings, result.warnings
    assert {f.code for f in result.findings} == {"OO000", "OO101", "OO180"}


def test_text_output_is_parsed_like_json() -> None:
    text = 'a.py:6:12:6:17: error: "A" has no attribute "nope"  [attr-defined]\na.py:7:1: note: See docs\n'
    (diag,) = runner.parse_output(text, json_output=False)
    assert (diag.line, diag.col, diag.end_col, diag.code) == (6, 11, 17, "attr-defined")
    as_json = ('{"file": "a.py", "line": 6, "column": 11, "end_line": 6, "end_column": 17, '
               '"message": "\\"A\\" has no attribute \\"nope\\"", "hint": null, "code": "attr-defined", '
               '"severity": "error"}\n')
    assert runner.parse_output(as_json, json_output=True) == [diag]


def test_table_codes() -> None:
    mappings = mypy_bridge.all_mappings()
    for code, mapping in mappings.items():
        expected = "OO18" if mapping.predicts == "AttributeError" else "OO28"
        assert code.startswith(expected), code
    assert mapping_for("attr-defined", '"A" has no attribute "x"') is MYPY_CODES["attr-defined"][0]
    assert mapping_for("misc", "Access to generic instance variables via class is ambiguous") is None
    assert mapping_for("var-annotated", "Need type annotation") is None


@pytest.mark.parametrize("entry", mypy_bridge.documented_codes(), ids=lambda e: e.code)
def test_each_code_documents_itself_and_its_example_proves_it(entry: mypy_bridge.DocumentedCode,
                                                               tmp_path: Path) -> None:
    doc = entry.documentation()
    positions = [doc.find(h) for h in HEADINGS]
    assert -1 not in positions and positions == sorted(positions), f"{entry.code}: headings"
    example = _CODE_BLOCK.search(doc[doc.index("## Example"):doc.index("## Use instead")])
    instead = _CODE_BLOCK.search(doc[doc.index("## Use instead"):doc.index("## Not flagged")])
    assert example and instead
    (tmp_path / "example").mkdir()
    reported = check(write(tmp_path / "example", example.group("code"), "example.py"))
    assert not reported.warnings, reported.warnings
    # Reported under its own code, or folded into a rule's finding on the same line.
    assert any(f.code == entry.code or any(e.note.startswith(f"mypy [{entry.name}]") for e in f.evidence)
               for f in reported.findings), [(f.code, f.message) for f in reported.findings]
    (tmp_path / "instead").mkdir()
    silent = check(write(tmp_path / "instead", instead.group("code"), "example.py"))
    assert not [f for f in silent.findings if f.code == entry.code], silent.findings


# The fixtures with --no-mypy are checked in test_fixtures.py (every case, its mypy markers aside).


def test_a_failed_check_stops_mypy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "worker_command", lambda: [sys.executable, "-c", "import time; time.sleep(120)"])
    started: list[runner.MypyInBackground] = []
    real_start = mypy_bridge.start_mypy

    def start(*args: object, **kwargs: object) -> runner.MypyInBackground:
        started.append(real_start(*args, **kwargs))  # type: ignore[arg-type]
        return started[-1]

    def broken_index(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(mypy_bridge, "start_mypy", start)
    monkeypatch.setattr("oocheck.engine.RepoIndex.collect", broken_index)
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        check(write(tmp_path))
    assert time.monotonic() - began < 30
    assert started and started[0].wait().warning == "mypy was cancelled; mypy's findings are left out for 1 of 1 " \
        "file group(s) (the rules' findings are complete)"


def test_jobs_one_runs_mypy_before_the_index_with_the_same_findings(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path)
    together = check(path)
    order: list[str] = []
    real_start = mypy_bridge.start_mypy
    real_collect = incremental.collect

    def start(*args: object, **kwargs: object) -> runner.MypyInBackground:
        background = real_start(*args, **kwargs)  # type: ignore[arg-type]
        real_wait = background.wait

        def wait() -> runner.MypyRun:
            order.append("mypy done")
            return real_wait()
        monkeypatch.setattr(background, "wait", wait)
        return background

    def collect(*args: object, **kwargs: object) -> object:
        order.append("index")
        return real_collect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mypy_bridge, "start_mypy", start)
    monkeypatch.setattr(incremental, "collect", collect)
    alone = check(path, jobs=1)
    assert order[:2] == ["mypy done", "index"]
    assert alone.findings == together.findings and codes_by_line(alone)[10] == ["OO180"]


def test_a_worker_started_before_the_files_are_found_runs_the_check(tmp_path: Path) -> None:
    # The check starts a worker first thing (it imports mypy meanwhile) and mypy's run takes it.
    path = write(tmp_path)
    runner._SPARE.clear()
    started: list[object] = []
    real = runner._spawn

    def counting(errors, command=None):  # type: ignore[no-untyped-def]
        started.append(command)
        return real(errors, command)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "_spawn", counting)
        result = check(path)
    assert codes_by_line(result) == {6: ["OO101"], 10: ["OO180"]} and not result.warnings
    assert len(started) == 1 and not runner._SPARE  # one worker: the one started early


def test_a_spare_worker_that_died_or_runs_another_command_is_not_used(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path)
    runner._SPARE.clear()
    runner.prestart()
    runner._SPARE[0][1].kill()  # died before the run
    assert codes_by_line(check(path)) == {6: ["OO101"], 10: ["OO180"]}
    runner._SPARE.clear()
    runner.prestart()  # a real worker left by a check that failed before mypy ran ...
    spare = runner._SPARE[0][1]
    monkeypatch.setattr(runner, "worker_command",
                        lambda: [sys.executable, "-c", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)"])
    result = check(path)
    # ... is not taken by a run whose workers are another command (a test's stand-in): it is stopped.
    assert len(result.warnings) == 1 and "boom" in result.warnings[0], result.warnings
    assert spare.poll() is not None


def test_mypys_findings_reach_a_module_linked_under_another_name(tmp_path: Path) -> None:
    # mypy is given resolved paths; the index keeps the name it found first (alias.py, a link).
    write(tmp_path, name="boxes.py")
    (tmp_path / "alias.py").symlink_to(tmp_path / "boxes.py")
    result = check(tmp_path)
    assert [(Path(f.path).name, f.line, f.code) for f in result.findings if f.line == 10] == [("alias.py", 10, "OO180")]
