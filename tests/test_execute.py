"""`oocheck study --execute`: tests run contained, their outcomes recorded as pytest reports them.

The repo under `fixtures/study/execute/` is copied to a temporary folder (the "input") and executed
once per session; the tests below read that one run. Its hostile tests loop, fork, allocate and
write outside their copy: each must end as a recorded failure while the rest of the run goes on,
and the input must stay byte-for-byte as it was.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oocheck.cli import app
from oocheck.study.execute import ExecutedCase, FileResult, ResultStore, execute_files, written_tests
from oocheck.study.outcomes import label_of
from oocheck.study.sandbox import PIDS_CGROUP_V1, Limits

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "study" / "execute"
# The time-out leaves pytest room to start on a loaded machine; the endless loop only sleeps.
LIMITS = Limits(timeout=15, memory_mb=512, max_processes=32)
ESCAPE = '''\
import os

INPUT = {input!r}


def test_write_into_the_input():
    with open(os.path.join(INPUT, "escaped.txt"), "w") as handle:
        handle.write("escaped")


def test_delete_from_the_input():
    os.remove(os.path.join(INPUT, "shapes.py"))


def test_write_next_to_the_input():
    with open(os.path.join(os.path.dirname(INPUT), "escaped.txt"), "w") as handle:
        handle.write("escaped")
'''


def _snapshot(folder: Path) -> dict[str, tuple[float, str]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}


class Executed:
    """One execution of the fixture repo, with the input's state before and after."""

    def __init__(self, root: Path) -> None:
        self.input = root / "input"
        shutil.copytree(FIXTURE, self.input)
        (self.input / "test_escape.py").write_text(ESCAPE.format(input=str(self.input)))
        self.results = root / "results"
        self.files = [self.input / name for name in
                      ("test_endless.py", "test_hostile.py", "test_sample.py", "test_broken_import.py",
                                   "test_escape.py")]
        self.before = _snapshot(self.input)
        reference, self._xml = _start_pytest_reference(root, ["test_sample.py", "test_broken_import.py"])
        os.environ["OOCHECK_TEST_SECRET"] = "do-not-leak"
        try:
            self.results_by_file = execute_files(self.input, self.files, LIMITS, results=self.results, jobs=2)
        finally:
            del os.environ["OOCHECK_TEST_SECRET"]
        self.after = _snapshot(self.input)
        self.cases = {c.id: c for r in self.results_by_file for c in r.cases}
        reference.wait(timeout=120)

    def reference(self) -> dict[str, tuple[str, str]]:
        return _read_junit(self._xml)

    def case(self, test_id: str) -> ExecutedCase:
        return self.cases[test_id]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Executed]:
    yield Executed(tmp_path_factory.mktemp("execute"))


def _start_pytest_reference(folder: Path, files: list[str]) -> tuple[subprocess.Popen[bytes], Path]:
    """pytest itself on a copy of the fixture, reporting to junit xml (started, not waited for)."""
    work = folder / "reference"
    shutil.copytree(FIXTURE, work)
    xml = folder / "reference.xml"
    process = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(work),
                                "--continue-on-collection-errors", f"--junitxml={xml}", *files], cwd=work,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, xml


def _read_junit(xml: Path) -> dict[str, tuple[str, str]]:
    """Per test id: (status, message) as pytest's junit xml states them."""
    outcomes = {}
    for case in ET.parse(xml).getroot().iter("testcase"):
        module, _, cls = case.get("classname", "").partition(".")
        test_id = f"{module or case.get('name')}.py"
        if module:
            test_id += f"::{cls + '::' if cls else ''}{case.get('name')}"
        else:  # a collection error: the module's name, no test
            test_id += f"::{case.get('name')}"
        status, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                status, message = ("failed" if child.tag == "failure" else "error"), child.get("message", "")
            elif child.tag == "skipped":
                status = "xfailed" if child.get("type") == "pytest.xfail" else "skipped"
        outcomes[test_id] = (status, message)
    return outcomes


@pytest.fixture(scope="module")
def reference(executed: Executed) -> dict[str, tuple[str, str]]:
    """pytest's own report of the two ordinary files, run once."""
    return executed.reference()


