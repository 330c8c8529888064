"""Light, flow-ordered inference of receivers, and the list of every attribute access in the repo.

Each function body (and each module body) is walked once, statement by statement, with an
environment from local names to abstract values (see `values.py`). Branches are walked on copies
and merged: a name that differs between branches becomes unknown. Anything the walker cannot follow
is unknown, and an unknown receiver is never judged.
"""

from __future__ import annotations

import ast
import builtins
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from oocheck.analyzer import effects as effects_
from oocheck.analyzer import values_ops
from oocheck.analyzer.collect import (
    child_statements,
    dotted_name,
    first_param,
    handler_names,
    method_kind,
    target_names,
)
from oocheck.analyzer.external import ExternalClass, external_class, stdlib_object
from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.members import find_method, running_inits
from oocheck.analyzer.model import Binding, BindingKind, ClassInfo, ClassRef, ModuleInfo
from oocheck.analyzer.signatures import CallShape, Signature, bind
from oocheck.analyzer.values import (
    NO_CONST,
    ClassObject,
    FunctionValue,
    Instance,
    ModuleValue,
    StdlibModule,
    SuperValue,
    Value,
)
from oocheck.analyzer.walk import walk

BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})
_RAISES_HELPERS = {"raises", "assertRaises", "assertRaisesRegex", "suppress"}
# What most accesses and calls have caught around them: one object, not a new empty frozenset (216
# bytes) for each of the ~90,000 accesses and calls of Django.
_NOTHING_CAUGHT: frozenset[str] = frozenset()
# The memos in `RepoIndex.derived` that only the walks of `infer_repo` read.
_WALK_MEMOS = ("body_names", "test_parts")

Env = dict[str, Value]


@dataclass(frozen=True, slots=True)
class Scope:
    """Where code runs: a module body, a class body or a function."""

    module: ModuleInfo
    qualname: str
    cls: ClassInfo | None = None  # the class whose method this is
    function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    self_name: str | None = None


@dataclass(frozen=True, slots=True)
class AttributeAccess:
    """One `receiver.attr` in the repo, with what the receiver was inferred to be."""

    node: ast.Attribute
    receiver: Value
    store: bool
    caught: frozenset[str]  # exceptions caught around it (try/except, pytest.raises, suppress)
    guarded_names: frozenset[str]  # attributes tested with hasattr/getattr in the same scope
    scope: Scope

    @property
    def attr(self) -> str:
        return self.node.attr

    @property
    def via_self(self) -> bool:
        value = self.node.value
        return isinstance(value, ast.Name) and value.id == self.scope.self_name

    def guarded_against(self, exception: str) -> bool:
        return exception in self.caught or bool(self.caught & BROAD_EXCEPTIONS) or self.attr in self.guarded_names


@dataclass(frozen=True, slots=True)
class ValueFault:
    """An operation that raises for the types of its operands (`None` iterated, `float.decode`)."""

    node: ast.AST
    exception: str
    message: str
    caught: frozenset[str]
    scope: Scope
    # For a fault inside followed callees: each callee walked (innermost first) with the node of its
    # body where the failure came out (the fault itself, or the call into the next callee).
    chain: tuple[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.AST], ...] = ()


@dataclass(frozen=True, slots=True)
class CallFault:
    """A call whose arguments make the callee raise on its straight-line path."""

    call: ast.Call
    scope: Scope  # the caller
    caught: frozenset[str]
    callee: str
    inner: ValueFault  # where and what, inside the callee (possibly several calls deep)


class _Stop(Exception):
    """Ends a specialised walk: the first fault on the path, or a point past which it cannot see."""

    def __init__(self, fault: ValueFault | None, completed: bool = False, may_raise: bool = False) -> None:
        super().__init__()
        self.fault = fault
        self.completed = completed  # the whole body ran (a `return` or its end was reached)
        # Stopped at an operation that may raise: the callers' walks cannot go past the call either.
        self.may_raise = may_raise


_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow, ast.LShift: operator.lshift,
    ast.RShift: operator.rshift, ast.BitOr: operator.or_, ast.BitXor: operator.xor, ast.BitAnd: operator.and_,
    ast.MatMult: operator.matmul,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.In: operator.contains, ast.NotIn: operator.contains,
}
MAX_CALL_DEPTH = 3
_LOOKING_BUILTINS = frozenset({
    "type", "isinstance", "issubclass", "id", "repr", "str", "print", "hasattr", "getattr", "callable", "len",
    "format", "hash", "bool", "ascii",
})


def literal_type(value: Value) -> type | None:
    """The builtin type of a value known only by its type (`None`, `1.5`, `[]`, the result of `len()`)."""
    if isinstance(value, Instance) and value.exact and isinstance(value.cls, ExternalClass):
        kind = value.cls.obj
        return kind if kind in values_ops.LITERAL_TYPES else None
    return None


def _captured(env: Env) -> Env:
    """What a function defined here may rely on when it runs later: not values known only by their
    builtin type or constant (`client = None` is usually rebound before the function is called), nor
    what was known of an object's attributes at this point."""
    return {name: (None if literal_type(value) is not None else
                   Instance(value.cls, value.exact) if isinstance(value, Instance) and value.origin else value)
            for name, value in env.items()}


def _truth(value: Value) -> bool | None:
    """bool(value) when the value says it: a known constant, or None."""
    pair = as_operand(value)
    if pair is None:
        return None
    if pair[0] is type(None):
        return False
    if pair[1] is NO_CONST:
        return None
    try:
        return bool(pair[1])
    except Exception:
        return None


def literal(kind: type | None, const: object = NO_CONST) -> Value:
    return Instance(external_class(kind), exact=True, const=const) if kind is not None else None


def as_operand(value: Value) -> values_ops.Operand | None:
    """(type, constant) of a value known by its builtin type; None otherwise."""
    kind = literal_type(value)
    if kind is None:
        return None
    assert isinstance(value, Instance)
    return kind, value.const


def _result(outcome: values_ops.Outcome) -> Value:
    return literal(outcome.result, outcome.const)


@dataclass(frozen=True, slots=True)
class CallSite:
    """One call in the repo: what is called, and on what receiver for `x.method(...)`."""

    node: ast.Call
    callee: Value  # the value of the called expression (a class object, a function ...)
    receiver: Value  # for `x.m(...)`: the value of `x`
    method: str | None  # for `x.m(...)`: `m`
    caught: frozenset[str]
    scope: Scope


@dataclass(frozen=True)
class Walked:
    """One module's walk: its effects elsewhere (`during` the walks, and the stores recorded `after`
    them all), and its slices of `index.accesses` and `index.calls`."""

    module: ModuleInfo
    during: effects_.ModuleEffects
    after: effects_.ModuleEffects
    accesses: slice
    calls: slice


def infer_repo(index: RepoIndex, modules: list[ModuleInfo] | None = None) -> list[Walked]:
    """Walk every module (or only `modules`: the rest is known from replayed effects); attach
    `accesses` to the index and record stores as bindings. Each walk's effects are recorded."""
    accesses: list[AttributeAccess] = []
    walked: list[Walked] = []
    try:
        for module in index.modules if modules is None else modules:
            index.recording = during = effects_.ModuleEffects()
            first_access, first_call = len(accesses), len(index.calls)
            walker = FlowWalker(index, Scope(module, "<module>"), {}, accesses)
            walker.shared_literals = module_shared_names(index, module)
            walker.walk_body(module.tree.body)
            walker.run_deferred()
            walked.append(Walked(module, during, effects_.ModuleEffects(), slice(first_access, len(accesses)),
                                 slice(first_call, len(index.calls))))
        index.accesses = accesses
        for walk in walked:
            index.recording = walk.after
            for access in accesses[walk.accesses]:
                if access.store:
                    _record_store(index, access)
    finally:
        index.recording = None
        # What the walks memoised for the walks (10 MiB on Django): the rules never read it, and the
        # space it frees serves their allocations.
        for memo in _WALK_MEMOS:
            index.derived.pop(memo, None)
    return walked


def _record_store(index: RepoIndex, access: AttributeAccess) -> None:
    receiver = access.receiver
    node = access.node
    path = access.scope.module.display_path
    if isinstance(receiver, Instance) and isinstance(receiver.cls, ClassInfo):
        if access.via_self and access.scope.cls is receiver.cls:
            return  # already collected with the class
        effects_.bind(index, receiver.cls, Binding(node.attr, BindingKind.STORED_OUTSIDE, path, node.lineno,
                                                   node.col_offset, class_level=False, method=access.scope.qualname))
    elif isinstance(receiver, ClassObject) and isinstance(receiver.cls, ClassInfo):
        effects_.bind(index, receiver.cls, Binding(node.attr, BindingKind.CLASS_STORED_OUTSIDE, path, node.lineno,
                                                   node.col_offset, class_level=True, method=None))
    elif isinstance(receiver, ModuleValue):
        effects_.store_on_module(index, receiver.module, node.attr)
    elif receiver is None and _new_keeps_instance(access):
        # `cls._instance.ready = True` in `__new__`: the object kept on the class is the instance made.
        assert access.scope.cls is not None
        effects_.bind(index, access.scope.cls, Binding(node.attr, BindingKind.STORED_OUTSIDE, path, node.lineno,
                                                       node.col_offset, class_level=False,
                                                       method=access.scope.qualname))
    elif receiver is None:
        effects_.store_unknown(index, access.scope.module.root, node.attr)


