"""Running the peer tools of `oocheck study --baseline`, and reading back their diagnostics.

Each tool runs once per code folder (a generated class sits next to its test file, which imports it
by module name), in that folder, as a user would run it there, with every setting that could come
from elsewhere pinned: an empty configuration file of its own (no `pyproject.toml` above the folder
changes what it reports), caches in a scratch folder (nothing is ever written into the checked
folders), machine-readable output. Unannotated functions are checked (`mypy --check-untyped-defs`,
pyrefly's `default` preset instead of the unconfigured `basic`): the generated tests have no
annotations, and unchecked they would predict nothing. Folders run two at a time.

A file that does not parse is not given to the tools, and mypy does not follow it from the files
that import it (its syntax error would stop mypy for the whole folder); its tests fail at import
anyway. A file mypy alone cannot parse is left out the same way and the folder run again.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from oocheck.study.baseline_codes import TABLE

WORKERS = 2
TIMEOUT = 900.0  # seconds for one folder
_MAX_RETRIES = 20  # reruns after leaving out files with a blocking syntax error Python's parser accepted


@dataclass(frozen=True)
class PeerDiagnostic:
    """One diagnostic of a peer tool: 1-based line and column; `end_col` one past the last column."""

    path: Path  # absolute
    line: int
    col: int
    end_line: int
    end_col: int
    code: str
    message: str


@dataclass
class ToolRun:
    """What one tool said about all the folders, and what went wrong."""

    tool: str
    diagnostics: list[PeerDiagnostic] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line per folder the tool could not check
    seconds: float = 0.0


class ToolOutputError(Exception):
    """The tool's output could not be read (it crashed or printed something else)."""


def _executable(name: str, module: bool) -> list[str] | None:
    """How to start `name` from this environment: `python -m name` or the script beside the interpreter."""
    if module and importlib.util.find_spec(name) is not None:
        return [sys.executable, "-m", name]
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which(name)
    return [found] if found else None


def _span(line: int, col: int, end_line: int | None, end_col: int | None) -> tuple[int, int, int, int]:
    """A start and an end that is not before it (a tool may give no end, or a point)."""
    end_line = end_line if end_line is not None and end_line >= line else line
    end_col = end_col if end_col is not None and (end_line > line or end_col >= col) else col
    return line, col, end_line, end_col


