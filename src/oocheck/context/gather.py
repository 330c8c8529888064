"""From the repo index to the context of a class: hierarchy, attributes, methods, constructors.

Everything here reads the analyzer's facts (bindings, MRO, abstract methods, constructors); the
only thing added is presentation: the source text of signatures and annotations, and a type for an
attribute when its binding says it plainly (an annotation, a literal, `C(...)`, an annotated parameter).
"""

from __future__ import annotations

import ast
import copy
import inspect
from collections.abc import Iterator
from dataclasses import replace

from oocheck.analyzer.external import ExternalClass
from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.members import all_subclasses, running_inits
from oocheck.analyzer.model import Binding, BindingKind, ClassInfo, ClassRef, ModuleInfo
from oocheck.analyzer.values import ClassObject
from oocheck.calls import constructor, has_unresolved_base, literal_type
from oocheck.context.model import (
    Attribute,
    ClassContext,
    ClassName,
    Constructor,
    ExternalMembers,
    ImportableModule,
    Place,
)

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_METHOD_KINDS = {BindingKind.METHOD, BindingKind.CLASSMETHOD, BindingKind.STATICMETHOD}
_MAX_EXTERNAL_NAMES = 40
_UNKNOWN_CONSTRUCTOR = "not known statically (a builtin base, decorator, metaclass or unresolved base decides it)"


def class_name(cls: ClassRef) -> str:
    if isinstance(cls, ExternalClass):
        return cls.qualname.removeprefix("builtins.")
    return f"{cls.module.name}:{cls.qualname}"


def class_ref(cls: ClassRef) -> ClassName:
    if isinstance(cls, ExternalClass):
        return ClassName(class_name(cls))
    return ClassName(class_name(cls), Place(cls.path, cls.line))


def describe_class(index: RepoIndex, cls: ClassInfo) -> ClassContext:
    positions = _positions(cls.node)
    attributes, methods, abstract = _members(index, cls, positions)
    return ClassContext(
        name=class_name(cls),
        where=Place(cls.path, cls.line),
        bases=[class_ref(b) for b in cls.bases],
        mro_classes=[class_name(k) for k in cls.mro],
        subclasses=sorted((class_ref(s) for s in all_subclasses(cls)), key=lambda c: c.name),
        open_reasons=_open_reasons(cls),
        constructor=describe_constructor(cls),
        abstract=abstract,
        attributes=attributes,
        methods=methods,
        external=_external_members(cls),
        uses=[describe_constructor(used) for used in _used_classes(index, cls)],
    )


def _open_reasons(cls: ClassInfo) -> list[str]:
    reasons = [f"{k.name} {reason}" for k in cls.mro if isinstance(k, ClassInfo) for reason in k.open_reasons]
    # One external class is enough to say why: its bases usually share the reason.
    reasons += [f"{k.qualname} defines __getattr__ or sets attributes dynamically"
                for k in cls.mro if isinstance(k, ExternalClass) and k.obj is not object and k.is_open][:1]
    return list(dict.fromkeys(reasons))


# -- members --------------------------------------------------------------------------------------

def _members(index: RepoIndex, cls: ClassInfo, own_positions: dict[tuple[int, int], ast.AST]
             ) -> tuple[list[Attribute], list[Attribute], list[Attribute]]:
    """Data attributes, methods and still-abstract methods, each name once, as the MRO resolves it."""
    inits = running_inits(cls)
    seen: set[str] = set()
    data: list[Attribute] = []
    methods: list[Attribute] = []
    abstract: list[Attribute] = []
    positions = {id(cls): own_positions}
    for klass in cls.mro:
        if not isinstance(klass, ClassInfo):
            continue
        where = positions.setdefault(id(klass), _positions(klass.node))
        for name in sorted(klass.bindings, key=lambda n: (klass.bindings[n][0].line, n)):
            if name in seen:
                continue
            bindings = [b for b in klass.bindings[name] if b.kind is not BindingKind.ANNOTATION] \
                or klass.bindings[name]
            seen.add(name)
            attribute = _attribute(index, cls, klass, name, bindings, where, inits)
            if attribute.abstract:
                abstract.append(attribute)
            elif klass is not cls and _raises_not_implemented(where.get((bindings[0].line, bindings[0].col))):
                # The abstract method of a class not under ABCMeta: nothing stops instantiation, the call fails.
                abstract.append(replace(attribute, note=f"{klass.name}.{name} raises NotImplementedError"))
            elif attribute.kind in {k.value for k in _METHOD_KINDS}:
                methods.append(attribute)
            else:
                data.append(attribute)
    for name in sorted(cls.abstract_methods - seen):  # abstract in a standard-library base
        owner = next((k for k in cls.mro if isinstance(k, ExternalClass) and name in vars(k.obj)), None)
        if owner is not None:
            abstract.append(Attribute(name, "method", class_name(owner), True, "class", None,
                                      _external_signature(owner, name), True, [], []))
    return data, methods, abstract


