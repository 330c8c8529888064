"""First pass over one module: the names it binds, its imports, its classes and their bindings.

Purely syntactic; nothing here looks at another module. Resolution happens in `index.py`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import Any, cast

from oocheck.analyzer.model import Binding, BindingKind, ClassExpr, ClassInfo, ImportBinding, ModuleInfo
from oocheck.analyzer.walk import walk

_PROPERTY_DECORATORS = {"property", "cached_property", "functools.cached_property", "abc.abstractproperty"}
_ABSTRACT_DECORATORS = {
    "abstractmethod", "abc.abstractmethod", "abstractproperty", "abc.abstractproperty",
    "abstractclassmethod", "abc.abstractclassmethod", "abstractstaticmethod", "abc.abstractstaticmethod",
}
_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def dotted_name(node: ast.AST) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def class_expr(expr: ast.expr, written: ast.expr) -> ClassExpr:
    """A base or metaclass expression as resolution reads it (model.ClassExpr): only a dotted name can
    be followed at module scope (index.static_value)."""
    return dotted_name(expr), ast.unparse(written)


def dotted_expr(dotted: str) -> ast.expr:
    """The Name/Attribute chain of a dotted name (what `class_expr` kept of an expression)."""
    head, *rest = dotted.split(".")
    expr: ast.expr = ast.Name(head, ast.Load())
    for part in rest:
        expr = ast.Attribute(expr, part, ast.Load())
    return expr


def decorator_name(node: ast.expr) -> str | None:
    return dotted_name(node.func if isinstance(node, ast.Call) else node)


def target_names(target: ast.AST) -> Iterator[ast.Name]:
    if isinstance(target, ast.Name):
        yield target
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from target_names(target.value)


def handler_names(handler: ast.ExceptHandler) -> set[str]:
    """The exception names an `except` clause names (a bare `except:` catches BaseException)."""
    if handler.type is None:
        return {"BaseException"}
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {(dotted_name(t) or "").split(".")[-1] for t in types}


def resolve_relative(module: ModuleInfo, level: int, name: str | None) -> str:
    """The absolute module name of `from .name import ...` written in `module`."""
    if level == 0:
        return name or ""
    package = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
    if level > 1:
        package = package[: len(package) - (level - 1)]
    base = ".".join(package)
    if name:
        return f"{base}.{name}" if base else name
    return base


# What one method's body adds to its class, as plain data (JSON-ready, see MethodFacts):
# ["bind", name, kind name, line, col, class_level, method] | ["open", reason] | ["init", how, name].
MethodOp = list[Any]
# A module's method facts by the position of each `def` ("line:col").
MethodFacts = dict[str, list[MethodOp]]


class ModuleCollector:
    """Collects the top-level names, imports and classes of one module.

    Walking every method body for `self.x = ...` is most of the cost of collecting; `known` holds
    what those walks found last time for this very text (from the cache), and `found` gets what
    this run's walks find, to be stored.
    """

    def __init__(self, module: ModuleInfo, known: MethodFacts | None = None, bodies: bool = True,
                 local_classes: bool = True) -> None:
        self.module = module
        self.known = known
        self.found: MethodFacts = {}
        self.bodies = bodies  # False: names and class statements only (a summary has the rest)
        # False: no class statement inside a function (a summary says so): function bodies unvisited.
        self.local_classes = local_classes

    def run(self) -> None:
        # Dynamic module features (globals() writes, importlib, sys.modules) are noted by the inference
        # walk, which visits every expression anyway.
        self._block(self.module.tree.body, guarded=False)

    # -- module level -------------------------------------------------------------------------------
    def _bind(self, name: str, node: ast.AST) -> None:
        self.module.names.setdefault(name, node)
        if self.module.names[name] is not node:
            # Bound more than once at top level: keep a marker so that inference gives up on it.
            self.module.names[name] = ast.Pass(lineno=getattr(node, "lineno", 1), col_offset=0)

    def _block(self, body: list[ast.stmt], guarded: bool) -> None:
        for stmt in body:
            self._statement(stmt, guarded)

    def _statement(self, stmt: ast.stmt, guarded: bool) -> None:
        module = self.module
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._bind(stmt.name, stmt)
            if stmt.name == "__getattr__":
                module.open_reasons.append("defines a module-level __getattr__")
            self._nested_classes(stmt, prefix=f"{stmt.name}.<locals>.")
        elif isinstance(stmt, ast.ClassDef):
            self._bind(stmt.name, stmt)
            self._class(stmt, stmt.name)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    binding = ImportBinding(alias.name, None, stmt.lineno, guarded)
                    self._bind(alias.asname, stmt)
                    module.imports[alias.asname] = binding
                else:
                    top = alias.name.split(".")[0]
                    self._bind(top, stmt)
                    module.imports[top] = ImportBinding(top, None, stmt.lineno, guarded, bind_top=True)
        elif isinstance(stmt, ast.ImportFrom):
            source = resolve_relative(module, stmt.level, stmt.module)
            for alias in stmt.names:
                if alias.name == "*":
                    module.imports.setdefault(f"*{source}", ImportBinding(source, "*", stmt.lineno, guarded))
                    continue
                local = alias.asname or alias.name
                self._bind(local, stmt)
                module.imports[local] = ImportBinding(source, alias.name, stmt.lineno, guarded)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            catches = any(handler_names(h) & _IMPORT_ERRORS for h in stmt.handlers)  # type: ignore[attr-defined]
            self._block(stmt.body, guarded or catches)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                if handler.name:
                    self._bind(handler.name, handler)
                self._block(handler.body, guarded)
            self._block(stmt.orelse, guarded)  # type: ignore[attr-defined]
            self._block(stmt.finalbody, guarded)  # type: ignore[attr-defined]
        elif isinstance(stmt, (ast.If, ast.While)):
            self._names_in(stmt.test)
            self._block(stmt.body, guarded)
            self._block(stmt.orelse, guarded)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            for name in target_names(stmt.target):
                self._bind(name.id, stmt)
            self._block(stmt.body, guarded)
            self._block(stmt.orelse, guarded)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    for name in target_names(item.optional_vars):
                        self._bind(name.id, stmt)
            self._block(stmt.body, guarded)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                for name in target_names(target):
                    self._bind(name.id, stmt)
            self._names_in(stmt.value)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None and isinstance(stmt.target, ast.Name):
                self._bind(stmt.target.id, stmt)
        elif isinstance(stmt, ast.AugAssign):
            if isinstance(stmt.target, ast.Name):
                self._bind(stmt.target.id, stmt)
        elif isinstance(stmt, ast.Match):
            for case in stmt.cases:
                for node in walk(case.pattern):
                    capture = getattr(node, "name", None)
                    if isinstance(capture, str):
                        self._bind(capture, stmt)
                self._block(case.body, guarded)
        elif type(stmt).__name__ == "TypeAlias":
            alias_name = getattr(stmt, "name", None)
            if isinstance(alias_name, ast.Name):
                self._bind(alias_name.id, stmt)
        else:
            self._names_in(stmt)

    def _names_in(self, node: ast.AST) -> None:
        """Walrus targets in an expression bind module names too."""
        for sub in walk(node):
            if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                self._bind(sub.target.id, sub)

    def _nested_classes(self, node: ast.AST, prefix: str) -> None:
        # Class statements are statements: only statement lists need visiting, not expressions.
        if not self.local_classes:
            return  # every class found here is local to a function (`<locals>` in its qualname)
        for child in child_statements(node):
            if isinstance(child, ast.ClassDef):
                self._class(child, prefix + child.name)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._nested_classes(child, f"{prefix}{child.name}.<locals>.")
            else:
                self._nested_classes(child, prefix)

    # -- classes ------------------------------------------------------------------------------------
    def _class(self, node: ast.ClassDef, qualname: str) -> ClassInfo:
        info = ClassInfo(name=node.name, qualname=qualname, module=self.module, parsed=node, line=node.lineno,
                         col=node.col_offset)
        info.decorators = [decorator_name(d) or "<expression>" for d in node.decorator_list]
        info.base_exprs = [class_expr(b.value if isinstance(b, ast.Subscript) else b, b) for b in node.bases]
        meta = next((k.value for k in node.keywords if k.arg == "metaclass"), None)
        info.metaclass_expr = class_expr(meta, meta) if meta is not None else None
        info.bases_from_kwargs = any(k.arg is None for k in node.keywords)
        self.module.classes.append(info)
        if self.bodies:
            ClassBodyCollector(info, self.known, self.found).run()
        for stmt in node.body:
            if isinstance(stmt, ast.ClassDef):
                self._class(stmt, f"{qualname}.{stmt.name}")
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._nested_classes(stmt, f"{qualname}.{stmt.name}.<locals>.")
        return info


_STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")


def _node_classes(base: type) -> Iterator[type]:
    sub: type
    for sub in base.__subclasses__():
        yield sub
        yield from _node_classes(sub)


# Per node class, the fields of `_STATEMENT_LISTS` it has: most nodes (expressions, simple
# statements) have none, and this runs for every statement of every body walked. Only nodes whose
# such fields are lists: a lambda's or a conditional expression's `body` is an expression.
_BLOCK_FIELDS: dict[type, tuple[str, ...]] = {
    cls: fields for cls in [ast.Module, ast.Interactive, *(sub for base in (ast.stmt, ast.excepthandler, ast.match_case)
                                                             for sub in [base, *_node_classes(base)])]
    if (fields := tuple(name for name in _STATEMENT_LISTS if name in getattr(cls, "_fields", ())))
}


def child_statements(node: ast.AST) -> list[ast.AST]:
    """The statements directly nested in `node` (bodies, else branches, handlers, match cases)."""
    fields = _BLOCK_FIELDS.get(type(node))
    if fields is None:
        return []
    if len(fields) == 1:
        return getattr(node, fields[0])  # type: ignore[no-any-return]
    children: list[ast.AST] = []
    for name in fields:
        children += getattr(node, name)
    return children


def first_param(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    params = func.args.posonlyargs + func.args.args
    return params[0].arg if params else None


def method_kind(func: ast.FunctionDef | ast.AsyncFunctionDef) -> BindingKind:
    names = {decorator_name(d) for d in func.decorator_list}
    if "staticmethod" in names:
        return BindingKind.STATICMETHOD
    if "classmethod" in names or func.name in {"__init_subclass__", "__class_getitem__"}:
        return BindingKind.CLASSMETHOD
    if names & _PROPERTY_DECORATORS or any(n and n.endswith((".setter", ".getter", ".deleter")) for n in names):
        return BindingKind.PROPERTY
    return BindingKind.METHOD


def is_abstract(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(decorator_name(d) in _ABSTRACT_DECORATORS for d in func.decorator_list)


def _is_field_call(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Call) and (dotted_name(value.func) or "").split(".")[-1] in {
        "field", "ib", "attrib",
    }


def _is_classvar(annotation: ast.expr) -> bool:
    node = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return "ClassVar" in annotation.value
    return (dotted_name(node) or "").split(".")[-1] == "ClassVar"


_NAMESPACE_MUTATORS = {"update", "setdefault", "__setitem__", "__ior__"}
_NAMESPACE_READERS = {"dict", "list", "len", "sorted", "repr", "str", "print", "iter", "copy", "deepcopy",
                      "dumps", "pformat", "pprint", "set", "tuple", "any", "all", "enumerate", "zip"}


def _is_namespace_write(namespace: ast.expr, func: ast.AST) -> bool:
    """Whether `self.__dict__` / `vars(self)` (the node `namespace`) is written, or handed to code that
    might write it; reading it (`.items()`, `in`, `dict(...)`) adds no attribute."""
    for node in walk(func):
        if isinstance(node, ast.Attribute) and node.value is namespace:
            return node.attr in _NAMESPACE_MUTATORS
        if isinstance(node, ast.Subscript) and node.value is namespace:
            return isinstance(node.ctx, (ast.Store, ast.Del))
        if isinstance(node, ast.Call) and namespace in (*node.args, *(k.value for k in node.keywords)):
            return (dotted_name(node.func) or "").split(".")[-1] not in _NAMESPACE_READERS
        if isinstance(node, (ast.Assign, ast.AugAssign)) and namespace in (
                node.targets if isinstance(node, ast.Assign) else [node.target]):
            return True
        if isinstance(node, ast.Assign) and node.value is namespace:
            return True  # an alias of the namespace may be written later
    return False


def _generates_slots(node: ast.ClassDef) -> bool:
    """`@dataclass(slots=True)`, `@attr.s(slots=True)`, or attrs' `define`/`frozen`/`mutable` (slotted
    unless `slots=False`): the class is rebuilt with a `__slots__` entry for every field."""
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        name = (dotted_name(call.func if call else decorator) or "").split(".")[-1]
        slots = next((k.value for k in call.keywords if k.arg == "slots"), None) if call else None
        if isinstance(slots, ast.Constant):
            if slots.value is True:
                return True
            if slots.value is False:
                continue
        if slots is None and name in {"define", "frozen", "mutable"}:
            return True
    return False


class ClassBodyCollector:
    """Bindings of one class: its body, and `self.x = ...` in its methods."""

    def __init__(self, info: ClassInfo, known: MethodFacts | None = None, found: MethodFacts | None = None) -> None:
        self.info = info
        self.path = info.module.display_path
        self.known = known
        self.found = found if found is not None else {}
        decorators = {d.split(".")[-1] for d in info.decorators}
        info.is_dataclass = "dataclass" in decorators
        info.is_attrs = bool(decorators & {"s", "attrs", "define", "frozen", "mutable"}) and any(
            d.split(".")[0] in {"attr", "attrs"} or d in {"define", "frozen", "mutable"} for d in info.decorators
        )
        self.slotted_fields = (info.is_dataclass or info.is_attrs) and _generates_slots(info.node)

    def _add(self, name: str, kind: BindingKind, node: ast.AST, class_level: bool,
             method: str | None = None) -> None:
        if kind is BindingKind.FIELD and self.slotted_fields:
            class_level = True  # a generated `__slots__` puts a descriptor for each field on the class
        self.info.add(Binding(name, kind, self.path, getattr(node, "lineno", self.info.line),
                              getattr(node, "col_offset", 0), class_level, method))

    def run(self) -> None:
        self._body(self.info.node.body)

    def _body(self, body: list[ast.stmt]) -> None:
        info = self.info
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                kind = method_kind(stmt)
                self._add(stmt.name, kind, stmt, class_level=True)
                if is_abstract(stmt):
                    info.abstract_methods.add(stmt.name)
                elif stmt.name in info.abstract_methods and kind is BindingKind.PROPERTY:
                    pass  # a setter of an abstract property keeps it abstract
                if stmt.name in {"__getattr__", "__getattribute__"}:
                    info.open_reasons.append(f"defines {stmt.name}")
                self._method(stmt, kind)
            elif isinstance(stmt, ast.ClassDef):
                self._add(stmt.name, BindingKind.NESTED_CLASS, stmt, class_level=True)
            elif isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    for name in target_names(target):
                        self._assign(name.id, stmt, stmt.value)
                        if name.id == "__slots__":
                            self._slots(stmt.value)
            elif isinstance(stmt, ast.AnnAssign):
                if isinstance(stmt.target, ast.Name):
                    self._annotated(stmt.target.id, stmt)
            elif isinstance(stmt, ast.AugAssign):
                if isinstance(stmt.target, ast.Name):
                    self._add(stmt.target.id, BindingKind.CLASS_VAR, stmt, class_level=True)
            elif isinstance(stmt, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
                if isinstance(stmt, (ast.For, ast.AsyncFor)):
                    for name in target_names(stmt.target):
                        self._add(name.id, BindingKind.CLASS_VAR, stmt, class_level=True)
                if isinstance(stmt, (ast.With, ast.AsyncWith)):
                    for item in stmt.items:
                        if item.optional_vars is not None:
                            for name in target_names(item.optional_vars):
                                self._add(name.id, BindingKind.CLASS_VAR, stmt, class_level=True)
                self._body(stmt.body)
                self._body(stmt.orelse if not isinstance(stmt, (ast.With, ast.AsyncWith)) else [])
            elif isinstance(stmt, ast.Try):
                self._body(stmt.body)
                for handler in stmt.handlers:
                    self._body(handler.body)
                self._body(stmt.orelse)
                self._body(stmt.finalbody)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self._add(local, BindingKind.CLASS_VAR, stmt, class_level=True)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue  # their bodies are their own namespaces
            for node in walk(stmt):
                if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                    self._add(node.target.id, BindingKind.CLASS_VAR, node, class_level=True)
                if isinstance(node, ast.Call) and dotted_name(node.func) in {"locals", "vars"}:
                    info.open_reasons.append("writes its namespace through locals()/vars()")

    def _assign(self, name: str, stmt: ast.stmt, value: ast.expr | None) -> None:
        info = self.info
        if info.is_attrs and _is_field_call(value):
            self._add(name, BindingKind.FIELD, stmt, class_level=False)
        elif info.is_dataclass and _is_field_call(value):
            assert isinstance(value, ast.Call)
            has_default = any(k.arg == "default" for k in value.keywords)
            self._add(name, BindingKind.FIELD, stmt, class_level=has_default)
        else:
            self._add(name, BindingKind.CLASS_VAR, stmt, class_level=True)

    def _annotated(self, name: str, stmt: ast.AnnAssign) -> None:
        info = self.info
        if _is_classvar(stmt.annotation):
            if stmt.value is not None:
                self._add(name, BindingKind.CLASS_VAR, stmt, class_level=True)
            else:
                self._add(name, BindingKind.ANNOTATION, stmt, class_level=False)
        elif info.is_dataclass or info.is_attrs:
            if stmt.value is None:
                self._add(name, BindingKind.FIELD, stmt, class_level=False)
            elif _is_field_call(stmt.value):
                assert isinstance(stmt.value, ast.Call)
                has_default = any(k.arg == "default" for k in stmt.value.keywords) and not info.is_attrs
                self._add(name, BindingKind.FIELD, stmt, class_level=has_default)
            else:
                self._add(name, BindingKind.FIELD, stmt, class_level=not info.is_attrs)
        elif stmt.value is not None:
            self._add(name, BindingKind.CLASS_VAR, stmt, class_level=True)
        else:
            # NamedTuple fields and TypedDict keys are decided once the bases are known (index.py).
            self._add(name, BindingKind.ANNOTATION, stmt, class_level=False)

    def _slots(self, value: ast.expr) -> None:
        elts: list[ast.expr] = []
        if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
            elts = list(value.elts)
        elif isinstance(value, ast.Dict):
            elts = [k for k in value.keys if k is not None]
        elif isinstance(value, ast.Constant):
            elts = [value]
        for elt in elts:
            if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                self._add(elt.value, BindingKind.SLOT, elt, class_level=True)

    # -- methods ------------------------------------------------------------------------------------
    def _method(self, func: ast.FunctionDef | ast.AsyncFunctionDef, kind: BindingKind) -> None:
        where = f"{func.lineno}:{func.col_offset}"
        ops = self.known.get(where) if self.known is not None else None
        if ops is None:
            ops = self._method_ops(func, kind)
        self.found[where] = ops
        info = self.info
        for op in ops:
            if op[0] == "bind":
                _, name, bkind, line, col, class_level, method = op
                info.add(Binding(name, BindingKind[bkind], self.path, line, col, class_level, method))
            elif op[0] == "open":
                info.open_reasons.append(op[1])
            elif op[1] == "super":
                info.init_calls_super = True
            elif op[1] == "name":
                info.init_calls.add(op[2])
            else:
                info.init_is_dynamic = True

    def _method_ops(self, func: ast.FunctionDef | ast.AsyncFunctionDef, kind: BindingKind) -> list[MethodOp]:
        """What the body of `func` adds to its class, in order, without changing the class."""
        ops: list[MethodOp] = []
        if kind is BindingKind.STATICMETHOD:
            return ops
        receiver = first_param(func)
        if receiver is None:
            return ops
        class_level = kind is BindingKind.CLASSMETHOD or func.name == "__new__"

        def bind(name: str, bkind: BindingKind, node: ast.AST) -> None:
            ops.append(["bind", name, bkind.name, getattr(node, "lineno", self.info.line),
                        getattr(node, "col_offset", 0), class_level, func.name])

        # `self.n += 1` reads `self.n` first: it raises AttributeError unless something else bound it.
        augmented: set[int] = set()
        for node in walk(func):  # breadth-first: an AugAssign comes before its target
            kind_of = type(node)
            if kind_of is ast.AugAssign:
                augmented.add(id(cast(ast.AugAssign, node).target))
            elif kind_of is ast.Attribute:
                node = cast(ast.Attribute, node)
                owner = node.value
                if type(owner) is ast.Name and owner.id == receiver:
                    if type(node.ctx) is ast.Store and id(node) not in augmented:
                        bind(node.attr, BindingKind.CLASS_VAR if class_level else BindingKind.INSTANCE, node)
                    elif node.attr == "__dict__" and not class_level and _is_namespace_write(node, func):
                        ops.append(["open", f"writes self.__dict__ in {func.name}()"])
            elif kind_of is ast.Call:
                self._call_op(cast(ast.Call, node), func, receiver, ops, bind)
        return ops

    @staticmethod
    def _call_op(node: ast.Call, func: ast.FunctionDef | ast.AsyncFunctionDef, receiver: str, ops: list[MethodOp],
                 bind: Callable[[str, BindingKind, ast.AST], None]) -> None:
        """What a call in a method body does to the class: runs a base `__init__`, sets an attribute
        by name, or writes the instance's namespace."""
        # Any method may be the one that runs the base initialiser (a `_setup()` called by __init__).
        if isinstance(node.func, ast.Attribute) and node.func.attr == "__init__":
            ops.append(_init_call(node.func.value))
        callee = dotted_name(node.func)
        if callee in {"setattr", "object.__setattr__", "super().__setattr__"} and node.args:
            target = node.args[0]
            if isinstance(target, ast.Name) and target.id == receiver:
                name = node.args[1] if len(node.args) > 1 else None
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    bind(name.value, BindingKind.INSTANCE, node)
                else:
                    ops.append(["open", f"setattr() with a computed name in {func.name}()"])
        elif (callee == "vars" and node.args and dotted_name(node.args[0]) == receiver
              and _is_namespace_write(node, func)):
            ops.append(["open", f"writes vars({receiver}) in {func.name}()"])
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "__setattr__" and len(node.args) >= 2:
            name = node.args[-2]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                bind(name.value, BindingKind.INSTANCE, node)
            else:
                ops.append(["open", f"__setattr__ with a computed name in {func.name}()"])


def _init_call(owner: ast.expr) -> MethodOp:
    """`<owner>.__init__(...)`: `super()`, an explicit base, or something unknown."""
    if isinstance(owner, ast.Call) and dotted_name(owner.func) == "super":
        return ["init", "super", ""]
    name = dotted_name(owner)
    return ["init", "name", name] if name else ["init", "dynamic", ""]
