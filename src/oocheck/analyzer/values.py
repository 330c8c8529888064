"""Abstract values the light inference gives to expressions."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from oocheck.analyzer.model import ClassInfo, ClassRef, ModuleInfo


class _NoConst:
    def __repr__(self) -> str:
        return "NO_CONST"


NO_CONST = _NoConst()


@dataclass(frozen=True, slots=True)
class Instance:
    """An instance of `cls`; `exact` when it cannot be an instance of a subclass (made by `C(...)`);
    `const` the value itself when it is a known constant (`633.0`, `None`, `"abc"`)."""

    cls: ClassRef
    exact: bool
    const: object = field(default=NO_CONST, compare=True)
    # For an object made by a `C(...)` call: that call's identity, the key of what is known of the
    # object's attributes right after construction (RepoIndex.instance_facts).
    origin: int = 0


@dataclass(frozen=True, slots=True)
class ClassObject:
    """The class object itself (`C`, or `cls` in a classmethod when not exact)."""

    cls: ClassRef
    exact: bool


@dataclass(frozen=True, slots=True)
class ModuleValue:
    module: ModuleInfo


@dataclass(frozen=True, slots=True)
class StdlibModule:
    name: str


@dataclass(frozen=True, slots=True)
class SuperValue:
    """`super()` inside a method of `cls`."""

    cls: ClassInfo


@dataclass(frozen=True, slots=True)
class FunctionValue:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    module: ModuleInfo


Value = Instance | ClassObject | ModuleValue | StdlibModule | SuperValue | FunctionValue | None