def _new_keeps_instance(access: AttributeAccess) -> bool:
    """A store on `cls.<name>.<attr>` inside `__new__` (the singleton shape)."""
    scope, target = access.scope, access.node.value
    return (scope.cls is not None and scope.function is not None and scope.function.name == "__new__"
            and isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
            and target.value.id == scope.self_name)


# How each statement that binds names does it (`_assigned_names`); the others bind none.
_DEFINES, _TARGETS, _TARGET, _WITH, _IMPORT, _HANDLER, _CASE = range(7)
_BINDS: dict[type, int] = {
    ast.FunctionDef: _DEFINES, ast.AsyncFunctionDef: _DEFINES, ast.ClassDef: _DEFINES,
    ast.Assign: _TARGETS, ast.Delete: _TARGETS,
    ast.AnnAssign: _TARGET, ast.AugAssign: _TARGET, ast.For: _TARGET, ast.AsyncFor: _TARGET,
    ast.With: _WITH, ast.AsyncWith: _WITH, ast.Import: _IMPORT, ast.ImportFrom: _IMPORT,
    ast.ExceptHandler: _HANDLER, ast.match_case: _CASE,
}


def _assigned_names(body: list[ast.stmt]) -> set[str]:
    """Names a block binds, found by visiting statements only (bindings in expressions are walrus
    targets, which the walk handles when it meets them)."""
    names: set[str] = set()
    stack: list[ast.AST] = list(body)
    binds = _BINDS.get
    while stack:
        node: Any = stack.pop()
        how = binds(type(node))
        if how is not None:
            if how == _DEFINES:
                names.add(node.name)
                continue
            targets: list[ast.expr]
            if how == _TARGETS:
                targets = node.targets
            elif how == _TARGET:
                targets = [node.target]
            elif how == _WITH:
                targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
            else:
                targets = []
                if how == _IMPORT:
                    names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
                elif how == _HANDLER:
                    if node.name:
                        names.add(node.name)
                else:
                    names.update(n for sub in walk(node.pattern) if isinstance(n := getattr(sub, "name", None), str))
            for target in targets:
                names.update(n.id for n in target_names(target))
        stack.extend(child_statements(node))
    return names


def _body_names(index: RepoIndex, module: ModuleInfo, owner: ast.AST, body: list[ast.stmt]
                ) -> tuple[set[str], frozenset[str]]:
    """`_assigned_names` and `_shared_names` of the block `owner` holds, once per index: a function
    is walked again for each call it is specialised for, its block's names do not change."""
    memo = cast(dict[int, tuple[ast.AST, set[str], frozenset[str]]], index.derived.setdefault("body_names", {}))
    known = memo.get(id(owner))
    if known is None or known[0] is not owner:
        # Most modules have no `global`/`nonlocal` at all: then no block of theirs has one either.
        shared = _shared_names(body) if module_shared_names(index, module) else frozenset()
        known = memo[id(owner)] = (owner, _assigned_names(body), shared)
    return known[1], known[2]


def module_shared_names(index: RepoIndex, module: ModuleInfo) -> frozenset[str]:
    """`_shared_names` of the whole module (every block of it, nested ones too), once per index."""
    memo = cast(dict[int, tuple[ModuleInfo, frozenset[str]]], index.derived.setdefault("module_shared", {}))
    known = memo.get(id(module))
    if known is None or known[0] is not module:
        known = memo[id(module)] = (module, _shared_names(module.tree.body))
    return known[1]


def _shared_names(body: list[ast.stmt]) -> frozenset[str]:
    """Names some function in this block rebinds through `nonlocal` or `global`: a call we cannot see
    (a callback run by someone else) may change them at any time, so their values are unknown."""
    names: set[str] = set()
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Nonlocal, ast.Global)):
            names.update(node.names)
        stack.extend(child_statements(node))
    return frozenset(names)


def _merge(envs: list[Env], keys: set[str] | None = None) -> Env:
    """Names that agree in every branch keep their value; the others become unknown."""
    if not envs:
        return {}
    first = envs[0]
    if keys is None and all(e == first for e in envs[1:]):
        return dict(first)  # the branches changed nothing (compared in C: most `if`s of a big module)
    merged: Env = {}
    all_keys = set().union(*(e.keys() for e in envs)) if keys is None else keys
    rest = envs[1:]
    for key in all_keys:
        head = first.get(key, _MISSING)
        # Most names hold the very same value in every branch: settle those without building a list.
        if head is not _MISSING and all((v := e.get(key, _MISSING)) is head or v == head for e in rest):
            merged[key] = head
            continue
        values = [e.get(key, _MISSING) for e in envs]
        if all(isinstance(v, Instance) for v in values):
            head = values[0]
            assert isinstance(head, Instance)
            same = all(isinstance(v, Instance) and v.cls is head.cls and v.exact == head.exact for v in values)
            merged[key] = Instance(head.cls, head.exact) if same else None
        else:
            merged[key] = None
    return merged


_MISSING: Value = StdlibModule("<missing>")


