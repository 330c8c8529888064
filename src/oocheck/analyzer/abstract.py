"""Which methods of a class are still abstract, as `ABCMeta.__new__` computes `__abstractmethods__`.

CPython takes the names of the class namespace whose value has `__isabstractmethod__`, and each name
of a base's `__abstractmethods__` for which `getattr(cls, name)` (the first definition in the MRO)
still has it. Only bindings made in a class body count: `self.x = ...` or `C.x = ...` after the class
statement never update `__abstractmethods__`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from oocheck.analyzer.collect import _ABSTRACT_DECORATORS, decorator_name, is_abstract, target_names
from oocheck.analyzer.external import ExternalClass
from oocheck.analyzer.model import ClassInfo, ClassRef

_ACCESSOR_SUFFIXES = (".setter", ".getter", ".deleter")


def _body_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of a class body in source order, descending into if/try/with/for blocks."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.For, ast.AsyncFor, ast.While)):
            yield from _body_statements(stmt.body)
            yield from _body_statements(stmt.orelse)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            yield from _body_statements(stmt.body)
        elif isinstance(stmt, ast.Try):
            yield from _body_statements(stmt.body)
            for handler in stmt.handlers:
                yield from _body_statements(handler.body)
            yield from _body_statements(stmt.orelse)
            yield from _body_statements(stmt.finalbody)


def body_abstract_state(node: ast.ClassDef) -> dict[str, bool]:
    """For each name the class body binds: is its final value abstract?"""
    state: dict[str, bool] = {}
    for stmt in _body_statements(node.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            accessor = any((decorator_name(d) or "") in {f"{stmt.name}{s}" for s in _ACCESSOR_SUFFIXES}
                           for d in stmt.decorator_list)
            # `@x.setter` copies the property: it stays abstract while its getter is.
            state[stmt.name] = is_abstract(stmt) or (accessor and state.get(stmt.name, False))
        elif isinstance(stmt, ast.ClassDef):
            state[stmt.name] = False
        elif isinstance(stmt, ast.Assign):
            # `x = abstractmethod(f)` is as abstract as the decorated form.
            value = isinstance(stmt.value, ast.Call) and decorator_name(stmt.value) in _ABSTRACT_DECORATORS
            for target in stmt.targets:
                for name in target_names(target):
                    state[name.id] = value
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            if isinstance(stmt.target, ast.Name) and (not isinstance(stmt, ast.AnnAssign) or stmt.value is not None):
                state[stmt.target.id] = False
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                state[(alias.asname or alias.name).split(".")[0]] = False
    return state


def own_abstract_state(info: ClassInfo) -> dict[str, bool]:
    """`body_abstract_state` of the class statement, computed once (a summary keeps it: no parse)."""
    if info.abstract_state is None:
        info.abstract_state = body_abstract_state(info.node)
    return info.abstract_state


def _first_definition_abstract(info: ClassInfo, name: str) -> bool:
    """Is `getattr(info, name)` abstract? (the first class of the MRO that defines `name` decides)"""
    for klass in info.mro:
        if isinstance(klass, ExternalClass):
            if name in vars(klass.obj):
                return bool(getattr(vars(klass.obj)[name], "__isabstractmethod__", False))
            continue
        state = own_abstract_state(klass).get(name)
        if state is not None:
            return state
    return False


def _inherited_abstract(base: ClassRef, strict: bool) -> frozenset[str]:
    if isinstance(base, ExternalClass):
        return frozenset(getattr(base.obj, "__abstractmethods__", frozenset()))
    # A base that is not under ABCMeta has no `__abstractmethods__` for CPython to read (`strict`);
    # for classes outside ABCMeta the set only records intent.
    if strict and not base.is_abc:
        return frozenset()
    return frozenset(base.abstract_methods)


def abstract_methods(info: ClassInfo) -> set[str]:
    """`__abstractmethods__` of `info` (bases must already be resolved)."""
    own = own_abstract_state(info)
    result = {name for name, abstract in own.items() if abstract}
    for base in info.bases:
        for name in _inherited_abstract(base, strict=info.is_abc):
            if name not in own and _first_definition_abstract(info, name):
                result.add(name)
    return result
