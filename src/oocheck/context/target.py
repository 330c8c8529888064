"""What `oocheck context TARGET` points at, and which files of the repo its index needs.

TARGET is `pkg.mod:Class`, `pkg.mod`, or a file path (`path/to/mod.py`, `path/to/mod.py:Class`); the
path may not exist yet (a file about to be written: its package is described instead).

The index is scoped, not the whole folder: the target's module and every repo module it imports
(transitively: bases and used classes must resolve), the files that mention one of its classes by
name (the only places a subclass can be), and the modules listed as importable. Parsing is most of
the cost, and a folder may hold thousands of unrelated files; which file could matter is decided
from imports and names first, then the same analyzer as `oocheck check` indexes the chosen ones.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from fnmatch import translate
from pathlib import Path

from oocheck.analyzer.collect import dotted_name, resolve_relative
from oocheck.analyzer.model import ModuleInfo
from oocheck.analyzer.suggest import did_you_mean
from oocheck.discovery import DEFAULT_EXCLUDES, SourceFile, module_name_for

# Importable modules are listed one by one up to this many; beyond it only the ones the target
# imports are (a folder of a thousand unrelated scripts is noise, not context).
MAX_LISTED_MODULES = 50
# A bound on the scoped index, so that one huge repo cannot make `context` slow.
MAX_INDEXED_FILES = 400
# discovery's excludes as one pattern: fnmatch per name and pattern costs more than the walk itself.
_EXCLUDED = re.compile("|".join(f"(?:{translate(p)})" for p in DEFAULT_EXCLUDES))
_CLASS_PART = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


class ContextError(Exception):
    """A TARGET that cannot be described: the message is one line, for exit code 2."""


@dataclass
class Target:
    text: str
    kind: str  # "class", "module" or "new-file"
    root: Path  # the import root: what is discovered and indexed
    module: str
    path: Path
    class_name: str | None = None


@dataclass
class Scope:
    """The files of the root, the ones indexed, and the modules listed as importable."""

    files: list[SourceFile]
    indexed: list[SourceFile]
    names_only: list[SourceFile]  # listed as importable, not otherwise needed: indexed without inference
    listed: list[str]
    unlisted: int  # importable modules not listed
    notes: list[str] = field(default_factory=list)


def parse_target(text: str, root: Path | None) -> tuple[Target, list[SourceFile]]:
    """Resolve TARGET to a file of the repo (or a file to be written) and discover its root."""
    left, class_name = text, None
    if ":" in text:
        head, tail = text.rsplit(":", 1)
        if not _CLASS_PART.match(tail):
            raise ContextError(f"{text!r}: after ':' comes a class name, e.g. pkg.mod:Class")
        left, class_name = head, tail
    if left.endswith((".py", ".pyi")) or os.sep in left or "/" in left or Path(left).is_file():
        return _path_target(text, Path(left), class_name)
    if not _CLASS_PART.match(left):
        raise ContextError(f"{text!r} is neither a module name (pkg.mod), a class (pkg.mod:Class) nor a .py file")
    folder = root or Path.cwd()
    if not folder.is_dir():
        raise ContextError(f"--root {folder}: no such folder")
    # The import roots a project usually has: the folder itself, and a src layout below it.
    for candidate in (folder, folder / "src"):
        if not candidate.is_dir():
            continue
        files = modules_under(candidate.resolve())
        source = next((f for f in files if f.module == left), None)
        if source is not None:
            kind = "class" if class_name else "module"
            return Target(text, kind, source.root, source.module, source.path, class_name), files
    known = {f.module for c in (folder, folder / "src") if c.is_dir() for f in modules_under(c.resolve())}
    hint = did_you_mean(left, known)
    where = f" under {folder}" if root is not None else " under the current folder (--root sets another)"
    raise ContextError(f"no module {left!r}{where}" + (f". Did you mean: {hint!r}?" if hint else ""))


def _path_target(text: str, path: Path, class_name: str | None) -> tuple[Target, list[SourceFile]]:
    if path.is_dir():
        raise ContextError(f"{path} is a folder: give a module (pkg.mod), a class (pkg.mod:Class) or a .py file")
    if not path.exists():
        if class_name is not None:
            raise ContextError(f"{path}: no such file")
        if not path.parent.is_dir():
            raise ContextError(f"{path}: its folder {path.parent} does not exist")
        if not path.name.endswith((".py", ".pyi")):
            raise ContextError(f"{path}: not a Python file (.py)")
    root, module = module_name_for(path)
    kind = "class" if class_name else ("module" if path.exists() else "new-file")
    return Target(text, kind, root, module, path.resolve(), class_name), modules_under(root)


def modules_under(root: Path) -> list[SourceFile]:
    """Every module importable from the import root `root`, as `discover` names them, found without
    resolving each path: only package folders (with `__init__.py`) below the root keep its root."""
    found: list[SourceFile] = []
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        dirnames[:] = sorted(d for d in dirnames
                             if not _EXCLUDED.match(d)
                             and (here / d / "__init__.py").is_file() and not os.path.islink(here / d))
        prefix = here.relative_to(root).parts
        for filename in sorted(filenames):
            if not filename.endswith(".py") or _EXCLUDED.match(filename):
                continue
            stem = filename[:-3]
            parts = [*prefix] if stem == "__init__" else [*prefix, stem]
            if parts:
                found.append(SourceFile(here / filename, root, ".".join(parts)))
    return found


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
        return None


def _imported_modules(source: SourceFile, tree: ast.Module, known: dict[str, SourceFile]) -> list[str]:
    """Repo modules `source` imports anywhere in its code, with the packages Python imports first."""
    info = ModuleInfo(source.module, source.path, source.root, str(source.path), tree,
                      is_package=source.path.name == "__init__.py")
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(info, node.level, node.module)
            names.append(base)
            names.extend(f"{base}.{alias.name}" if base else alias.name for alias in node.names)
    found: list[str] = []
    for name in names:
        parts = name.split(".")
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            if prefix in known and prefix not in found:
                found.append(prefix)
    return found


def _class_names(tree: ast.Module, class_name: str | None) -> set[str]:
    if class_name is not None:
        return {class_name.split(".")[-1]}
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}


def _subclass_names(tree: ast.Module, bases: set[str]) -> set[str]:
    """Classes of `tree` that name one of `bases` among their bases (the index checks it properly)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            named = {(dotted_name(b.value if isinstance(b, ast.Subscript) else b) or "").split(".")[-1]
                     for b in node.bases}
            if named & bases:
                found.add(node.name)
    return found