class FlowWalker:
    """Walks one scope in execution order, recording attribute accesses."""

    def __init__(self, index: RepoIndex, scope: Scope, env: Env, sink: list[AttributeAccess],
                 locals_: set[str] | None = None, hasattr_names: frozenset[str] = frozenset(),
                 depth: int = 0, shared: frozenset[str] = frozenset()) -> None:
        # `hasattr(x, "a")` / `getattr(x, "a", default)` seen so far in this scope: later reads of `.a`
        # are treated as guarded (the code is written to cope with the attribute being absent).
        self.index = index
        self.scope = scope
        self.env = env
        self.sink = sink
        self.locals = locals_ or set()
        self.caught: list[frozenset[str]] = []
        self.hasattr_names = hasattr_names
        self.deferred: list[tuple[ast.AST, Scope, Env]] = []
        # > 0 inside a callee walked with the caller's argument values: stop at the first fault.
        self.depth = depth
        # > 0 while evaluating what may not run (the right of an undecided `and`, a comprehension's body).
        self.conditional = 0
        # In a constructor walked with its arguments: the values it gives to `self.x` (None once a
        # call could have changed them behind our back).
        self.facts: dict[str, Value] | None = None
        # In a specialised callee: the attributes of `self` it has stored so far.
        self.self_stores: set[str] = set()
        # Names a nested function rebinds through `nonlocal` (or `global`): always unknown here.
        self.shared = shared
        # Module names a function rebinds through `global`: their literal values may be stale (the
        # module-level view of the name; functions read globals through the index).
        self.shared_literals: frozenset[str] = frozenset()

    # -- entry points -------------------------------------------------------------------------------
    def run_deferred(self) -> None:
        while self.deferred:
            node, scope, env = self.deferred.pop(0)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                self._walk_function(node, scope, env)

    def _walk_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, scope: Scope,
                       outer: Env) -> None:
        env: Env = dict(outer)
        args = node.args
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                env[extra.arg] = None
        for index_, param in enumerate(params):
            env[param.arg] = self._param_value(param, index_, scope)
        body: list[ast.stmt] = node.body if isinstance(node.body, list) else [ast.Expr(node.body)]
        assigned, shared = _body_names(self.index, scope.module, node, body)
        walker = FlowWalker(self.index, scope, env, self.sink, assigned,
                            self.hasattr_names, shared=self.shared | shared)
        for default in [*args.defaults, *[d for d in args.kw_defaults if d is not None]]:
            self.eval(default)
        walker.walk_body(body)
        walker.run_deferred()

    def _param_value(self, param: ast.arg, position: int, scope: Scope) -> Value:
        if position == 0 and scope.self_name == param.arg and scope.cls is not None and scope.function:
            kind = method_kind(scope.function)
            if kind is BindingKind.CLASSMETHOD or scope.function.name == "__new__":
                return ClassObject(scope.cls, exact=False)
            return Instance(scope.cls, exact=False)
        if param.annotation is not None:
            return self.annotation_value(param.annotation)
        return None

    def annotation_value(self, annotation: ast.expr) -> Value:
        """An instance of the annotated class, for a plain class annotation; unknown otherwise."""
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                parsed = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return None
            annotation = parsed
        if not isinstance(annotation, (ast.Name, ast.Attribute)):
            return None
        value = self.index.static_value(self.scope.module, annotation)
        if isinstance(value, ClassObject):
            if isinstance(value.cls, ExternalClass) and value.cls.obj in {object, type}:
                return None
            return Instance(value.cls, exact=False)
        return None

    # -- statements ---------------------------------------------------------------------------------
    def walk_body(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        env = self.env
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in stmt.decorator_list:
                self.eval(decorator)
            env[stmt.name] = FunctionValue(stmt, self.scope.module) if not stmt.decorator_list else None
            scope = Scope(self.scope.module, f"{self.scope.qualname}.{stmt.name}".lstrip("<module>."),
                          function=stmt)
            self.deferred.append((stmt, scope, _captured(env)))
        elif isinstance(stmt, ast.ClassDef):
            self._class(stmt)
        elif isinstance(stmt, ast.Assign):
            value = self.eval(stmt.value)
            for target in stmt.targets:
                self.assign(target, value if len(stmt.targets) == 1 else None)
        elif isinstance(stmt, ast.AnnAssign):
            value = self.eval(stmt.value) if stmt.value is not None else None
            if value is None and isinstance(stmt.target, ast.Name):
                value = self.annotation_value(stmt.annotation)
            if stmt.value is not None or not isinstance(stmt.target, ast.Name):
                self.assign(stmt.target, value)
            elif isinstance(stmt.target, ast.Name):
                env[stmt.target.id] = value
        elif isinstance(stmt, ast.AugAssign):
            self.eval(stmt.value)
            if isinstance(stmt.target, ast.Attribute):
                self.eval(stmt.target, load_attr=True)
            self.assign(stmt.target, None)
        elif isinstance(stmt, (ast.Expr, ast.Return)):
            if stmt.value is not None:
                self.eval(stmt.value)
        elif isinstance(stmt, ast.If):
            self._if(stmt)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            self._loop(stmt)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self._try(stmt)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            self._with(stmt)
        elif isinstance(stmt, ast.Match):
            self.eval(stmt.subject)
            before = dict(env)
            branches = []
            for case in stmt.cases:
                self.env = dict(before)
                for node in walk(case.pattern):
                    name = getattr(node, "name", None)
                    if isinstance(name, str):
                        self.env[name] = None
                if case.guard is not None:
                    self.eval(case.guard)
                self.walk_body(case.body)
                branches.append(self.env)
            self.env = _merge([before, *branches])
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            self._import(stmt)
        elif isinstance(stmt, ast.Assert):
            self.eval(stmt.test)
            if self._decide(stmt.test) is False:
                self._fault(stmt, "AssertionError", f"assert {ast.unparse(stmt.test)[:80]} fails")
            self._forget_literals(stmt.test)
            if stmt.msg is not None:
                self.eval(stmt.msg)
            self._narrow(stmt.test, env)
        elif isinstance(stmt, ast.Raise):
            if stmt.exc is not None:
                self.eval(stmt.exc)
            if stmt.cause is not None:
                self.eval(stmt.cause)
        elif isinstance(stmt, ast.Global):
            for name in stmt.names:  # a function that assigns a global binds a module attribute
                self.scope.module.names.setdefault(name, stmt)
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    env[target.id] = None
                else:
                    self.eval(target)
        else:
            for child in ast.iter_child_nodes(stmt):
                if isinstance(child, ast.expr):
                    self.eval(child)

    def _class(self, stmt: ast.ClassDef) -> None:
        for expr in [*stmt.decorator_list, *stmt.bases, *[k.value for k in stmt.keywords]]:
            self.eval(expr)
        info = self.index.by_node.get(id(stmt))
        self.env[stmt.name] = ClassObject(info, exact=True) if info is not None else None
        qualname = info.qualname if info is not None else stmt.name
        body_scope = Scope(self.scope.module, qualname)
        body_walker = FlowWalker(self.index, body_scope, dict(self.env), self.sink,
                                 _assigned_names(stmt.body), self.hasattr_names, shared=self.shared)
        body_walker.shared_literals = self.shared_literals
        for item in stmt.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for decorator in item.decorator_list:
                    body_walker.eval(decorator)
                self_name = None
                if info is not None and method_kind(item) is not BindingKind.STATICMETHOD:
                    self_name = first_param(item)
                scope = Scope(self.scope.module, f"{qualname}.{item.name}", cls=info, function=item,
                              self_name=self_name)
                # Methods see module globals, not the class body's names.
                self.deferred.append((item, scope, _captured(self.env)))
            else:
                body_walker.statement(item)
        body_walker.run_deferred()
        self.deferred.extend(body_walker.deferred)

    def _import(self, stmt: ast.Import | ast.ImportFrom) -> None:
        module = self.scope.module
        for alias in stmt.names:
            if alias.name == "*":
                continue
            local = alias.asname or alias.name.split(".")[0]
            binding = module.imports.get(local)
            if binding is not None and binding.line == stmt.lineno:
                self.env[local] = self.index.import_value(module, binding)
            else:
                self.env[local] = self._late_import(stmt, alias)

    def _late_import(self, stmt: ast.Import | ast.ImportFrom, alias: ast.alias) -> Value:
        """An import inside a function: resolve it the same way as a top-level one."""
        from oocheck.analyzer.collect import resolve_relative
        from oocheck.analyzer.model import ImportBinding

        module = self.scope.module
        if isinstance(stmt, ast.Import):
            name = alias.name if alias.asname else alias.name.split(".")[0]
            binding = ImportBinding(name, None, stmt.lineno, False)
        else:
            source = resolve_relative(module, stmt.level, stmt.module)
            binding = ImportBinding(source, alias.name, stmt.lineno, False)
        return self.index.import_value(module, binding)

    def _test_parts(self, test: ast.expr) -> tuple[list[str], list[ast.Call]]:
        """The names a test reads and its `isinstance(name, ...)` calls, in walk order; found once per
        test (a function's tests are walked again for each call it is specialised for)."""
        memo = cast(dict[int, tuple[ast.expr, list[str], list[ast.Call]]],
                    self.index.derived.setdefault("test_parts", {}))
        known = memo.get(id(test))
        if known is None or known[0] is not test:
            names: list[str] = []
            checks: list[ast.Call] = []
            for node in walk(test):
                if isinstance(node, ast.Name):
                    names.append(node.id)
                elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance"
                      and node.args and isinstance(node.args[0], ast.Name)):
                    checks.append(node)
            known = memo[id(test)] = (test, names, checks)
        return known[1], known[2]

    def _forget_literals(self, test: ast.expr) -> None:
        """A test on a name (`if x is None`, `if not x`, `x and x.y`) says something about its value:
        a name known only by its builtin type becomes unknown rather than wrongly known."""
        env = self.env
        for name in self._test_parts(test)[0]:
            if literal_type(env.get(name)) is not None:
                env[name] = None

    def _if(self, stmt: ast.If) -> None:
        self.eval(stmt.test)
        self._forget_literals(stmt.test)
        before = dict(self.env)
        self._narrow(stmt.test, self.env)
        self.walk_body(stmt.body)
        body_env = self.env
        self.env = dict(before)
        self._unnarrow(stmt.test, self.env)
        self.walk_body(stmt.orelse)
        self.env = _merge([body_env, self.env])

    def _loop(self, stmt: ast.For | ast.AsyncFor | ast.While) -> None:
        if isinstance(stmt, ast.While):
            self.eval(stmt.test)
            self._forget_literals(stmt.test)
        else:
            self._iterate(stmt.iter, self.eval(stmt.iter))
        before = dict(self.env)
        for name in _body_names(self.index, self.scope.module, stmt, [*stmt.body, *stmt.orelse])[0]:
            self.env[name] = None
        if not isinstance(stmt, ast.While):
            self.assign(stmt.target, None)
        self.walk_body(stmt.body)
        self.walk_body(stmt.orelse)
        self.env = _merge([before, self.env])

    def _try(self, stmt: ast.stmt) -> None:
        handlers: list[ast.ExceptHandler] = stmt.handlers  # type: ignore[attr-defined]
        caught: set[str] = set()
        for handler in handlers:
            caught |= handler_names(handler)
        before = dict(self.env)
        self.caught.append(frozenset(caught))
        self.walk_body(stmt.body)  # type: ignore[attr-defined]
        self.caught.pop()
        after_body = self.env
        branches = []
        for handler in handlers:
            self.env = _merge([before, after_body])
            if handler.type is not None:
                self.eval(handler.type)
            if handler.name:
                self.env[handler.name] = None
            self.walk_body(handler.body)
            branches.append(self.env)
        self.env = after_body
        self.walk_body(stmt.orelse)  # type: ignore[attr-defined]
        self.env = _merge([self.env, *branches]) if branches else self.env
        self.walk_body(stmt.finalbody)  # type: ignore[attr-defined]

    def _with(self, stmt: ast.With | ast.AsyncWith) -> None:
        caught: set[str] = set()
        for item in stmt.items:
            self.eval(item.context_expr)
            expr = item.context_expr
            if isinstance(expr, ast.Call) and (dotted_name(expr.func) or "").split(".")[-1] in _RAISES_HELPERS:
                for arg in expr.args[:1] if not (dotted_name(expr.func) or "").endswith("suppress") else expr.args:
                    types = arg.elts if isinstance(arg, ast.Tuple) else [arg]
                    caught |= {(dotted_name(t) or "?").split(".")[-1] for t in types}
            if item.optional_vars is not None:
                self.assign(item.optional_vars, None)
        if caught:
            self.caught.append(frozenset(caught))
        self.walk_body(stmt.body)
        if caught:
            self.caught.pop()

    def _narrow(self, test: ast.expr, env: Env) -> None:
        """`isinstance(x, C)` makes `x` an instance of `C` (or unknown) in the guarded code."""
        for node in self._test_parts(test)[1]:
            if len(node.args) == 2:
                assert isinstance(node.args[0], ast.Name)
                target = node.args[1]
                value = self.index.static_value(self.scope.module, target) if isinstance(
                    target, (ast.Name, ast.Attribute)) else None
                narrowed = Instance(value.cls, exact=False) if isinstance(value, ClassObject) else None
                env[node.args[0].id] = narrowed if isinstance(test, ast.Call) else None

    def _unnarrow(self, test: ast.expr, env: Env) -> None:
        for node in self._test_parts(test)[1]:
            assert isinstance(node.args[0], ast.Name)
            env[node.args[0].id] = None

    def assign(self, target: ast.expr, value: Value) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            pair = as_operand(value)
            if pair is not None:
                outcome = values_ops.unpack(pair)
                if outcome.error:
                    self._fault(target, "TypeError", outcome.error)
            for elt in target.elts:
                self.assign(elt, None)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, None)
        elif isinstance(target, ast.Attribute):
            receiver = self.eval(target.value)
            self._record(target, receiver, store=True)
            if (self.facts is not None and isinstance(target.value, ast.Name)
                    and target.value.id == self.scope.self_name):
                self.facts[target.attr] = value
            if isinstance(receiver, Instance) and receiver.origin in self.index.instance_facts:
                self.index.instance_facts[receiver.origin][target.attr] = value
        elif isinstance(target, ast.Subscript):
            if dotted_name(target.value) == "sys.modules":
                self._open_module("writes sys.modules")
            self.eval(target.value)
            self.eval(target.slice)

    # -- expressions --------------------------------------------------------------------------------
    def _caught(self) -> frozenset[str]:
        """The exceptions caught around the current node; shared, not copied, where one handler is."""
        if not self.caught:
            return _NOTHING_CAUGHT
        if len(self.caught) == 1:
            return self.caught[0]
        return frozenset().union(*self.caught)

    def _record(self, node: ast.Attribute, receiver: Value, store: bool) -> None:
        caught = self._caught()
        access = AttributeAccess(node, receiver, store, caught, self.hasattr_names, self.scope)
        self.sink.append(access)
        if self.depth and access.via_self:
            self._check_self_attribute(access)
        elif self.depth and not store:
            self._stop_unless_found(access)
            self._check_argument_attribute(access)

    def _stop_unless_found(self, access: AttributeAccess) -> None:
        """Inside a specialised callee: stop at `super().name` or `C.name` when the name may be
        missing (OO105 and OO102 report those where they are): what follows may never run."""
        from oocheck.analyzer.members import Found, class_lookup, super_lookup

        receiver = access.receiver
        if isinstance(receiver, SuperValue):
            found = super_lookup(receiver.cls, access.attr).found
        elif isinstance(receiver, ClassObject) and isinstance(receiver.cls, ClassInfo):
            found = class_lookup(receiver.cls, access.attr).found
        else:
            return
        if found is not Found.YES:
            raise _Stop(None, may_raise=True)
        if isinstance(receiver, SuperValue) and _getter_may_raise(receiver.cls.mro[1:], access.attr):
            raise _Stop(None, may_raise=True)  # `super().prop` runs the base's property getter

    def _check_self_attribute(self, access: AttributeAccess) -> None:
        """Inside a specialised callee: stop at an access of `self` that may raise AttributeError (a
        missing or not yet bound attribute, a store a `__slots__` class refuses), so a fault found
        after it is never reported as the callee's first. OO101 reports such reads where they are."""
        receiver = access.receiver
        if not isinstance(receiver, Instance) or not isinstance(receiver.cls, ClassInfo):
            raise _Stop(None, may_raise=True)
        if access.store:
            if _store_may_fail(receiver.cls, access.attr):
                raise _Stop(None, may_raise=True)
            self.self_stores.add(access.attr)
            return
        if access.attr not in self.self_stores and not self._bound_before_call(receiver, access.attr):
            raise _Stop(None, may_raise=True)
        if access.attr not in self.self_stores and _getter_may_raise(receiver.cls.mro or [receiver.cls], access.attr):
            raise _Stop(None, may_raise=True)  # a property: reading it runs its getter

    def _bound_before_call(self, receiver: Instance, name: str) -> bool:
        """`self.name` surely has a value when this callee starts: a class-level binding (method,
        class attribute, property, field), or an instance attribute of an `__init__` that ran to make
        this exact instance (not when walking that `__init__` itself)."""
        assert isinstance(receiver.cls, ClassInfo)
        in_init = self.scope.function is not None and self.scope.function.name == "__init__"
        inits = running_inits(receiver.cls) if receiver.exact and not in_init else None
        for klass in receiver.cls.mro or [receiver.cls]:
            if isinstance(klass, ExternalClass):
                if name in klass.class_attrs:
                    return True
                continue
            for binding in klass.bindings.get(name, []):
                if binding.kind in (BindingKind.SLOT, BindingKind.ANNOTATION, BindingKind.STORED_OUTSIDE,
                                    BindingKind.CLASS_STORED_OUTSIDE):
                    continue
                if binding.class_level or binding.kind is BindingKind.FIELD:
                    return True
                if (binding.kind is BindingKind.INSTANCE and binding.method == "__init__" and inits is not None
                        and id(klass) in inits):
                    return True
        return False

    def _check_argument_attribute(self, access: AttributeAccess) -> None:
        """Inside a specialised callee: a read that the argument's type cannot satisfy."""
        from oocheck.analyzer.members import Found, instance_lookup

        receiver = access.receiver
        name = access.attr
        if not isinstance(receiver, Instance) or not receiver.exact or access.guarded_against("AttributeError"):
            return
        if name.startswith("__") or "__" in name[1:]:
            return  # dunders, and private names whose mangling depends on the enclosing class
        result = instance_lookup(receiver.cls, name, exact=True)
        if result.found is Found.NO and not result.unusable:
            self._fault(access.node, "AttributeError", f"'{receiver.cls.name}' object has no attribute '{name}'")

    def _fault(self, node: ast.AST, exception: str, message: str) -> None:
        caught = self._caught()
        fault = ValueFault(node, exception, message, caught, self.scope)
        if self.depth:
            if self.conditional:
                return  # in a callee, only what surely runs decides its failure
            raise _Stop(fault)
        self.index.value_faults.append(fault)

    def _iterate(self, node: ast.expr, value: Value) -> None:
        pair = as_operand(value)
        if pair is not None:
            self._outcome(node, values_ops.iterate(pair))

    def _outcome(self, node: ast.AST, outcome: values_ops.Outcome) -> Value:
        """Record the failure of an operation, or give the value it produces."""
        if outcome.error is not None and outcome.exception:
            self._fault(node, outcome.exception, outcome.error)
            return None
        return _result(outcome)

    def lookup(self, name: str) -> Value:
        if name in self.shared:
            return None
        if name in self.env:
            if name in self.shared_literals and literal_type(self.env[name]) is not None:
                return None
            return self.env[name]
        if name in self.locals:
            return None
        return self.global_value(name)

    def global_value(self, name: str) -> Value:
        module = self.scope.module
        if name in module.names:
            return self.index.module_attribute(module, name)
        return self.index.static_value(module, ast.Name(id=name, ctx=ast.Load()))

    def eval(self, expr: ast.expr | None, load_attr: bool = True) -> Value:
        if expr is None:
            return None
        if isinstance(expr, ast.Name):
            return self.lookup(expr.id)
        if isinstance(expr, ast.Constant):
            constant_type: type = type(expr.value)
            return literal(constant_type, expr.value) if constant_type in values_ops.LITERAL_TYPES else None
        if isinstance(expr, ast.Attribute):
            receiver = self.eval(expr.value)
            if load_attr:
                self._record(expr, receiver, store=False)
            known = self._fact(receiver, expr.attr)
            if known is not None:
                return known
            return self.index.attribute_value(receiver, expr.attr, self.scope.module)
        if isinstance(expr, ast.Call):
            return self._call(expr)
        if isinstance(expr, ast.NamedExpr):
            value = self.eval(expr.value)
            self.env[expr.target.id] = value
            return value
        if isinstance(expr, ast.IfExp):
            decision = self._decide(expr.test)
            if decision is not None:  # only the branch taken runs
                before_test = dict(self.env)
                self.eval(expr.test)
                self.env = before_test
                return self.eval(expr.body if decision else expr.orelse)
            self.eval(expr.test)
            self._forget_literals(expr.test)
            self.conditional += 1
            a = self.eval(expr.body)
            b = self.eval(expr.orelse)
            self.conditional -= 1
            return a if a == b else None
        if isinstance(expr, ast.Lambda):
            for default in expr.args.defaults:
                self.eval(default)
            self.deferred.append((expr, Scope(self.scope.module, f"{self.scope.qualname}.<lambda>",
                                              self.scope.cls, self.scope.function, self.scope.self_name),
                                  _captured(self.env)))
            return None
        if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            saved = self.env
            self.env = dict(saved)
            for number, generator in enumerate(expr.generators):
                self.conditional += number > 0  # only the first iterable surely runs
                self._iterate(generator.iter, self.eval(generator.iter))
                self.conditional += number == 0
                self.assign(generator.target, None)
                for cond in generator.ifs:
                    self.eval(cond)
            if isinstance(expr, ast.DictComp):
                self.eval(expr.key)
                self.eval(expr.value)
            else:
                self.eval(expr.elt)
            self.conditional -= len(expr.generators)
            self.env = saved
            return literal({ast.ListComp: list, ast.SetComp: set, ast.DictComp: dict}.get(type(expr)))
        if isinstance(expr, ast.BoolOp):
            return self._bool_op(expr)
        if isinstance(expr, ast.BinOp):
            return self._binary(expr)
        if isinstance(expr, ast.UnaryOp):
            operand_value = self.eval(expr.operand)
            if isinstance(expr.op, ast.Not):
                return literal(bool)
            pair = as_operand(operand_value)
            unary = _UNARY.get(type(expr.op))
            if pair is None or unary is None:
                return None
            return self._outcome(expr, values_ops.unary(unary, pair))
        if isinstance(expr, ast.Compare):
            return self._compare(expr)
        if isinstance(expr, ast.Subscript):
            container = self.eval(expr.value)
            key = self.eval(expr.slice) if not isinstance(expr.slice, ast.Slice) else self._eval_children(expr.slice)
            pair = as_operand(container)
            if pair is not None and isinstance(expr.ctx, ast.Load):
                key_pair = None if isinstance(expr.slice, ast.Slice) else as_operand(key)
                return self._outcome(expr, values_ops.subscript(pair, key_pair))
            return None
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.JoinedStr)):
            self._eval_children(expr)
            return literal({ast.List: list, ast.Tuple: tuple, ast.Set: set, ast.Dict: dict,
                            ast.JoinedStr: str}[type(expr)])
        return self._eval_children(expr)

    def _bool_op(self, expr: ast.BoolOp) -> Value:
        """`a or b`, `a and b`: short-circuit on operands whose truth is known, and give the value
        of the operand that decides."""
        deciding = isinstance(expr.op, ast.Or)
        for position, operand in enumerate(expr.values):
            value = self.eval(operand)
            truth = _truth(value)
            if truth is None:
                self._forget_literals(operand)
                self.conditional += 1
                for rest in expr.values[position + 1:]:
                    self.eval(rest)
                    self._forget_literals(rest)
                self.conditional -= 1
                return None
            if truth is deciding or position == len(expr.values) - 1:
                return value
        return None

    def _fact(self, receiver: Value, attr: str) -> Value:
        if isinstance(receiver, Instance) and receiver.origin:
            return self.index.instance_facts.get(receiver.origin, {}).get(attr)
        return None

    def _eval_children(self, expr: ast.AST) -> Value:
        for child in ast.iter_child_nodes(expr):
            if isinstance(child, ast.expr):
                self.eval(child)
            elif isinstance(child, ast.keyword):
                self.eval(child.value)
        return None

    def _binary(self, expr: ast.BinOp) -> Value:
        left = as_operand(self.eval(expr.left))
        right = as_operand(self.eval(expr.right))
        op = _BINARY.get(type(expr.op))
        if left is None or right is None or op is None:
            return None
        return self._outcome(expr, values_ops.binary(op, left, right))

    def _compare(self, expr: ast.Compare) -> Value:
        """Comparisons of builtin values give a bool; `is` and `in` always do; anything else may return
        whatever its `__eq__`/`__lt__` returns (a numpy array, a query expression)."""
        left_value = self.eval(expr.left)
        always_bool = True
        for op, comparator in zip(expr.ops, expr.comparators, strict=True):
            right_value = self.eval(comparator)
            func = _COMPARE.get(type(op))
            left, right = as_operand(left_value), as_operand(right_value)
            if func is not None and left is not None and right is not None:
                if func is operator.contains:  # `a in b` asks b
                    outcome = values_ops.compare(func, right, left)
                else:
                    outcome = values_ops.compare(func, left, right)
                if outcome.error:
                    self._outcome(expr, outcome)
                    return literal(bool)
            elif not isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)):
                always_bool = False
            left_value = right_value
        return literal(bool) if always_bool else None

    def _call(self, expr: ast.Call) -> Value:
        receiver: Value = None
        if isinstance(expr.func, ast.Attribute):
            receiver = self.eval(expr.func.value)
            self._record(expr.func, receiver, store=False)
            func = self.index.attribute_value(receiver, expr.func.attr, self.scope.module)
        else:
            func = self.eval(expr.func)
        self._note_dynamic_module(expr)
        if (isinstance(expr.func, ast.Name) and expr.func.id in {"hasattr", "getattr", "delattr"}
                and len(expr.args) >= (3 if expr.func.id == "getattr" else 2)
                and isinstance(expr.args[1], ast.Constant) and isinstance(expr.args[1].value, str)):
            self.hasattr_names = self.hasattr_names | {expr.args[1].value}
        caught = self._caught()
        args = [self.eval(arg.value if isinstance(arg, ast.Starred) else arg) for arg in expr.args]
        keywords = {k.arg: self.eval(k.value) for k in expr.keywords}
        self._forget_facts(expr, receiver, [*args, *keywords.values()])
        if not self.depth:
            self._note_setattr(expr, args)
            self._note_self_escape(expr, func, [*args, *keywords.values()])
            self._note_helper_stores(expr, func, args, keywords)
        else:
            self._check_self_setattr(expr)
            self._stop_at_certain_type_error(expr, func, receiver)
        if not self.depth:
            self.index.calls.append(CallSite(expr, func, receiver,
                                             expr.func.attr if isinstance(expr.func, ast.Attribute) else None,
                                             caught, self.scope))
        result = self._builtin_call(expr, func, receiver, args)
        if result is not None:
            return result
        simple = not any(isinstance(a, ast.Starred) for a in expr.args) and None not in keywords
        facts = None
        if simple and self.depth < MAX_CALL_DEPTH:
            facts = self._follow_arguments(expr, func, receiver, args, keywords, caught)
        if isinstance(expr.func, ast.Name) and expr.func.id == "super" and "super" not in self.env \
                and "super" not in self.scope.module.names:
            if self.scope.cls is not None and self.scope.self_name is not None:
                return SuperValue(self.scope.cls)
            return None
        if isinstance(expr.func, ast.Name) and expr.func.id == "type" and len(expr.args) == 1 \
                and "type" not in self.env:
            inner = self.eval(expr.args[0])
            if isinstance(inner, Instance):
                return ClassObject(inner.cls, inner.exact)
            return None
        if self._makes_own_instance(expr, receiver):
            assert self.scope.cls is not None
            return Instance(self.scope.cls, exact=False)  # stores on it bind instance attributes
        if isinstance(func, ClassObject):
            if func.exact and isinstance(func.cls, ClassInfo) and not self.depth:
                effects_.instantiate(self.index, func.cls)
            made = _instantiate(func)
            if facts is not None and isinstance(made, Instance) and made.exact and made.cls is func.cls:
                self.index.instance_facts[id(expr)] = facts
                return Instance(made.cls, exact=True, origin=id(expr))
            return made
        if isinstance(func, FunctionValue) and func.node.returns is not None:
            saved = self.scope
            self.scope = Scope(func.module, saved.qualname, saved.cls, saved.function, saved.self_name)
            try:
                return self.annotation_value(func.node.returns)
            finally:
                self.scope = saved
        if isinstance(expr.func, ast.Attribute):
            if isinstance(receiver, (Instance, ClassObject)) and isinstance(receiver.cls, ClassInfo):
                return self._method_return(receiver.cls, expr.func.attr)
        return None

    def _stop_at_certain_type_error(self, expr: ast.Call, func: Value, receiver: Value) -> None:
        """Inside a specialised callee: a call whose arguments cannot bind to the method of the exact
        receiver (or to the repo function) raises TypeError there, so nothing after it runs. The call
        rules judge the call site for every receiver it may have (a subclass may override the method
        compatibly); here the receiver is known exactly."""
        bound = 0
        if isinstance(expr.func, ast.Attribute) and isinstance(receiver, Instance) and receiver.exact \
                and isinstance(receiver.cls, ClassInfo):
            target = find_method(receiver.cls, expr.func.attr)
            if target is None:
                return
            node = target[1]
            kind = method_kind(node)
            if kind is BindingKind.PROPERTY or not {dotted_name(d) for d in node.decorator_list} <= {
                    "classmethod", "staticmethod"}:
                return  # what a property or another wrapper returns is not this signature
            bound = 0 if kind is BindingKind.STATICMETHOD else 1
        elif isinstance(expr.func, ast.Name) and isinstance(func, FunctionValue) and not func.node.decorator_list:
            node = func.node
        else:
            return
        if bind(Signature.from_arguments(node.args, node.name, bound), CallShape.from_call(expr)) is not None:
            raise _Stop(None, may_raise=True)

    def _check_self_setattr(self, expr: ast.Call) -> None:
        """Inside a specialised callee: `setattr(self, "x", v)` is a store like `self.x = v`."""
        if (isinstance(expr.func, ast.Name) and expr.func.id == "setattr" and len(expr.args) >= 2
                and isinstance(expr.args[0], ast.Name) and expr.args[0].id == self.scope.self_name):
            receiver = self.env.get(expr.args[0].id)
            name = expr.args[1]
            if not isinstance(receiver, Instance) or not isinstance(receiver.cls, ClassInfo) or not (
                    isinstance(name, ast.Constant) and isinstance(name.value, str)):
                raise _Stop(None, may_raise=True)
            if _store_may_fail(receiver.cls, name.value):
                raise _Stop(None, may_raise=True)
            self.self_stores.add(name.value)

    def _note_helper_stores(self, expr: ast.Call, func: Value, args: list[Value],
                            keywords: dict[str | None, Value]) -> None:
        """`configure(self)` where the repo function `configure(obj)` does `obj.x = ...`: the instance
        passed in gets those attributes (a binding, like a store written in the class)."""
        if not (isinstance(expr.func, ast.Name) and isinstance(func, FunctionValue)):
            return
        params = [*func.node.args.posonlyargs, *func.node.args.args]
        passed = {p.arg: v for p, v in zip(params, args, strict=False)}
        passed.update({k: v for k, v in keywords.items() if k is not None})
        instances = {name: v for name, v in passed.items() if isinstance(v, Instance) and isinstance(v.cls, ClassInfo)}
        if not instances:
            return
        path = func.module.display_path
        for node in walk(func.node):
            targets = (node.targets if isinstance(node, ast.Assign) else
                       [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                    value = instances.get(target.value.id)
                    if isinstance(value, Instance) and isinstance(value.cls, ClassInfo):
                        effects_.bind(self.index, value.cls, Binding(
                            target.attr, BindingKind.STORED_OUTSIDE, path, target.lineno, target.col_offset,
                            class_level=False, method=func.node.name))

    def _makes_own_instance(self, expr: ast.Call, receiver: Value) -> bool:
        """`super().__new__(cls)` (or `object.__new__(cls)`) inside `__new__`: the instance being made."""
        scope = self.scope
        return (scope.cls is not None and scope.function is not None and scope.function.name == "__new__"
                and isinstance(expr.func, ast.Attribute) and expr.func.attr == "__new__"
                and (isinstance(receiver, SuperValue) or dotted_name(expr.func.value) == "object")
                and bool(expr.args) and isinstance(expr.args[0], ast.Name) and expr.args[0].id == scope.self_name)

    def _note_setattr(self, expr: ast.Call, args: list[Value]) -> None:
        """`setattr(C, "x", v)`, `monkeypatch.setattr(C, "x", v)`, `mock.patch.object(C, "x", ...)`: the
        object gains an attribute no assignment statement shows."""
        callee = (dotted_name(expr.func) or "").split(".")[-1]
        if callee not in {"setattr", "object"} or len(expr.args) < 2:
            return
        name = expr.args[1]
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            return
        target = args[0]
        path = self.scope.module.display_path
        if isinstance(target, ClassObject) and isinstance(target.cls, ClassInfo):
            effects_.bind(self.index, target.cls, Binding(name.value, BindingKind.CLASS_STORED_OUTSIDE, path,
                                                          expr.lineno, expr.col_offset, class_level=True))
        elif isinstance(target, Instance) and isinstance(target.cls, ClassInfo):
            effects_.bind(self.index, target.cls, Binding(name.value, BindingKind.STORED_OUTSIDE, path, expr.lineno,
                                                          expr.col_offset, class_level=False,
                                                          method=self.scope.qualname))
        elif isinstance(target, ModuleValue):
            effects_.store_on_module(self.index, target.module, name.value)
        elif target is None:
            effects_.store_unknown(self.index, self.scope.module.root, name.value)

    def _note_self_escape(self, expr: ast.Call, func: Value, args: list[Value]) -> None:
        """`self` handed to a callee we cannot follow (`object.__setattr__.__get__(self)`, a framework
        hook) may fill any of its `__slots__` that no statement visibly assigns: those slots count as
        stored by something unseen, so their reads are reported at low confidence at most."""
        if func is not None or self.scope.self_name is None or self.scope.cls is None:
            return
        if isinstance(expr.func, ast.Name) and expr.func.id in _LOOKING_BUILTINS:
            return
        if not any(isinstance(a, Instance) and a.cls is self.scope.cls for a in args):
            return
        if not any(isinstance(arg, ast.Name) and arg.id == self.scope.self_name
                   for arg in [*expr.args, *(k.value for k in expr.keywords)]):
            return
        for klass in [self.scope.cls, *self.scope.cls.mro]:
            if isinstance(klass, ClassInfo):
                for name, bindings in klass.bindings.items():
                    if any(b.kind is BindingKind.SLOT for b in bindings):
                        effects_.store_unknown(self.index, self.scope.module.root, name)

    def _forget_facts(self, expr: ast.Call, receiver: Value, args: list[Value]) -> None:
        """A method call on an object, or passing it on, may change its attributes (builtins that only
        look at their argument do not)."""
        if isinstance(expr.func, ast.Name) and expr.func.id in _LOOKING_BUILTINS and expr.func.id not in self.env \
                and expr.func.id not in self.scope.module.names:
            return
        for value in (receiver, *args):
            if isinstance(value, Instance) and value.origin:
                self.index.instance_facts.pop(value.origin, None)
        if self.facts is not None and self.scope.self_name is not None:
            names = [a for a in expr.args if isinstance(a, ast.Name)]
            if isinstance(receiver, SuperValue) or any(n.id == self.scope.self_name for n in names) or (
                    isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Name)
                    and expr.func.value.id == self.scope.self_name):
                self.facts = None

    def _builtin_call(self, expr: ast.Call, func: Value, receiver: Value, args: list[Value]) -> Value:
        """Calls decided by the types of their arguments: pure builtins and stdlib functions, methods
        of builtin values, calling a value that is not callable."""
        if expr.keywords or any(isinstance(a, ast.Starred) for a in expr.args):
            return None
        pairs = [as_operand(a) for a in args]
        if any(p is None for p in pairs):
            return None
        arg_pairs = tuple(p for p in pairs if p is not None)
        receiver_pair = as_operand(receiver)
        func_pair = as_operand(func)
        if isinstance(expr.func, ast.Attribute) and receiver_pair is not None:
            if expr.func.attr not in external_class(receiver_pair[0]).class_attrs:
                return None  # the missing attribute itself is the finding (OO101)
            outcome = values_ops.call_method(receiver_pair, expr.func.attr, arg_pairs)
        elif func_pair is not None:
            outcome = values_ops.call_value(func_pair)
        else:
            func_id = self._pure_callable(expr.func)
            if func_id is None:
                return None
            outcome = values_ops.call_pure(func_id, arg_pairs)
        return self._outcome(expr, outcome)

    def _pure_callable(self, func: ast.expr) -> int | None:
        """The id of a side-effect-free builtin or standard-library callable named by `func`."""
        if isinstance(func, ast.Name):
            if func.id in self.env or func.id in self.locals:
                return None
            binding = self.scope.module.imports.get(func.id)
            if binding is not None and binding.attribute and binding.attribute != "*":
                return values_ops.pure_callable_id(stdlib_object(binding.module, binding.attribute))
            if func.id in self.scope.module.names:
                return None
            return values_ops.pure_callable_id(getattr(builtins, func.id, None))
        if isinstance(func, ast.Attribute):
            owner = self.eval(func.value) if isinstance(func.value, (ast.Name, ast.Attribute)) else None
            if isinstance(owner, StdlibModule):
                return values_ops.pure_callable_id(stdlib_object(owner.name, func.attr))
        return None

    def _follow_arguments(self, expr: ast.Call, func: Value, receiver: Value, args: list[Value],
                          keywords: dict[str | None, Value], caught: frozenset[str]) -> dict[str, Value] | None:
        """Walk the callee's straight-line path with the values of this call's arguments."""
        from oocheck.analyzer.members import find_method

        target = None
        bound_self: Value = None
        if isinstance(func, ClassObject) and isinstance(func.cls, ClassInfo) and func.exact:
            if _generated_init_first(func.cls) or func.cls.abstract_methods:
                return None  # another __init__ runs, or none: object.__new__ refuses an abstract class
            target = find_method(func.cls, "__init__")
            bound_self = Instance(func.cls, exact=True)
        elif isinstance(receiver, Instance) and isinstance(receiver.cls, ClassInfo) and isinstance(
                expr.func, ast.Attribute):
            target = find_method(receiver.cls, expr.func.attr)
            bound_self = receiver
        elif isinstance(func, FunctionValue):
            if not func.node.decorator_list:
                self._specialise(expr, func.module, None, func.node, None, args, keywords, caught)
            return None
        if target is None:
            return None
        owner, node = target
        if node.decorator_list:  # staticmethod, classmethod, property or a wrapper: not followed
            return None
        return self._specialise(expr, owner.module, owner, node, bound_self, args, keywords, caught)

    def _specialise(self, expr: ast.Call, module: ModuleInfo, owner: ClassInfo | None,
                    node: ast.FunctionDef | ast.AsyncFunctionDef, bound_self: Value, args: list[Value],
                    keywords: dict[str | None, Value], caught: frozenset[str]) -> dict[str, Value] | None:
        """Walk the callee with these arguments; record its first fault. For a constructor that runs to
        its end, give the attribute values it sets."""
        if not any(literal_type(v) is not None or (isinstance(v, Instance) and v.exact)
                   for v in [bound_self, *args, *keywords.values()]):
            return None
        env = _bind_arguments(node, bound_self, args, keywords)
        if env is None or isinstance(node, ast.AsyncFunctionDef):
            return None
        self_name = first_param(node) if bound_self is not None else None
        scope = Scope(module, f"{owner.qualname}.{node.name}" if owner else node.name, cls=owner,
                      function=node, self_name=self_name)
        assigned, shared = _body_names(self.index, module, node, node.body)
        walker = FlowWalker(self.index, scope, env, [], assigned, frozenset(), depth=self.depth + 1, shared=shared)
        if node.name == "__init__" and owner is not None:
            walker.facts = {}
        completed = False
        try:
            walker.walk_prefix(node.body)
        except _Stop as stop:
            fault, completed = stop.fault, stop.completed
            if fault is None and stop.may_raise and self.depth:
                raise
        if fault is None:
            return walker.facts if completed else None
        chain = fault.chain or ((node, fault.node),)
        if self.depth and self.scope.function is not None:
            chain = (*chain, (self.scope.function, expr))  # in the callee this walker follows, it came out here
        fault = replace(fault, chain=chain)
        if self.depth:
            raise _Stop(fault)
        self.index.call_faults.append(CallFault(expr, self.scope, caught, scope.qualname, fault))
        return None

    def walk_prefix(self, body: list[ast.stmt]) -> None:
        """Walk what runs whenever the function runs, then stop (`_Stop`, with the first fault met)."""
        raise _Stop(None, completed=self._walk_straight(body) is not False)

    def _walk_straight(self, body: list[ast.stmt]) -> bool | None:
        """The statements of `body` up to the first one whose path depends on what is not known: a loop,
        `try`, `with`, `assert`, or an `if` whose test the argument types do not decide. An `if` they do
        decide is followed into the branch it takes; a `raise` reached is the callee's own failure.
        True when the end of `body` is reached, None at a `return`, False where the walk had to stop."""
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass)):
                continue
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue  # a docstring
            if isinstance(stmt, ast.If):
                decision = self._decide(stmt.test)
                known = dict(self.env)
                self.eval(stmt.test)  # for the faults of the test itself
                self.env = known  # the test is decided: what it would narrow is known already
                if decision is None:
                    return False
                branch = self._walk_straight(stmt.body if decision else stmt.orelse)
                if branch is not True:
                    return branch
                continue
            if isinstance(stmt, ast.While):
                self.eval(stmt.test)
                return False
            if isinstance(stmt, (ast.For, ast.AsyncFor)):
                self._iterate(stmt.iter, self.eval(stmt.iter))
                return False
            if isinstance(stmt, ast.Return):
                if stmt.value is not None:
                    self.eval(stmt.value)
                return None
            if isinstance(stmt, ast.Raise):
                self._raise(stmt)
                return False
            if isinstance(stmt, (ast.Try, ast.With, ast.AsyncWith, ast.Assert, ast.Match)) or \
                    type(stmt).__name__ == "TryStar":
                return False
            self.statement(stmt)
        return True

    def _raise(self, stmt: ast.Raise) -> None:
        """A `raise` that always runs: the call fails with that exception."""
        exc = stmt.exc
        if exc is None:
            return
        name = dotted_name(exc.func if isinstance(exc, ast.Call) else exc)
        if not name:
            return
        message = ""
        if isinstance(exc, ast.Call) and exc.args and isinstance(exc.args[0], ast.Constant):
            message = str(exc.args[0].value)
        self._fault(stmt, name.split(".")[-1], message)

    def _decide(self, test: ast.expr) -> bool | None:
        """The truth of an `if` test when the types of the names in it decide it, else None."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self._decide(test.operand)
            return None if inner is None else not inner
        if isinstance(test, ast.BoolOp):
            parts = [self._decide(v) for v in test.values]
            if isinstance(test.op, ast.And):
                return False if False in parts else (True if all(p is True for p in parts) else None)
            return True if True in parts else (False if all(p is False for p in parts) else None)
        if isinstance(test, ast.Name):
            pair = as_operand(self.lookup(test.id))
            if pair is None:
                return None
            if pair[0] is type(None):
                return False
            return bool(pair[1]) if pair[1] is not NO_CONST else None
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _COMPARE:
            left_pair = as_operand(self.eval_quiet(test.left))
            right_pair = as_operand(self.eval_quiet(test.comparators[0]))
            if left_pair and right_pair and left_pair[1] is not NO_CONST and right_pair[1] is not NO_CONST:
                func = _COMPARE[type(test.ops[0])]
                pairs = (right_pair, left_pair) if func is operator.contains else (left_pair, right_pair)
                outcome = values_ops.compare(func, *pairs)
                if outcome.const is NO_CONST:
                    return None
                truth = bool(outcome.const)
                return not truth if isinstance(test.ops[0], ast.NotIn) else truth
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            decided = self._decide_by_type(test.ops[0], as_operand(self.eval_quiet(test.left)),
                                           as_operand(self.eval_quiet(test.comparators[0])))
            if decided is not None:
                return decided
            left, right = test.left, test.comparators[0]
            if isinstance(right, ast.Constant) and right.value is None:
                kind = literal_type(self.eval_quiet(left))
                if kind is None:
                    return None
                is_none = kind is type(None)
                if isinstance(test.ops[0], (ast.Is, ast.Eq)):
                    return is_none
                if isinstance(test.ops[0], (ast.IsNot, ast.NotEq)):
                    return not is_none
            return None
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id not in self.env:
            args = test.args
            if test.func.id == "isinstance" and len(args) == 2:
                kind = literal_type(self.eval_quiet(args[0]))
                classes = self._runtime_classes(args[1])
                if kind is None or classes is None:
                    return None
                return isinstance(values_ops.SAMPLES[kind], classes)
            if test.func.id == "callable" and len(args) == 1:
                kind = literal_type(self.eval_quiet(args[0]))
                return None if kind is None else callable(values_ops.SAMPLES[kind])
        return None

    @staticmethod
    def _decide_by_type(op: ast.cmpop, left: values_ops.Operand | None,
                        right: values_ops.Operand | None) -> bool | None:
        """`x is None`, `x is False`, `x == "s"` decided by the types alone (values of different builtin
        types, numbers aside, are never equal; `is` against None, True or False needs the same type)."""
        if left is None or right is None:
            return None
        numeric = {int, float, bool, complex}
        if isinstance(op, (ast.Is, ast.IsNot)):
            singleton = right[1] if right[1] is None or isinstance(right[1], bool) else NO_CONST
            if singleton is NO_CONST:
                return None
            if left[0] is not type(singleton):
                same = False
            elif left[1] is not NO_CONST:
                same = left[1] is singleton
            elif left[0] is type(None):
                same = True
            else:
                return None
            return same if isinstance(op, ast.Is) else not same
        if isinstance(op, (ast.Eq, ast.NotEq)):
            if left[1] is not NO_CONST and right[1] is not NO_CONST:
                try:
                    equal = bool(left[1] == right[1])
                except Exception:
                    return None
            elif left[0] is not right[0] and not (left[0] in numeric and right[0] in numeric):
                equal = False
            else:
                return None
            return equal if isinstance(op, ast.Eq) else not equal
        return None

    def eval_quiet(self, expr: ast.expr) -> Value:
        """The value of a name, a constant or a known attribute, without recording anything."""
        if isinstance(expr, ast.Name):
            return self.lookup(expr.id)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            return self._fact(self.lookup(expr.value.id), expr.attr)
        if isinstance(expr, ast.Constant) and type(expr.value) in values_ops.LITERAL_TYPES:
            return literal(type(expr.value), expr.value)
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub) and isinstance(expr.operand, ast.Constant):
            value = expr.operand.value
            if isinstance(value, (int, float, complex)) and not isinstance(value, bool):
                return literal(type(value), -value)
        return None

    def _runtime_classes(self, expr: ast.expr) -> tuple[type, ...] | None:
        elts = expr.elts if isinstance(expr, ast.Tuple) else [expr]
        classes: list[type] = []
        for elt in elts:
            if not isinstance(elt, (ast.Name, ast.Attribute)):
                return None
            value = self.index.static_value(self.scope.module, elt)
            if not (isinstance(value, ClassObject) and isinstance(value.cls, ExternalClass)):
                return None
            classes.append(value.cls.obj)
        return tuple(classes)

    def _note_dynamic_module(self, call: ast.Call) -> None:
        """Calls that let a module gain names no statement shows."""
        callee = dotted_name(call.func)
        if callee is None:
            return
        at_module_level = self.scope.function is None and self.scope.cls is None
        if callee == "globals" or (callee in {"vars", "locals"} and not call.args and at_module_level):
            self._open_module("uses globals()/vars()")
        elif callee.split(".")[0] == "importlib" and callee.endswith("import_module"):
            self._open_module("imports modules dynamically")
        elif callee == "setattr" and call.args and dotted_name(call.args[0]) == "sys.modules":
            self._open_module("sets attributes on sys.modules entries")

    def _open_module(self, reason: str) -> None:
        effects_.open_module(self.index, self.scope.module, reason)

    def _method_return(self, cls: ClassInfo, name: str) -> Value:
        for klass in cls.mro:
            if not isinstance(klass, ClassInfo):
                return None
            for stmt in klass.node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                    if stmt.returns is None:
                        return None
                    saved = self.scope
                    self.scope = Scope(klass.module, saved.qualname, saved.cls, saved.function, saved.self_name)
                    try:
                        return self.annotation_value(stmt.returns)
                    finally:
                        self.scope = saved
            if name in klass.bindings:
                return None
        return None


def _getter_may_raise(mro: Sequence[ClassRef], name: str) -> bool:
    """Reading `name` through `mro` runs a property getter of the repo that may raise: anything but a
    lone `return` of a name, a constant or `self.<attribute the class binds>`. What the getter raises
    is not seen by the walk of the callee that reads it, so it cannot vouch for what follows."""
    for klass in mro:
        if isinstance(klass, ExternalClass):
            return False
        bindings = klass.bindings.get(name)
        if not bindings:
            continue
        if not any(binding.kind is BindingKind.PROPERTY for binding in bindings):
            return False
        getters = [stmt for stmt in klass.node.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and stmt.name == name and method_kind(stmt) is BindingKind.PROPERTY
                   and not any((dotted_name(d) or "").endswith((".setter", ".deleter")) for d in stmt.decorator_list)]
        if not getters:
            return True
        getter = getters[-1]  # the last definition is the one the class keeps
        body = [stmt for stmt in getter.body
                if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))]
        if len(body) != 1 or not isinstance(body[0], ast.Return):
            return True
        value = body[0].value
        if value is None or isinstance(value, (ast.Constant, ast.Name)):
            return False
        # `return self._x`, with `_x` bound somewhere in the class: the usual read-only attribute.
        receiver = first_param(getter)
        return not (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name)
                    and value.value.id == receiver and any(value.attr in k.bindings for k in mro
                                                           if isinstance(k, ClassInfo)))
    return False


def _bind_arguments(node: ast.FunctionDef | ast.AsyncFunctionDef, bound_self: Value, args: list[Value],
                    keywords: dict[str | None, Value]) -> Env | None:
    """Parameter values for a call, as CPython binds them; None when the call does not fit (the
    signature rules report that) or uses what this binding does not model."""
    params = [*node.args.posonlyargs, *node.args.args]
    env: Env = {}
    if bound_self is not None:
        if not params:
            return None
        env[params[0].arg] = bound_self
        params = params[1:]
    if len(args) > len(params) and node.args.vararg is None:
        return None
    for param, value in zip(params, args, strict=False):
        env[param.arg] = value
    if node.args.vararg is not None:
        env[node.args.vararg.arg] = literal(tuple)
    if node.args.kwarg is not None:
        env[node.args.kwarg.arg] = literal(dict)
    defaults = dict(zip([p.arg for p in params][len(params) - len(node.args.defaults):], node.args.defaults,
                        strict=True))
    kwonly = {p.arg: d for p, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)}
    for name, value in keywords.items():
        if name is None or name in env or (name not in {p.arg for p in params} and name not in kwonly):
            if node.args.kwarg is None or name in env:
                return None
            continue
        env[name] = value
    for param in params:
        if param.arg not in env:
            default = defaults.get(param.arg)
            if default is None:
                return None
            env[param.arg] = _default_value(default)
    for name, default_kw in kwonly.items():
        if name not in env:
            if default_kw is None:
                return None
            env[name] = _default_value(default_kw)
    return env


def _generated_init_first(cls: ClassInfo) -> bool:
    """A dataclass, attrs class or namedtuple comes before any `def __init__` in the MRO: it writes its
    own `__init__`, and a base class's `def __init__` is not what `cls(...)` runs."""
    for klass in cls.mro or [cls]:
        if not isinstance(klass, ClassInfo) or "__init__" in klass.bindings:
            return False
        if klass.is_dataclass or klass.is_attrs or klass.is_namedtuple:
            return True
    return False