def test_outcomes_equal_what_pytest_reports(executed: Executed, reference: dict[str, tuple[str, str]]) -> None:
    reference = {k: v for k, v in reference.items() if k.startswith("test_sample.py::")}
    ours = {k: v for k, v in executed.cases.items() if k.startswith("test_sample.py::")}
    assert set(ours) == set(reference), "the same test ids as pytest's own"
    for test_id, (status, message) in reference.items():
        case = ours[test_id]
        assert case.status == status, test_id
        if status == "failed":
            assert case.message == message, test_id
    labels = {test_id.split("::")[-1]: label_of(c.status, c.message) for test_id, c in ours.items() if not c.markers}
    assert labels == {"test_passes": "ok", "test_attribute_error": "AttributeError", "test_type_error": "TypeError",
                      "test_assertion": "Other", "test_custom_exception": "Other",  # no "Error:" in it
                      "test_not_implemented": "NotImplementedError", "test_sides": "ok",
                      "test_missing_method": "AttributeError"}
    assert executed.case("test_sample.py::test_strict_xpass").message.startswith("[XPASS(strict)]")
    assert executed.case("test_sample.py::test_expected_failure").markers == "xfail"


def test_a_module_that_cannot_be_imported_fails_every_test_with_the_import_error(
        executed: Executed, reference: dict[str, tuple[str, str]]) -> None:
    case = executed.case("test_broken_import.py::test_uses_the_module")
    assert (case.status, case.when) == ("failed", "collect")
    assert case.message == "ModuleNotFoundError: No module named 'a_module_that_is_not_installed'"
    assert executed.case("test_broken_import.py::test_marked").markers == "xfail"  # left out, as the paper does
    # pytest itself reports the file as one collection error and runs none of its tests.
    broken = {k: v for k, v in reference.items() if k.startswith("test_broken_import")}
    assert broken == {"test_broken_import.py::test_broken_import": ("error", "collection failure")}


def test_an_endless_loop_times_out_and_the_file_goes_on(executed: Executed) -> None:
    loop = executed.case("test_endless.py::test_endless_loop")
    assert loop.status == "failed" and loop.message.startswith("[timeout]")
    assert label_of(loop.status, loop.message) == "Other"
    after = executed.case("test_endless.py::test_after_the_loop")
    assert (after.status, after.message) == ("failed", "assert (1 + 1) == 3")
    endless = next(r for r in executed.results_by_file if r.test_file == "test_endless.py")
    assert endless.timed_out and len(endless.runs) >= 2


def test_a_test_that_ends_the_interpreter_is_a_crash_and_the_file_goes_on(executed: Executed) -> None:
    exit_case = executed.case("test_hostile.py::test_exits_the_interpreter")
    assert exit_case.status == "failed" and exit_case.message.startswith("[crashed]"), exit_case.message
    assert executed.case("test_hostile.py::test_after_the_exit").status == "passed"


def test_a_memory_hog_hits_its_limit(executed: Executed) -> None:
    hog = executed.case("test_hostile.py::test_memory_hog")
    assert hog.status == "failed"
    assert hog.message.startswith("MemoryError") or hog.message.startswith("[crashed]"), hog.message


def test_a_fork_bomb_is_kept_under_its_limit(executed: Executed) -> None:
    hostile = next(r for r in executed.results_by_file if r.test_file == "test_hostile.py")
    assert all(run["process_limit"] in {"rlimit", "cgroup"} for run in hostile.runs)
    bomb = executed.case("test_hostile.py::test_fork_bomb")
    # fork() refused before the time-out, with no more children than the limit allows.
    assert bomb.status == "failed" and bomb.message.startswith("RuntimeError: fork refused after "), bomb.message
    children = int(bomb.message.split()[-2])
    assert 0 < children <= LIMITS.max_processes
    # Every process of every run was killed: their pids cgroups (root) are gone.
    assert not list(PIDS_CGROUP_V1.glob(f"oocheck-{os.getpid()}-*"))


def test_nothing_is_written_into_the_input(executed: Executed) -> None:
    assert executed.after == executed.before
    assert executed.case("test_hostile.py::test_writes_inside").status == "passed"  # into its copy
    assert not (executed.input.parent / "escaped.txt").exists()
    if os.geteuid() == 0:  # root: all but the run's own folder is mounted read-only for the tests
        for name in ("test_write_into_the_input", "test_delete_from_the_input", "test_write_next_to_the_input"):
            case = executed.case(f"test_escape.py::{name}")
            assert case.status == "failed" and "Read-only file system" in case.message, case.message


def test_the_environment_holds_no_secret(executed: Executed) -> None:
    assert executed.case("test_hostile.py::test_sees_no_secret").status == "passed"


def test_results_are_stored_and_a_second_run_repeats_nothing(executed: Executed) -> None:
    stored = {p.name: p.stat().st_mtime_ns for p in executed.results.glob("*.json")}
    assert sorted(stored) == sorted(f"{f.name}.json" for f in executed.files)
    # What a killed oocheck left in the temporary folder goes; a running one's stays.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = Path(tempfile.gettempdir()) / f"oocheck-execute-{dead.pid}-left"
    live = Path(tempfile.gettempdir()) / f"oocheck-execute-{os.getpid()}-running"
    for folder in (stale, live):
        (folder / "repo").mkdir(parents=True)
    again = execute_files(executed.input, executed.files, LIMITS, results=executed.results)
    assert not stale.exists() and live.is_dir()
    shutil.rmtree(live)
    assert all(r.resumed for r in again)
    assert [c for r in again for c in r.cases] == [c for r in executed.results_by_file for c in r.cases]
    assert {p.name: p.stat().st_mtime_ns for p in executed.results.glob("*.json")} == stored


