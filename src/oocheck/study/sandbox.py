"""Running untrusted code contained: resource limits, a clean environment, a time-out, nothing left behind.

`run_contained` starts a command in its own session (so its whole process group can be killed),
through `sandbox_launch.py`, which sets the resource limits on itself and then becomes the command:

- wall clock: `Limits.timeout` seconds, then the process group (and its pids cgroup) is killed;
- memory: RLIMIT_AS; CPU: RLIMIT_CPU; size of any file written: RLIMIT_FSIZE;
- processes: RLIMIT_NPROC, and for root (whom the kernel exempts from RLIMIT_NPROC) a pids cgroup
  when one can be made; when neither holds, `ContainedRun.process_limit` says so;
- environment: only `ALLOWED_ENV` is inherited; HOME and TMPDIR point into the run's own folder;
- files: for root, the input folders, and then every file system but the run's own folder, /dev
  and /proc, are mounted read-only for the command (a private mount namespace). An unprivileged
  user's run can write wherever that user can: it works in a copy, but only the file system's
  permissions keep it from the originals.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

LAUNCHER = Path(__file__).with_name("sandbox_launch.py")
# Inherited from the user's environment; everything else (tokens, keys, proxies) is dropped.
ALLOWED_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM")
# Native libraries start a thread per core by default; each counts against the process limit.
FIXED_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
             "NUMEXPR_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}
PIDS_CGROUP_V1 = Path("/sys/fs/cgroup/pids")
_names = itertools.count()
MB = 1024 * 1024
# Runs in progress (on the executor's threads), so that an interrupt can stop them all at once.
_running: set[subprocess.Popen[bytes]] = set()
_running_lock = threading.Lock()
_stopping = threading.Event()


class Interrupted(Exception):
    """The run was stopped by `stop_all` (the user interrupted the study): it has no outcome."""


def stop_all() -> None:
    """Kill every contained run in progress; runs that start from now on raise `Interrupted` until
    `allow_runs` is called."""
    _stopping.set()
    with _running_lock:
        for process in _running:
            _kill_group(process.pid)


def allow_runs() -> None:
    _stopping.clear()


@dataclass(frozen=True)
class Limits:
    """What one contained run (one test file) may use."""

    timeout: float = 60.0  # wall-clock seconds
    memory_mb: int = 2048  # address space
    max_processes: int = 64  # processes and threads the run may add
    cpu_seconds: int | None = None  # default: the time-out plus a margin
    file_mb: int = 256  # the largest file the run may write

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class ContainedRun:
    """How a contained run ended."""

    returncode: int | None  # negative: killed by that signal
    timed_out: bool
    seconds: float
    process_limit: str  # how the process count was held: "rlimit", "cgroup" or "none"

    @property
    def signal_name(self) -> str | None:
        if self.returncode is None or self.returncode >= 0:
            return None
        try:
            return signal.Signals(-self.returncode).name
        except ValueError:
            return f"signal {-self.returncode}"


def clean_environment(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The allow-listed variables of this process, HOME and TMPDIR in `home`, and `extra`."""
    env = {name: os.environ[name] for name in ALLOWED_ENV if name in os.environ}
    env.setdefault("PATH", os.defpath)
    env.update(FIXED_ENV)
    tmp = home / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    env.update({"HOME": str(home), "TMPDIR": str(tmp), "TMP": str(tmp), "TEMP": str(tmp)})
    env.update(extra or {})
    return env


class _PidsCgroup:
    """A pids cgroup (v1) holding one run, for root; absent when the hierarchy is not writable."""

    def __init__(self, max_processes: int) -> None:
        self.path: Path | None = None
        if os.geteuid() != 0 or not (PIDS_CGROUP_V1 / "cgroup.procs").exists():
            return
        _remove_stale_groups()
        path = PIDS_CGROUP_V1 / f"oocheck-{os.getpid()}-{next(_names)}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(max_processes + 1), encoding="ascii")
        except OSError:
            self._remove(path)
            return
        self.path = path

    @property
    def procs(self) -> str | None:
        return str(self.path / "cgroup.procs") if self.path else None

    def kill_all(self) -> None:
        """Kill every process in the group, including ones that left the session, and remove it."""
        if self.path is None:
            return
        for _ in range(50):
            try:
                pids = [int(p) for p in (self.path / "cgroup.procs").read_text(encoding="ascii").split()]
            except OSError:
                break
            if not pids:
                break
            for pid in pids:
                _kill(pid)
            time.sleep(0.02)
        # Killed children whose parent died are reaped by init a moment later; until then the
        # group is busy.
        for _ in range(100):
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.02)

    @staticmethod
    def _remove(path: Path) -> None:
        with contextlib.suppress(OSError):
            path.rmdir()


