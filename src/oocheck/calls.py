"""Shared questions the TypeError rules ask about a call: what it runs, and whether it can bind.

Every call site of the index is judged once (`call_problems`); each OO2xx rule keeps the problems
with its code, so one call gets at most one finding, the one CPython raises first. A callee is only
judged when everything about it is known: a decorator, metaclass, `__new__` or base class that may
change what runs makes it unknown, and unknown is never reported.
"""

from __future__ import annotations

import ast
import builtins
import enum
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import cast

from oocheck.analyzer.collect import child_statements, dotted_name
from oocheck.analyzer.depends import global_names
from oocheck.analyzer.external import ExternalClass
from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.infer import BROAD_EXCEPTIONS, AttributeAccess, CallFault, CallSite
from oocheck.analyzer.members import all_subclasses, open_reason
from oocheck.analyzer.model import BindingKind, ClassInfo, ClassRef, ModuleInfo
from oocheck.analyzer.signatures import (
    BindError,
    BindErrorKind,
    CallShape,
    Param,
    ParamKind,
    Signature,
    bind,
    generated_signature,
)
from oocheck.analyzer.values import ClassObject, FunctionValue, Instance, ModuleValue, StdlibModule, SuperValue
from oocheck.analyzer.walk import walk
from oocheck.diagnostics import Confidence, Finding, Location
from oocheck.rule import CheckContext, Rule

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

# Decorators that return the function itself, or a wrapper that calls it with the same arguments
# right away (so the function's own TypeError, with its own qualname, is what the caller sees).
SIGNATURE_PRESERVING = frozenset({
    "abc.abstractmethod", "functools.cache", "functools.lru_cache", "contextlib.contextmanager",
    "contextlib.asynccontextmanager", "typing.final", "typing_extensions.final", "typing.override",
    "typing_extensions.override", "typing.no_type_check",
})
_PROPERTY_DECORATORS = frozenset({"builtins.property", "functools.cached_property", "abc.abstractproperty"})
_OVERLOAD = frozenset({"typing.overload", "typing_extensions.overload"})
_HARMLESS_CLASS_DECORATORS = frozenset({
    "functools.total_ordering", "typing.final", "typing_extensions.final", "typing.runtime_checkable",
    "typing_extensions.runtime_checkable",
})
_OUTSIDE_BODY = frozenset({BindingKind.INSTANCE, BindingKind.STORED_OUTSIDE, BindingKind.CLASS_STORED_OUTSIDE,
                           BindingKind.SLOT})
_LITERAL_TYPES: dict[type[ast.AST], str] = {
    ast.List: "list", ast.ListComp: "list", ast.Dict: "dict", ast.DictComp: "dict", ast.Tuple: "tuple",
    ast.Set: "set", ast.SetComp: "set", ast.JoinedStr: "str", ast.Compare: "bool", ast.GeneratorExp: "generator",
}
_TYPE_NAMES = frozenset({"int", "str", "float", "bool", "bytes", "list", "dict", "tuple", "set", "frozenset",
                         "complex", "bytearray"})
CAUGHT_TYPE_ERROR = frozenset({"TypeError"}) | BROAD_EXCEPTIONS

# The codes, one per way a call can fail.
ABSTRACT = "OO201"
TOO_MANY = "OO202"
MISSING = "OO203"
UNEXPECTED = "OO204"
TWICE = "OO205"
NOT_CALLABLE = "OO206"
_CODE_OF_KIND = {
    BindErrorKind.TOO_MANY_POSITIONAL: TOO_MANY,
    BindErrorKind.MISSING_ARGUMENT: MISSING,
    BindErrorKind.UNEXPECTED_KEYWORD: UNEXPECTED,
    BindErrorKind.MULTIPLE_VALUES: TWICE,
}


@dataclass(frozen=True)
class CallProblem:
    """A call that raises TypeError, with the message CPython gives."""

    site: CallSite
    code: str
    message: str
    confidence: Confidence
    evidence: tuple[Location, ...] = ()


# -- names ----------------------------------------------------------------------------------------

def qualified_name(module: ModuleInfo, expr: ast.expr) -> str | None:
    """`functools.lru_cache` for `@lru_cache(...)` after `from functools import lru_cache`; None when
    the name is defined in the repo or cannot be followed."""
    dotted = dotted_name(expr.func if isinstance(expr, ast.Call) else expr)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    binding = module.imports.get(head)
    if binding is not None:
        base = binding.module if binding.attribute is None else f"{binding.module}.{binding.attribute}"
        return f"{base}.{rest}" if rest else base
    if head in module.names:
        return None
    if hasattr(builtins, head):
        return f"builtins.{dotted}"
    return None


_QUALNAMES: dict[int, tuple[ast.Module, dict[int, str]]] = {}


def function_qualname(module: ModuleInfo, node: FunctionNode) -> str:
    """The `__qualname__` CPython gives the function defined by `node`."""
    cached = _QUALNAMES.get(id(module))
    if cached is None or cached[0] is not module.tree:
        names: dict[int, str] = {}
        _collect_qualnames(module.tree, "", names)
        cached = (module.tree, names)
        _QUALNAMES[id(module)] = cached
    return cached[1].get(id(node), node.name)


