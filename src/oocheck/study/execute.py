"""Executing a repo's tests, contained, with one record per test case: the API of `study --execute`.

    cases = execute_tests(repo_dir, [repo_dir / "test_x.py"], Limits(timeout=30))

Each test file runs in its own pytest process (`sandbox.run_contained`) in a fresh temporary copy of
`repo_dir`; the input folders are only read. The outcome of every test case comes from
`pytest_record.py`, a plugin loaded into that pytest, never from its printed output. A case is an
`ExecutedCase`, a row of the same shape as RealClassEval's `combined_test_report.csv` (id, module,
name, file, doc, markers, status, message, duration), so `outcomes.py` reads both the same way.

What pytest alone would not record:

- a test file that cannot be imported (a missing third-party module): every test function written
  in it is `failed`, with the import's exception as the message (`ModuleNotFoundError: No module
  named 'x'`), `when` = "collect", and the markers its decorators name (`@pytest.mark.xfail`), so
  that an xfail test is still left out;
- a test that runs past the time-out or kills its process (memory, CPU, a signal): that test is
  `failed` with a message starting `[timeout]` or `[crashed]` (the paper's `Other`), and the file
  runs again without the tests already done, up to `max_restarts` times; tests never reached are
  `notrun` (left out of every metric).

With `results`, each test file's cases are stored as `<results>/<test file>.json`, written whole
(temporary file, fsync, `os.replace`), as soon as the file is done. A stored file whose test file is
unchanged (same SHA-256) is not run again: an interrupted run resumes where it stopped. An
interrupt (Ctrl-C) kills the files running; they are not stored and run again on resume.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from oocheck.study.sandbox import (
    DEFAULT_LIMITS,
    ContainedRun,
    Limits,
    allow_runs,
    clean_environment,
    owner_gone,
    run_contained,
    stop_all,
)

# The plugin is copied next to each run, not imported here: it imports pytest, which a check or a
# study without --execute does not need installed. RECORD_ENV is pytest_record.RECORD_ENV (tested).
PLUGIN_SOURCE = Path(__file__).with_name("pytest_record.py")
RECORD_ENV = "OOCHECK_RECORD_FILE"
PLUGIN_MODULE = "_oocheck_record"
STORE_VERSION = 1
NOT_RUN = "notrun"
# Never copied into the temporary folder: version control, environments, caches, oocheck's own.
SKIP_COPY = {".git", ".hg", ".svn", ".venv", "venv", "__pycache__", ".pytest_cache", ".mypy_cache",
             ".ruff_cache", ".oocheck_cache", ".tox", "node_modules"}
STDERR_TAIL = 2000
WORK_PREFIX = "oocheck-execute"  # temporary folders: oocheck-execute-<pid of oocheck>-<random>


@dataclass(frozen=True)
class ExecutedCase:
    """One test case as it ran: a `combined_test_report.csv` row, plus the phase it ended in."""

    id: str
    module: str
    name: str
    file: str
    doc: str
    markers: str
    status: str  # passed failed error skipped xfailed xpassed, or notrun
    message: str
    duration: float
    when: str  # setup, call, teardown, collect

    def row(self) -> dict[str, str]:
        """The report row, every value a string as in the csv."""
        return {k: str(v) for k, v in asdict(self).items()}


@dataclass
class FileResult:
    """Everything recorded about one test file."""

    test_file: str  # relative to the id root, posix
    sha256: str
    cases: list[ExecutedCase]
    runs: list[dict[str, Any]] = field(default_factory=list)  # how each pytest process ended
    problem: str | None = None  # the tests could not run at all (no pytest, a usage error)
    resumed: bool = False  # read from the results folder, not run now (not stored)

    @property
    def timed_out(self) -> bool:
        return any(run["timed_out"] for run in self.runs)

    @property
    def crashed(self) -> bool:
        return any(run["crashed"] for run in self.runs)

    def to_json(self) -> dict[str, Any]:
        return {"version": STORE_VERSION, "test_file": self.test_file, "sha256": self.sha256,
                "runs": self.runs, "problem": self.problem, "cases": [asdict(c) for c in self.cases]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileResult:
        return cls(test_file=data["test_file"], sha256=data["sha256"], runs=list(data["runs"]),
                   problem=data.get("problem"), cases=[ExecutedCase(**c) for c in data["cases"]])


class ResultStore:
    """One JSON file per test file under a folder, each replaced whole; what is there is done."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, test_file: str) -> Path:
        return self.folder / f"{test_file}.json"

    def load(self, test_file: str, sha256: str) -> FileResult | None:
        """The stored result, when there is a complete one for this very test file."""
        try:
            data = json.loads(self.path_for(test_file).read_text(encoding="utf-8"))
            result = FileResult.from_json(data)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, or not ours: run again
        if data.get("version") != STORE_VERSION or result.sha256 != sha256 or result.test_file != test_file:
            return None
        return result

    def save(self, result: FileResult) -> None:
        target = self.path_for(result.test_file)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(result.to_json(), handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _mark_names(decorators: list[ast.expr]) -> set[str]:
    """`xfail` for `@pytest.mark.xfail(...)` or `@mark.xfail`: the markers a decorator list names."""
    names = set()
    for decorator in decorators:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and isinstance(target.value, (ast.Attribute, ast.Name)):
            owner = target.value.attr if isinstance(target.value, ast.Attribute) else target.value.id
            if owner == "mark":
                names.add(target.attr)
    return names


def written_tests(test_file: Path) -> list[tuple[str, str]]:
    """The tests pytest's default rules would collect from the file's text (`test*` functions,
    `test*` methods of `Test*` classes) with their markers, for a file whose import failed: pairs
    of (node id below the file, comma-separated marker names). Unparsable: none."""
    try:
        tree = ast.parse(test_file.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    tests = []
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    for node in tree.body:
        if isinstance(node, functions) and node.name.startswith("test"):
            tests.append((node.name, ",".join(sorted(_mark_names(node.decorator_list)))))
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            inherited = _mark_names(node.decorator_list)
            tests.extend((f"{node.name}::{item.name}", ",".join(sorted(inherited | _mark_names(item.decorator_list))))
                         for item in node.body if isinstance(item, functions) and item.name.startswith("test"))
    return tests


def _ignore_for_copy(root: Path) -> Callable[[str, list[str]], set[str]]:
    """Skip caches, and symlinks that are absolute or lead out of the repo (writes through them
    would reach the input)."""
    resolved_root = root.resolve()

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in SKIP_COPY}
        for name in names:
            path = Path(folder) / name
            if path.is_symlink():
                target = os.readlink(path)
                inside = resolved_root in path.resolve().parents or path.resolve() == resolved_root
                if os.path.isabs(target) or not inside or path.resolve().is_dir():
                    skipped.add(name)
        return skipped

    return ignore


def copy_repo(repo_dir: Path, destination: Path) -> None:
    """A private copy to run in; what cannot be copied (unreadable files) is left out."""
    # copytree copies everything it can before it reports the files it could not.
    with contextlib.suppress(shutil.Error):
        shutil.copytree(repo_dir, destination, symlinks=True, ignore=_ignore_for_copy(repo_dir))


def _read_events(path: Path) -> list[dict[str, Any]]:
    events = []
    try:
        lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue  # the last line of a killed run may be cut
        if isinstance(event, dict):
            events.append(event)
    return events


def _tail(path: Path) -> str:
    try:
        data = path.read_bytes()[-STDERR_TAIL:]
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace").strip()


class _FileRun:
    """The rounds of pytest one test file needs, and the cases they record."""

    def __init__(self, repo_dir: Path, test_file: Path, prefix: str, limits: Limits, python: str,
                 max_restarts: int, readonly: Sequence[Path]) -> None:
        self.repo_dir = repo_dir
        self.readonly = readonly
        self.local = test_file.relative_to(repo_dir).as_posix()  # the node id's file part
        self.test_file = test_file
        self.prefix = prefix
        self.limits = limits
        self.python = python
        self.max_restarts = max_restarts
        self.cases: dict[str, ExecutedCase] = {}  # by local node id; a later row wins, as in the csv
        self.order: list[str] = []
        self.done: set[str] = set()
        self.runs: list[dict[str, Any]] = []
        self.problem: str | None = None

    def case(self, nodeid: str, status: str, message: str, when: str, duration: float = 0.0,
             doc: str = "", markers: str = "") -> ExecutedCase:
        file_part = nodeid.split("::")[0]
        full_file = self.prefix + file_part
        name = nodeid.split("::")[-1]
        module = full_file.removesuffix(".py").replace("/", ".")
        return ExecutedCase(id=self.prefix + nodeid, module=module, name=name, file=full_file, doc=doc,
                            markers=markers, status=status, message=message, duration=duration, when=when)

    def _add(self, nodeid: str, case: ExecutedCase) -> None:
        if nodeid not in self.cases:
            self.order.append(nodeid)
        self.cases[nodeid] = case

    def run(self, work: Path) -> None:
        copy = work / "repo"
        copy_repo(self.repo_dir, copy)
        plugin_dir = work / "plugin"
        plugin_dir.mkdir()
        shutil.copyfile(PLUGIN_SOURCE, plugin_dir / f"{PLUGIN_MODULE}.py")
        collected: list[str] = []
        for round_number in range(self.max_restarts + 1):
            events_path = work / f"events-{round_number}.jsonl"
            env = clean_environment(work / "home", {"PYTHONPATH": str(plugin_dir),
                                                    RECORD_ENV: str(events_path)})
            command = [self.python, "-m", "pytest", "-p", PLUGIN_MODULE, "-p", "no:cacheprovider", "-q",
                       "--rootdir", str(copy), self.local]
            for nodeid in sorted(self.done):
                command += ["--deselect", nodeid]
            ended = run_contained(command, copy, env, self.limits, work / "stdout.txt", work / "stderr.txt",
                                  readonly=self.readonly, writable=work)
            events = _read_events(events_path)
            collected = collected or next((e["ids"] for e in events if e["event"] == "collected"), [])
            in_progress = self._apply(events)
            # A test that began and never ended was stopped, whatever the exit code (`os._exit(0)`).
            crashed = (ended.timed_out or (ended.returncode is not None and ended.returncode < 0)
                       or in_progress is not None)
            self.runs.append({"returncode": ended.returncode, "timed_out": ended.timed_out, "crashed": crashed,
                              "seconds": round(ended.seconds, 3), "process_limit": ended.process_limit})
            if not events and not crashed:
                self.problem = f"pytest did not run (exit code {ended.returncode}): {_tail(work / 'stderr.txt')}"
                return
            if not crashed:
                return
            if in_progress is None:  # stopped outside any test: during collection or at the end
                if not collected:
                    self._stopped_in_collection(ended)
                    return
            else:
                self._add(in_progress, self.case(in_progress, "failed", _stop_message(ended, self.limits), "call",
                                                 ended.seconds))
                self.done.add(in_progress)
            if all(nodeid in self.done for nodeid in collected):
                return
        for nodeid in collected:
            if nodeid not in self.done:
                self._add(nodeid, self.case(nodeid, NOT_RUN, "not run: the file was stopped too often", "call"))

    def _apply(self, events: list[dict[str, Any]]) -> str | None:
        """Record the events of one round; return the test that started and did not finish."""
        running: str | None = None
        for event in events:
            kind = event.get("event")
            nodeid = str(event.get("id", ""))
            if kind == "start":
                running = nodeid
            elif kind == "finish":
                self.done.add(nodeid)
                running = None
            elif kind == "report":
                self._add(nodeid, self.case(nodeid, str(event["status"]), str(event["message"]), str(event["when"]),
                                            float(event.get("duration") or 0.0), str(event.get("doc", "")),
                                            str(event.get("markers", ""))))
            elif kind == "collect_error":
                self._collect_error(nodeid, str(event["message"]))
        return running

    def _collect_error(self, nodeid: str, message: str) -> None:
        """Every test written under the node that failed to collect fails with its exception."""
        for name, markers in written_tests(self.test_file):
            test_id = f"{self.local}::{name}"
            if test_id == nodeid or test_id.startswith(nodeid + "::"):
                self._add(test_id, self.case(test_id, "failed", message, "collect", markers=markers))
                self.done.add(test_id)

    def _stopped_in_collection(self, ended: ContainedRun) -> None:
        for name, markers in written_tests(self.test_file):
            test_id = f"{self.local}::{name}"
            self._add(test_id, self.case(test_id, "failed", _stop_message(ended, self.limits) + " (while importing)",
                                         "collect", ended.seconds, markers=markers))

    def result(self, relative: str, sha256: str) -> FileResult:
        return FileResult(test_file=relative, sha256=sha256, cases=[self.cases[n] for n in self.order],
                          runs=self.runs, problem=self.problem)


def _stop_message(ended: ContainedRun, limits: Limits) -> str:
    # No "Error:" in it: the paper's ground truth labels a stopped test Other, not an exception.
    if ended.timed_out:
        return f"[timeout] stopped after {limits.timeout:g} s of wall-clock time"
    if ended.signal_name is not None:
        return f"[crashed] the test process was killed by {ended.signal_name}"
    return f"[crashed] the test process exited with code {ended.returncode} in the middle of the test"


def _remove_stale_work() -> None:
    """Temporary folders of an oocheck that was killed before it could remove them."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}-*"):
        if owner_gone(folder.name, WORK_PREFIX):
            shutil.rmtree(folder, ignore_errors=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _relative_to(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def execute_file(repo_dir: Path, test_file: Path, limits: Limits = DEFAULT_LIMITS, *, id_root: Path | None = None,
                 python: str | None = None, max_restarts: int = 3) -> FileResult:
    """Run one test file of `repo_dir` contained, in a temporary copy that is removed afterwards."""
    repo_dir, test_file = repo_dir.resolve(), test_file.resolve()
    root = (id_root or repo_dir).resolve()
    prefix = _relative_to(repo_dir, root) + "/" if repo_dir != root else ""
    relative = _relative_to(test_file, root)
    try:
        sha256 = _sha256(test_file)
    except OSError as exc:
        return FileResult(relative, "", [], problem=f"cannot read the test file: {exc.strerror or exc}")
    # The id root holds the repo (for RealClassEval, the whole package): it may not be written.
    readonly = [root]
    runner = _FileRun(repo_dir, test_file, prefix, limits, python or sys.executable, max_restarts, readonly)
    with tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}-{os.getpid()}-") as work:
        runner.run(Path(work))
    return runner.result(relative, sha256)


def execute_files(repo_dir: Path, test_files: Sequence[Path], limits: Limits = DEFAULT_LIMITS, *,
                  id_root: Path | None = None, results: Path | None = None, python: str | None = None,
                  jobs: int = 1, max_restarts: int = 3,
                  on_done: Callable[[FileResult], None] | None = None) -> list[FileResult]:
    """Every test file's result, in the given order: stored ones from `results`, the rest run
    (`jobs` at a time) and stored there as each finishes."""
    _remove_stale_work()
    store = ResultStore(results) if results is not None else None
    root = (id_root or repo_dir).resolve()
    slots: list[FileResult | None] = [None] * len(test_files)
    pending: list[int] = []
    for index, test_file in enumerate(test_files):
        stored = None
        if store is not None:
            try:
                stored = store.load(_relative_to(test_file.resolve(), root), _sha256(test_file))
            except OSError:
                stored = None
        if stored is not None:
            stored.resumed = True
            slots[index] = stored
            if on_done:
                on_done(stored)
        else:
            pending.append(index)

    def run(index: int) -> FileResult:
        result = execute_file(repo_dir, test_files[index], limits, id_root=root, python=python,
                              max_restarts=max_restarts)
        if store is not None:
            store.save(result)
        return result

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        for index, result in zip(pending, pool.map(run, pending), strict=True):
            slots[index] = result
            if on_done:
                on_done(result)
    except BaseException:
        # Interrupted: the files running are stopped and not stored (they run again on resume);
        # every file stored so far stays.
        stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        allow_runs()
        raise
    pool.shutdown()
    return [slot for slot in slots if slot is not None]


def execute_tests(repo_dir: Path, test_files: Iterable[Path], limits: Limits = DEFAULT_LIMITS, *,
                  id_root: Path | None = None, results: Path | None = None, python: str | None = None,
                  jobs: int = 1) -> list[ExecutedCase]:
    """Run the test files of `repo_dir` contained and return one case per test, in file order.

    `limits` bound each file's pytest process; `id_root` is the folder the ids are relative to
    (default `repo_dir`); `results` keeps results and resumes from them; `python` is the interpreter
    that runs the tests (it needs pytest; default: this one). Cases with status `notrun` are included.
    """
    files = execute_files(repo_dir, list(test_files), limits, id_root=id_root, results=results, python=python,
                          jobs=jobs)
    return [case for result in files for case in result.cases]
