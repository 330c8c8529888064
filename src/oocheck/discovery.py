"""Find the Python files to check, and the module name each one has when imported."""

from __future__ import annotations

import fnmatch
import functools
import operator
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
        # Folders are listed with scandir, whose entries know whether they are folders, files or links
        # without a system call per name (os.walk's lists do not). A folder's resolved path comes from
        # its parent's: symlinked folders are not entered, so only the given folder needs resolving.
        yield from _walk_folder(str(given), str(given.resolve()), excluded, seen)


_entry_name = operator.attrgetter("name")


def _walk_folder(folder: str, real_folder: str, excluded: Callable[[str], object],
                 seen: set[Path]) -> Iterator[tuple[Path, Path]]:
    """The Python files under `folder` (resolved: `real_folder`), its own first, then each
    subfolder's, in name order. Paths stay strings until a file is found: Django has 2,454 folders."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_entry_name)
    except OSError:  # unreadable folders are skipped, as os.walk skips them
        return
    subfolders = []
    for entry in entries:
        name = entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                if excluded(name) is None:
                    subfolders.append(entry)
                continue
            if not name.endswith(".py") or excluded(name) is not None:
                continue
            if entry.is_symlink():
                # A link to a folder named x.py is not a file; a dangling link is kept: reading it
                # fails, which is reported as OO000, not silently skipped.
                candidate = Path(entry.path)
                if candidate.exists() and not candidate.is_file():
                    continue
                resolved = candidate.resolve()
            elif entry.is_file(follow_symlinks=False):
                candidate, resolved = Path(entry.path), Path(os.path.join(real_folder, name))
            else:
                continue
        except OSError:
            continue
        if resolved not in seen:
            seen.add(resolved)
            yield candidate, resolved
    for entry in subfolders:
        yield from _walk_folder(entry.path, os.path.join(real_folder, entry.name), excluded, seen)


def discover(paths: Iterable[Path], excludes: Iterable[str] = DEFAULT_EXCLUDES) -> list[SourceFile]:
    files = []
    packages: dict[Path, tuple[Path, tuple[str, ...]]] = {}
    for path, resolved in _python_files(paths, excludes):
        root, module = _module_name(resolved, packages)
        files.append(SourceFile(path=path, root=root, module=module))
    return files
