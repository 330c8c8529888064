"""Attribute lookup over a class's MRO: found, missing, or unknown (the class is open)."""

from __future__ import annotations

import ast
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field

from oocheck.analyzer.external import MODULE_ATTRS, TYPE_ATTRS, ExternalClass
from oocheck.analyzer.model import Binding, BindingKind, ClassInfo, ClassRef, ModuleInfo


class Found(enum.Enum):
    YES = "found"
    NO = "missing"
    UNKNOWN = "unknown"


@dataclass
class LookupResult:
    found: Found
    bindings: list[Binding] = field(default_factory=list)
    open_reason: str | None = None
    # Bindings of the name that exist but do not help this lookup (instance-only for a class read,
    # annotation without a value, an __init__ that never runs).
    unusable: list[Binding] = field(default_factory=list)


def open_reason(cls: ClassRef) -> str | None:
    """Why attributes of `cls` (through its MRO) cannot be known, or None when closed."""
    if isinstance(cls, ExternalClass):
        return f"{cls.qualname} defines __getattr__ or sets attributes dynamically" if cls.is_open else None
    for klass in cls.mro or [cls]:
        if isinstance(klass, ClassInfo) and klass.open_reasons:
            return f"{klass.name} {klass.open_reasons[0]}"
        if isinstance(klass, ExternalClass) and klass.is_open:
            return f"{klass.qualname} defines __getattr__ or sets attributes dynamically"
    return None


def _mro(cls: ClassRef) -> list[ClassRef]:
    if isinstance(cls, ExternalClass):
        from oocheck.analyzer.external import external_class

        return [external_class(k) for k in cls.obj.__mro__]
    return cls.mro or [cls]


def running_inits(cls: ClassInfo) -> set[int] | None:
    """ids of the classes whose `__init__` runs when `cls(...)` is created; None when unsure."""
    ran: set[int] = set()
    mro = cls.mro
    position = 0
    while position < len(mro):
        klass = mro[position]
        if isinstance(klass, ExternalClass):
            return ran  # an external __init__ chain: its attributes are counted as always there
        if "__init__" not in klass.bindings:
            position += 1
            continue
        ran.add(id(klass))
        if klass.init_is_dynamic:
            return None
        if klass.init_calls_super:
            position += 1
            continue
        if klass.init_calls:
            return None  # explicit Base.__init__(self) calls: follow them is not worth the risk here
        return ran
    return ran


def instance_lookup(cls: ClassRef, name: str, exact: bool = True) -> LookupResult:
    """Is `name` readable on an instance of `cls`?

    A name found in the MRO is found whatever else the class does; openness only matters for a miss
    (and is the expensive part for external classes, so it is asked last).
    """
    inits = running_inits(cls) if isinstance(cls, ClassInfo) and exact else None
    unusable: list[Binding] = []
    mro = _mro(cls)
    for klass in mro:
        if isinstance(klass, ExternalClass):
            if name in klass.class_attrs:
                return LookupResult(Found.YES)
            continue
        usable = []
        for binding in klass.bindings.get(name, []):
            skipped_init = (inits is not None and binding.kind is BindingKind.INSTANCE
                            and binding.method == "__init__" and id(klass) not in inits)
            # A slot is a descriptor on the class; the instance has no value until one is assigned.
            if binding.kind in (BindingKind.ANNOTATION, BindingKind.SLOT) or skipped_init:
                unusable.append(binding)
            else:
                usable.append(binding)
        if usable:
            return LookupResult(Found.YES, usable)
    reason = open_reason(cls)
    if reason is not None:
        return LookupResult(Found.UNKNOWN, open_reason=reason)
    if any(isinstance(k, ExternalClass) and name in k.instance_attrs for k in mro):
        return LookupResult(Found.YES)
    return LookupResult(Found.NO, unusable=unusable)


