"""Find the Python files to check, and the module name each one has when imported."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
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
    path = path.resolve()
    parts = [] if path.stem == "__init__" else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts) if parts else folder.name


def _excluded(name: str, excludes: Iterable[str]) -> bool:
    return any(fnmatch(name, pattern) for pattern in excludes)


def iter_python_files(paths: Iterable[Path], excludes: Iterable[str] = DEFAULT_EXCLUDES) -> Iterator[Path]:
    """Every `.py`/`.pyi` file under `paths`, in a stable order, without following symlinked folders."""
    excludes = tuple(excludes)
    seen: set[Path] = set()
    for given in paths:
        if not given.exists():
            raise DiscoveryError(f"{given}: no such file or directory")
        if given.is_file() or not given.is_dir():
            resolved = given.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield given
            continue
        for folder, dirnames, filenames in os.walk(given):
            dirnames[:] = sorted(
                d for d in dirnames
                if not _excluded(d, excludes) and not os.path.islink(os.path.join(folder, d))
            )
            for filename in sorted(filenames):
                if not filename.endswith(".py") or _excluded(filename, excludes):
                    continue
                candidate = Path(folder) / filename
                # A directory named x.py is not a file; a dangling link is kept: reading it fails,
                # which is reported as OO000, not silently skipped.
                if not candidate.is_file() and not (candidate.is_symlink() and not candidate.exists()):
                    continue
                resolved = candidate.resolve()
                if resolved not in seen:
                    seen.add(resolved)
                    yield candidate


def discover(paths: Iterable[Path], excludes: Iterable[str] = DEFAULT_EXCLUDES) -> list[SourceFile]:
    files = []
    for path in iter_python_files(paths, excludes):
        root, module = module_name_for(path)
        files.append(SourceFile(path=path, root=root, module=module))
    return files