def _collect_qualnames(node: ast.AST, prefix: str, names: dict[int, str]) -> None:
    # Only statements are visited: a def or class is a statement, and no statement sits inside an
    # expression (a lambda's body is one expression), so no qualname is missed.
    for child in child_statements(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[id(child)] = f"{prefix}{child.name}"
            _collect_qualnames(child, f"{prefix}{child.name}.<locals>.", names)
        elif isinstance(child, ast.ClassDef):
            _collect_qualnames(child, f"{prefix}{child.name}.", names)
        else:
            _collect_qualnames(child, prefix, names)


# -- members --------------------------------------------------------------------------------------

class MemberKind(enum.Enum):
    METHOD = "method"
    CLASSMETHOD = "classmethod"
    STATICMETHOD = "staticmethod"
    PROPERTY = "property"
    LITERAL = "literal"
    EXTERNAL = "external"


@dataclass(frozen=True)
class Member:
    """What `cls.name` is, when it is known."""

    kind: MemberKind
    owner: ClassRef
    node: FunctionNode | None = None  # the def (for a property: its getter)
    literal_type: str | None = None  # for a literal class attribute: the name of its type

    @property
    def qualname(self) -> str:
        assert self.node is not None and isinstance(self.owner, ClassInfo)
        return f"{self.owner.qualname}.{self.node.name}"

    def location(self) -> Location:
        assert isinstance(self.owner, ClassInfo) and self.node is not None
        return Location(self.owner.path, self.node.lineno, self.node.col_offset + 1,
                        f"{self.qualname}() is defined here")

    def same_as(self, other: Member) -> bool:
        return self.kind is other.kind and self.owner is other.owner and self.node is other.node


def _harmless(reason: str) -> bool:
    """Open reasons that cannot change what a name found in a class body refers to."""
    return (reason == "defines __getattr__" or reason.startswith("metaclass ")
            or (reason.startswith("base ") and reason.endswith("cannot be resolved")))


_INSTANCE_LEVEL = ("setattr() with a computed name", "writes self.__dict__", "writes vars(",
                   "__setattr__ with a computed name", "defines __getattr__", "defines __getattribute__")


def _type_level_closed(cls: ClassInfo) -> bool:
    """Nothing may change what the class object itself holds. CPython looks special methods such as
    `__init__` up on the type, so what happens to instances (`setattr(self, name, ...)`, a
    `__getattr__`) does not matter; an unresolved base is judged by its position in the MRO."""
    for klass in cls.mro:
        if isinstance(klass, ClassInfo):
            for reason in klass.open_reasons:
                if reason.startswith(_INSTANCE_LEVEL) or (reason.startswith("base ")
                                                          and reason.endswith("cannot be resolved")):
                    continue
                if reason.startswith("metaclass ") and reason.endswith("may add members"):
                    continue  # the metaclass itself is judged by _metaclass_known
                return False
    return True


def has_unresolved_base(cls: ClassInfo) -> bool:
    return any(r.startswith("base ") and r.endswith("cannot be resolved") for r in cls.open_reasons)


def _closed(cls: ClassInfo) -> bool:
    return all(_harmless(r) for k in cls.mro if isinstance(k, ClassInfo) for r in k.open_reasons) \
        and all(not k.is_open for k in cls.mro if isinstance(k, ExternalClass))


def _hidden_before(mro: list[ClassRef], position: int) -> bool:
    """A class of the MRO before `position` has a base we could not resolve: it may come first."""
    return any(isinstance(k, ClassInfo) and has_unresolved_base(k) for k in mro[:position])


# A class body never changes once parsed: its top-level bindings are tabled once per class.
_BODY_BINDINGS: weakref.WeakKeyDictionary[ClassInfo, dict[str, list[ast.stmt]]] = weakref.WeakKeyDictionary()


def _top_level_bindings(cls: ClassInfo, name: str) -> list[ast.stmt]:
    """The statements directly in the class body that bind `name`, in order."""
    table = _BODY_BINDINGS.get(cls)
    if table is None:
        table = _body_binding_table(cls.node.body)
        _BODY_BINDINGS[cls] = table
    return table.get(name, [])


def _body_binding_table(body: list[ast.stmt]) -> dict[str, list[ast.stmt]]:
    table: dict[str, list[ast.stmt]] = {}
    for stmt in body:
        bound: set[str] = set()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound = {stmt.name}
        elif isinstance(stmt, ast.Assign):
            bound = set().union(*(_names(t) for t in stmt.targets))
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            if not isinstance(stmt, ast.AnnAssign) or stmt.value is not None:
                bound = _names(stmt.target)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            bound = {(a.asname or a.name).split(".")[0] for a in stmt.names}
        for name in bound:
            table.setdefault(name, []).append(stmt)
    return table


def _names(target: ast.expr) -> set[str]:
    return {n.id for n in walk(target) if isinstance(n, ast.Name)}


def literal_type(expr: ast.expr | None) -> str | None:
    """The type name of a literal (`5` → 'int'), or None when it is not one."""
    if isinstance(expr, ast.Constant):
        return type(expr.value).__name__
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.operand, ast.Constant) \
            and isinstance(expr.op, (ast.USub, ast.UAdd, ast.Not)):
        return "bool" if isinstance(expr.op, ast.Not) else type(expr.operand.value).__name__
    return _LITERAL_TYPES.get(type(expr)) if expr is not None else None


def _decorators(module: ModuleInfo, node: FunctionNode) -> list[str | None]:
    return [qualified_name(module, d) for d in node.decorator_list]


def _method_kind(module: ModuleInfo, node: FunctionNode) -> MemberKind | None:
    """How a `def` in a class body is bound, or None when a decorator may change its signature."""
    kind = MemberKind.METHOD
    if node.name in {"__init_subclass__", "__class_getitem__"}:
        kind = MemberKind.CLASSMETHOD
    elif node.name == "__new__":
        kind = MemberKind.STATICMETHOD
    for raw, name in zip(node.decorator_list, _decorators(module, node), strict=True):
        if name in SIGNATURE_PRESERVING:
            continue
        if name == "builtins.staticmethod":
            kind = MemberKind.STATICMETHOD
        elif name == "builtins.classmethod":
            kind = MemberKind.CLASSMETHOD
        elif name in _PROPERTY_DECORATORS or (dotted_name(raw) or "").endswith((".setter", ".getter", ".deleter")):
            kind = MemberKind.PROPERTY
        else:
            return None
    return kind


