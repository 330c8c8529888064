"""What the analyzer knows about a repo: modules, classes, and where each attribute is bound."""

from __future__ import annotations

import ast
import enum
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

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


@dataclass(frozen=True, slots=True)
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


# A base or metaclass expression as resolution reads it: its dotted name (`models.Model`, the subscript
# of `Generic[T]` left out) when it is one, else None (it cannot be followed), and its source text.
ClassExpr = tuple[str | None, str]


@dataclass(eq=False)
class ClassInfo:
    """A class statement of the repo."""

    name: str
    qualname: str
    module: ModuleInfo
    # The statement; None for a class built from its module's summary until the module is parsed
    # (`node` parses it: only a module something looks into is parsed).
    parsed: ast.ClassDef | None
    line: int
    col: int
    # The bindings by name (`bindings`); a class built from a summary keeps them as stored until
    # something asks (most classes of a partial check are never looked into).
    own_bindings: dict[str, list[Binding]] = field(default_factory=dict)
    stored_bindings: Callable[[], dict[str, list[Binding]]] | None = field(default=None, repr=False)
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
    # What resolution needs of the class statement, kept apart from it (a summary has no AST).
    base_exprs: list[ClassExpr] = field(default_factory=list)
    metaclass_expr: ClassExpr | None = None
    bases_from_kwargs: bool = False  # `class C(**kwargs)`
    abstract_state: dict[str, bool] | None = None  # abstract.body_abstract_state, once computed
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
    def bindings(self) -> dict[str, list[Binding]]:
        if self.stored_bindings is not None:
            made, self.stored_bindings = self.stored_bindings(), None
            for name, group in self.own_bindings.items():
                made.setdefault(name, []).extend(group)
            self.own_bindings = made
        return self.own_bindings

    @property
    def node(self) -> ast.ClassDef:
        if self.parsed is None:
            self.module.load()
        assert self.parsed is not None, self
        return self.parsed

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
    """One file of the repo: parsed, or built from its summary and parsed when `tree` is first read."""

    name: str
    path: Path
    root: Path
    display_path: str
    parsed: ast.Module | None
    is_package: bool = False
    # Top-level names of the module with the statement that binds them (LazyNames before a parse).
    names: dict[str, ast.AST] = field(default_factory=dict)
    # Local alias -> imported module name (`import a.b as c`) or (module, attribute) for `from m import x`.
    imports: dict[str, ImportBinding] = field(default_factory=dict)
    classes: list[ClassInfo] = field(default_factory=list)
    open_reasons: list[str] = field(default_factory=list)
    attribute_stores: set[str] = field(default_factory=set)  # names stored on this module from outside
    digest: str = ""  # sha256 of the bytes parsed: `--fix` never rewrites a file changed since
    imported: frozenset[str] | None = None  # depends.imported_names, when known without a walk
    # Parses a module built from its summary (set by the index that built it).
    loader: Callable[[ModuleInfo], None] | None = field(default=None, repr=False)

    @property
    def tree(self) -> ast.Module:
        if self.parsed is None:
            self.load()
        assert self.parsed is not None, self
        return self.parsed

    @functools.cached_property
    def stable_path(self) -> str:
        """The file's name whatever the run called it (absolute): how caches name it (effects.stable_path)."""
        return os.path.abspath(self.path)

    @property
    def is_parsed(self) -> bool:
        return self.parsed is not None

    def load(self) -> None:
        """Parse a module built from its summary: its tree, its names' statements, its classes' nodes."""
        if self.parsed is None and self.loader is not None:
            self.loader(self)

    def __repr__(self) -> str:
        return f"<ModuleInfo {self.name} {self.display_path}>"


class LazyNames(dict[str, Any]):
    """The top-level names of a module built from its summary: which names it binds is known, the
    statement binding one only after a parse — asking for one parses the module (`fill`)."""

    def __init__(self, module: ModuleInfo, kinds: dict[str, Any]) -> None:
        super().__init__(dict.fromkeys(kinds))
        self.kinds = kinds  # name -> what binds it, as the summary says (summary.py)
        self.module = module
        self.filled = False

    def fill(self, nodes: dict[str, ast.AST]) -> None:
        dict.update(self, nodes)
        self.filled = True

    def _ensure(self) -> None:
        if not self.filled:
            self.module.load()

    def __getitem__(self, key: str) -> Any:
        self._ensure()
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._ensure()
        return super().get(key, default)

    def items(self) -> Any:
        self._ensure()
        return super().items()

    def values(self) -> Any:
        self._ensure()
        return super().values()

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._ensure()
        return super().setdefault(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        self._ensure()
        return super().pop(key, *default)


@dataclass(frozen=True, slots=True)
class ImportBinding:
    """What a local name of a module refers to through an import statement."""

    module: str  # absolute module name
    attribute: str | None  # None for `import m`; the imported name for `from m import x`
    line: int
    guarded: bool  # inside `try: ... except ImportError`
    bind_top: bool = False  # `import a.b` binds `a`
