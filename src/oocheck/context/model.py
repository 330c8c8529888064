"""What `oocheck context` reports: plain dataclasses, serialised as they are by `--format json`.

The JSON schema is these classes (`dataclasses.asdict`), with `schema` bumped whenever a field
changes meaning. Every list is in a stable order (the MRO, then source order), so two runs on the
same code print the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Place:
    """A line of the repo: `path:line`."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class ClassName:
    """A class named in the context: `module:Qualname` for a repo class, `module.Qualname` for an
    external one (builtins, standard library), with where it is defined when it is in the repo."""

    name: str
    where: Place | None = None


@dataclass(frozen=True)
class Attribute:
    """One name readable on the class or its instances, as the first class of the MRO binds it."""

    name: str
    kind: str  # method, classmethod, staticmethod, property, instance attribute, class variable, field ...
    owner: str  # the class that binds it (`module:Qualname`)
    inherited: bool
    level: str  # "class": on the class object and its instances; "instance": only on instances
    type: str | None  # annotation, or the type of the value bound, when known
    signature: str | None  # methods and properties: `(self, a: int) -> str`
    abstract: bool
    bound_at: list[Place]
    bound_in: list[str]  # for instance attributes: the methods that bind them
    overrides: str | None = None  # `Base.name(self, x)`: the signature this definition shadows
    note: str | None = None  # why it may still be missing at runtime


@dataclass(frozen=True)
class Constructor:
    """How to call a class: `Name(a, b=1)`, or None when it cannot be known statically."""

    cls: ClassName
    call: str | None
    reason: str | None = None  # why `call` is None


@dataclass(frozen=True)
class ExternalMembers:
    """Public names a builtin or standard-library base contributes (its own `vars()`)."""

    cls: str
    names: list[str]


@dataclass
class ClassContext:
    name: str  # `module:Qualname`
    where: Place
    bases: list[ClassName]
    mro_classes: list[str]  # the C3 MRO (a field named `mro` would clash with type.mro)
    subclasses: list[ClassName]
    open_reasons: list[str]  # why the attribute list may be incomplete (empty: it is complete)
    constructor: Constructor
    # Must implement: still abstract here (`abstract` true: instantiating raises TypeError), or
    # inherited as a stub that raises NotImplementedError (`abstract` false, `note` says so).
    abstract: list[Attribute]
    attributes: list[Attribute]  # data: instance attributes, class variables, fields, properties
    methods: list[Attribute]
    external: list[ExternalMembers]
    uses: list[Constructor]  # classes of the repo it instantiates or names in annotations


@dataclass(frozen=True)
class ImportableModule:
    """A repo module the target's module can import, with its public top-level names."""

    module: str
    path: str
    classes: list[str]
    functions: list[str]
    other: list[str]  # other public names it binds (constants, aliases, re-exports)


@dataclass
class Context:
    target: str
    kind: str  # "class", "module", or "new-file" (a path that does not exist yet)
    module: str  # the module name the target has (or will have) when imported
    path: str
    root: str  # the import root the repo was indexed from
    classes: list[ClassContext] = field(default_factory=list)
    neighbours: list[ClassContext] = field(default_factory=list)  # new-file: classes of its package
    importable: list[ImportableModule] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    schema: int = SCHEMA_VERSION