def _member_in_body(cls: ClassInfo, name: str) -> Member | None:
    statements = _top_level_bindings(cls, name)
    body = [b for b in cls.bindings.get(name, []) if b.kind not in _OUTSIDE_BODY and b.method is None]
    if not statements or len(statements) != len(body):
        return None  # bound inside an if/try block of the class body: which one wins is unknown
    module = cls.module
    defs = [s for s in statements if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if any(n in _OVERLOAD for d in defs for n in _decorators(module, d)):
        return None
    last = statements[-1]
    if isinstance(last, (ast.FunctionDef, ast.AsyncFunctionDef)):
        kind = _method_kind(module, last)
        if kind is MemberKind.PROPERTY:
            getter = next((d for d in defs if _method_kind(module, d) is MemberKind.PROPERTY
                           and not any((dotted_name(x) or "").endswith((".setter", ".deleter"))
                                       for x in d.decorator_list)), None)
            return Member(kind, cls, getter) if getter is not None else None
        return Member(kind, cls, last) if kind is not None else None
    if isinstance(last, ast.Assign) and len(statements) == 1 and len(last.targets) == 1 \
            and isinstance(last.targets[0], ast.Name):
        type_name = literal_type(last.value)
        if type_name is not None:
            return Member(MemberKind.LITERAL, cls, None, type_name)
    return None


def find_member(cls: ClassInfo, name: str, after: ClassInfo | None = None) -> Member | None:
    """`name` looked up on `cls` (or, with `after`, as `super()` in a method of `after` does), or None
    when what it is cannot be known: bound outside a class body, decorated, in an open class."""
    if not _closed(cls):
        return None
    mro = cls.mro
    for klass in mro:
        if isinstance(klass, ClassInfo) and any(b.kind in _OUTSIDE_BODY or b.method is not None
                                                for b in klass.bindings.get(name, [])):
            return None
    start = 0
    if after is not None:
        if after not in mro:
            return None
        start = mro.index(after) + 1
    for position in range(start, len(mro)):
        klass = mro[position]
        if isinstance(klass, ExternalClass):
            if name in vars(klass.obj):
                return None if _hidden_before(mro, position) else Member(MemberKind.EXTERNAL, klass)
            continue
        if name not in klass.bindings:
            if (klass.decorators or klass.is_namedtuple) and name.startswith("__") and name.endswith("__"):
                return None  # @dataclass, @total_ordering, NamedTuple ... generate special methods
            continue
        if _hidden_before(mro, position):
            return None
        return _member_in_body(klass, name)
    return None


def member_for_all(cls: ClassInfo, name: str, exact: bool, after: ClassInfo | None = None) -> Member | None:
    """The member every possible class of the receiver resolves to (`cls` itself when `exact`, else
    `cls` and each subclass of the repo); None when they differ or one is unknown."""
    member = find_member(cls, name, after)
    if member is None or exact:
        return member
    for sub in all_subclasses(cls):
        other = find_member(sub, name, after)
        if other is None or not other.same_as(member):
            return None
    return member


# -- signatures -----------------------------------------------------------------------------------

def function_signature(module: ModuleInfo, node: FunctionNode, qualname: str, bound: int = 0) -> Signature | None:
    """The signature of a plain function, or None when a decorator may change it."""
    if any(name not in SIGNATURE_PRESERVING for name in _decorators(module, node)):
        return None
    return Signature.from_arguments(node.args, qualname, bound)


def member_signature(member: Member, through_class: bool) -> Signature | None:
    """The signature a call of `member` binds to: on an instance (`obj.m`) or on the class (`C.m`)."""
    if member.node is None or not isinstance(member.owner, ClassInfo):
        return None
    sig = Signature.from_arguments(member.node.args, member.qualname)
    if member.kind is MemberKind.METHOD:
        return sig.with_bound(0 if through_class else 1)
    if member.kind is MemberKind.CLASSMETHOD:
        return sig.with_bound(1)
    if member.kind is MemberKind.STATICMETHOD:
        return sig
    return None


# -- constructors ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Constructor:
    """What `C(...)` runs, as far as arguments go: `__new__` then `__init__`, each a signature or
    None (object's own: it takes no arguments of its own)."""

    new: Signature | None
    init: Signature | None
    evidence: tuple[Location, ...]
    calls_object_new: bool  # object.__new__ runs: "takes no arguments" and the abstract check apply


def _dataclass_options(cls: ClassInfo) -> dict[str, bool] | None:
    """`init`/`kw_only` of the `@dataclasses.dataclass` decorator of `cls`; None when not one we know."""
    for decorator in cls.node.decorator_list:
        if qualified_name(cls.module, decorator) != "dataclasses.dataclass":
            continue
        options = {"init": True, "kw_only": False}
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg in options:
                    if not (isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, bool)):
                        return None
                    options[keyword.arg] = keyword.value.value
                elif keyword.arg is None:
                    return None
        return options
    return None


def _class_decorators_known(cls: ClassInfo) -> bool:
    for decorator in cls.node.decorator_list:
        name = qualified_name(cls.module, decorator)
        if name == "dataclasses.dataclass":
            if _dataclass_options(cls) is None:
                return False
        elif name not in _HARMLESS_CLASS_DECORATORS:
            return False
    return True


def _is_classvar(annotation: ast.expr) -> bool:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return "ClassVar" in annotation.value
    node = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    return (dotted_name(node) or "").split(".")[-1] == "ClassVar"


@dataclass
class _Field:
    name: str
    has_default: bool
    init: bool
    kw_only: bool


def _field_call(cls: ClassInfo, value: ast.expr | None) -> ast.Call | None:
    if isinstance(value, ast.Call) and qualified_name(cls.module, value.func) == "dataclasses.field":
        return value
    return None


def _inherited_default(cls: ClassInfo, name: str) -> bool | None:
    """dataclasses takes a field's default from `getattr(cls, name)`, so a class attribute of a base (a
    plain class's, or a base dataclass's default) becomes the default of a field declared without one.
    None when a base could hold it unseen."""
    for klass in cls.mro[1:]:
        if isinstance(klass, ExternalClass):
            if name in klass.class_attrs:
                return True
            continue
        if klass.is_attrs:
            return None
        if any(b.class_level for b in klass.bindings.get(name, [])):
            return True
    return None if open_reason(cls) is not None else False


def _dataclass_fields(cls: ClassInfo, fields: dict[str, _Field]) -> bool:
    """Add the fields `cls` declares (in order, a redeclared one keeping its place); False when unknown."""
    options = _dataclass_options(cls)
    if options is None:
        return False
    kw_only = options["kw_only"]
    assigned = {n for s in cls.node.body if not isinstance(s, ast.AnnAssign)
                for t in (s.targets if isinstance(s, ast.Assign) else []) for n in _names(t)}
    assigned |= {s.name for s in cls.node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for stmt in cls.node.body:
        if not isinstance(stmt, ast.AnnAssign):
            continue
        if not isinstance(stmt.target, ast.Name):
            return False
        if _is_classvar(stmt.annotation):
            continue
        if (dotted_name(stmt.annotation) or "").split(".")[-1] == "KW_ONLY":
            kw_only = True
            continue
        name = stmt.target.id
        spec = _Field(name, stmt.value is not None or name in assigned, True, kw_only)
        if not spec.has_default:
            inherited = _inherited_default(cls, name)
            if inherited is None:
                return False
            spec.has_default = inherited
        call = _field_call(cls, stmt.value)
        if call is not None:
            spec.has_default = name in assigned
            for keyword in call.keywords:
                if keyword.arg in {"default", "default_factory"}:
                    spec.has_default = True
                elif keyword.arg in {"init", "kw_only"}:
                    if not (isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, bool)):
                        return False
                    setattr(spec, keyword.arg, keyword.value.value)
                elif keyword.arg is None:
                    return False
        if name in fields:
            fields[name] = spec  # dict keeps the first position, as dataclasses does
        else:
            fields[name] = spec
    return True


