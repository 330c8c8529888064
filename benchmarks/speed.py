"""Speed and memory of oocheck against the checkers people already run, on Django's `django/` package.

Downloads the corpus with `pip download --no-deps` (into a temporary folder, or a `--corpus-dir` kept
between runs), unpacks `django/`, copies it into scratch projects (the download is never edited), and
measures each command as a whole process: the median of N runs of wall time and peak memory. The runs
go round-robin (every command once, then again), so a change in the machine's load hits all alike.

Peak memory is of the whole process tree: each measured command is started by a small wrapper process
of its own, which reads the kernel's `getrusage(RUSAGE_CHILDREN)` peak (the largest single process of
the tree) and, on Linux, also samples the tree's summed proportional set size (workers running at once
add up): every 50 ms in the first second, then every 0.5 s, since each sample slows the measured
processes. The larger of the two is reported.

    python benchmarks/speed.py [--runs 5] [--corpus-dir DIR] [--peers ty,pyrefly] [--json]

The peers are optional: `pip install -e '.[bench]'` installs ty, pyrefly, pylint and pyright. A peer
that is not installed is skipped with a note. Targets are those of issue #5.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

MARKER = "oocheck-bench-measurement "
PEERS = ("ty", "pyrefly", "pyright", "pylint")
DEFAULT_PEERS = ("ty", "pyrefly")  # pyright and pylint take about a minute each on Django: opt in
SAMPLE_SECONDS = 0.05  # how often the wrapper looks whether the command has ended
# How often it reads the tree's memory after the first second. Reading a process's proportional set
# size walks its page tables under its memory-map lock (about 7 ms for 250 MiB here): every 50 ms,
# on two big processes, that took a quarter of a core from a command that uses both (the mypy
# bridge measured 1.2-1.5 s slower than unsampled). A check's memory plateaus for seconds.
MEMORY_SAMPLE_SECONDS = 0.5
MIB = 1024.0
REPO = Path(__file__).resolve().parents[1]
# The floor: reading and parsing every file, nothing else.
PARSE_ALL = ("import ast, pathlib, sys\n"
             "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.py')):\n"
             "    ast.parse(p.read_bytes(), str(p))\n")


# --- one measurement: a wrapper process per command -------------------------------------------

@dataclass(frozen=True)
class Measurement:
    """One whole-process run of one command, as its wrapper saw it."""

    wall_s: float
    max_rss_kib: int  # the largest single process of the tree (getrusage of the wrapper's children)
    tree_kib: int  # the sampled peak of the tree's summed memory (0 where /proc cannot be read)
    returncode: int
    timed_out: bool = False
    cpu_s: float = 0.0  # user + system time of the whole tree: what a busy machine disturbs least

    @property
    def peak_mib(self) -> float:
        return max(self.max_rss_kib, self.tree_kib) / MIB


def format_measurement(measurement: Measurement) -> str:
    return MARKER + json.dumps(asdict(measurement))


def parse_measurement(text: str) -> Measurement:
    """The wrapper's result: its last marker line (anything else it printed is ignored)."""
    lines = [line for line in text.splitlines() if line.startswith(MARKER)]
    if not lines:
        raise ValueError("the measuring wrapper printed no measurement")
    data = json.loads(lines[-1][len(MARKER):])
    return Measurement(wall_s=float(data["wall_s"]), max_rss_kib=int(data["max_rss_kib"]),
                       tree_kib=int(data["tree_kib"]), returncode=int(data["returncode"]),
                       timed_out=bool(data.get("timed_out", False)), cpu_s=float(data.get("cpu_s", 0.0)))


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
    except OSError:  # the process ended meanwhile, or no /proc
        pass
    return found


def _memory_kib(pid: int) -> int:
    """Proportional set size (shared pages split between their users, so forked workers are not
    counted twice); resident set size where the kernel has no smaps_rollup."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return 0


def tree_kib(root: int) -> int:
    """The summed memory of `root` and all its descendants, now."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _memory_kib(pid)
        todo.extend(_children(pid))
    return total


