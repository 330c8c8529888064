"""Classes from outside the repo: builtins and the standard library, read by introspection.

Only standard-library modules are imported (they are trusted, and their runtime `dir()` is the
truth about their attributes, which stubs are not). Third-party packages are never imported:
executing them is unsafe and they may not be installed; what comes from them stays unresolved,
and a class built on an unresolved base is open.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import functools
import importlib
import inspect
import io
import sys
import textwrap
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oocheck.analyzer.collect import child_statements
from oocheck.analyzer.walk import walk

# Importing these has side effects (opening a browser, printing, starting a GUI).
_NEVER_IMPORT = frozenset({"antigravity", "this", "idlelib", "turtledemo", "tkinter", "turtle", "__main__"})
STDLIB_MODULES: frozenset[str] = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins"}


def is_stdlib(module: str) -> bool:
    return module.split(".")[0] in STDLIB_MODULES


@dataclass(eq=False)
class ExternalClass:
    """A class from builtins or the standard library, known by introspection.

    Its class-level names come from `dir()`; the instance attributes that its pure-Python methods
    bind (and whether it sets attributes dynamically) are read from its source only when a lookup
    misses, since `inspect.getsource` is slow.
    """

    obj: type
    class_attrs: frozenset[str]
    mro_objs: tuple[type, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.obj.__name__

    @property
    def qualname(self) -> str:
        return f"{self.obj.__module__}.{self.obj.__qualname__}"

    @functools.cached_property
    def _source_facts(self) -> tuple[frozenset[str], bool]:
        obj = self.obj
        names: set[str] = set()
        dynamic = _overrides(obj, "__getattr__") or _overrides(obj, "__getattribute__")
        for klass in obj.__mro__:
            if klass is object or klass.__module__ == "builtins":
                continue  # builtin types expose every instance attribute as a descriptor in dir()
            facts = _source_instance_attrs(klass)
            if facts is None:
                # A class written in C whose instances carry a __dict__ (ast nodes, ctypes structures)
                # gets its instance attributes from C code that no source shows.
                dynamic = dynamic or getattr(klass, "__dictoffset__", 0) != 0
                continue
            found, is_dynamic = facts
            names |= found
            dynamic = dynamic or is_dynamic
        return frozenset(names), dynamic

    @property
    def instance_attrs(self) -> frozenset[str]:
        return self._source_facts[0]

    @property
    def is_open(self) -> bool:
        return self._source_facts[1]

    def __repr__(self) -> str:
        return f"<ExternalClass {self.qualname}>"


@functools.cache
def import_stdlib(module: str) -> types.ModuleType | None:
    """Import a standard-library module quietly; None when it is not one or cannot be imported."""
    if not is_stdlib(module) or module.split(".")[0] in _NEVER_IMPORT:
        return None
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            return importlib.import_module(module)
    except BaseException:
        return None


def stdlib_object(module: str, attribute: str | None) -> Any:
    """The runtime object `module.attribute` of the standard library, or None."""
    mod = import_stdlib(module)
    if mod is None:
        return None
    if attribute is None:
        return mod
    obj: Any = mod
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except Exception:
            return None
    return obj


def _overrides(cls: type, name: str) -> bool:
    """A class of the MRO defines `name` in Python code (builtins carry a plain slot wrapper for
    `__getattribute__`, which changes nothing)."""
    return any(isinstance(vars(klass).get(name), types.FunctionType) for klass in cls.__mro__)


def _class_node(klass: type) -> ast.ClassDef | None:
    """The class statement of a class, or None (a C type). Found as `inspect.getsource` finds it (the
    first class statement of its module's file with its qualified name) in the module's syntax tree,
    parsed once per file: `getsource` also tokenizes the file for each class, which cost a third of
    a second on Django's stdlib classes."""
    try:
        filename = inspect.getsourcefile(klass)
    except TypeError:  # a builtin class
        return None
    tree = _module_tree(filename) if filename else None
    node = _find_class(tree.body, klass.__qualname__.split("."), []) if tree is not None else None
    return node if node is not None else _class_node_from_source(klass)


# The classes asked for come a file at a time (a class's MRO, then the next class): the last few
# trees are kept so that a file is parsed once, and no more (kept for the whole run, the standard
# library's trees were 19 MiB of Django's check, copied into both processes of parallel.py).
@functools.lru_cache(maxsize=4)
def _module_tree(filename: str) -> ast.Module | None:
    try:
        return ast.parse(Path(filename).read_bytes(), filename)
    except (OSError, SyntaxError, ValueError):
        return None


def _find_class(body: Sequence[ast.AST], wanted: list[str], scope: list[str]) -> ast.ClassDef | None:
    """The first class statement, depth first, whose qualified name is `wanted`."""
    for stmt in body:
        if isinstance(stmt, ast.ClassDef):
            inner = [*scope, stmt.name]
            if inner == wanted:
                return stmt
            found = _find_class(stmt.body, wanted, inner)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found = _find_class(stmt.body, wanted, [*scope, stmt.name, "<locals>"])
        else:
            # Compound statements, handlers and match cases: visited in order, as inspect's finder does.
            found = _find_class(child_statements(stmt), wanted, scope)
        if found is not None:
            return found
    return None


def _class_node_from_source(klass: type) -> ast.ClassDef | None:
    """What `inspect.getsource` gives, parsed: for the classes the tree search does not find."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
    except (OSError, TypeError, SyntaxError, ValueError):
        return None
    first = tree.body[0] if tree.body else None
    return first if isinstance(first, ast.ClassDef) else None


@functools.cache
def _source_instance_attrs(klass: type) -> tuple[frozenset[str], bool] | None:
    """`self.x = ...` targets in the source of a pure-Python class, and True when setattr is dynamic;
    None when no class statement is found for it (a C type may sit in a module that has a file).
    Only these facts are kept, not the statement."""
    tree = _class_node(klass)
    if tree is None:
        return None
    names: set[str] = set()
    dynamic = False
    for node in walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            if isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}:
                names.add(node.attr)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "setattr" and node.args
              and isinstance(node.args[0], ast.Name) and node.args[0].id == "self"):
            if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                names.add(str(node.args[1].value))
            else:
                dynamic = True
        elif (isinstance(node, ast.Attribute) and node.attr == "__dict__"
              and isinstance(node.value, ast.Name) and node.value.id == "self"):
            dynamic = True
    return frozenset(names), dynamic


@functools.cache
def external_class(obj: type) -> ExternalClass:
    """Describe a builtin or standard-library class (one shared object per class)."""
    # dir() can hide names (EnumType.__dir__ leaves out `name` and `value`): add each class's vars().
    names = set(dir(obj))
    for klass in obj.__mro__:
        names.update(vars(klass))
    return ExternalClass(obj=obj, class_attrs=frozenset(names), mro_objs=tuple(obj.__mro__))


def builtin_object(name: str) -> Any:
    return getattr(builtins, name, None)


OBJECT = external_class(object)
TYPE_ATTRS = frozenset(dir(type))
MODULE_ATTRS = frozenset(dir(types.ModuleType)) | {
    "__file__", "__path__", "__spec__", "__loader__", "__builtins__", "__cached__", "__annotations__",
    "__package__", "__all__",
}