def dataclass_init(owner: ClassInfo) -> Signature | None:
    """The `__init__` that `@dataclass` generates for `owner`, from the fields of its MRO."""
    fields: dict[str, _Field] = {}
    for klass in reversed(owner.mro):
        if isinstance(klass, ExternalClass):
            if hasattr(klass.obj, "__dataclass_fields__"):
                return None
            continue
        if klass.is_dataclass and not _dataclass_fields(klass, fields):
            return None
    positional = [f for f in fields.values() if f.init and not f.kw_only]
    seen_default = False
    for spec in positional:
        if seen_default and not spec.has_default:
            return None  # "non-default argument follows default argument": the class statement itself fails
        seen_default = seen_default or spec.has_default
    params = [Param(f.name, ParamKind.POSITIONAL_OR_KEYWORD, f.has_default) for f in positional]
    params += [Param(f.name, ParamKind.KEYWORD_ONLY, f.has_default)
               for f in fields.values() if f.init and f.kw_only]
    self_name = "__dataclass_self__" if "self" in fields else "self"
    return generated_signature(f"{owner.qualname}.__init__", self_name, params)


def namedtuple_new(cls: ClassInfo) -> Signature | None:
    """`__new__` of a `typing.NamedTuple` class: `(_cls, field, ...)`, defaults from the class body."""
    params: list[Param] = []
    for stmt in cls.node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            if params and params[-1].has_default and stmt.value is None:
                return None
            params.append(Param(stmt.target.id, ParamKind.POSITIONAL_OR_KEYWORD, stmt.value is not None))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in {"__new__", "__init__"}:
            return None  # NamedTuple refuses to overwrite them: the class statement fails
    # collections.namedtuple names the methods after the type's __name__, not its qualname.
    return generated_signature(f"{cls.name}.__new__", "_cls", params)


def _metaclass_known(cls: ClassInfo, abstract_check: bool = False) -> bool:
    """type or ABCMeta (typing's protocol metaclass derives from it). A metaclass of the repo may
    rewrite the class namespace or `__call__`, so it makes the constructor unknown; for the abstract
    check alone, one that defines none of `__new__`, `__init__`, `__call__` is accepted."""
    meta = cls.metaclass
    if meta is None:
        return True
    if isinstance(meta, ExternalClass):
        return meta.obj.__module__ in {"builtins", "abc", "typing"} and issubclass(meta.obj, type)
    if not abstract_check:
        return False
    for klass in meta.mro:
        if isinstance(klass, ClassInfo) and (klass.open_reasons or any(
                name in klass.bindings for name in ("__call__", "__new__", "__init__"))):
            return False
        if isinstance(klass, ExternalClass) and klass.obj.__module__ not in {"builtins", "abc"}:
            return False
    return True


def _decorators_known(cls: ClassInfo) -> bool:
    return all(not k.decorators or _class_decorators_known(k) for k in cls.mro if isinstance(k, ClassInfo))


def _abstract_applies(cls: ClassInfo) -> bool:
    """`cls(...)` reaches object.__new__, which refuses a class with abstract methods left."""
    if not (cls.is_abc and cls.abstract_methods) or not _metaclass_known(cls, abstract_check=True):
        return False
    if not _type_level_closed(cls):
        return False
    if not _decorators_known(cls) or cls.is_enum:
        return False
    for klass in cls.mro:
        if isinstance(klass, ClassInfo):
            if has_unresolved_base(klass) or "__new__" in klass.bindings or klass.is_namedtuple:
                return False
        elif klass.obj is not object and "__new__" in vars(klass.obj):
            return False
    return True


def constructor(cls: ClassInfo) -> Constructor | None:
    """What `cls(...)` binds its arguments to; None when it cannot be known."""
    if cls.is_enum or cls.is_typeddict or cls.is_attrs or not _metaclass_known(cls):
        return None
    if not _type_level_closed(cls) or not _decorators_known(cls):
        return None
    new: Signature | None = None
    init: Signature | None = None
    new_found = init_found = False
    evidence: list[Location] = []
    calls_object_new = False
    mro = cls.mro
    for position, klass in enumerate(mro):
        if new_found and init_found:
            break
        if isinstance(klass, ExternalClass):
            if _hidden_before(mro, position):
                return None  # an unresolved base may define __init__ or __new__ before it
            defines_new = "__new__" in vars(klass.obj)
            defines_init = "__init__" in vars(klass.obj)
            if klass.obj is object:
                calls_object_new = not new_found
                new_found = init_found = True
                continue
            if (defines_new and not new_found) or (defines_init and not init_found):
                return None  # a builtin or standard-library constructor: its signature is not read here
            continue
        if not (klass.bindings.get("__new__") or klass.bindings.get("__init__") or klass.is_namedtuple
                or klass.is_dataclass or klass.is_protocol):
            continue
        if _hidden_before(mro, position):
            return None
        if not new_found:
            if "__new__" in klass.bindings:
                return None
            if klass.is_namedtuple:
                new = namedtuple_new(klass)
                if new is None:
                    return None
                new_found = True
                evidence.append(Location(klass.path, klass.line, klass.col + 1,
                                         f"{klass.name} is a NamedTuple: its __new__ takes its fields"))
                if not init_found:
                    init_found = True  # tuple: object.__init__ ignores the arguments once __new__ is overridden
                continue
        if not init_found:
            if "__init__" in klass.bindings:
                member = _member_in_body(klass, "__init__")
                if member is None or member.kind is not MemberKind.METHOD:
                    return None
                init = member_signature(member, through_class=False)
                if init is None:
                    return None
                init_found = True
                evidence.append(member.location())
            elif klass.is_dataclass:
                options = _dataclass_options(klass)
                if options is None:
                    return None
                if options["init"]:
                    init = dataclass_init(klass)
                    if init is None:
                        return None
                    init_found = True
                    evidence.append(Location(klass.path, klass.line, klass.col + 1,
                                             f"@dataclass generates {klass.qualname}.__init__{init.render()}"))
            elif klass.is_protocol:
                return None  # typing.Protocol puts its own __init__ on protocol classes
    if not (new_found and init_found):
        return None
    return Constructor(new, init, tuple(evidence), calls_object_new)


