"""Which repo modules each module imports, and a fingerprint of everything a module's walk can see.

A module's walk follows values through the modules it imports, and through the modules those import:
its effects (effects.py) depend on the text of exactly that set. `closure_keys` hashes, per module,
its own text together with the text of every repo module it reaches by imports (a Merkle hash over
the import graph's strongly connected components), so a cached walk is reused only while none of
those files changed — the way mypy invalidates its cache through dependencies.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable, Iterator

from oocheck.analyzer.collect import child_statements, resolve_relative
from oocheck.analyzer.model import ModuleInfo

Graph = dict[ModuleInfo, set[ModuleInfo]]


def _statements(tree: ast.Module) -> Iterator[ast.AST]:
    """Every statement (imports and `global` are statements: expressions need no visit)."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child_statements(node))


def imported_names(module: ModuleInfo) -> set[str]:
    """Every repo module whose names a walk of `module` may read through its imports: for
    `import a.b.c`, each dotted prefix (the statement binds `a`, and `a.b.c.f` reads `a`, then
    `a.b`); for `import a.b.c as z`, `a.b.c` alone; for `from m import x`, `m` and `m.x` (x may be
    a submodule). Python runs the parent packages of `m` too, but nothing `m` binds comes from them:
    a walk reads a parent only through its own import of it, so an edit of a package's
    `__init__.py` does not reach every module importing from its subpackages."""
    names: set[str] = set()
    for stmt in _statements(module.tree):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname is not None:
                    names.add(alias.name)
                    continue
                parts = alias.name.split(".")
                names.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        elif isinstance(stmt, ast.ImportFrom):
            source = resolve_relative(module, stmt.level, stmt.module)
            if source:
                names.add(source)
                names.update(f"{source}.{a.name}" for a in stmt.names if a.name != "*")
    return names


def global_names(module: ModuleInfo) -> set[str]:
    """The names `global` statements of `module` rebind."""
    return {name for stmt in _statements(module.tree) if isinstance(stmt, ast.Global) for name in stmt.names}


def import_graph(modules: Iterable[ModuleInfo], names: dict[ModuleInfo, set[str]] | None = None) -> Graph:
    """Module → the repo modules it may import (by name, in any import root: never too few).
    `names`: `imported_names` of some modules, known already (the cache)."""
    modules = list(modules)
    known = names or {}
    by_name: dict[str, list[ModuleInfo]] = {}
    for module in modules:
        by_name.setdefault(module.name, []).append(module)
    return {m: {d for name in (known[m] if m in known else imported_names(m)) for d in by_name.get(name, ())
                if d is not m} for m in modules}


def importers(graph: Graph, targets: set[ModuleInfo]) -> set[ModuleInfo]:
    """The modules that import one of `targets` directly."""
    return {m for m, deps in graph.items() if deps & targets}


def closure_keys(graph: Graph, digest: dict[ModuleInfo, str]) -> dict[ModuleInfo, str]:
    """Per module, a hash of its text and of the text of every module it reaches by imports."""
    keys: dict[ModuleInfo, str] = {}
    for component in _components(graph):  # dependencies come first
        members = set(component)
        reached = sorted({keys[d] for m in component for d in graph[m] if d not in members})
        h = hashlib.sha256()
        for module in sorted(component, key=lambda m: m.stable_path):
            h.update(f"{module.stable_path}\0{module.name}\0{digest[module]}\0".encode())
        h.update("\0".join(reached).encode())
        key = h.hexdigest()
        for module in component:
            keys[module] = key
    return keys


def _components(graph: Graph) -> list[list[ModuleInfo]]:
    """Tarjan's strongly connected components, each after the components it depends on (iterative:
    import chains may be longer than the recursion limit)."""
    index: dict[ModuleInfo, int] = {}
    low: dict[ModuleInfo, int] = {}
    on_stack: set[ModuleInfo] = set()
    stack: list[ModuleInfo] = []
    result: list[list[ModuleInfo]] = []
    counter = 0
    for root in sorted(graph, key=lambda m: str(m.path)):
        if root in index:
            continue
        work: list[tuple[ModuleInfo, Iterator[ModuleInfo]]] = []
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work.append((root, iter(sorted(graph[root], key=lambda m: str(m.path)))))
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child], key=lambda m: str(m.path)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member is node:
                        break
                result.append(component)
    return result