def class_lookup(cls: ClassRef, name: str) -> LookupResult:
    """Is `name` readable on the class object `cls` itself?"""
    if name in TYPE_ATTRS:
        return LookupResult(Found.YES)
    if isinstance(cls, ClassInfo):
        meta = cls.metaclass
        if isinstance(meta, ExternalClass) and name in meta.class_attrs:
            return LookupResult(Found.YES)
        if isinstance(meta, ClassInfo):
            return LookupResult(Found.UNKNOWN, open_reason=f"metaclass {meta.name}")
        if cls.is_attrs:
            return LookupResult(Found.UNKNOWN, open_reason="attrs classes move fields off the class")
    unusable: list[Binding] = []
    for klass in _mro(cls):
        if isinstance(klass, ExternalClass):
            if name in klass.class_attrs:
                return LookupResult(Found.YES)
            continue
        bindings = klass.bindings.get(name, [])
        usable = [b for b in bindings if b.class_level]
        if usable:
            return LookupResult(Found.YES, usable)
        unusable.extend(bindings)
    reason = open_reason(cls)
    if reason is not None:
        return LookupResult(Found.UNKNOWN, open_reason=reason)
    return LookupResult(Found.NO, unusable=unusable)


def super_lookup(cls: ClassInfo, name: str) -> LookupResult:
    """`super().name` in a method of `cls`: the classes after `cls` in the MRO of `cls` and of every
    known subclass (cooperative inheritance may put others in between)."""
    reason = open_reason(cls)
    if reason is not None:
        return LookupResult(Found.UNKNOWN, open_reason=reason)
    for concrete in [cls, *all_subclasses(cls)]:
        if open_reason(concrete) is not None:
            return LookupResult(Found.UNKNOWN, open_reason=open_reason(concrete))
        mro = concrete.mro
        after = mro[mro.index(cls) + 1:] if cls in mro else []
        for klass in after:
            if isinstance(klass, ExternalClass):
                if name in klass.class_attrs:
                    return LookupResult(Found.YES)
            elif any(b.class_level for b in klass.bindings.get(name, [])):
                return LookupResult(Found.YES)
    return LookupResult(Found.NO)


def all_subclasses(cls: ClassInfo) -> Iterator[ClassInfo]:
    seen: set[int] = set()
    stack = list(cls.subclasses)
    while stack:
        sub = stack.pop()
        if id(sub) in seen:
            continue
        seen.add(id(sub))
        yield sub
        stack.extend(sub.subclasses)


def candidate_names(cls: ClassRef, instance: bool) -> list[str]:
    """What `dir()` would list, for the "Did you mean" hint."""
    names: set[str] = set()
    for klass in _mro(cls):
        if isinstance(klass, ExternalClass):
            names |= klass.class_attrs
            if instance:
                names |= klass.instance_attrs
        else:
            names |= {n for n, bs in klass.bindings.items()
                      if any((instance or b.class_level) and b.kind is not BindingKind.ANNOTATION for b in bs)}
    if not instance:
        names |= {n for n in TYPE_ATTRS if n in {"mro"}}
    return sorted(names)


def module_lookup(module: ModuleInfo, name: str, has_submodule: bool) -> Found:
    if name in module.names or name in MODULE_ATTRS or name in module.attribute_stores or has_submodule:
        return Found.YES
    if module.open_reasons or any(key.startswith("*") for key in module.imports):
        return Found.UNKNOWN
    return Found.NO


def find_method(cls: ClassRef, name: str) -> tuple[ClassInfo, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """The `def name` that `cls(...).name` runs: the first class in the MRO whose body defines it.

    None when the first binding of `name` in the MRO is not a plain `def` of the repo (an external
    class, an assignment, a nested class).
    """
    for klass in _mro(cls):
        if isinstance(klass, ExternalClass):
            return None
        if name not in klass.bindings:
            continue
        found = None
        for stmt in klass.node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                found = stmt
        return (klass, found) if found is not None else None
    return None