# -- call shapes ----------------------------------------------------------------------------------

def _stores(container: ast.AST, name: str) -> list[ast.AST]:
    return [n for n in walk(container)
            if (isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load))
            or (isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names)
            or (isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.name == name)]


def _single_assignment(container: ast.AST, body: list[ast.stmt], name: str, before: int) -> ast.expr | None:
    """The value of `name` when a top-level `name = value` of `body` before line `before` is its only
    binding in `container`."""
    stores = _stores(container, name)
    if len(stores) != 1:
        return None
    for stmt in body:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and stmt.targets[0] is stores[0]
                and stmt.lineno < before):
            return stmt.value
    return None


def _only_unpacked(container: ast.AST, name: str) -> bool:
    """Every read of `name` unpacks it into a call (`*name`, `**name`): nothing can mutate it."""
    unpacked = {id(n.value) for n in walk(container) if isinstance(n, ast.Starred)}
    unpacked |= {id(k.value) for k in walk(container) if isinstance(k, ast.keyword) and k.arg is None}
    return all(id(n) in unpacked for n in walk(container)
               if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load))


def _unpacked_value(site: CallSite, expr: ast.expr) -> tuple[ast.AST, list[ast.stmt], ast.expr] | None:
    if not isinstance(expr, ast.Name):
        return None
    container: ast.AST = site.scope.function if site.scope.function is not None else site.scope.module.tree
    body = container.body if isinstance(container, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)) else []
    value = _single_assignment(container, body, expr.id, site.node.lineno)
    if value is None or not _only_unpacked(container, expr.id):
        return None
    return container, body, value


def _unpacked_length(site: CallSite, expr: ast.expr) -> int | None:
    """How many values `*expr` gives, when `expr` names a list or tuple display nothing mutates."""
    found = _unpacked_value(site, expr)
    if found is None:
        return None
    value = found[2]
    if isinstance(value, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in value.elts):
        return len(value.elts)
    return None


def _unpacked_keys(site: CallSite, expr: ast.expr) -> list[str] | None:
    """The keyword names `**expr` gives, when `expr` names a dict display with string keys."""
    found = _unpacked_value(site, expr)
    if found is None:
        return None
    container, body, value = found
    if not isinstance(value, ast.Dict):
        return None
    keys: list[str] = []
    for key in value.keys:
        if isinstance(key, ast.Name):
            key = _single_assignment(container, body, key.id, site.node.lineno)
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        if key.value not in keys:
            keys.append(key.value)
    return keys


def call_shape(site: CallSite) -> CallShape:
    """The arguments of the call, with `*name`/`**name` expanded when `name` is a literal display
    bound once and only ever unpacked (`list_0 = []; C(*list_0)`)."""
    shape = CallShape.from_call(site.node)
    if shape.exact:
        return shape
    positional, star = 0, False
    for arg in site.node.args:
        if isinstance(arg, ast.Starred):
            length = _unpacked_length(site, arg.value)
            star = star or length is None
            positional += length or 0
        else:
            positional += 1
    keywords: list[str] = []
    double_star = False
    for keyword in site.node.keywords:
        if keyword.arg is not None:
            keywords.append(keyword.arg)
            continue
        keys = _unpacked_keys(site, keyword.value)
        double_star = double_star or keys is None
        keywords.extend(keys or [])
    if len(set(keywords)) != len(keywords):
        return shape  # the same keyword twice: CPython words that error differently
    return CallShape(positional, tuple(keywords), star, double_star)


# -- judging calls --------------------------------------------------------------------------------

def _problem(site: CallSite, error: BindError, confidence: Confidence,
             evidence: tuple[Location, ...] = ()) -> CallProblem:
    if not error.exact:
        confidence = min(confidence, Confidence.MEDIUM)
    return CallProblem(site, _CODE_OF_KIND[error.kind], error.message, confidence, evidence)


def _confidence(cls: ClassInfo | None, exact: bool) -> Confidence:
    if not exact:
        return Confidence.MEDIUM
    if cls is not None and any(isinstance(k, ClassInfo) and has_unresolved_base(k) for k in cls.mro):
        return Confidence.MEDIUM
    return Confidence.HIGH


def _constructor_problem(site: CallSite, cls: ClassInfo, exact: bool) -> CallProblem | None:
    if "." not in cls.qualname and cls.module.names.get(cls.name) is not cls.node:
        return None  # the module binds the class's name again (`C = decorate(C)`, a second `class C`)
    shape = call_shape(site)
    ctor = constructor(cls)
    no_init = ctor is not None and ctor.calls_object_new and ctor.init is None
    confidence = _confidence(cls, exact)
    if no_init and shape.has_arguments and (exact or not any(True for _ in all_subclasses(cls))):
        # object.__new__ checks the arguments before the abstract methods.
        code = TOO_MANY if shape.positional else UNEXPECTED
        return CallProblem(site, code, f"{cls.name}() takes no arguments", confidence,
                           (Location(cls.path, cls.line, cls.col + 1,
                                     f"neither {cls.name} nor a base defines __init__ or __new__"),))
    if exact and _abstract_applies(cls):
        return abstract_problem(site, cls)
    if ctor is None or (cls.is_abc and cls.abstract_methods):
        return None
    if not exact:
        for sub in all_subclasses(cls):
            other = constructor(sub)
            if other is None or other.new != ctor.new or other.init != ctor.init or sub.abstract_methods:
                return None
    for sig in (ctor.new, ctor.init):
        if sig is None:
            continue
        error = bind(sig, shape)
        if error is not None:
            return _problem(site, error, confidence, ctor.evidence)
    return None


