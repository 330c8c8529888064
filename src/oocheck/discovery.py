"""Find the Python files to check, and the module name each one has when imported."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", "__pycache__", "node_modules",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".oocheck_cache", "build", "dist", "*.egg-info",
)


@dataclass(frozen=True)
class SourceFile:
    """A file to index: its path, the folder it is imported from, and its module name."""

    path: Path
    root: Path
    module: str


class DiscoveryError(Exception):
    """A path given by the user that cannot be checked."""


def module_name_for(path: Path) -> tuple[Path, str]:
    """The import root and dotted name of `path`: climb while the folder is a package."""
    return _module_name(path.resolve(), {})


def _module_name(resolved: Path, packages: dict[Path, tuple[Path, tuple[str, ...]]]) -> tuple[Path, str]:
    """`module_name_for` of a resolved path; `packages` keeps each folder's import root and package
    parts, so a repo's files do not climb the same folders again one by one."""
    root, parts = _package_of(resolved.parent, packages)
    if resolved.stem != "__init__":
        parts = (*parts, resolved.stem)
    return root, ".".join(parts) if parts else root.name


def _package_of(folder: Path, packages: dict[Path, tuple[Path, tuple[str, ...]]]) -> tuple[Path, tuple[str, ...]]:
    known = packages.get(folder)
    if known is None:
        if (folder / "__init__.py").is_file() and folder.parent != folder:
            root, parts = _package_of(folder.parent, packages)
            known = (root, (*parts, folder.name))
        else:
            known = (folder, ())
        packages[folder] = known
    return known


@functools.lru_cache(maxsize=16)
def _exclusion(excludes: tuple[str, ...]) -> Callable[[str], object]:
    """One compiled pattern for the exclusion globs (fnmatch's, case as the platform folds it)."""
    if not excludes:
        return lambda name: None
    pattern = re.compile("|".join(f"(?:{fnmatch.translate(os.path.normcase(glob))})" for glob in excludes))
    return lambda name: pattern.match(os.path.normcase(name))


def iter_python_files(paths: Iterable[Path], excludes: Iterable[str] = DEFAULT_EXCLUDES) -> Iterator[Path]:
    """Every `.py`/`.pyi` file under `paths`, in a stable order, without following symlinked folders."""
    for path, _ in _python_files(paths, excludes):
        yield path


def _python_files(paths: Iterable[Path], excludes: Iterable[str]) -> Iterator[tuple[Path, Path]]:
    """`iter_python_files`, each with its resolved path."""
    excluded = _exclusion(tuple(excludes))
    seen: set[Path] = set()
    for given in paths:
        if not given.exists():
            raise DiscoveryError(f"{given}: no such file or directory")
        if given.is_file() or not given.is_dir():
            resolved = given.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield given, resolved
            continue
        # Folders' resolved paths from their parent's: symlinked folders are not entered, so only
        # the given folder needs a system call per component (Django has ~1,000 locale folders).
        real = {str(given): given.resolve()}
        for folder, dirnames, filenames in os.walk(given):
            real_folder = real.pop(folder)
            dirnames[:] = sorted(
                d for d in dirnames
                if excluded(d) is None and not os.path.islink(os.path.join(folder, d))
            )
            for d in dirnames:
                real[os.path.join(folder, d)] = real_folder / d
            for filename in sorted(filenames):
                if not filename.endswith(".py") or excluded(filename) is not None:
                    continue
                candidate = Path(folder) / filename
                # A directory named x.py is not a file; a dangling link is kept: reading it fails,
                # which is reported as OO000, not silently skipped.
                if candidate.is_symlink():
                    if candidate.exists() and not candidate.is_file():
                        continue
                    resolved = candidate.resolve()
                elif candidate.is_file():
                    resolved = real_folder / filename
                else:
                    continue
                if resolved not in seen:
                    seen.add(resolved)
                    yield candidate, resolved


def discover(paths: Iterable[Path], excludes: Iterable[str] = DEFAULT_EXCLUDES) -> list[SourceFile]:
    files = []
    packages: dict[Path, tuple[Path, tuple[str, ...]]] = {}
    for path, resolved in _python_files(paths, excludes):
        root, module = _module_name(resolved, packages)
        files.append(SourceFile(path=path, root=root, module=module))
    return files