def measure_here(spec: dict[str, Any]) -> Measurement:
    """Run in the wrapper process: start the command, sample its tree until it ends, and read the
    kernel's peak of this process's children (only the command's tree: the wrapper starts nothing else)."""
    stdin_path = spec.get("stdin")
    with open(spec["log"], "wb") as log, open(stdin_path or os.devnull, "rb") as stdin:
        started = time.perf_counter()
        proc = subprocess.Popen(spec["command"], cwd=spec["cwd"], stdin=stdin, stdout=log, stderr=log,
                                start_new_session=True)
        deadline = started + float(spec["timeout"])
        peak, timed_out, sampled = 0, False, 0.0
        while True:
            try:
                proc.wait(timeout=SAMPLE_SECONDS)
                break
            except subprocess.TimeoutExpired:
                now = time.perf_counter()
                if now - started < 1.0 or now - sampled >= MEMORY_SAMPLE_SECONDS:
                    peak, sampled = max(peak, tree_kib(proc.pid)), now
                if time.perf_counter() > deadline:
                    timed_out = True
                    os.killpg(proc.pid, signal.SIGKILL)  # the command's own session: its workers go too
                    proc.wait()
                    break
        wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss is KiB on Linux, bytes on macOS.
    max_rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return Measurement(wall_s=wall, max_rss_kib=int(max_rss), tree_kib=peak, returncode=proc.returncode,
                       timed_out=timed_out, cpu_s=usage.ru_utime + usage.ru_stime)


def measure(command: Sequence[str], cwd: Path, log: Path, timeout: float, stdin: Path | None = None) -> Measurement:
    """One measurement, isolated in a fresh wrapper process (RUSAGE_CHILDREN is a maximum over all
    children ever waited for, so a process can measure one command's peak only once)."""
    spec = {"command": list(command), "cwd": str(cwd), "log": str(log), "timeout": timeout,
            "stdin": str(stdin) if stdin else None}
    wrapper = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure-one", json.dumps(spec)],
                             capture_output=True, text=True, check=False)
    try:
        return parse_measurement(wrapper.stdout)
    except (ValueError, KeyError) as error:
        raise RuntimeError(f"measuring {command[0]} failed: {error}\n{wrapper.stderr[-2000:]}") from error


# --- the corpus ---------------------------------------------------------------------------------

def download(requirement: str, folder: Path) -> Path:
    """The newest archive `pip download` saved for the requirement (wheel or sdist, no dependencies).
    Without a network, an archive already in the folder is used."""
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                           "--quiet", "--dest", str(folder), requirement], capture_output=True, text=True, check=False)
    archives = sorted(p for p in folder.iterdir() if p.name.lower().startswith("django-")
                      and p.name.endswith((".whl", ".tar.gz")))
    if not archives:
        raise SystemExit(f"speed.py: pip download {requirement!r} failed:\n{proc.stderr.strip()}")
    if proc.returncode != 0:
        print(f"note: pip download failed; using {archives[-1].name} already in {folder}", file=sys.stderr)
    return archives[-1]


def unpack(archive: Path, package: str, folder: Path) -> Path:
    """`package/` out of a wheel or an sdist, once: a folder marked complete is reused."""
    target = folder / archive.name.removesuffix(".whl").removesuffix(".tar.gz")
    done = target / ".complete"
    if done.exists():
        return target / package
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    if archive.name.endswith(".whl"):
        with zipfile.ZipFile(archive) as wheel:
            wheel.extractall(target, [n for n in wheel.namelist() if n.startswith(f"{package}/")])
    else:
        with tarfile.open(archive) as sdist:
            members = []
            for member in sdist.getmembers():
                parts = member.name.split("/", 1)  # "Django-5.2.19/django/..." -> "django/..."
                if len(parts) == 2 and parts[1].startswith(f"{package}/") and (member.isfile() or member.isdir()):
                    member.name = parts[1]
                    members.append(member)
            # Names filtered above, links left out; the "data" filter too where this Python has it.
            if hasattr(tarfile, "data_filter"):
                sdist.extractall(target, members, filter="data")
            else:
                sdist.extractall(target, members)
    if not (target / package).is_dir():
        raise SystemExit(f"speed.py: {archive.name} has no {package}/ folder")
    done.touch()
    return target / package