def _path(folder: Path, name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else folder / path


# -- one function per tool: the command line, and the reading of its output ---------------------------
def _mypy_command(exe: list[str], files: Sequence[str], folder: Path, scratch: Path,
                  skip: Sequence[str] = ()) -> list[str]:
    config = scratch / "mypy.ini"
    # A module that does not parse is not followed from the files that import it: its importers see Any.
    config.write_text("[mypy]\n" + "".join(f"[mypy-{m}]\nfollow_imports = skip\n" for m in skip), encoding="utf-8")
    return [*exe, "--config-file", str(config), "--cache-dir", str(scratch / "cache"), "--check-untyped-defs",
            "--output", "json", "--no-error-summary", "--no-color-output", *files]


def _mypy_parse(out: str, folder: Path) -> list[PeerDiagnostic]:
    found = []
    for line in out.splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise ToolOutputError(line[:200]) from None
        if item.get("severity") != "error":
            continue
        # mypy's columns are 0-based, its end column exclusive.
        pos = _span(item["line"], item["column"] + 1, item.get("end_line"), (item.get("end_column") or 0) + 1)
        found.append(PeerDiagnostic(_path(folder, item["file"]), *pos, item.get("code") or "", item["message"]))
    return found


def _pylint_command(exe: list[str], files: Sequence[str], folder: Path, scratch: Path,
                    skip: Sequence[str] = ()) -> list[str]:
    del folder, skip  # it runs in the folder; no blocking errors
    config = scratch / "pylintrc"
    config.write_text("", encoding="utf-8")
    # Only the mapped messages: the others predict nothing, and pylint skips the checkers they need.
    codes = ",".join(sorted({row.code for row in TABLE["pylint"]}))
    return [*exe, "--rcfile", str(config), "--persistent=n", "--disable=all", f"--enable={codes}",
            "--output-format=json", "--score=n", *files]


def _pylint_parse(out: str, folder: Path) -> list[PeerDiagnostic]:
    try:
        items = json.loads(out) if out.strip() else []
    except json.JSONDecodeError:
        raise ToolOutputError(out.strip().splitlines()[0][:200]) from None
    found = []
    for item in items:
        pos = _span(item["line"], item["column"] + 1, item.get("endLine"),
                        None if item.get("endColumn") is None else item["endColumn"] + 1)
        found.append(PeerDiagnostic(_path(folder, item["path"]), *pos, item["message-id"], item["message"]))
    return found


def _pyright_command(exe: list[str], files: Sequence[str], folder: Path, scratch: Path,
                     skip: Sequence[str] = ()) -> list[str]:
    del skip  # no blocking errors
    # The configuration's folder is pyright's import root: the checked folder is added, as the test runner's is.
    config = scratch / "pyrightconfig.json"
    config.write_text(json.dumps({"extraPaths": [str(folder)]}) + "\n", encoding="utf-8")
    return [*exe, "--outputjson", "--project", str(config), *files]


def _pyright_parse(out: str, folder: Path) -> list[PeerDiagnostic]:
    try:
        items = json.loads(out)["generalDiagnostics"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise ToolOutputError((out.strip().splitlines() or ["no output"])[0][:200]) from None
    found = []
    for item in items:
        if item.get("severity") != "error":
            continue
        start, end = item["range"]["start"], item["range"]["end"]
        pos = _span(start["line"] + 1, start["character"] + 1, end["line"] + 1, end["character"] + 1)
        found.append(PeerDiagnostic(_path(folder, item["file"]), *pos, item.get("rule") or "", item["message"]))
    return found


def _ty_command(exe: list[str], files: Sequence[str], folder: Path, scratch: Path,
                skip: Sequence[str] = ()) -> list[str]:
    del skip  # no blocking errors
    config = scratch / "ty.toml"
    config.write_text("", encoding="utf-8")
    return [*exe, "check", "--config-file", str(config), "--extra-search-path", str(folder),
            "--output-format", "concise", "--exit-zero",
            "--color", "never", *files]


_TY_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>\w+)\[(?P<code>[\w-]+)\] (?P<msg>.*)$")


def _ty_parse(out: str, folder: Path) -> list[PeerDiagnostic]:
    found = []
    for line in out.splitlines():
        match = _TY_LINE.match(line)
        if match is None or match["severity"] != "error":
            continue
        pos = _span(int(match["line"]), int(match["col"]), None, None)
        found.append(PeerDiagnostic(_path(folder, match["file"]), *pos, match["code"], match["msg"]))
    return found


def _pyrefly_command(exe: list[str], files: Sequence[str], folder: Path, scratch: Path,
                     skip: Sequence[str] = ()) -> list[str]:
    del folder, skip  # it runs in the folder; no blocking errors
    config = scratch / "pyrefly.toml"
    config.write_text("", encoding="utf-8")
    return [*exe, "check", "--config", str(config), "--preset", "default", "--search-path", ".",
            "--output-format", "json", *files]


def _pyrefly_parse(out: str, folder: Path) -> list[PeerDiagnostic]:
    start = out.find("{")
    try:
        items = json.loads(out[start:])["errors"] if start >= 0 else []
    except (json.JSONDecodeError, KeyError, TypeError):
        raise ToolOutputError((out.strip().splitlines() or ["no output"])[0][:200]) from None
    found = []
    for item in items:
        if item.get("severity", "error") != "error":
            continue
        pos = _span(item["line"], item["column"], item.get("stop_line"), item.get("stop_column"))
        message = item.get("concise_description") or item.get("description") or ""
        found.append(PeerDiagnostic(_path(folder, item["path"]), *pos, item.get("name") or "", message))
    return found


@dataclass(frozen=True)
class PeerTool:
    """How to run one peer tool and read what it says."""

    name: str
    package: str  # what `pip install` needs
    module: bool  # started as `python -m name` when importable here
    # (how to start it, file names, the folder they are in, scratch folder, modules not to follow) -> argv
    command: Callable[[list[str], Sequence[str], Path, Path, Sequence[str]], list[str]]
    parse: Callable[[str, Path], list[PeerDiagnostic]]
    blocking_codes: tuple[str, ...] = ()  # a diagnostic that stops the tool for the whole folder
    cache: bool = False  # keeps a cache in `scratch/cache` that later runs reuse

    def executable(self) -> list[str] | None:
        return _executable(self.name, self.module)


TOOLS: dict[str, PeerTool] = {
    "mypy": PeerTool("mypy", "mypy", True, _mypy_command, _mypy_parse, blocking_codes=("syntax",), cache=True),
    "pylint": PeerTool("pylint", "pylint", True, _pylint_command, _pylint_parse),
    "pyright": PeerTool("pyright", "pyright", False, _pyright_command, _pyright_parse),
    "ty": PeerTool("ty", "ty", False, _ty_command, _ty_parse),
    "pyrefly": PeerTool("pyrefly", "pyrefly", False, _pyrefly_command, _pyrefly_parse),
}


def _isolated_env() -> dict[str, str]:
    """The environment without variables that point a tool at another configuration or cache."""
    drop = ("MYPYPATH", "MYPY_CACHE_DIR", "PYLINTRC", "PYLINTHOME", "PYTHONPATH")
    return {k: v for k, v in os.environ.items() if k not in drop}


def check_folder(tool: PeerTool, exe: list[str], folder: Path, files: Sequence[Path], scratch: Path,
                 timeout: float = TIMEOUT) -> list[PeerDiagnostic]:
    """Run `tool` once over `files` (all in `folder`), in `folder`; raise ToolOutputError when it fails.

    `scratch` holds the tool's configuration and cache; one run at a time may use it.
    """
    names = sorted(f.name for f in files)
    # Files of the folder left out of `files` (they do not parse) are not followed from their importers.
    skip = {p.stem for p in folder.glob("*.py")} - {f.stem for f in files}
    for _ in range(_MAX_RETRIES + 1):
        if not names:
            return []
        argv = tool.command(exe, names, folder, scratch, sorted(skip))
        try:
            done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, errors="replace",
                                  timeout=timeout, env=_isolated_env(), stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            raise ToolOutputError(f"stopped after {timeout:.0f} s") from None
        except OSError as exc:
            raise ToolOutputError(str(exc)) from None
        try:
            found = tool.parse(done.stdout, folder)
        except ToolOutputError as exc:
            stderr = done.stderr.strip().splitlines()
            raise ToolOutputError(f"exit {done.returncode}: {stderr[-1][:200] if stderr else exc}") from None
        blocked = {d.path for d in found if d.code in tool.blocking_codes}
        if not blocked or {p.stem for p in blocked} <= skip:
            return [d for d in found if d.code not in tool.blocking_codes]
        names = [n for n in names if n not in {p.name for p in blocked}]
        skip |= {p.stem for p in blocked}
    raise ToolOutputError("too many files with syntax errors")


def run_tool(name: str, folders: dict[Path, list[Path]], scratch: Path, workers: int = WORKERS,
             timeout: float = TIMEOUT) -> ToolRun:
    """Run the tool `name` over each folder's files, `workers` folders at a time.

    Each worker keeps its own folder below `scratch` for the tool's cache (mypy's cache of the
    standard library is most of a small run), reused by the next folder and the next call.
    """
    tool = TOOLS[name]
    run = ToolRun(name)
    exe = tool.executable()
    if exe is None:
        run.failures.append("not installed")
        return run
    started = time.perf_counter()
    slots: queue.Queue[Path] = queue.Queue()
    for number in range(max(1, workers)):
        slot = scratch / f"{name}-{number}"
        slot.mkdir(parents=True, exist_ok=True)
        slots.put(slot)

    def check(folder: Path, files: list[Path]) -> list[PeerDiagnostic]:
        slot = slots.get()
        try:
            return check_folder(tool, exe, folder, files, slot, timeout)
        finally:
            slots.put(slot)

    def collect(folder: Path, work: Callable[[], list[PeerDiagnostic]]) -> None:
        try:
            run.diagnostics.extend(work())
        except ToolOutputError as exc:
            run.failures.append(f"{folder}: {exc}")

    pending = sorted(folders.items())
    if tool.cache and pending and not any((s / "cache").exists() for s in slots.queue):
        # One folder first, alone: the other workers start from a copy of its cache, not cold.
        folder, files = pending.pop(0)
        first = slots.queue[0]
        collect(folder, lambda: check_folder(tool, exe, folder, files, first, timeout))
        for slot in list(slots.queue)[1:]:
            if (first / "cache").is_dir():
                shutil.copytree(first / "cache", slot / "cache", dirs_exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(check, folder, files): folder for folder, files in pending}
        for future, folder in futures.items():
            collect(folder, future.result)
    run.seconds = time.perf_counter() - started
    return run


def installed(name: str) -> bool:
    return TOOLS[name].executable() is not None


def version(name: str) -> str:
    """The tool's version as it prints it (`mypy 2.4.1 (compiled: yes)` -> `2.4.1`), or "" when unknown."""
    exe = TOOLS[name].executable()
    if exe is None:
        return ""
    try:
        done = subprocess.run([*exe, "--version"], capture_output=True, text=True, errors="replace", timeout=300,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    match = re.search(r"\d+\.\d+(?:\.\d+)*", done.stdout)
    return match.group(0) if match else ""