def select_scope(target: Target, files: list[SourceFile]) -> Scope:
    """Choose the files to index for `target` (see the module docstring)."""
    return _Selector(files).scope(target)


class _Selector:
    def __init__(self, files: list[SourceFile]) -> None:
        self.files = files
        self.known = {f.module: f for f in files}
        self.chosen: dict[Path, SourceFile] = {}
        self.trees: dict[Path, ast.Module | None] = {}
        self.notes: list[str] = []

    def scope(self, target: Target) -> Scope:
        files = self.files
        own = next((f for f in files if f.path == target.path), None)
        package = _package(target.module)
        siblings = [f for f in files if _package(f.module) == package and f is not own]
        start = [own] if own is not None else (siblings if len(siblings) <= MAX_LISTED_MODULES else [])
        self.add_with_imports(start)
        imported = [m for s in start if (t := self.tree_of(s)) is not None
                    for m in _imported_modules(s, t, self.known)]
        if own is not None and (own_tree := self.tree_of(own)) is not None:
            self.add_subclass_files(_class_names(own_tree, target.class_name))
        if len(files) <= MAX_LISTED_MODULES:
            listed = [f.module for f in files]
        else:
            local = [f.module for f in siblings] if len(siblings) <= MAX_LISTED_MODULES else []
            listed = list(dict.fromkeys([*imported, *local]))
        listed = [m for m in listed if own is None or m != own.module]
        # Listed modules need their names only: the analyzer collects them without following values.
        names_only = [self.known[m] for m in listed if self.known[m].path not in self.chosen]
        unlisted = len(files) - len(listed) - (1 if own is not None else 0)
        return Scope(files, list(self.chosen.values()), names_only, sorted(listed), unlisted, self.notes)

    def tree_of(self, source: SourceFile) -> ast.Module | None:
        if source.path not in self.trees:
            self.trees[source.path] = _parse(source.path)
        return self.trees[source.path]

    def add_with_imports(self, start: list[SourceFile]) -> None:
        """Index `start` and every repo module they import, transitively (bases must resolve)."""
        queue = list(start)
        while queue:
            source = queue.pop(0)
            if source.path in self.chosen:
                continue
            if len(self.chosen) >= MAX_INDEXED_FILES:
                if not self.notes:
                    self.notes.append(f"the index was limited to {MAX_INDEXED_FILES} files: "
                                      "some classes of the repo may be missing")
                return
            self.chosen[source.path] = source
            tree = self.tree_of(source)
            if tree is not None:
                queue.extend(self.known[m] for m in _imported_modules(source, tree, self.known))

    def add_subclass_files(self, names: set[str]) -> None:
        """Index the files that mention a class by name, and again for the subclasses found there."""
        searched: set[str] = set()
        while names - searched:
            fresh = names - searched
            searched |= fresh
            pattern = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted(fresh)) + rb")\b")
            found = []
            for source in self.files:
                if source.path in self.chosen:
                    continue
                try:
                    data = source.path.read_bytes()
                except OSError:
                    continue
                if pattern.search(data):
                    found.append(source)
            self.add_with_imports(found)
            for source in found:
                tree = self.tree_of(source)
                if tree is not None:
                    names = names | _subclass_names(tree, searched)


def _package(module: str) -> str:
    return module.rsplit(".", 1)[0] if "." in module else ""