def changed_file_default(package: Path) -> Path:
    """A typical module to edit: the median-sized one among those that define a class."""
    with_classes = sorted((p.stat().st_size, str(p)) for p in package.rglob("*.py")
                          if "\nclass " in "\n" + p.read_text(encoding="utf-8", errors="replace"))
    return Path(with_classes[len(with_classes) // 2][1]).relative_to(package.parent)


class Project:
    """A scratch copy of the corpus that a group of commands runs in (its caches live inside it)."""

    def __init__(self, package: Path, root: Path, changed: Path) -> None:
        root.mkdir(parents=True)
        shutil.copytree(package, root / package.name)
        self.root = root
        self.changed = changed
        self.original = (root / changed).read_text(encoding="utf-8")
        self.edits = 0

    def _next(self) -> str:
        self.edits += 1
        return f"\n\ndef _speed_benchmark_edit_{self.edits}() -> int:\n    return {self.edits}\n"

    def edit(self) -> None:
        """Save a new edit of the changed file, as a person does: a function appended (each edit differs
        from every earlier one, so no cache already holds it)."""
        (self.root / self.changed).write_text(self.original + self._next(), encoding="utf-8")

    def unsaved(self, buffer: Path) -> None:
        """An editor's buffer: the file as saved, plus an edit not saved yet."""
        saved = (self.root / self.changed).read_text(encoding="utf-8")
        buffer.write_text(saved + self._next(), encoding="utf-8")


# --- the commands -------------------------------------------------------------------------------

@dataclass
class Case:
    """One row of the table: a command, what to do untimed before each run, and the exit codes that
    mean it worked (a checker that finds something exits 1)."""

    name: str
    command: list[str]
    cwd: Path
    ok_codes: frozenset[int] = frozenset({0, 1})
    setup: Callable[[], None] = lambda: None
    after: Callable[[Measurement], None] = lambda m: None
    stdin: Path | None = None
    is_oocheck: bool = False
    skip: str = ""  # why the row is not measured
    log: Path = Path(os.devnull)
    runs: list[Measurement] = field(default_factory=list)
    error: str = ""


class Cache:
    """The cache folder of one command: its cold runs empty it first; a warm run needs it filled by
    that command, and fills it untimed when the cold run did not."""

    def __init__(self, folder: Path, command: list[str], cwd: Path, timeout: float) -> None:
        self.folder, self.command, self.cwd, self.timeout = folder, command, cwd, timeout
        self.filled = False

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.filled = False

    def cold_case(self, name: str, **options: Any) -> Case:
        case = Case(name, self.command, self.cwd, setup=self.empty, **options)

        def filled(measurement: Measurement) -> None:
            self.filled = measurement.returncode in case.ok_codes and not measurement.timed_out

        case.after = filled
        return case

    def ensure(self) -> None:
        if not self.filled:
            subprocess.run(self.command, cwd=self.cwd, capture_output=True, check=False, timeout=self.timeout)
            self.filled = True


def tool(name: str) -> str | None:
    """The tool's command beside the running interpreter (its venv), else on PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else shutil.which(name)


def oocheck_help() -> str:
    proc = subprocess.run([sys.executable, "-m", "oocheck", "check", "--help"], capture_output=True, text=True,
                          check=False, env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"})
    return proc.stdout


def peer_cases(peers: Sequence[str], package: str, changed: Path, cwd: Path) -> list[Case]:
    """The other checkers, each on the whole package (ty on the changed file too: it has no cache,
    so that is its editor case)."""
    cases = []
    for peer in peers:
        exe = tool(peer)
        skip = "" if exe else f"{peer} is not installed (pip install -e '.[bench]')"
        run = exe or peer
        if peer == "ty":
            cases.append(Case("ty cold", [run, "check", package], cwd, skip=skip))
            cases.append(Case("ty one file", [run, "check", str(changed)], cwd, skip=skip))
        elif peer == "pyrefly":
            cases.append(Case("pyrefly cold", [run, "check", package], cwd, skip=skip))
        elif peer == "pyright":
            cases.append(Case("pyright cold", [run, package], cwd, skip=skip))
        elif peer == "pylint":
            # pylint's exit status is a bit mask of the kinds of message; 32 is its usage error.
            cases.append(Case("pylint -E", [run, "-E", package], cwd, ok_codes=frozenset(range(32)), skip=skip))
    return cases


def build_cases(package: Path, work: Path, changed: Path, peers: Sequence[str], timeout: float) -> list[Case]:
    python, name = sys.executable, package.name
    base = Project(package, work / "base", changed)  # runs that write nothing: the floor and the peers
    cases = [Case("ast.parse every file (floor)", [python, "-c", PARSE_ALL, name], base.root,
                  ok_codes=frozenset({0}))]

    # mypy: cold with an emptied cache each run; warm after a one-file change.
    mypy = Project(package, work / "mypy", changed)
    for label, extra in (("mypy", []), ("mypy --check-untyped-defs", ["--check-untyped-defs"])):
        cache_dir = work / f"cache-{label.replace(' ', '')}"
        cache = Cache(cache_dir, [python, "-m", "mypy", "--cache-dir", str(cache_dir), *extra, name], mypy.root,
                      timeout)
        cases.append(cache.cold_case(f"{label} cold"))
        if not extra:
            cases.append(Case(f"{label} warm, one file changed", cache.command, mypy.root,
                              setup=_then(cache.ensure, mypy.edit)))

    cases.extend(peer_cases(peers, name, changed, base.root))

    options = oocheck_help()
    exe = tool("oocheck")
    oocheck = [exe, "check"] if exe else [python, "-m", "oocheck", "check"]
    no_stdin = "" if "--stdin-filename" in options else "skipped: oocheck check has no --stdin-filename yet"
    for mode, flags in (("--no-mypy", ["--no-mypy"]), ("mypy bridge", [])):
        project = Project(package, work / f"oocheck{''.join(flags)}", changed)
        # oocheck keeps its cache in the current folder when there is no pyproject.toml; say so where it can.
        folder = project.root / ".oocheck_cache"
        flags = [*flags, *(["--cache-dir", str(folder)] if "--cache-dir" in options else [])]
        cache = Cache(folder, [*oocheck, *flags, name], project.root, timeout)
        cases.append(cache.cold_case(f"oocheck cold {mode}", is_oocheck=True))
        cases.append(Case(f"oocheck one file warm {mode}", [*oocheck, *flags, str(changed)], project.root,
                          setup=_then(cache.ensure, project.edit), is_oocheck=True))
        # The pre-commit hook's way: the changed file within its whole project, the rest from the cache.
        cases.append(Case(f"oocheck one file warm --in-project {mode}",
                          [*oocheck, *flags, "--in-project", str(changed)], project.root,
                          setup=_then(cache.ensure, project.edit), is_oocheck=True,
                          skip="" if "--in-project" in options else "skipped: oocheck check has no --in-project"))
        if flags[:1] != ["--no-mypy"]:
            continue
        # An editor's buffer is checked without the mypy bridge (it reads files from disk), so once.
        buffer = work / "buffer.py"

        def unsaved(p: Project = project, b: Path = buffer) -> None:
            p.unsaved(b)

        cases.append(Case("oocheck --stdin-filename warm", [*oocheck, *flags, "--stdin-filename", str(changed)],
                          project.root, setup=_then(cache.ensure, unsaved), stdin=buffer, is_oocheck=True,
                          skip=no_stdin))
    for number, case in enumerate(cases):
        case.log = work / f"run-{number:02d}.log"
    return cases


def _then(*steps: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        for step in steps:
            step()
    return run


# --- running and reporting ----------------------------------------------------------------------

def run_cases(cases: list[Case], runs: int, timeout: float) -> None:
    for round_number in range(1, runs + 1):
        for case in cases:
            if case.skip or case.error:
                continue
            try:
                case.setup()
                measurement = measure(case.command, case.cwd, case.log, timeout, case.stdin)
            except (OSError, RuntimeError, subprocess.SubprocessError) as error:
                case.error = f"could not be measured: {error}"
                print(f"[{round_number}/{runs}] {case.name}: {case.error}", file=sys.stderr, flush=True)
                continue
            case.after(measurement)
            if measurement.timed_out:
                case.error = f"timed out after {timeout:.0f} s"
            elif measurement.returncode not in case.ok_codes:
                tail = case.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
                case.error = f"exit {measurement.returncode}: " + " | ".join(tail)
            else:
                case.runs.append(measurement)
            status = case.error or f"{measurement.wall_s:.2f} s, {measurement.peak_mib:.0f} MiB"
            print(f"[{round_number}/{runs}] {case.name}: {status}", file=sys.stderr, flush=True)


def median_wall(case: Case | None) -> float | None:
    return statistics.median(m.wall_s for m in case.runs) if case and case.runs else None


def median_cpu(case: Case | None) -> float | None:
    return statistics.median(m.cpu_s for m in case.runs) if case and case.runs else None


def median_peak(case: Case) -> float | None:
    return statistics.median(m.peak_mib for m in case.runs) if case.runs else None


def targets(cases: list[Case]) -> list[dict[str, Any]]:
    """The issue's targets, each PASS, FAIL or n/a (a row it needs was not measured)."""
    by_name = {case.name: case for case in cases}

    def ratio(name: str, against: str, median: Callable[[Case | None], float | None]) -> float | None:
        value, base = median(by_name.get(name)), median(by_name.get(against))
        return value / base if value is not None and base else None

    # (target, measured, limit, unit, the same ratio in CPU time: context on a busy machine, not judged)
    rows: list[tuple[str, float | None, float, str, float | None]] = [
        (f"{name} / {base}", ratio(name, base, median_wall), limit, "x", ratio(name, base, median_cpu))
        for name, base, limit in (("oocheck cold --no-mypy", "mypy cold", 1.0),
                                  ("oocheck cold mypy bridge", "mypy --check-untyped-defs cold", 1.2))]
    for name in ("oocheck one file warm --no-mypy", "oocheck one file warm mypy bridge",
                 "oocheck one file warm --in-project --no-mypy", "oocheck one file warm --in-project mypy bridge",
                 "oocheck --stdin-filename warm"):
        rows.append((name, median_wall(by_name.get(name)), 0.5, "s", None))
    peaks = [p for case in cases if case.is_oocheck and (p := median_peak(case)) is not None]
    rows.append(("peak memory, every oocheck row", max(peaks) if peaks else None, 400.0, "MiB", None))
    return [{"target": name, "value": value, "limit": limit, "unit": unit, "cpu_ratio": cpu,
             "status": "n/a" if value is None else "PASS" if value <= limit else "FAIL"}
            for name, value, limit, unit, cpu in rows]


def versions(peers: Sequence[str]) -> dict[str, str]:
    found = {"python": platform.python_version()}
    commands = {"mypy": [sys.executable, "-m", "mypy", "--version"]}
    for peer in peers:
        if exe := tool(peer):
            commands[peer] = [exe, "--version"]  # pyright's wrapper fetches its package here, untimed
    for name, command in commands.items():
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = (proc.stdout or proc.stderr).strip().splitlines()
        # "mypy 2.4.1 (compiled: yes)" -> "2.4.1 (compiled: yes)"
        found[name] = lines[0].removeprefix(name).strip() if lines else f"exit {proc.returncode}"
    commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True,
                            text=True, check=False).stdout.strip()
    found["oocheck"] = version("oocheck") + (f" ({commit})" if commit else "")
    return found


def report(cases: list[Case], info: dict[str, Any]) -> dict[str, Any]:
    by_name = {case.name: case for case in cases}
    mypy_cold, mypy_untyped = median_wall(by_name.get("mypy cold")), median_wall(by_name.get(
        "mypy --check-untyped-defs cold"))
    rows = []
    for case in cases:
        wall = median_wall(case)
        rows.append({
            "name": case.name, "command": case.command, "runs": len(case.runs),
            "median_wall_s": wall, "median_cpu_s": median_cpu(case), "median_peak_mib": median_peak(case),
            "ratio_mypy_cold": wall / mypy_cold if wall is not None and mypy_cold else None,
            "ratio_mypy_check_untyped_defs": wall / mypy_untyped if wall is not None and mypy_untyped else None,
            "walls_s": [m.wall_s for m in case.runs],
            "cpu_s": [m.cpu_s for m in case.runs],
            "peaks_mib": [m.peak_mib for m in case.runs],
            "largest_process_mib": [m.max_rss_kib / MIB for m in case.runs],
            "note": case.skip or case.error,
        })
    return {**info, "rows": rows, "targets": targets(cases)}


def _cell(value: float | None, digits: int, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


def print_table(result: dict[str, Any]) -> None:
    machine = result["machine"]
    print(f"machine: {machine['cores']} cores, {machine['platform']}; load average {machine['load_before']} "
          f"before, {machine['load_after']} after")
    print("versions: " + ", ".join(f"{name} {value}" for name, value in result["versions"].items()))
    print(f"corpus: {result['corpus']}; changed file: {result['changed_file']}; "
          f"median of {result['runs']} runs; oocheck's bytecode: {result.get('bytecode', '?')}\n")
    width = max(len(row["name"]) for row in result["rows"]) + 2
    print(f"{'tool':<{width}}{'wall s':>8}{'cpu s':>8}{'peak MiB':>10}{'x mypy':>8}{'x mypy-cud':>11}  note")
    for row in result["rows"]:
        print(f"{row['name']:<{width}}{_cell(row['median_wall_s'], 2):>8}{_cell(row['median_cpu_s'], 2):>8}"
              f"{_cell(row['median_peak_mib'], 0):>10}"
              f"{_cell(row['ratio_mypy_cold'], 2):>8}{_cell(row['ratio_mypy_check_untyped_defs'], 2):>11}"
              f"  {row['note']}")
    print("\nx mypy: wall time over mypy cold; x mypy-cud: over mypy --check-untyped-defs cold. cpu: user +")
    print("system time of the process tree (less disturbed by other load than wall time; over 1 s per wall")
    print("second means it used more than one core).")
    print("peak: the whole process tree (the larger of the largest process and the sampled sum).\n")
    print("targets (issue #5):")
    for target in result["targets"]:
        unit = target["unit"]
        value = _cell(target["value"], 2, "x" if unit == "x" else f" {unit}")
        limit = f"{target['limit']:g}{'x' if unit == 'x' else ' ' + unit}"
        cpu = f"; in CPU time {target['cpu_ratio']:.2f}x" if target.get("cpu_ratio") is not None else ""
        print(f"  {target['status']:<4}  {target['target']}: {value} (limit {limit}{cpu})")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/speed.py", description=__doc__,
        epilog="Example: python benchmarks/speed.py --runs 3 --corpus-dir ~/.cache/oocheck-bench --peers all",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="whole-process runs per command; the median is "
                        "reported (default 5)")
    parser.add_argument("--corpus-dir", type=Path, help="keep the downloaded corpus here and reuse it "
                        "(default: a temporary folder, removed afterwards)")
    parser.add_argument("--django", default="django>=5.2,<5.3", help="the requirement pip downloads "
                        "(default: %(default)s)")
    parser.add_argument("--peers", default=",".join(DEFAULT_PEERS),
                        help=f"comma-separated peers to run besides mypy, from {', '.join(PEERS)}; 'all' or "
                        f"'none' (default: {','.join(DEFAULT_PEERS)}; pyright and pylint take ~1 min a run)")
    parser.add_argument("--changed-file", type=Path, help="the module the warm runs edit, relative to the "
                        "corpus root, e.g. django/utils/text.py (default: a median-sized module with a class)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before one run is stopped "
                        "(default 600)")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON document instead "
                        "of the table")
    parser.add_argument("--measure-one", help=argparse.SUPPRESS)  # the wrapper process's entry
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    peers = {"all": list(PEERS), "none": []}.get(args.peers)
    if peers is None:
        peers = [p.strip() for p in args.peers.split(",") if p.strip()]
        unknown = [p for p in peers if p not in PEERS]
        if unknown:
            parser.error(f"unknown peer(s) {', '.join(unknown)}; choose from {', '.join(PEERS)}")
    args.peers = peers
    return args