def _store_may_fail(cls: ClassInfo, name: str) -> bool:
    """`instance.name = value` may raise AttributeError: some class of the MRO declares `__slots__`
    (the instance may have no `__dict__`) without a slot `name`, or `name` is a property there."""
    slotted = False
    for klass in cls.mro or [cls]:
        if not isinstance(klass, ClassInfo):
            continue
        bindings = klass.bindings.get(name, [])
        if any(b.kind is BindingKind.SLOT for b in bindings):
            return False
        if any(b.kind is BindingKind.PROPERTY for b in bindings):
            return True
        slotted = slotted or "__slots__" in klass.bindings
    return slotted


def _default_value(node: ast.expr) -> Value:
    if isinstance(node, ast.Constant) and type(node.value) in values_ops.LITERAL_TYPES:
        return literal(type(node.value))
    # A display's value may be mutated between calls, but it stays of that type.
    displays: dict[type[ast.expr], type] = {ast.List: list, ast.Tuple: tuple, ast.Set: set, ast.Dict: dict}
    return literal(displays[type(node)]) if type(node) in displays else None


def _new_returns_instance(klass: ClassInfo) -> bool:
    """A `__new__` whose every `return` gives `super().__new__(cls)` (or `Base.__new__`), a name, or an
    attribute of `cls` (the singleton and caching patterns): it returns an instance of the class."""
    new = next((s for s in klass.node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                and s.name == "__new__"), None)
    if new is None or new.decorator_list:
        return False
    cls_name = first_param(new)
    returns = [n for n in walk(new) if isinstance(n, ast.Return)]
    if not returns:
        return False
    for ret in returns:
        value = ret.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "__new__":
            continue
        if isinstance(value, ast.Name) and value.id != "None":
            continue
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == cls_name:
            continue
        return False
    return True


def _instantiate(cls_value: ClassObject) -> Value:
    """`C(...)`: an instance of C, unless `__new__` or a metaclass `__call__` may return something else."""
    cls = cls_value.cls
    if isinstance(cls, ClassInfo):
        for klass in cls.mro:
            if isinstance(klass, ClassInfo) and "__new__" in klass.bindings:
                if _new_returns_instance(klass):
                    return Instance(cls, exact=False)
                return None
        if cls.metaclass is not None and not isinstance(cls.metaclass, ExternalClass):
            return None
        if cls.is_typeddict:
            return Instance(external_class(dict), exact=True)
        if cls.is_enum:
            return Instance(cls, exact=False)
        return Instance(cls, exact=cls_value.exact)
    obj = cls.obj
    if obj in {type, object, super}:
        return None
    if type(obj) is not type:
        return None
    exact = cls_value.exact and getattr(obj, "__new__", None) is object.__new__
    return Instance(cls, exact=exact)