def owner_gone(name: str, prefix: str) -> bool:
    """True for a `PREFIX-PID-...` name whose process no longer runs (an oocheck that was killed)."""
    owner = name.removeprefix(prefix + "-").split("-")[0]
    return name.startswith(prefix + "-") and owner.isdigit() and not Path(f"/proc/{owner}").exists()


def _remove_stale_groups() -> None:
    """Groups left by an oocheck that was killed: what still runs in them is killed, they are removed."""
    for group in PIDS_CGROUP_V1.glob("oocheck-*-*"):
        if owner_gone(group.name, "oocheck"):
            try:
                pids = [int(p) for p in (group / "cgroup.procs").read_text(encoding="ascii").split()]
            except OSError:
                continue
            for pid in pids:
                _kill(pid)
            _PidsCgroup._remove(group)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pgid, signal.SIGKILL)


def _settings(limits: Limits, cgroup_procs: str | None, readonly: Sequence[Path], writable: Path | None) -> str:
    cpu = limits.cpu_seconds if limits.cpu_seconds is not None else int(limits.timeout) + 10
    memory = limits.memory_mb * MB
    rlimits = {"RLIMIT_AS": [memory, memory], "RLIMIT_CPU": [cpu, cpu + 5],
               "RLIMIT_FSIZE": [limits.file_mb * MB, limits.file_mb * MB], "RLIMIT_CORE": [0, 0]}
    # For root RLIMIT_NPROC is not enforced: the cgroup holds the count instead.
    nproc = None if cgroup_procs else limits.max_processes
    return json.dumps({"rlimits": rlimits, "nproc": nproc, "cgroup_procs": cgroup_procs,
                       "readonly": [str(p) for p in readonly], "writable": str(writable) if writable else None})


def run_contained(command: Sequence[str], cwd: Path, env: Mapping[str, str], limits: Limits,
                  stdout: Path, stderr: Path, readonly: Sequence[Path] = (),
                  writable: Path | None = None) -> ContainedRun:
    """Run `command` in `cwd` under `limits`; its output goes to the two files. Never raises for the
    command's behaviour: a time-out or a crash is in the result. When oocheck runs as root, the
    `readonly` folders (the inputs) are read-only for the command, and with `writable` (the run's
    own folder) so is every other file system but /dev and /proc (see sandbox_launch.py)."""
    cgroup = _PidsCgroup(limits.max_processes)
    process_limit = "cgroup" if cgroup.procs else "none" if os.geteuid() == 0 else "rlimit"
    settings = _settings(limits, cgroup.procs, readonly, writable)
    argv = [sys.executable, "-I", "-S", str(LAUNCHER), settings, "--", *command]
    started = time.perf_counter()
    timed_out = False
    with stdout.open("wb") as out, stderr.open("wb") as err:
        with _running_lock:
            if _stopping.is_set():
                cgroup.kill_all()
                raise Interrupted
            process = subprocess.Popen(argv, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=err, start_new_session=True, close_fds=True)
            _running.add(process)
        try:
            try:
                process.wait(timeout=limits.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
        finally:
            # Children a test forked may outlive pytest: the whole group goes, time-out or not.
            _kill_group(process.pid)
            process.wait()  # reaped first: a zombie still holds its place in the cgroup
            cgroup.kill_all()
            with _running_lock:
                _running.discard(process)
    if _stopping.is_set():
        raise Interrupted
    return ContainedRun(returncode=process.returncode, timed_out=timed_out,
                        seconds=time.perf_counter() - started, process_limit=process_limit)