def compile_oocheck() -> str:
    """Compile oocheck's modules to bytecode first, as `pip install` of a wheel does: an editable
    install (a checkout) has none, and with PYTHONDONTWRITEBYTECODE set (as on some CI machines)
    every run would compile ~100 modules again and the start-up measured would be no user's."""
    folders = []
    for name in ("oocheck", "oocheck_rules"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            folders += list(spec.submodule_search_locations)
    done = subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], capture_output=True, text=True,
                          check=False)
    return "compiled" if done.returncode == 0 else f"not compiled: {done.stderr.strip()[-200:]}"


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    if args.measure_one:
        print(format_measurement(measure_here(json.loads(args.measure_one))))
        return 0
    if importlib.util.find_spec("oocheck") is None:
        print("speed.py: oocheck is not installed for this Python; run it with the interpreter of the "
              "environment where oocheck is (e.g. .venv/bin/python benchmarks/speed.py)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="oocheck-speed-") as temp:
        scratch = Path(temp)
        corpus_dir = args.corpus_dir.resolve() if args.corpus_dir else scratch / "corpus"
        archive = download(args.django, corpus_dir)
        package = unpack(archive, "django", corpus_dir)
        changed = args.changed_file or changed_file_default(package)
        if not (package.parent / changed).is_file():
            print(f"speed.py: {changed} is not a file of the corpus", file=sys.stderr)
            return 2
        info: dict[str, Any] = {
            "corpus": f"{archive.name} {package.name}/ ({sum(1 for _ in package.rglob('*.py'))} files)",
            "changed_file": str(changed), "runs": args.runs, "versions": versions(args.peers),
            "machine": {"cores": os.cpu_count(), "platform": platform.platform(),
                        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg())},
        }
        info["bytecode"] = compile_oocheck()
        cases = build_cases(package, scratch / "work", changed, args.peers, args.timeout)
        run_cases(cases, args.runs, args.timeout)
        info["machine"]["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        result = report(cases, info)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