def _raises_not_implemented(node: ast.AST | None) -> bool:
    """A method whose body (after its docstring) is only `raise NotImplementedError[(...)]`."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    raised = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def _attribute(index: RepoIndex, cls: ClassInfo, owner: ClassInfo, name: str, bindings: list[Binding],
               positions: dict[tuple[int, int], ast.AST], inits: set[int] | None) -> Attribute:
    first = bindings[0]
    node = positions.get((first.line, first.col))
    signature = _signature(node) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    kind = first.kind
    type_text = _binding_type(index, owner, first, node)
    if owner.is_enum and kind is BindingKind.CLASS_VAR and isinstance(node, ast.Assign) and not name.startswith("_"):
        kind, type_text = BindingKind.ENUM_MEMBER, owner.name  # `Color.RED` is a Color, whatever its value
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and kind is BindingKind.PROPERTY:
        type_text = ast.unparse(node.returns) if node.returns is not None else None
        signature = None
    overrides = None
    if kind in _METHOD_KINDS and owner is cls:
        overrides = _shadowed_signature(cls, name)
    level = "class" if any(b.class_level for b in bindings) else "instance"
    bound_in = list(dict.fromkeys(b.method for b in bindings if b.method is not None))
    note = _missing_note(cls, owner, bindings, inits)
    if note is None and kind is BindingKind.INSTANCE and "__init__" not in bound_in and bound_in:
        note = f"set only once {' or '.join(f'{m}()' for m in bound_in)} has run"
    if kind is BindingKind.SLOT:
        note = "a __slots__ entry: it has no value until one is assigned"
    elif kind is BindingKind.ANNOTATION:
        note = "annotated only: it has no value until one is assigned (reading it first raises AttributeError)"
    return Attribute(
        name=name, kind=kind.value, owner=class_name(owner), inherited=owner is not cls, level=level,
        type=type_text, signature=signature, abstract=name in cls.abstract_methods,
        bound_at=list(dict.fromkeys(Place(b.path, b.line) for b in bindings)), bound_in=bound_in,
        overrides=overrides, note=note)


def _missing_note(cls: ClassInfo, owner: ClassInfo, bindings: list[Binding], inits: set[int] | None) -> str | None:
    """An instance attribute bound only by an `__init__` that never runs for `cls` (OO106's case)."""
    if inits is None or id(owner) in inits:
        return None
    if not all(b.kind is BindingKind.INSTANCE and b.method == "__init__" for b in bindings):
        return None
    skipping = next((k for k in cls.mro if isinstance(k, ClassInfo) and id(k) in inits
                     and not k.init_calls_super), None)
    who = f"{skipping.name}.__init__ does not call super().__init__()" if skipping else "it is not called"
    return f"set only by {owner.name}.__init__, which does not run for {cls.name}: {who}"


def _shadowed_signature(cls: ClassInfo, name: str) -> str | None:
    for klass in cls.mro[1:]:
        if isinstance(klass, ExternalClass):
            if klass.obj is object:
                return None
            if name in vars(klass.obj):
                sig = _external_signature(klass, name)
                return f"{class_name(klass)}.{name}{sig}" if sig else None
            continue
        if name in klass.bindings:
            for stmt in klass.node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                    return f"{klass.name}.{name}{_signature(stmt)}"
            return None
    return None


def _external_signature(cls: ExternalClass, name: str) -> str | None:
    try:
        return str(inspect.signature(vars(cls.obj)[name]))
    except (TypeError, ValueError, KeyError):
        return None


def _signature(func: FunctionNode, drop_first: bool = False) -> str:
    args = func.args
    if drop_first:
        args = copy.copy(args)
        if args.posonlyargs:
            args.posonlyargs = args.posonlyargs[1:]
        else:
            args.args = args.args[1:]
    returns = f" -> {ast.unparse(func.returns)}" if func.returns is not None else ""
    return f"({ast.unparse(args)}){returns}"


def _positions(node: ast.ClassDef) -> dict[tuple[int, int], ast.AST]:
    """Each statement of the class by the position its bindings record (a statement's own position,
    or that of a `self.x` target inside a method)."""
    found: dict[tuple[int, int], ast.AST] = {}
    for child in ast.walk(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[(child.lineno, child.col_offset)] = child
        elif isinstance(child, (ast.Assign, ast.AnnAssign)):
            targets = child.targets if isinstance(child, ast.Assign) else [child.target]
            for target in targets:
                found.setdefault((target.lineno, target.col_offset), child)
            found.setdefault((child.lineno, child.col_offset), child)
    return found


def _binding_type(index: RepoIndex, owner: ClassInfo, binding: Binding, node: ast.AST | None) -> str | None:
    if isinstance(node, ast.AnnAssign):
        return ast.unparse(node.annotation)
    if not isinstance(node, ast.Assign) or len(node.targets) != 1 or isinstance(node.targets[0], ast.Tuple):
        return None
    value = node.value
    if isinstance(value, ast.Constant) and value.value is None:
        return "None"
    if isinstance(value, ast.Call):
        made = _class_value(index, owner.module, value.func)
        return made.name if made is not None else None
    if isinstance(value, ast.Name) and binding.method is not None:
        func = _method(owner, binding.method)
        return _parameter_type(func, value.id) if func is not None else None
    return literal_type(value)


def _parameter_type(func: FunctionNode, name: str) -> str | None:
    """The annotation of parameter `name` (a default's type is not the parameter's: callers may pass others)."""
    for arg in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]:
        if arg.arg == name and arg.annotation is not None:
            return ast.unparse(arg.annotation)
    return None


def _method(cls: ClassInfo, name: str) -> FunctionNode | None:
    found = None
    for stmt in cls.node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
            found = stmt
    return found


def _class_value(index: RepoIndex, module: ModuleInfo, expr: ast.expr) -> ClassRef | None:
    if not isinstance(expr, (ast.Name, ast.Attribute)):
        return None
    value = index.static_value(module, expr)
    return value.cls if isinstance(value, ClassObject) else None


# -- external bases -------------------------------------------------------------------------------

def _external_members(cls: ClassInfo) -> list[ExternalMembers]:
    """Public names that builtin and standard-library bases add (object's are known to everyone)."""
    shown = {n for k in cls.mro if isinstance(k, ClassInfo) for n in k.bindings}
    result = []
    for klass in cls.mro:
        if isinstance(klass, ExternalClass) and klass.obj is not object:
            names = sorted(n for n in vars(klass.obj) if not n.startswith("_") and n not in shown)
            shown.update(names)  # a name is the first class's of the MRO that has it
            if names:
                result.append(ExternalMembers(class_name(klass), names[:_MAX_EXTERNAL_NAMES]))
    return result


# -- constructors ---------------------------------------------------------------------------------

def describe_constructor(cls: ClassInfo) -> Constructor:
    """`Name(params)` as `cls(...)` binds its arguments, through the checker's own constructor model."""
    ref = class_ref(cls)
    try:
        found = constructor(cls)
    except Exception:  # a class the call model cannot read must not stop the context
        found = None
    if found is None and cls.is_enum:
        return Constructor(ref, f"{cls.name}(value)")  # Enum(value) looks a member up; it makes none
    if found is None:
        inherited = _external_constructor(cls)
        return Constructor(ref, inherited, None if inherited else _UNKNOWN_CONSTRUCTOR)
    signature = found.new or found.init
    if signature is None:
        return Constructor(ref, f"{cls.name}()")
    for klass in cls.mro:
        if not isinstance(klass, ClassInfo):
            break
        func = _method(klass, "__new__" if found.new is not None else "__init__")
        if func is not None:
            return Constructor(ref, f"{cls.name}{_signature(func, drop_first=True).split(' -> ')[0]}")
    params = signature.params[signature.bound or 1:]
    text = type(signature)(signature.qualname, params).render()
    return Constructor(ref, f"{cls.name}{text}")


def _external_constructor(cls: ClassInfo) -> str | None:
    """`Name(...)` when the first constructor of the MRO is a builtin or standard-library class's."""
    if any(isinstance(k, ClassInfo) and has_unresolved_base(k) for k in cls.mro):
        return None  # the unresolved base may define its own
    for klass in cls.mro:
        if isinstance(klass, ClassInfo):
            if any(n in klass.bindings for n in ("__init__", "__new__")) or klass.node.decorator_list \
                    or klass.node.keywords:
                return None  # its own, generated or metaclass-made: not this question
            continue
        if klass.obj is object or not any(n in vars(klass.obj) for n in ("__init__", "__new__")):
            continue
        if issubclass(klass.obj, BaseException):
            return f"{cls.name}(*args)"  # BaseException keeps any positional arguments as .args
        try:
            return f"{cls.name}{inspect.signature(klass.obj)}"
        except (TypeError, ValueError):
            return None
    return None


def _used_classes(index: RepoIndex, cls: ClassInfo) -> list[ClassInfo]:
    """Repo classes `cls` instantiates (`C(...)`) or names in an annotation, in source order."""
    used: dict[int, ClassInfo] = {}
    for expr in _class_expressions(cls.node):
        value = index.static_value(cls.module, expr)
        if isinstance(value, ClassObject) and isinstance(value.cls, ClassInfo) and value.cls is not cls:
            used.setdefault(id(value.cls), value.cls)
    return list(used.values())


def _class_expressions(node: ast.ClassDef) -> Iterator[ast.expr]:
    for child in ast.walk(node):
        if isinstance(child, ast.Call) and isinstance(child.func, (ast.Name, ast.Attribute)):
            yield child.func
        annotations: list[ast.expr | None] = []
        if isinstance(child, ast.arg):
            annotations.append(child.annotation)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations.append(child.returns)
        elif isinstance(child, ast.AnnAssign):
            annotations.append(child.annotation)
        for annotation in annotations:
            if annotation is not None:
                yield from (n for n in ast.walk(annotation) if isinstance(n, (ast.Name, ast.Attribute)))


def _reexport(module: ModuleInfo, node: ast.AST, repo_modules: dict[str, str]) -> bool:
    """A package's `from .sub import X` (or from another repo module) is part of what it offers."""
    if not module.is_package or not isinstance(node, ast.ImportFrom):
        return False
    return node.level > 0 or (node.module is not None and node.module in repo_modules)


# -- importable names -----------------------------------------------------------------------------

def importable(indexes: list[RepoIndex], listed: list[str], repo_modules: dict[str, str]) -> list[ImportableModule]:
    """The public top-level names of each listed module, from its index entry."""
    result = []
    for name in listed:
        module = next((m for index in indexes for m in index.by_name.get(name, [])), None)
        if module is None:
            result.append(ImportableModule(name, repo_modules.get(name, ""), [], [], []))
            continue
        classes, functions, other = [], [], []
        for key, node in module.names.items():
            if key.startswith("_"):
                continue
            if isinstance(node, ast.ClassDef):
                classes.append(key)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.append(key)
            elif not isinstance(node, (ast.Import, ast.ImportFrom)) or _reexport(module, node, repo_modules):
                other.append(key)
        result.append(ImportableModule(name, module.display_path, sorted(classes), sorted(functions), sorted(other)))
    return result
