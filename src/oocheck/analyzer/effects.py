"""What walking one module changes outside it: the cross-module part of the inference, recorded.

The inference of module M binds attributes on classes of other modules (`obj.x = 1`, `setattr(C, "x",
v)`), notes names stored on modules and on objects it cannot follow, marks classes as instantiated
and modules as dynamic. Those changes are everything the rest of the repo learns from walking M, so a
partial check (only some files passed, as pre-commit does) can replay them from the cache instead of
walking M again. Each change goes through one function here, which applies it and, while a module's
walk is being recorded, writes it down in plain data (no AST nodes), ready for the cache (marshal).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oocheck.analyzer.index import display_path
from oocheck.analyzer.model import Binding, BindingKind, ClassInfo, ModuleInfo

if TYPE_CHECKING:
    from oocheck.analyzer.index import RepoIndex

# A class named so that the same class statement is found again in a fresh index of the same files.
ClassKey = tuple[str, str, int, int]


def stable_path(path: Path | str) -> str:
    """A file's name that does not depend on how the run named it: `oocheck check django` finds
    `django/x.py`, `--in-project` the same file below an absolute project folder. Absolute, not
    resolved: `os.getcwd()` is already the real path, and resolving costs system calls per file."""
    return os.path.abspath(path)


def class_key(cls: ClassInfo) -> ClassKey:
    return (cls.module.stable_path, cls.qualname, cls.line, cls.col)


@dataclass
class ModuleEffects:
    """The changes one module's walk made to the index, in replayable form."""

    bindings: list[tuple[ClassKey, Binding]] = field(default_factory=list)
    module_stores: list[tuple[str, str]] = field(default_factory=list)  # (module path, attribute)
    unknown_stores: list[tuple[str, str]] = field(default_factory=list)  # (import root, attribute)
    instantiated: list[ClassKey] = field(default_factory=list)
    module_reasons: list[tuple[str, str]] = field(default_factory=list)  # (module path, open reason)
    # Names the call rules collect from every call and store of the repo (calls.repo_facts).
    names_set: list[str] = field(default_factory=list)
    rebound: list[str] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        # Binding paths are display paths (relative to the current folder): stored absolute, shown
        # relative to the folder of the run that replays them.
        return {
            "bindings": [[list(key), b.name, b.kind.name, stable_path(b.path), b.line, b.col, b.class_level, b.method]
                         for key, b in self.bindings],
            "module_stores": self.module_stores, "unknown_stores": self.unknown_stores,
            "instantiated": [list(k) for k in self.instantiated], "module_reasons": self.module_reasons,
            "names_set": sorted(set(self.names_set)), "rebound": sorted(set(self.rebound)),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ModuleEffects:
        """Raises KeyError, TypeError or ValueError on data of another shape (the caller rebuilds)."""
        shown: dict[str, str] = {}  # a few files, many bindings: each path made relative once
        return cls(
            bindings=[(_key(key), Binding(name, BindingKind[kind], _shown(str(path), shown), int(line), int(col),
                                          bool(level),
                                          method if method is None else str(method)))
                      for key, name, kind, path, line, col, level, method in data["bindings"]],
            module_stores=[(str(m), str(a)) for m, a in data["module_stores"]],
            unknown_stores=[(str(r), str(a)) for r, a in data["unknown_stores"]],
            instantiated=[_key(k) for k in data["instantiated"]],
            module_reasons=[(str(m), str(r)) for m, r in data["module_reasons"]],
            names_set=[str(n) for n in data["names_set"]],
            rebound=[str(n) for n in data["rebound"]],
        )


def _shown(path: str, memo: dict[str, str]) -> str:
    found = memo.get(path)
    if found is None:
        found = memo[path] = display_path(Path(path))
    return found


def _key(raw: list[Any]) -> ClassKey:
    path, qualname, line, col = raw
    return (str(path), str(qualname), int(line), int(col))


# -- applying a change (and recording it while a walk is recorded) ----------------------------------

def bind(index: RepoIndex, cls: ClassInfo, binding: Binding) -> None:
    cls.add(binding)
    if index.recording is not None:
        index.recording.bindings.append((class_key(cls), binding))


def store_on_module(index: RepoIndex, module: ModuleInfo, name: str) -> None:
    module.attribute_stores.add(name)
    if index.recording is not None:
        index.recording.module_stores.append((module.stable_path, name))


def store_unknown(index: RepoIndex, root: Path, name: str) -> None:
    index.unknown_stores[root].add(name)
    if index.recording is not None:
        index.recording.unknown_stores.append((stable_path(root), name))


def instantiate(index: RepoIndex, cls: ClassInfo) -> None:
    index.instantiated.add(id(cls))
    if index.recording is not None:
        index.recording.instantiated.append(class_key(cls))


def open_module(index: RepoIndex, module: ModuleInfo, reason: str) -> None:
    if reason not in module.open_reasons:
        module.open_reasons.append(reason)
    if index.recording is not None:
        index.recording.module_reasons.append((module.stable_path, reason))


def can_replay(index: RepoIndex, effects: ModuleEffects) -> bool:
    """False when the effects name a class or module `index` does not have (they were recorded for
    other files: the module is walked instead)."""
    classes = _classes_by_key(index)
    modules = _modules_by_path(index)
    return all(k in classes for k, _ in effects.bindings) and all(k in classes for k in effects.instantiated) \
        and all(m in modules for m, _ in [*effects.module_stores, *effects.module_reasons])


def replay(index: RepoIndex, effects: ModuleEffects) -> None:
    """Apply recorded effects to `index` (checked with `can_replay` first)."""
    classes = _classes_by_key(index)
    modules = _modules_by_path(index)
    for key, binding in effects.bindings:
        classes[key].add(binding)
    for path, name in effects.module_stores:
        modules[path].attribute_stores.add(name)
    roots = {stable_path(root): root for root in index.by_root}
    for root, name in effects.unknown_stores:
        index.unknown_stores[roots.get(root, Path(root))].add(name)
    for key in effects.instantiated:
        index.instantiated.add(id(classes[key]))
    for path, reason in effects.module_reasons:
        if reason not in modules[path].open_reasons:
            modules[path].open_reasons.append(reason)
    index.replayed.append(effects)


def _modules_by_path(index: RepoIndex) -> dict[str, ModuleInfo]:
    cached = index.derived.get("modules_by_path")
    if not isinstance(cached, dict):
        cached = {m.stable_path: m for m in index.modules}
        index.derived["modules_by_path"] = cached
    return cached


def _classes_by_key(index: RepoIndex) -> dict[ClassKey, ClassInfo]:
    cached = index.derived.get("classes_by_key")
    if not isinstance(cached, dict):
        cached = {class_key(c): c for c in index.classes}
        index.derived["classes_by_key"] = cached
    return cached
