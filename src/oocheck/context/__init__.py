"""`oocheck context TARGET`: what a model needs to know before it writes or edits a class.

The same index as `oocheck check` (bases, C3 MRO, every binding of every attribute, abstract methods,
constructors), turned into a compact description: the inheritance graph, every attribute with where
it is bound, the methods to implement, the constructors of the classes it uses, and what its module
can import. `target.py` finds the files, `gather.py` reads the index, `render.py` prints it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.model import ClassInfo, ModuleInfo
from oocheck.analyzer.suggest import did_you_mean
from oocheck.analyzer.values import ClassObject
from oocheck.context.gather import describe_class, importable
from oocheck.context.model import Context
from oocheck.context.target import MAX_LISTED_MODULES, ContextError, Target, parse_target, select_scope

__all__ = ["ContextError", "build_context"]


def build_context(text: str, root: str | None = None) -> Context:
    """The context of TARGET `text` (raises ContextError, one line, for an unknown target)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))  # as `check`: deeply nested code
    target, files = parse_target(text, Path(root) if root is not None else None)
    scope = select_scope(target, files)
    index = RepoIndex.build(scope.indexed)
    module = _module(index, target)
    context = Context(target=text, kind=target.kind, module=target.module, path=_display(target),
                      root=str(target.root), notes=list(scope.notes))
    if module is None and target.kind != "new-file":
        error = next((e for e in index.errors if Path(e.path).resolve() == target.path.resolve()), None)
        if error is None or target.class_name is not None:
            detail = f" ({error.message}, line {error.line})" if error is not None else ""
            raise ContextError(f"{target.path}: cannot be read{detail}")
        context.kind = "new-file"
        context.notes.append(f"{context.path} does not parse ({error.message}, line {error.line}): "
                             "its package is described instead")
    if module is not None:
        classes = [c for c in module.classes if "<locals>" not in c.qualname]
        if target.class_name is not None:
            wanted = [c for c in classes if c.qualname == target.class_name]
            reexported = index.module_attribute(module, target.class_name)
            if not wanted and isinstance(reexported, ClassObject) and isinstance(reexported.cls, ClassInfo):
                wanted = [reexported.cls]  # `from .models import User` in a package: describe User
                context.notes.append(f"{module.name}.{target.class_name} is {reexported.cls.module.name}."
                                     f"{reexported.cls.qualname}, imported there")
            if not wanted:
                hint = did_you_mean(target.class_name, [c.qualname for c in classes])
                raise ContextError(f"module {module.name!r} has no class {target.class_name!r}"
                                   + (f". Did you mean: {hint!r}?" if hint else ""))
            classes = wanted
        context.classes = [describe_class(index, c) for c in classes]
    else:
        package = target.module.rsplit(".", 1)[0] if "." in target.module else ""
        neighbours = [c for m in index.modules if _package_of(m) == package for c in m.classes
                      if "<locals>" not in c.qualname and "." not in c.qualname]
        context.neighbours = [describe_class(index, c) for c in neighbours]
    names_index = RepoIndex.build(scope.names_only, infer=False)
    context.importable = importable([index, names_index], scope.listed, {f.module: str(f.path) for f in files})
    if scope.unlisted > 0:
        context.notes.append(f"{scope.unlisted} other module(s) under {target.root} are importable but not listed "
                             f"(more than {MAX_LISTED_MODULES}; only the ones it imports and its package's are)")
    return context


def _module(index: RepoIndex, target: Target) -> ModuleInfo | None:
    return next((m for m in index.modules if m.path == target.path), None)


def _package_of(module: ModuleInfo) -> str:
    if module.is_package:
        return module.name
    return module.name.rsplit(".", 1)[0] if "." in module.name else ""


def _display(target: Target) -> str:
    try:
        rel = os.path.relpath(target.path)
    except ValueError:
        return str(target.path)
    return str(target.path) if rel.startswith("..") else rel
