"""The target environment: the interpreter the checked code will run under, and what it can import.

Third-party packages are never imported (see `analyzer/external.py`). To know whether `import x`
will find `x`, the target interpreter is asked once, in a subprocess, for its `sys.path`, its
built-in module names and its standard-library names; the folders on that path are then listed
(`x/`, `x.py`, `x.*.so`, zip archives) and the `top_level.txt` of every installed distribution is
read (editable installs reach their code through an import hook, not through `sys.path`). The
answer is cached per interpreter for the life of the process.

The interpreter is chosen in this order: `--python PATH`, `$VIRTUAL_ENV`, a `.venv` (or `venv`)
folder in the project, the interpreter running oocheck. Under pre-commit (`$PRE_COMMIT` set) a
`$VIRTUAL_ENV` that is oocheck's own environment is the hook's, not the project's: it is skipped.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# What the target interpreter prints: nothing here may need more than Python 3.0.
_QUERY = (
    "import json, sys; print(json.dumps({'path': sys.path, 'builtins': list(sys.builtin_module_names), "
    "'stdlib': sorted(getattr(sys, 'stdlib_module_names', ())), 'version': list(sys.version_info[:2]), "
    "'executable': sys.executable}))"
)
_QUERY_TIMEOUT = 30.0
_EXTENSION_SUFFIXES = (".so", ".pyd")
# Names that an installed distribution provides through an import hook installed by a `.pth` file,
# keyed by a top-level module of that distribution.
_HOOK_PROVIDED = {"_distutils_hack": ("distutils",)}
RUNNING_INTERPRETER = "running interpreter"


class TargetEnvironmentError(Exception):
    """The target interpreter cannot be found or cannot be asked."""


@dataclass(frozen=True)
class TargetEnvironment:
    """What the target interpreter can import at top level."""

    python: Path
    how: str  # how it was chosen, for messages: "--python", "VIRTUAL_ENV", ".venv", "running interpreter"
    version: tuple[int, int]
    path: tuple[str, ...]
    builtin_modules: frozenset[str]
    stdlib_modules: frozenset[str]
    top_level: frozenset[str] = field(default=frozenset(), repr=False)

    def has_top_level(self, name: str) -> bool:
        """True when `import name` finds something in the target environment (without importing it)."""
        return name in self.builtin_modules or name in self.top_level or name in self.stdlib_modules

    def is_stdlib(self, name: str) -> bool:
        top = name.split(".")[0]
        return top in self.stdlib_modules or top in self.builtin_modules

    @property
    def same_version_as_running(self) -> bool:
        return self.version == tuple(sys.version_info[:2])


@dataclass(frozen=True)
class EnvironmentChoice:
    """The outcome of looking for the target environment: one, or why there is none."""

    environment: TargetEnvironment | None
    problem: str | None = None


def _interpreter_in(folder: Path) -> Path | None:
    for candidate in (folder / "bin" / "python", folder / "bin" / "python3", folder / "Scripts" / "python.exe"):
        if candidate.exists():
            return candidate
    return None


def _project_venv(start: Path) -> Path | None:
    """A `.venv` or `venv` folder next to the checked code, looking upward to the project boundary."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in [folder, *folder.parents]:
        for name in (".venv", "venv"):
            python = _interpreter_in(candidate / name)
            if python is not None and (candidate / name / "pyvenv.cfg").is_file():
                return python
        if any((candidate / marker).exists() for marker in ("pyproject.toml", ".git", "setup.py", "setup.cfg")):
            return None
    return None


def _is_pre_commit_hook_env(venv: str) -> bool:
    """True when pre-commit set VIRTUAL_ENV to the hook's own environment, the one oocheck runs in.

    pre-commit activates the hook's private environment (and sets PRE_COMMIT=1): taking it as the
    target would report every third-party import of the project as missing.
    """
    if not os.environ.get("PRE_COMMIT"):
        return False
    try:
        return Path(venv).resolve() == Path(sys.prefix).resolve()
    except OSError:
        return False


def choose_interpreter(explicit: Path | None, project: Path) -> tuple[Path | None, str, str | None]:
    """(interpreter, how it was chosen, problem). `problem` is set when a requested one is unusable."""
    if explicit is not None:
        if explicit.is_dir():
            found = _interpreter_in(explicit)
            if found is None:
                return None, "--python", f"--python {explicit}: no bin/python in that folder"
            return found, "--python", None
        if not explicit.exists():
            return None, "--python", f"--python {explicit}: no such file"
        return explicit, "--python", None
    venv = os.environ.get("VIRTUAL_ENV")
    if venv and not _is_pre_commit_hook_env(venv):
        found = _interpreter_in(Path(venv))
        if found is None:
            return None, "VIRTUAL_ENV", f"VIRTUAL_ENV={venv} has no bin/python"
        return found, "VIRTUAL_ENV", None
    local = _project_venv(project)
    if local is not None:
        return local, ".venv", None
    if sys.executable:
        return Path(sys.executable), RUNNING_INTERPRETER, None
    return None, RUNNING_INTERPRETER, "the running interpreter does not know its own path"


