"""How a rule decides that a finding has a certain repair, and builds it (no LibCST here: rules import this)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable

from oocheck.analyzer.infer import AttributeAccess
from oocheck.analyzer.model import ClassInfo
from oocheck.analyzer.suggest import did_you_mean, levenshtein
from oocheck.diagnostics import Confidence
from oocheck.fixes.model import Fix, InsertSuperInit, RenameAttribute

_MOVE_COST = 2


def close_matches(name: str, candidates: Iterable[str]) -> list[str]:
    """Every candidate within the distance CPython accepts for its "Did you mean" hint (not only the best)."""
    names = sorted(set(candidates) - {name})
    if sys.version_info[:2] >= (3, 13) and not name.startswith("_"):
        names = [n for n in names if not n.startswith("_")]
    found = []
    for candidate in names:
        bound = (len(candidate) + len(name) + 3) * _MOVE_COST // 6
        if levenshtein(name, candidate, bound) <= bound:
            found.append(candidate)
    return found


def _swapped(name: str, intended: str) -> bool:
    """Two adjacent letters swapped (`widht`/`width`)."""
    if len(name) != len(intended):
        return False
    diff = [i for i, (a, b) in enumerate(zip(name, intended, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and name[diff[0]] == intended[diff[1]] \
        and name[diff[1]] == intended[diff[0]]


def is_typo(name: str, intended: str) -> bool:
    """A slip of the keyboard, not another word: one edit (a missing, extra, wrong or differently cased
    letter, or two adjacent letters swapped), or two edits in names of six letters or more
    (`recieve`/`receive`). CPython's hint accepts far more (`title_font_size` for `state_font_size`),
    which is a guess."""
    budget = _MOVE_COST if min(len(name), len(intended)) < 6 else 2 * _MOVE_COST
    return _swapped(name, intended) or levenshtein(name, intended, budget) <= budget


def rename_fix(access: AttributeAccess, candidates: Iterable[str], confidence: Confidence) -> Fix | None:
    """Rename the read to the name CPython would suggest. Safe only when that name is the single close
    match, the difference is a typo (`is_typo`), and the read fails whenever it runs (high confidence):
    then no other reading is plausible."""
    names = list(candidates)
    suggestion = did_you_mean(access.attr, names)
    node = access.node
    if suggestion is None or node.end_lineno is None or node.end_col_offset is None:
        return None
    module = access.scope.module
    single = close_matches(access.attr, names) == [suggestion]
    safe = single and confidence is Confidence.HIGH and is_typo(access.attr, suggestion)
    edit = RenameAttribute(module.path, node.end_lineno, node.end_col_offset, access.attr, suggestion)
    return Fix(f"rename '{access.attr}' to '{suggestion}'", safe, edit, module.digest)


def _init_def(cls: ClassInfo) -> ast.FunctionDef | None:
    """The plain, undecorated `def __init__` of the class body (the last one wins, as at runtime)."""
    found = None
    for stmt in cls.node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__init__":
            found = stmt
        elif isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__init__"
                                                   for t in stmt.targets):
            found = None  # `__init__ = ...`: not a def we can edit
    if not isinstance(found, ast.FunctionDef) or found.decorator_list:
        return None
    return found


def _skipping_init(cls: ClassInfo) -> tuple[ClassInfo, ClassInfo] | None:
    """(S, P): S is the class in the MRO whose `__init__` stops the chain without `super().__init__()`,
    P the class whose `__init__` that call would run. None when the chain is not that simple."""
    for position, klass in enumerate(cls.mro):
        if not isinstance(klass, ClassInfo):
            return None
        if "__init__" not in klass.bindings:
            continue
        if klass.init_calls_super:
            continue
        if klass.init_is_dynamic or klass.init_calls:
            return None
        for parent in klass.mro[1:]:
            if not isinstance(parent, ClassInfo):
                return None  # an external __init__: its attributes are never reported missing anyway
            if "__init__" in parent.bindings:
                # super() follows the MRO of the instance: the same class must come next for every instance.
                later = [k for k in cls.mro[position + 1:] if isinstance(k, ClassInfo) and "__init__" in k.bindings]
                return (klass, parent) if later and later[0] is parent else None
        return None
    return None


def _call_arguments(child: ast.arguments, parent: ast.arguments) -> str | None:
    """The arguments that pass `child`'s parameters of the same names to `parent` (its first
    parameter, self, excluded); None when a required parameter of `parent` has no counterpart."""
    child_names = {a.arg for a in [*child.posonlyargs, *child.args][1:] + child.kwonlyargs}
    positional = [*parent.posonlyargs, *parent.args][1:]
    first_default = len([*parent.posonlyargs, *parent.args]) - len(parent.defaults) - 1
    parts: list[str] = []
    gap = False
    for position, param in enumerate(positional):
        required = position < first_default
        if param.arg in child_names and not gap:
            parts.append(param.arg)
        elif param.arg in child_names:
            if param in parent.posonlyargs:
                return None
            parts.append(f"{param.arg}={param.arg}")
        elif required:
            return None
        else:
            gap = True
    for param, default in zip(parent.kwonlyargs, parent.kw_defaults, strict=True):
        if param.arg in child_names:
            parts.append(f"{param.arg}={param.arg}")
        elif default is None:
            return None
    if parent.vararg and child.vararg:
        parts.append(f"*{child.vararg.arg}")
    if parent.kwarg and child.kwarg:
        parts.append(f"**{child.kwarg.arg}")
    return ", ".join(parts)


def _calls_overridden_method(child: ClassInfo, parent: ClassInfo, parent_init: ast.FunctionDef) -> bool:
    """`parent.__init__` calls `self.m()` where `m` is redefined between `child` and `parent`: run first,
    it may read attributes `child.__init__` has not bound yet (the template-method pattern)."""
    if not parent_init.args.args:
        return True
    self_name = parent_init.args.args[0].arg
    between = child.mro[: child.mro.index(parent)]
    for node in ast.walk(parent_init):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self_name
                and any(isinstance(k, ClassInfo) and node.attr in k.bindings for k in between)):
            return True
    return False


def super_init_fix(cls: ClassInfo) -> Fix | None:
    """Insert `super().__init__(...)` at the start of the `__init__` that skips it, passing the
    parameters the base's `__init__` needs by their names. Safe when every required parameter of the
    base has a same-named one, the class has a single base, and the base's `__init__` calls no method
    that the class overrides."""
    pair = _skipping_init(cls)
    if pair is None:
        return None
    child, parent = pair
    child_init, parent_init = _init_def(child), _init_def(parent)
    if child_init is None or parent_init is None or not child_init.args.args or not child_init.body:
        return None
    if child_init.body[0].lineno == child_init.lineno:
        return None  # `def __init__(self): body` on one line: no block to insert into
    arguments = _call_arguments(child_init.args, parent_init.args)
    if arguments is None:
        return None
    safe = len(child.bases) == 1 and not _calls_overridden_method(child, parent, parent_init)
    edit = InsertSuperInit(child.module.path, child.name, child_init.lineno, arguments)
    return Fix(f"call super().__init__({arguments}) in {child.name}.__init__", safe, edit, child.module.digest)