def abstract_problem(site: CallSite, cls: ClassInfo) -> CallProblem:
    names = sorted(cls.abstract_methods)
    plural = "s" if len(names) > 1 else ""
    message = f"Can't instantiate abstract class {cls.name} with abstract method{plural} {', '.join(names)}"
    evidence = []
    for name in names:
        for klass in cls.mro:
            if isinstance(klass, ClassInfo):
                stmt = next((s for s in _top_level_bindings(klass, name)), None)
                if stmt is not None:
                    evidence.append(Location(klass.path, stmt.lineno, stmt.col_offset + 1,
                                             f"{klass.name}.{name} is abstract"))
                    break
    return CallProblem(site, ABSTRACT, message, Confidence.HIGH, tuple(evidence))


def _property_type(member: Member) -> str | None:
    """The type name of what a property's getter returns, when every return says it."""
    node = member.node
    if node is None:
        return None
    types: set[str | None] = set()
    raises = False
    for sub in _own_nodes(node):
        if isinstance(sub, ast.Return):
            types.add(literal_type(sub.value) if sub.value is not None else "NoneType")
        elif isinstance(sub, (ast.Yield, ast.YieldFrom)):
            return "generator"
        elif isinstance(sub, ast.Raise):
            raises = True
    if not types:
        return None if raises else "NoneType"
    if len(types) == 1 and None not in types:
        return types.pop()
    annotation = node.returns
    if isinstance(annotation, ast.Name) and annotation.id in _TYPE_NAMES:
        return annotation.id
    if isinstance(annotation, ast.Constant) and annotation.value is None:
        return "NoneType"
    return None


def _own_nodes(node: FunctionNode) -> Iterator[ast.AST]:
    """Nodes of a function body, not descending into nested functions, lambdas or classes."""
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.append(child)


def _tested(site: CallSite, name: str) -> bool:
    """The code around the call tests `x.name` (`if self.hook:`, `callable(self.hook)`): the author
    expects it may hold something callable."""
    container: ast.AST = site.scope.function if site.scope.function is not None else site.scope.module.tree
    tests: list[ast.AST] = []
    for node in walk(container):
        if isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert)):
            tests.append(node.test)
        elif isinstance(node, ast.BoolOp):
            tests.extend(node.values)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "callable":
            tests.extend(node.args)
    return any(isinstance(n, ast.Attribute) and n.attr == name for test in tests for n in walk(test))


def _not_callable(site: CallSite, member: Member, through_class: bool, exact: bool,
                  index: RepoIndex) -> CallProblem | None:
    assert isinstance(member.owner, ClassInfo)
    name = site.method or ""
    if name in index.unknown_stores.get(site.scope.module.root, set()) or name in repo_facts(index).set_by_name:
        return None  # some object we could not follow, or a setattr/patch by name, may rebind it
    if _tested(site, name):
        return None
    if member.kind is MemberKind.LITERAL:
        type_name = member.literal_type
        if type_name == "NoneType" and not exact:
            return None  # `hook = None` in a class body: a slot that instances or callers fill in
        where = f"{member.owner.name}.{name} is bound to a {type_name} in the class body"
    elif through_class:
        # On the class, the descriptor itself is what gets called.
        decorators = _decorators(member.owner.module, member.node) if member.node is not None else []
        type_name = next((d.rsplit(".", 1)[-1] for d in decorators if d in _PROPERTY_DECORATORS), "property")
        where = f"{member.owner.name}.{name} is a {type_name}"
    else:
        type_name = _property_type(member)
        where = f"{member.owner.name}.{name} is a property: `.{name}` is already its value"
        if type_name is None:
            return None
    evidence = (Location(member.owner.path, member.node.lineno if member.node else member.owner.line, 1, where),)
    return CallProblem(site, NOT_CALLABLE, f"'{type_name}' object is not callable", Confidence.HIGH, evidence)


def _method_problem(site: CallSite, index: RepoIndex) -> CallProblem | None:
    receiver = site.receiver
    name = site.method
    assert name is not None
    shape = call_shape(site)
    if isinstance(receiver, SuperValue):
        return _super_problem(site, receiver.cls, name, shape, index)
    if not isinstance(receiver, (Instance, ClassObject)) or not isinstance(receiver.cls, ClassInfo):
        return None
    cls = receiver.cls
    through_class = isinstance(receiver, ClassObject)
    if through_class and (cls.metaclass is not None and not isinstance(cls.metaclass, ExternalClass)):
        return None
    member = member_for_all(cls, name, receiver.exact)
    if member is None or member.kind is MemberKind.EXTERNAL:
        return None
    if member.kind in (MemberKind.PROPERTY, MemberKind.LITERAL):
        return _not_callable(site, member, through_class, receiver.exact, index)
    sig = member_signature(member, through_class)
    if sig is None:
        return None
    error = bind(sig, shape)
    if error is None:
        return None
    return _problem(site, error, _confidence(cls, receiver.exact), (member.location(),))


def _super_problem(site: CallSite, cls: ClassInfo, name: str, shape: CallShape,
                   index: RepoIndex) -> CallProblem | None:
    """`super().name(...)` in a method of `cls`, for `cls` and every subclass of the repo."""
    function = site.scope.function
    if function is None or site.scope.cls is not cls or _method_kind(cls.module, function) is not MemberKind.METHOD:
        return None  # in a classmethod or staticmethod, `super()` binds otherwise
    func = site.node.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and not func.value.args):
        return None  # `super(Base, self)` starts the lookup after Base, not after this class
    members = [find_member(k, name, after=cls) for k in [cls, *all_subclasses(cls)]]
    first = members[0]
    if first is None or any(m is None or not m.same_as(first) for m in members):
        return None
    if first.kind is MemberKind.EXTERNAL:
        assert isinstance(first.owner, ExternalClass)
        if first.owner.obj is object and name == "__init__" and shape.has_arguments:
            # object.__init__ refuses arguments when the instance's class defines __init__ (it does:
            # the class whose method makes this call, or a class before it, defines it).
            # A class nobody instantiates may be a mixin meant to sit before another base.
            instantiated = any(id(k) in index.instantiated for k in [cls, *all_subclasses(cls)])
            if instantiated and any(isinstance(k, ClassInfo) and "__init__" in k.bindings for k in cls.mro):
                return CallProblem(site, TOO_MANY if shape.positional else UNEXPECTED,
                                   "object.__init__() takes exactly one argument (the instance to initialize)",
                                   _confidence(cls, shape.exact),
                                   (Location(cls.path, cls.line, cls.col + 1,
                                             f"after {cls.name} in the MRO, __init__ is object's"),))
        return None
    if first.kind in (MemberKind.PROPERTY, MemberKind.LITERAL):
        return None
    sig = member_signature(first, through_class=False)
    if sig is None:
        return None
    error = bind(sig, shape)
    if error is None:
        return None
    return _problem(site, error, _confidence(cls, True), (first.location(),))