def find_environment(explicit: Path | None, project: Path) -> EnvironmentChoice:
    """Find and ask the target interpreter; never raises."""
    python, how, problem = choose_interpreter(explicit, project)
    if python is None:
        return EnvironmentChoice(None, problem)
    try:
        return EnvironmentChoice(_ask(str(python), how, os.environ.get("PYTHONPATH", "")))
    except TargetEnvironmentError as exc:
        return EnvironmentChoice(None, f"{python} ({how}): {exc}")


class EnvironmentProbe:
    """`find_environment` in a thread from the start of a check: the target interpreter answers in a
    subprocess (40 ms of waiting on Django's hook run) while the repo is discovered and indexed."""

    def __init__(self, explicit: Path | None, project: Path) -> None:
        self._where = (explicit, project)
        self._choice: EnvironmentChoice | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="oocheck-environment")
        self._thread.start()

    def _run(self) -> None:
        self._choice = find_environment(*self._where)

    def result(self) -> EnvironmentChoice:
        """The answer (asked again here if the thread failed: the failure then shows as it would)."""
        self._thread.join()
        return self._choice if self._choice is not None else find_environment(*self._where)


@functools.cache
def _ask(python: str, how: str, pythonpath: str) -> TargetEnvironment:
    """Run the interpreter once; `pythonpath` is part of the cache key because it changes `sys.path`."""
    del pythonpath
    try:
        done = subprocess.run([python, "-c", _QUERY], capture_output=True, text=True, timeout=_QUERY_TIMEOUT,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise TargetEnvironmentError(f"cannot run it: {exc}") from exc
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise TargetEnvironmentError(f"it exited with status {done.returncode}: {tail}")
    try:
        data = json.loads(done.stdout.strip().splitlines()[-1])
        path = tuple(str(p) for p in data["path"] if p)  # "" is the current folder of the subprocess
        version = (int(data["version"][0]), int(data["version"][1]))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise TargetEnvironmentError(f"unexpected answer to the sys.path query: {exc}") from exc
    return TargetEnvironment(
        python=Path(python), how=how, version=version, path=path,
        builtin_modules=frozenset(data.get("builtins", ())), stdlib_modules=frozenset(data.get("stdlib", ())),
        top_level=frozenset(_list_top_level(path)),
    )


def _list_top_level(path: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    for entry in path:
        if os.path.isdir(entry):
            names |= _names_in_folder(entry)
        elif zipfile.is_zipfile(entry):
            names |= _names_in_zip(entry)
    return names


def _module_name(filename: str) -> str | None:
    """`x` for `x.py`, `x.pyc`, `x.cpython-311-x86_64-linux-gnu.so`, `x.pyd`; else None."""
    if filename.endswith((".py", ".pyc")):
        return filename.rsplit(".", 1)[0] or None
    if filename.endswith(_EXTENSION_SUFFIXES):
        return filename.split(".", 1)[0] or None
    return None


def _names_in_folder(folder: str) -> set[str]:
    names: set[str] = set()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return names
    for entry in entries:
        name = entry.name
        if name.endswith((".dist-info", ".egg-info")):
            names |= _distribution_names(entry.path)
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            # Any folder is importable, as a namespace package at least, if its name is an identifier.
            if name.isidentifier():
                names.add(name)
        else:
            module = _module_name(name)
            if module and module.isidentifier():
                names.add(module)
    return names


def _distribution_names(meta: str) -> set[str]:
    """Top-level names a distribution declares (its code may sit elsewhere: editable installs)."""
    names: set[str] = set()
    try:
        with open(os.path.join(meta, "top_level.txt"), encoding="utf-8") as fh:
            for line in fh:
                name = line.strip().replace("/", ".").split(".")[0]
                if name.isidentifier():
                    names.add(name)
                    names.update(_HOOK_PROVIDED.get(name, ()))
    except OSError:
        pass
    return names


def _names_in_zip(archive: str) -> set[str]:
    names: set[str] = set()
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                first = member.split("/", 1)
                if len(first) == 2:
                    if first[0].isidentifier():
                        names.add(first[0])
                else:
                    module = _module_name(first[0])
                    if module and module.isidentifier():
                        names.add(module)
    except (OSError, zipfile.BadZipFile):
        pass
    return names
