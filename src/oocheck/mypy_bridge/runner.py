"""Run mypy over the checked files, in worker processes, and read back its diagnostics.

mypy refuses two files with one module name in a run ("Duplicate module named"), and a checked tree
may hold several import roots that reuse names (one folder per generated variant, each with its
`snippet_1.py`). Roots are therefore packed first-fit into groups in which no module name repeats;
an ordinary project (`src/` and `tests/`) is one group, so its tests see its package. Each group is
one `mypy.api.run` call with its own cache folder (a shared cache would thrash between groups that
reuse names).

Groups run in worker processes (`worker.py`, one per CPU but the one oocheck's indexing uses
meanwhile), fed one group at a time. A process, unlike a thread, can be killed when the time-out
passes, and a mypy crash cannot take oocheck down with it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import IO

_WORKER_SOURCE = Path(__file__).with_name("worker.py")
# Environment variables that would make mypy read another configuration or cache.
_MYPY_ENV = ("MYPYPATH", "MYPY_CACHE_DIR", "MYPY_FORCE_COLOR", "MYPY_FORCE_TERMINAL_WIDTH")
_TEXT_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+)(?::(?P<end_line>\d+):(?P<end_col>\d+))?: "
    r"(?P<severity>error|note|warning): (?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)


@dataclass(frozen=True)
class MypyDiagnostic:
    """One mypy error, with 0-based `col` and an exclusive 0-based `end_col` (as ast columns)."""

    path: str  # absolute, as given to mypy
    line: int
    col: int
    end_line: int
    end_col: int
    message: str
    code: str | None


@dataclass(frozen=True)
class SourceGroup:
    """Files that one mypy run checks together: no module name twice."""

    roots: tuple[Path, ...]
    files: tuple[Path, ...]


@dataclass
class MypyRun:
    """What came back: the diagnostics of the groups that finished, and one warning at most."""

    diagnostics: list[MypyDiagnostic] = field(default_factory=list)
    warning: str | None = None
    groups: int = 0
    seconds: float = 0.0


def group_sources(files: Sequence[tuple[Path, Path, str]]) -> list[SourceGroup]:
    """Pack `(path, root, module name)` by import root, first-fit, so that no group repeats a name."""
    by_root: dict[Path, list[tuple[Path, str]]] = {}
    for path, root, module in files:
        by_root.setdefault(root, []).append((path, module))
    groups: list[tuple[list[Path], list[Path], set[str]]] = []
    for root in sorted(by_root):
        # x.py next to x/__init__.py: both are module x; mypy takes one (the package wins at runtime).
        unique: dict[str, Path] = {}
        for path, module in sorted(by_root[root], key=lambda pm: (pm[0].name != "__init__.py", str(pm[0]))):
            unique.setdefault(module, path)
        by_root[root] = [(path, module) for module, path in unique.items()]
        names = set(unique)
        target = next((g for g in groups if not (g[2] & names)), None)
        if target is None:
            target = ([], [], set())
            groups.append(target)
        target[0].append(root)
        target[1].extend(path for path, _ in by_root[root])
        target[2].update(names)
    return [SourceGroup(tuple(roots), tuple(sorted(paths))) for roots, paths, _ in groups]


def mypy_version() -> tuple[int, ...]:
    try:
        text = metadata.version("mypy")
    except metadata.PackageNotFoundError:
        return ()
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def cache_dir(mypy_cache: Path | None, group: SourceGroup) -> str:
    """`<mypy_cache>/<group>` (mypy_cache is the `mypy` folder of oocheck's cache), or os.devnull
    (no cache) when the cache is off or this folder cannot be written."""
    if mypy_cache is None:
        return os.devnull
    key = hashlib.sha1("\0".join(str(r) for r in group.roots).encode()).hexdigest()[:12]
    folder = mypy_cache / key
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError:
        return os.devnull
    return str(folder)


def mypy_args(config_file: str, cache: str, python: Path | None,
              json_output: bool) -> list[str]:
    args = [
        "--config-file", config_file,  # an empty [mypy] section: no user configuration applies
        "--check-untyped-defs",  # generated code is rarely annotated
        "--ignore-missing-imports",  # third-party modules that cannot be found are Any, never findings
        # Modules not given are not analysed: an unparseable module of the repo would otherwise be a
        # blocking error for the whole group (the index reports it as OO000 already).
        "--follow-imports=skip",
        "--cache-dir", cache,
        "--soft-error-limit=-1",
        "--no-error-summary",
        "--hide-error-context",
        "--no-pretty",
        "--show-traceback",
    ]
    args += ["--python-executable", str(python)] if python is not None else ["--no-site-packages"]
    if json_output:
        args += ["--output", "json"]
    else:
        args += ["--show-column-numbers", "--show-error-end", "--show-error-codes", "--no-color-output"]
    return args


def parse_output(stdout: str, json_output: bool) -> list[MypyDiagnostic]:
    found: list[MypyDiagnostic] = []
    for text in stdout.splitlines():
        if json_output:
            try:
                item = json.loads(text)
                if item.get("severity") != "error":
                    continue
                line = int(item["line"])
                col = max(int(item.get("column") or 0), 0)
                end_line = int(item.get("end_line") or line)
                end_col = int(item.get("end_column") or col + 1)
                found.append(MypyDiagnostic(str(item["file"]), line, col, end_line, end_col,
                                            str(item["message"]), item.get("code")))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
        else:
            match = _TEXT_LINE.match(text)
            if match is None or match["severity"] != "error":
                continue
            line, col = int(match["line"]), max(int(match["col"]) - 1, 0)
            end_line = int(match["end_line"] or line)
            end_col = int(match["end_col"] or col + 1)  # 1-based inclusive = 0-based exclusive
            found.append(MypyDiagnostic(match["file"], line, col, end_line, end_col, match["message"],
                                        match["code"]))
    return found


def worker_command() -> list[str]:
    """How to start a worker. Tests replace it to simulate a hang or a crash."""
    return [sys.executable, "-c", _WORKER_SOURCE.read_text(encoding="utf-8")]


def _errors_file() -> IO[str]:
    # Workers' stderr goes to a file: a pipe nobody reads could fill up and block a worker.
    return tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")


def _spawn(errors: IO[str], command: list[str] | None = None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in _MYPY_ENV}
    return subprocess.Popen(command or worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=errors, text=True, env=env, cwd=tempfile.gettempdir())


# A worker started before the files were found (`prestart`): its command, process and stderr file.
_SPARE: list[tuple[list[str], subprocess.Popen[str], IO[str]]] = []


def prestart() -> None:
    """Start one worker now, before the files are known: it imports mypy (0.1 s) while oocheck reads
    its configuration and finds the files, and a warm pre-commit run waits for mypy's end. The next
    `run_mypy` takes it; a worker nobody takes (the check failed first) ends with this process, its
    stdin closed."""
    if _SPARE:
        return
    command, errors = worker_command(), _errors_file()
    try:
        _SPARE.append((command, _spawn(errors, command), errors))
    except OSError:
        errors.close()  # run_mypy starts its workers itself, and says why it could not


def _take_spare() -> tuple[subprocess.Popen[str], IO[str]] | None:
    """The worker `prestart` started, if it still runs the worker this run would start."""
    if not _SPARE:
        return None
    command, worker, errors = _SPARE.pop()
    if worker.poll() is None and command == worker_command():
        return worker, errors
    _stop([worker])
    errors.close()
    return None


@dataclass
class _Job:
    index: int
    group: SourceGroup
    args: list[str]
    cwd: str


def run_mypy(files: Sequence[tuple[Path, Path, str]], mypy_cache: Path | None, python: Path | None,
             timeout: float, cancel: threading.Event | None = None) -> MypyRun:
    """Type-check `(path, root, module)` files; never raises. `python` is the target interpreter."""
    started = time.perf_counter()
    groups = group_sources(files)
    run = MypyRun(groups=len(groups))
    if not groups:
        return run
    version = mypy_version()
    if not version:
        run.warning = "mypy is not installed; its findings are left out (pip install mypy, or --no-mypy)"
        return run
    json_output = version >= (1, 11)
    with tempfile.TemporaryDirectory(prefix="oocheck-mypy-") as tmp:
        config_file = os.path.join(tmp, "mypy.ini")
        Path(config_file).write_text("[mypy]\n", encoding="utf-8")
        jobs = [_Job(i, g, mypy_args(config_file, cache_dir(mypy_cache, g), python, json_output), str(g.roots[0]))
                for i, g in enumerate(groups)]
        results, problem = _run_jobs(jobs, timeout, cancel or threading.Event())
    done = 0
    crashes: list[str] = []
    for job in jobs:
        result = results.get(job.index)
        if result is None:
            continue
        stdout, stderr, status = result
        if status in (0, 1):
            # mypy names files relative to its working folder when it can.
            run.diagnostics.extend(replace(d, path=os.path.normpath(os.path.join(job.cwd, d.path)))
                                   for d in parse_output(stdout, json_output))
            done += 1
        else:
            crashes.append(_crash_summary(stdout, stderr, status))
    if problem is None and crashes:
        problem = f"mypy failed on {len(crashes)} of {len(groups)} file group(s): {crashes[0]}"
    if problem is not None:
        run.warning = (f"{problem}; mypy's findings are left out for {len(groups) - done} of {len(groups)} "
                       "file group(s) (the rules' findings are complete)")
    run.seconds = time.perf_counter() - started
    return run


def _crash_summary(stdout: str, stderr: str, status: int) -> str:
    lines = [t for t in (stderr + "\n" + stdout).splitlines() if t.strip()]
    internal = [t for t in lines if "INTERNAL ERROR" in t or "error:" in t]
    last = (internal or lines or ["no output"])[-1 if not internal else 0].strip()
    kind = "crashed" if status == -1 or any("INTERNAL ERROR" in t for t in lines) else f"exited with status {status}"
    return f"{kind}: {last[:300]}"


def _run_jobs(jobs: list[_Job], timeout: float,
              cancel: threading.Event) -> tuple[dict[int, tuple[str, str, int]], str | None]:
    """Feed the jobs to worker processes; stop them all at the deadline or when `cancel` is set.
    Returns the results by job, and the problem if any."""
    pending: queue.Queue[_Job] = queue.Queue()
    for job in jobs:
        pending.put(job)
    results: dict[int, tuple[str, str, int]] = {}
    broken: list[int] = []
    lock = threading.Lock()
    # One CPU is left to oocheck's own indexing, which runs meanwhile.
    count = max(1, min(len(jobs), (os.cpu_count() or 1) - 1))
    spare = _take_spare()
    with spare[1] if spare is not None else _errors_file() as errors:
        workers: list[subprocess.Popen[str]] = [spare[0]] if spare is not None else []
        try:
            while len(workers) < count:
                workers.append(_spawn(errors))
        except OSError as exc:
            _stop(workers)
            return results, f"mypy could not be started: {exc}"

        def feed(worker: subprocess.Popen[str]) -> None:
            assert worker.stdin is not None and worker.stdout is not None
            try:
                while True:
                    try:
                        job = pending.get_nowait()
                    except queue.Empty:
                        break
                    line = {"id": job.index, "args": job.args, "files": [str(f) for f in job.group.files],
                            "cwd": job.cwd}
                    worker.stdin.write(json.dumps(line) + "\n")
                    worker.stdin.flush()
                    data = json.loads(worker.stdout.readline())
                    with lock:
                        results[int(data["id"])] = (str(data["stdout"]), str(data["stderr"]), int(data["status"]))
                worker.stdin.close()
            except (OSError, ValueError, KeyError, TypeError):
                with lock:
                    broken.append(worker.pid)

        threads = [threading.Thread(target=feed, args=(w,), daemon=True) for w in workers]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + timeout
        while any(t.is_alive() for t in threads) and time.monotonic() < deadline and not cancel.is_set():
            for thread in threads:
                thread.join(min(0.2, max(0.0, deadline - time.monotonic())))
        timed_out = any(t.is_alive() for t in threads)
        _stop(workers)
        if cancel.is_set():
            return results, "mypy was cancelled"
        if timed_out:
            return results, f"mypy did not finish within {timeout:g} s (--mypy-timeout)"
        if broken:
            errors.seek(0)
            tail = [t for t in errors.read().splitlines() if t.strip()]
            detail = tail[-1].strip()[:300] if tail else f"exit status {workers[0].returncode}"
            return results, f"a mypy worker stopped unexpectedly ({detail})"
    return results, None


def _stop(workers: list[subprocess.Popen[str]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        with contextlib.suppress(subprocess.SubprocessError):
            worker.wait(timeout=10)
        for stream in (worker.stdin, worker.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


class MypyInBackground:
    """`run_mypy` in a thread, started early so that mypy's processes overlap oocheck's own indexing."""

    def __init__(self, files: Sequence[tuple[Path, Path, str]], mypy_cache: Path | None, python: Path | None,
                 timeout: float) -> None:
        self._result: MypyRun | None = None
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(list(files), mypy_cache, python, timeout), daemon=True)
        self._timeout = timeout
        self._thread.start()

    def _run(self, files: list[tuple[Path, Path, str]], mypy_cache: Path | None, python: Path | None,
             timeout: float) -> None:
        try:
            self._result = run_mypy(files, mypy_cache, python, timeout, self._cancel)
        except Exception as exc:  # the bridge must never take the check down
            self._result = MypyRun(warning=f"the mypy bridge failed: {type(exc).__name__}: {exc}")

    def wait(self) -> MypyRun:
        # run_mypy stops its workers at the time-out; the margin covers killing and reading them.
        self._thread.join(self._timeout + 30)
        if self._result is None:
            return MypyRun(warning=f"mypy did not finish within {self._timeout:g} s (--mypy-timeout)")
        return self._result

    def cancel(self) -> None:
        """Stop the workers now (the check failed or was interrupted)."""
        self._cancel.set()
        self._thread.join(15)