def _function_problem(site: CallSite, value: FunctionValue, index: RepoIndex) -> CallProblem | None:
    if value.node.name in value.module.attribute_stores or value.node.name in repo_facts(index).rebound_functions:
        return None  # rebound from outside, through `global`, or given new `__defaults__`/`__code__`
    qualname = function_qualname(value.module, value.node)
    if "." not in qualname and value.module.names.get(value.node.name) is not value.node:
        return None  # the module binds the name again: a function may see the other value at call time
    sig = function_signature(value.module, value.node, qualname)
    if sig is None:
        return None
    error = bind(sig, call_shape(site))
    if error is None:
        return None
    where = Location(value.module.display_path, value.node.lineno, value.node.col_offset + 1,
                     f"{sig.qualname}{sig.render()} is defined here")
    return _problem(site, error, Confidence.HIGH, (where,))


_RAISES_CALLS = frozenset({"raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp", "failUnlessRaises"})
_FUNCTION_REWRITES = frozenset({"__defaults__", "__kwdefaults__", "__code__"})
_GUARD_NAMES = frozenset({"version_info", "hexversion", "platform", "TYPE_CHECKING", "PY2", "PY3", "PYPY"})


@dataclass(frozen=True)
class RepoFacts:
    """What the whole repo says about its calls, gathered once per index."""

    set_by_name: frozenset[str]  # attribute names set by `setattr(x, "name", v)` or `mock.patch.object`
    rebound_functions: frozenset[str]  # functions declared `global` somewhere, or whose `__defaults__` is set


def _exception_names(args: list[ast.expr]) -> set[str]:
    names: set[str] = set()
    for arg in args:
        for node in arg.elts if isinstance(arg, ast.Tuple) else [arg]:
            names.add((dotted_name(node) or "").rsplit(".", 1)[-1])
    return names


def _handles_type_error(handler: ast.ExceptHandler) -> bool:
    return handler.type is None or bool(_exception_names([handler.type]) & CAUGHT_TYPE_ERROR)


def _is_version_guard(test: ast.expr, module: ModuleInfo) -> bool:
    """`sys.version_info >= (3, 12)`, `pytest.__version__ < "7"`, `sys.platform == "win32"`, `TYPE_CHECKING`,
    and feature tests on an imported module (`hasattr(typing, "TypeAliasType")`)."""
    for node in walk(test):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
        if name in _GUARD_NAMES or "version" in name.lower():
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "hasattr" \
                and node.args and isinstance(node.args[0], ast.Name):
            binding = module.imports.get(node.args[0].id)
            if binding is not None and binding.attribute is None:
                return True
    return False


def _calls_in(nodes: list[ast.stmt] | list[ast.expr]) -> Iterator[int]:
    for node in nodes:
        yield from (id(n) for n in walk(node) if isinstance(n, ast.Call))


def _exempt_calls(module: ModuleInfo) -> Iterator[int]:
    """Calls a test expects to raise TypeError (`raises(TypeError, lambda: ...)`, `with
    pytest.raises(TypeError):`, `except TypeError:` around them, a class body included), and calls
    under a Python-version or platform test (`if sys.version_info >= (3, 12):`, `if TYPE_CHECKING:`)."""
    for node in walk(module.tree):
        if isinstance(node, ast.Call) and node.args \
                and (dotted_name(node.func) or "").rsplit(".", 1)[-1] in _RAISES_CALLS:
            if _exception_names(node.args[:1]) & CAUGHT_TYPE_ERROR:
                lambdas = [a for a in [*node.args[1:], *(k.value for k in node.keywords)] if isinstance(a, ast.Lambda)]
                yield from _calls_in([lam.body for lam in lambdas])
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                expr = item.context_expr
                call = expr if isinstance(expr, ast.Call) else None
                helper = (dotted_name(call.func if call else expr) or "").rsplit(".", 1)[-1].lower()
                named = _exception_names(list(call.args) if call else [])
                # `raises`-like helpers of any name; a custom one may not name the exception it expects.
                exceptions = {n for n in named if n.endswith(("Error", "Exception"))}
                expects = "raise" in helper and (not exceptions or bool(exceptions & CAUGHT_TYPE_ERROR))
                if expects or (helper == "suppress" and named & CAUGHT_TYPE_ERROR):
                    yield from _calls_in(node.body)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            if any(_handles_type_error(h) for h in node.handlers):  # type: ignore[attr-defined]
                yield from _calls_in(node.body)  # type: ignore[attr-defined]
        elif isinstance(node, (ast.If, ast.IfExp)) and _is_version_guard(node.test, module):
            yield from _calls_in([node.body, node.orelse] if isinstance(node, ast.IfExp)
                                 else [*node.body, *node.orelse])


_FACTS: dict[int, tuple[RepoIndex, RepoFacts]] = {}


def repo_facts(index: RepoIndex) -> RepoFacts:
    cached = _FACTS.get(id(index))
    if cached is not None and cached[0] is index:
        return cached[1]
    rebound: set[str] = set()
    for module in index.modules:
        if index.walked is None or id(module) in index.walked:  # the others' are in their replayed effects
            rebound |= global_names(module)
    set_by_name = names_set_by(index.calls)
    rebound |= rebound_by(index.accesses)
    for effects in index.replayed:  # modules a partial check did not walk
        set_by_name.update(effects.names_set)
        rebound.update(effects.rebound)
    facts = RepoFacts(frozenset(set_by_name), frozenset(rebound))
    _FACTS.clear()
    _FACTS[id(index)] = (index, facts)
    return facts


# Which calls of a module are exempt needs a walk of all of it: done only for a module where a call
# would raise, once per tree.
_EXEMPT: weakref.WeakKeyDictionary[ast.Module, frozenset[int]] = weakref.WeakKeyDictionary()


