"""What the analyzer knows about a repo: modules, classes, and where each attribute is bound."""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from oocheck.analyzer.external import ExternalClass


class BindingKind(enum.Enum):
    METHOD = "method"
    CLASSMETHOD = "classmethod"
    STATICMETHOD = "staticmethod"
    PROPERTY = "property"
    CLASS_VAR = "class variable"
    ANNOTATION = "annotation without a value"
    NESTED_CLASS = "nested class"
    INSTANCE = "instance attribute"
    SLOT = "__slots__ entry"
    FIELD = "field"
    ENUM_MEMBER = "enum member"
    STORED_OUTSIDE = "assignment outside the class"
    CLASS_STORED_OUTSIDE = "class attribute assigned after the class statement"


@dataclass(frozen=True)
class Binding:
    """One place where an attribute of a class gets a value."""

    name: str
    kind: BindingKind
    path: str
    line: int
    col: int
    class_level: bool  # exists on the class object itself, not only on instances
    method: str | None = None  # for instance attributes: the method that binds them

    def describe(self) -> str:
        where = f" in {self.method}()" if self.method else ""
        return f"{self.kind.value}{where}"


@dataclass(eq=False)
class ClassInfo:
    """A class statement of the repo."""

    name: str
    qualname: str
    module: ModuleInfo
    node: ast.ClassDef
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    bases: list[ClassRef] = field(default_factory=list)
    mro: list[ClassRef] = field(default_factory=list)
    metaclass: ClassRef | None = None
    open_reasons: list[str] = field(default_factory=list)
    subclasses: list[ClassInfo] = field(default_factory=list)
    decorators: list[str] = field(default_factory=list)
    is_dataclass: bool = False
    is_attrs: bool = False
    is_namedtuple: bool = False
    is_enum: bool = False
    is_typeddict: bool = False
    is_protocol: bool = False
    is_abc: bool = False  # its metaclass is ABCMeta or derives from it
    abstract_methods: set[str] = field(default_factory=set)
    # __init__ / __new__ details used by the super-init rule.
    init_calls: set[str] = field(default_factory=set)  # qualnames of bases whose __init__ it calls
    init_calls_super: bool = False
    init_is_dynamic: bool = False
    # True once the analyzer has computed bases and MRO.
    resolved: bool = False

    @property
    def path(self) -> str:
        return self.module.display_path

    @property
    def line(self) -> int:
        return self.node.lineno

    @property
    def is_open(self) -> bool:
        return bool(self.open_reasons)

    def add(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)

    def __repr__(self) -> str:
        return f"<ClassInfo {self.module.name}.{self.qualname}>"


ClassRef = Union[ClassInfo, "ExternalClass"]


@dataclass(eq=False)
class ModuleInfo:
    """One parsed file of the repo."""

    name: str
    path: Path
    root: Path
    display_path: str
    tree: ast.Module
    is_package: bool = False
    # Top-level names of the module with the line that binds them.
    names: dict[str, ast.AST] = field(default_factory=dict)
    # Local alias -> imported module name (`import a.b as c`) or (module, attribute) for `from m import x`.
    imports: dict[str, ImportBinding] = field(default_factory=dict)
    classes: list[ClassInfo] = field(default_factory=list)
    open_reasons: list[str] = field(default_factory=list)
    attribute_stores: set[str] = field(default_factory=set)  # names stored on this module from outside
    digest: str = ""  # sha256 of the bytes parsed: `--fix` never rewrites a file changed since

    def __repr__(self) -> str:
        return f"<ModuleInfo {self.name} {self.display_path}>"


@dataclass(frozen=True)
class ImportBinding:
    """What a local name of a module refers to through an import statement."""

    module: str  # absolute module name
    attribute: str | None  # None for `import m`; the imported name for `from m import x`
    line: int
    guarded: bool  # inside `try: ... except ImportError`
    bind_top: bool = False  # `import a.b` binds `a`
