"""What collecting one module found, as plain data: a partial check builds the modules it does not walk
from their summaries, without parsing them.

A summary holds what `ModuleCollector` gives a module and its classes before resolution — top-level
names (what binds each: `index.module_attribute` follows a class, an import or an alias without the
statement), imports, classes with their bindings, flags, init facts, base and metaclass expressions
(model.ClassExpr) and abstract state — plus `depends.imported_names`. It is made of tuples, lists,
dicts, strings, numbers and None (marshal and JSON can hold it) and carries no path: bindings get the
display path of the run that builds it. It is valid for the exact text it was made from (the caller
keys it by the file's digest and oocheck's code). A module built from a summary parses its file when
something asks for its tree, a class statement, or the statement binding a name (`ModuleInfo.load`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from oocheck.analyzer.abstract import own_abstract_state
from oocheck.analyzer.collect import dotted_name
from oocheck.analyzer.depends import imported_names
from oocheck.analyzer.model import Binding, BindingKind, ClassInfo, ImportBinding, LazyNames, ModuleInfo

# What binds a top-level name (LazyNames.kinds): a class statement (its index in `module.classes`),
# a function, an import, an alias of a dotted name (`Alias = pkg.Thing`), or anything else.
CLASS, FUNCTION, IMPORT, ALIAS, OTHER = "class", "function", "import", "alias", "other"
Summary = tuple[Any, ...]
IMPORTED = 4  # where a summary keeps `imported_names`
FORMAT = 1  # bump when a summary's shape or meaning changes


def summarize(module: ModuleInfo) -> Summary:
    """The summary of a module just collected (before resolution changes its classes)."""
    position = {id(info.node): number for number, info in enumerate(module.classes)}
    names = {name: _name_kind(node, position) for name, node in module.names.items()}
    imports = {key: (b.module, b.attribute, b.line, b.guarded, b.bind_top) for key, b in module.imports.items()}
    classes = [_class_summary(info) for info in module.classes]
    return (names, imports, classes, list(module.open_reasons), sorted(imported_names(module)))


def _name_kind(node: ast.AST, position: dict[int, int]) -> tuple[Any, ...]:
    if isinstance(node, ast.ClassDef) and id(node) in position:
        return (CLASS, position[id(node)])
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return (FUNCTION,)
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return (IMPORT,)
    # index._node_value follows `name = a.b` (one plain target, a dotted value) and nothing else.
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
            and isinstance(node.value, (ast.Name, ast.Attribute)):
        dotted = dotted_name(node.value)
        if dotted is not None:
            return (ALIAS, dotted)
        return (ALIAS, None)
    return (OTHER,)


def _class_summary(info: ClassInfo) -> tuple[Any, ...]:
    bindings = [(b.name, b.kind.name, b.line, b.col, b.class_level, b.method)
                for group in info.bindings.values() for b in group]
    return (info.name, info.qualname, info.line, info.col, bindings, list(info.open_reasons), list(info.decorators),
            info.is_dataclass, info.is_attrs, sorted(info.abstract_methods), sorted(info.init_calls),
            info.init_calls_super, info.init_is_dynamic, [list(e) for e in info.base_exprs],
            list(info.metaclass_expr) if info.metaclass_expr is not None else None, info.bases_from_kwargs,
            dict(own_abstract_state(info)))


def build(summary: Summary, module: ModuleInfo, loader: Callable[[ModuleInfo], None]) -> ModuleInfo:
    """Fill `module` (unparsed: `parsed` None) from its summary. Raises ValueError, TypeError,
    KeyError or IndexError on data of another shape: the caller parses the file instead."""
    names, imports, classes, open_reasons, imported = summary
    module.imports = {str(key): ImportBinding(str(m), None if a is None else str(a), int(line), bool(guarded),
                                              bool(top))
                      for key, (m, a, line, guarded, top) in imports.items()}
    module.classes = [_build_class(data, module) for data in classes]
    kinds: dict[str, tuple[Any, ...]] = {}
    for name, kind in names.items():
        if kind[0] == CLASS:
            if not 0 <= int(kind[1]) < len(module.classes):
                raise IndexError(f"no class {kind[1]} in the summary")
        elif kind[0] not in {FUNCTION, IMPORT, ALIAS, OTHER}:
            raise ValueError(f"unknown name kind {kind[0]!r}")
        kinds[str(name)] = tuple(kind)
    module.names = LazyNames(module, kinds)
    module.open_reasons = [str(r) for r in open_reasons]
    module.imported = frozenset(str(n) for n in imported)
    module.loader = loader
    return module


def _bindings(stored: list[Any], path: str) -> dict[str, list[Binding]]:
    """Thousands of bindings: taken as stored (the entry's checksum and key vouch for the types)."""
    kinds = BindingKind.__members__
    made: dict[str, list[Binding]] = {}
    add = made.setdefault
    for name, kind, line, col, level, method in stored:
        add(name, []).append(Binding(name, kinds[kind], path, line, col, level, method))
    return made


def clear(module: ModuleInfo) -> None:
    """Undo a `build` that failed half-way."""
    module.names, module.imports, module.classes, module.open_reasons = {}, {}, [], []
    module.imported = module.loader = None


def _build_class(data: tuple[Any, ...], module: ModuleInfo) -> ClassInfo:
    (name, qualname, line, col, bindings, open_reasons, decorators, is_dataclass, is_attrs, abstract, init_calls,
     init_super, init_dynamic, bases, meta, from_kwargs, state) = data
    info = ClassInfo(name=str(name), qualname=str(qualname), module=module, parsed=None, line=int(line),
                     col=int(col))
    # Built when first asked for; checked now, while the module can still be parsed instead.
    if not all(len(b) == 6 and b[1] in BindingKind.__members__ for b in bindings):
        raise ValueError("a binding of another shape")
    info.stored_bindings = lambda: _bindings(bindings, module.display_path)
    info.open_reasons = [str(r) for r in open_reasons]
    info.decorators = [str(d) for d in decorators]
    info.is_dataclass, info.is_attrs = bool(is_dataclass), bool(is_attrs)
    info.abstract_methods = {str(n) for n in abstract}
    info.init_calls = {str(n) for n in init_calls}
    info.init_calls_super, info.init_is_dynamic = bool(init_super), bool(init_dynamic)
    info.base_exprs = [(None if d is None else str(d), str(t)) for d, t in bases]
    info.metaclass_expr = None if meta is None else (None if meta[0] is None else str(meta[0]), str(meta[1]))
    info.bases_from_kwargs = bool(from_kwargs)
    info.abstract_state = {str(k): bool(v) for k, v in state.items()}
    return info