def exempt_calls(module: ModuleInfo) -> frozenset[int]:
    """The ids of the calls of `module` that are expected to fail or run only on other Pythons."""
    found = _EXEMPT.get(module.tree)
    if found is None:
        found = frozenset(_exempt_calls(module))
        _EXEMPT[module.tree] = found
    return found


def names_set_by(calls: Iterable[CallSite]) -> set[str]:
    """Attribute names set by name (`setattr(x, "name", v)`, `mock.patch.multiple(C, name=...)`)."""
    found: set[str] = set()
    for site in calls:
        callee = (dotted_name(site.node.func) or "").rsplit(".", 1)[-1]
        args = site.node.args
        if callee in {"setattr", "object"} and len(args) >= 2 and isinstance(args[1], ast.Constant) \
                and isinstance(args[1].value, str):
            found.add(args[1].value)
        elif callee == "multiple":
            found.update(k.arg for k in site.node.keywords if k.arg is not None)
    return found


def rebound_by(accesses: Iterable[AttributeAccess]) -> set[str]:
    """Functions whose code is replaced at runtime (`f.__code__ = ...`)."""
    return {(dotted_name(a.node.value) or "").rsplit(".", 1)[-1]
            for a in accesses if a.store and a.attr in _FUNCTION_REWRITES}


def judge(site: CallSite, index: RepoIndex) -> CallProblem | None:
    """The TypeError this call raises, when it certainly raises one."""
    if site.caught & CAUGHT_TYPE_ERROR:
        return None
    problem = _judge(site, index)
    if problem is not None and id(site.node) in exempt_calls(site.scope.module):
        return None
    return problem


def _judge(site: CallSite, index: RepoIndex) -> CallProblem | None:
    callee = site.callee
    if isinstance(callee, ClassObject) and isinstance(callee.cls, ClassInfo):
        return _constructor_problem(site, callee.cls, callee.exact)
    if isinstance(callee, FunctionValue):
        return _function_problem(site, callee, index)
    if isinstance(callee, (ModuleValue, StdlibModule)) and not (
            isinstance(callee, StdlibModule) and callee.name.startswith("<")):
        return CallProblem(site, NOT_CALLABLE, "'module' object is not callable", Confidence.HIGH)
    if isinstance(callee, Instance) and isinstance(callee.cls, ClassInfo) and callee.exact:
        # Only an instance made by `C(...)`: an annotated parameter may hold a callable subtype.
        return _instance_call_problem(site, callee.cls)
    if site.method is not None and callee is None:
        return _method_problem(site, index)
    return None


def _instance_call_problem(site: CallSite, cls: ClassInfo) -> CallProblem | None:
    """`obj(...)`: CPython looks `__call__` up on the type (never on the instance)."""
    if not _type_level_closed(cls) or not _decorators_known(cls) or cls.is_enum:
        return None
    for position, base in enumerate(cls.mro):
        if isinstance(base, ExternalClass):
            if _hidden_before(cls.mro, position) or any("__call__" in vars(k) for k in base.obj.__mro__
                                                         if k is not object):
                return None
        elif "__call__" in base.bindings or base.is_namedtuple:
            return None
    return CallProblem(site, NOT_CALLABLE, f"'{cls.name}' object is not callable", _confidence(cls, True),
                       (Location(cls.path, cls.line, cls.col + 1,
                                 f"neither {cls.name} nor a base defines __call__"),))


def call_problems(index: RepoIndex) -> list[CallProblem]:
    """Every call that raises TypeError in the modules whose findings are reported (all but in a
    partial check), judged once per index."""
    cached = index.derived.get("call_problems")
    if cached is None:
        _QUALNAMES.clear()  # per-module cache of the previous index
        judged = _judged_calls(index)
        cached = [p for p in (judged.problem(site) for site in index.calls if index.reports(site.scope.module))
                  if p is not None]
        index.derived["call_problems"] = cached
    return cast(list[CallProblem], cached)


class _JudgedCalls:
    """Calls judged when first asked about (`judge` once per call): a followed callee's calls are
    judged only when a fault inside it needs them, not every call of the repo."""

    def __init__(self, index: RepoIndex) -> None:
        self.index = index
        self.sites: dict[int, CallSite] = {id(site.node): site for site in index.calls}
        self.in_function: dict[int, list[CallSite]] = {}
        for site in index.calls:
            if site.scope.function is not None:
                self.in_function.setdefault(id(site.scope.function), []).append(site)
        self.judged: dict[int, CallProblem | None] = {}

    def problem(self, site: CallSite) -> CallProblem | None:
        key = id(site.node)
        if key not in self.judged:
            self.judged[key] = judge(site, self.index)
        return self.judged[key]

    def fails(self, call: ast.Call) -> bool:
        site = self.sites.get(id(call))
        return site is not None and self.problem(site) is not None

    def failing_in(self, function: ast.AST) -> list[ast.Call]:
        return [site.node for site in self.in_function.get(id(function), []) if self.problem(site) is not None]


def _judged_calls(index: RepoIndex) -> _JudgedCalls:
    cached = index.derived.get("judged_calls")
    if cached is None:
        index.derived["judged_calls"] = cached = _JudgedCalls(index)
    return cast(_JudgedCalls, cached)


def fails_before_callee_fault(fault: CallFault, index: RepoIndex) -> bool:
    """Whether a TypeError comes before the fault a followed callee would raise: the call itself
    cannot run (an abstract class, arguments that do not bind), or a call on the callee's path,
    before the point the fault came out of it, raises (judged where the callee is defined)."""
    judged = _judged_calls(index)
    if judged.fails(fault.call):
        return True
    for function, surfaced in fault.inner.chain:
        start = (getattr(surfaced, "lineno", 0), getattr(surfaced, "col_offset", 0))
        for call in judged.failing_in(function):
            if (call.end_lineno or call.lineno, call.end_col_offset or 0) <= start:
                return True
    return False


def report(rule: Rule, ctx: CheckContext, code: str) -> Iterator[Finding]:
    """The findings of the call rule `rule`: the call problems with its code, at the call."""
    for problem in call_problems(ctx.index):
        if problem.code == code:
            yield rule.finding(problem.site.scope.module.display_path, problem.site.node, problem.message,
                               problem.confidence, problem.evidence)