def test_an_interrupted_run_resumes_where_it_stopped(executed: Executed, tmp_path: Path) -> None:
    results = tmp_path / "results"
    files = [executed.input / name for name in ("test_broken_import.py", "test_escape.py")]

    def stop(result: FileResult) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        execute_files(executed.input, files, LIMITS, results=results, on_done=stop)
    # The first file was done and stored; the second, stopped while it ran, left nothing.
    stored = {p.name: p.stat().st_mtime_ns for p in results.glob("*.json")}
    assert sorted(stored) == ["test_broken_import.py.json"]
    resumed = execute_files(executed.input, files, LIMITS, results=results)
    assert [r.resumed for r in resumed] == [True, False]
    assert {p.name: p.stat().st_mtime_ns for p in results.glob("*.json") if p.name in stored} == stored
    first_run = next(r for r in executed.results_by_file if r.test_file == "test_escape.py")
    assert [(c.id, c.status, c.message) for c in resumed[1].cases] == [(c.id, c.status, c.message)
                                                                        for c in first_run.cases]


def test_a_stored_result_of_a_changed_test_file_is_not_reused(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.save(FileResult("t/test_x.py", "abc", [], runs=[]))
    assert store.load("t/test_x.py", "abc") is not None
    assert store.load("t/test_x.py", "changed") is None
    (tmp_path / "t" / "test_y.py.json").write_text("{not json")
    assert store.load("t/test_y.py", "abc") is None


def test_written_tests_reads_markers_from_decorators() -> None:
    assert written_tests(FIXTURE / "test_broken_import.py") == [("test_uses_the_module", ""), ("test_marked", "xfail")]
    assert ("TestSquare::test_sides", "") in written_tests(FIXTURE / "test_sample.py")


def test_study_execute_on_a_realclasseval_layout(tmp_path: Path) -> None:
    code = tmp_path / "functional_correctness_test_folder" / "toy" / "m1" / "full_docstr"
    code.mkdir(parents=True)
    shutil.copyfile(FIXTURE / "shapes.py", code / "shapes.py")
    shutil.copyfile(FIXTURE / "test_sample.py", code / "test_sample.py")
    rel = "functional_correctness_test_folder/toy/m1/full_docstr/test_sample.py"
    report = code.parent / "full_docstr_reports" / "combined_test_report.csv"
    report.parent.mkdir()
    with report.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "module", "name", "file", "doc", "markers", "status", "message", "duration"])
        writer.writerow([f"{rel}::test_passes", "m", "test_passes", rel, "", "", "passed", "", "0"])
        writer.writerow([f"{rel}::test_type_error", "m", "test_type_error", rel, "", "", "failed",
                         "AttributeError: recorded elsewhere", "0"])
    before = _snapshot(tmp_path)
    inside = CliRunner().invoke(app, ["study", str(tmp_path), "--execute", "--results", str(tmp_path / "runs")])
    assert inside.exit_code == 2 and "never writes into its input" in inside.output
    results = tmp_path.parent / f"{tmp_path.name}-results"
    result = CliRunner().invoke(app, ["study", str(tmp_path), "--execute", "--results", str(results),
                                      "--timeout", "30", "--format", "json"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    execution = output["execution"]
    compared = (execution["test_files"], execution["compared_with_recorded"], execution["agreed_with_recorded"])
    assert compared == (1, 2, 1)
    assert execution["disagreements"] == [{"recorded": "AttributeError", "executed": "TypeError", "tests": 1}]
    assert output["tests"] == 8  # every executed case without a marker (xfail, skip: as pytest-csv writes them)
    assert _snapshot(tmp_path) == before
    assert (results / f"{rel}.json").is_file()


def test_the_plugin_is_shipped_and_named_alike_and_the_study_needs_no_pytest() -> None:
    import subprocess
    import sys

    from oocheck.study import execute, pytest_record

    assert execute.RECORD_ENV == pytest_record.RECORD_ENV
    assert execute.PLUGIN_SOURCE.is_file()
    # A user without pytest can still run `oocheck study` (without --execute): nothing imports it.
    blocker = "import sys; sys.modules['pytest'] = None\nimport oocheck.study.command\nprint('ok')"
    done = subprocess.run([sys.executable, "-c", blocker], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
