"""The repo-wide index: every module collected, imports resolved, every class with its bases and MRO.

A module is parsed and collected, or — in a partial check — built from the summary of what collecting
its very text found (`SummaryMemo`, analyzer/summary.py) and parsed only when something looks into it.

Built completely before any rule runs (as pyflakes defers function bodies until a module is bound):
an attribute can only be judged missing once every place that might bind it has been seen.
"""

from __future__ import annotations

import abc
import ast
import enum
import hashlib
import os
import types
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from oocheck.analyzer import external
from oocheck.analyzer.abstract import abstract_methods
from oocheck.analyzer.collect import MethodFacts, ModuleCollector, dotted_expr
from oocheck.analyzer.external import ExternalClass, external_class
from oocheck.analyzer.model import Binding, BindingKind, ClassInfo, ClassRef, ImportBinding, LazyNames, ModuleInfo
from oocheck.analyzer.mro import MROError, c3_linearize
from oocheck.analyzer.values import ClassObject, FunctionValue, ModuleValue, StdlibModule, Value
from oocheck.discovery import SourceFile

if TYPE_CHECKING:
    from oocheck.analyzer.effects import ModuleEffects
    from oocheck.analyzer.infer import AttributeAccess, CallFault, CallSite, ValueFault

# Class decorators known not to add attributes that matter for attribute checks.
_HARMLESS_DECORATORS = {"dataclass", "total_ordering", "final", "runtime_checkable", "unique", "verify",
                        "dataclass_transform", "add_slots"}
MAX_FILE_BYTES = 10 * 1024 * 1024


class SummaryMemo(Protocol):
    """Modules built from their summaries (analyzer/summary.py): incremental.SummaryCache."""

    def build(self, module: ModuleInfo, loader: Callable[[ModuleInfo], None]) -> bool:
        """Fill the unparsed `module` from its summary; False when there is none for its text."""

    def save(self, module: ModuleInfo) -> None:
        """Keep the summary of `module`, just collected."""


class MethodMemo(Protocol):
    """Method facts (collect.MethodFacts) by module text: incremental.MethodCache over the cache."""

    def load(self, module: ModuleInfo) -> MethodFacts | None: ...

    def save(self, module: ModuleInfo, facts: MethodFacts) -> None: ...


@dataclass(frozen=True)
class ReadError:
    """A file that could not be read or parsed."""

    path: str
    line: int
    col: int
    message: str


@dataclass
class RepoIndex:
    modules: list[ModuleInfo] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    by_root: dict[Path, dict[str, ModuleInfo]] = field(default_factory=lambda: defaultdict(dict))
    by_name: dict[str, list[ModuleInfo]] = field(default_factory=lambda: defaultdict(list))
    classes: list[ClassInfo] = field(default_factory=list)
    by_node: dict[int, ClassInfo] = field(default_factory=dict)
    # Attribute names stored on receivers of unknown type, per import root: a hint that some object
    # we could not follow gets that attribute from outside its class.
    unknown_stores: dict[Path, set[str]] = field(default_factory=lambda: defaultdict(set))
    accesses: list[AttributeAccess] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    value_faults: list[ValueFault] = field(default_factory=list)  # operations that raise for their types
    call_faults: list[CallFault] = field(default_factory=list)  # calls whose arguments make the callee raise
    # Attribute values of objects right after `C(...)`, while nothing has called a method on them.
    instance_facts: dict[int, dict[str, Value]] = field(default_factory=dict)
    # Facts several rules derive from the finished index (import sites, judged reads), computed once.
    derived: dict[str, object] = field(default_factory=dict)
    instantiated: set[int] = field(default_factory=set)  # ids of classes created by a direct `C(...)` call
    # The effects of the module being walked are written here (effects.py); `replayed` holds those of
    # modules not walked in a partial check, taken from the cache.
    recording: ModuleEffects | None = None
    replayed: list[ModuleEffects] = field(default_factory=list)
    walked: set[int] | None = None  # ids of the modules walked when not all were (a partial check)
    # ids of the modules whose findings a partial check reports: the rules look at no other (their
    # findings would be dropped), though they read the whole index.
    reported: set[int] | None = None
    _resolving: set[int] = field(default_factory=set)

    # -- building -----------------------------------------------------------------------------------
    @classmethod
    def build(cls, files: Iterable[SourceFile], sources: dict[Path, bytes] | None = None,
              infer: bool = True) -> RepoIndex:
        """Parse and index `files`; `infer=False` stops after bases and MRO (what `oocheck context`
        needs), without following values through every function."""
        index = cls.collect(files, sources)
        if not infer:
            return index
        from oocheck.analyzer.infer import infer_repo  # the inference needs the finished class table

        infer_repo(index)
        return index

    @classmethod
    def collect(cls, files: Iterable[SourceFile], sources: dict[Path, bytes] | None = None,
                memo: MethodMemo | None = None, summaries: SummaryMemo | None = None) -> RepoIndex:
        """Parse and collect every file and resolve every class; no module walked yet (see infer_repo).
        `memo`: what method bodies held last time for the same text (the cache), and where to keep it.
        `summaries`: modules built from what collecting their text gave last time (a partial check:
        parsed only when something looks into them), and where to keep what this run collects."""
        index = cls()
        fresh: list[ModuleInfo] = []
        for source in files:
            module = index._add_file(source, (sources or {}).get(source.path), summaries)
            if module is not None and module.is_parsed:
                fresh.append(module)
        for module in fresh:
            known = memo.load(module) if memo is not None else None
            collector = ModuleCollector(module, known)
            collector.run()
            if memo is not None and known is None:
                memo.save(module, collector.found)
            if summaries is not None:
                summaries.save(module)
        for module in index.modules:
            for info in module.classes:
                index.classes.append(info)
                if info.parsed is not None:
                    index.by_node[id(info.parsed)] = info
        for info in index.classes:
            index.resolve_class(info)
        for info in index.classes:
            for base in info.bases:
                if isinstance(base, ClassInfo):
                    base.subclasses.append(info)
        return index

    def _add_file(self, source: SourceFile, data: bytes | None, summaries: SummaryMemo | None) -> ModuleInfo | None:
        display = display_path(source.path)
        try:
            if data is None:
                if source.path.stat().st_size > MAX_FILE_BYTES:
                    self.errors.append(ReadError(display, 1, 0, "file is larger than 10 MB; not checked"))
                    return None
                data = source.path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            module = ModuleInfo(name=source.module, path=source.path, root=source.root, display_path=display,
                                parsed=None, is_package=source.path.name == "__init__.py", digest=digest)
            text = data  # the bytes the summary was made from: a later parse sees exactly them
            if summaries is None or not summaries.build(module, lambda m: self._parse_summarized(m, text)):
                module.parsed = ast.parse(data, filename=display)
        except SyntaxError as exc:
            detail = exc.msg or "invalid syntax"
            self.errors.append(ReadError(display, exc.lineno or 1, max((exc.offset or 1) - 1, 0),
                                         f"cannot parse: {detail}"))
            return None
        except (ValueError, UnicodeDecodeError) as exc:  # null bytes, bad encodings
            self.errors.append(ReadError(display, 1, 0, f"cannot decode: {exc}"))
            return None
        except (RecursionError, MemoryError):
            self.errors.append(ReadError(display, 1, 0, "cannot parse: nesting too deep"))
            return None
        except OSError as exc:
            self.errors.append(ReadError(display, 1, 0, f"cannot read: {exc.strerror or exc}"))
            return None
        self.modules.append(module)
        self.by_root[source.root].setdefault(source.module, module)
        self.by_name[source.module].append(module)
        return module

    def _parse_summarized(self, module: ModuleInfo, data: bytes) -> None:
        """Parse a module built from its summary, when something first looks into it: its tree, the
        statements of its names, its classes' nodes (found again by the collector, in the same order)."""
        tree = ast.parse(data, filename=module.display_path)
        twin = ModuleInfo(module.name, module.path, module.root, module.display_path, tree, module.is_package)
        local = any("<locals>" in c.qualname for c in module.classes)
        ModuleCollector(twin, bodies=False, local_classes=local).run()
        if [c.qualname for c in twin.classes] != [c.qualname for c in module.classes] \
                or list(twin.names) != list(module.names):
            raise RuntimeError(f"{module.display_path}: its summary does not match its text")
        module.parsed = tree
        if isinstance(module.names, LazyNames):
            module.names.fill(twin.names)
        for info, parsed in zip(module.classes, twin.classes, strict=True):
            info.parsed = parsed.node
            self.by_node[id(parsed.node)] = info

    def reports(self, module: ModuleInfo) -> bool:
        """Whether findings located in `module` are reported (all are, but in a partial check)."""
        return self.reported is None or id(module) in self.reported

    # -- modules ------------------------------------------------------------------------------------
    def modules_at(self, paths: Collection[Path]) -> dict[Path, ModuleInfo]:
        """The modules whose files resolve to one of `paths` (resolved paths), by that path. Resolving
        costs system calls per path component, and this runs on every hook run: a module named like
        one of `paths` is matched by its absolute path first; the others are resolved only while a
        path is left unmatched (a project under a linked folder; a file found under a link of another
        name, since discovery keeps the first name it meets; a path that is no module)."""
        wanted = set(paths)
        names = {path.name for path in wanted}
        named = [m for m in self.modules if m.path.name in names]
        found: dict[Path, ModuleInfo] = {}
        for module in named:
            if (absolute := module.path.absolute()) in wanted:
                found[absolute] = module
        for group in (named, self.modules):
            if len(found) == len(wanted):
                break
            taken = set(found.values())
            for module in group:
                if module not in taken and (real := module.path.resolve()) in wanted:
                    found.setdefault(real, module)
        return found

    def find_module(self, name: str, near: ModuleInfo) -> ModuleInfo | None:
        """The repo module `name` as imported from `near`: its own import root first."""
        found = self.by_root.get(near.root, {}).get(name)
        if found is not None:
            return found
        candidates = self.by_name.get(name, [])
        return candidates[0] if len(candidates) == 1 else None

    def has_module(self, name: str, near: ModuleInfo) -> bool:
        """True for a module of the repo, even one whose name is shared across import roots."""
        return self.find_module(name, near) is not None or bool(self.by_name.get(name))

    def import_value(self, module: ModuleInfo, binding: ImportBinding, depth: int = 0) -> Value:
        target = binding.module
        if binding.attribute is None:
            found = self.find_module(target, module)
            if found is not None:
                return ModuleValue(found)
            if self.has_module(target, module):
                return None
            if external.is_stdlib(target) and external.import_stdlib(target) is not None:
                return StdlibModule(target)
            return None
        source = self.find_module(target, module)
        if source is not None:
            value = self.module_attribute(source, binding.attribute, depth + 1)
            # A name the package binds itself is not its submodule, even when its value is unknown.
            if value is None and _may_be_submodule(source, binding.attribute):
                sub = self.find_module(f"{target}.{binding.attribute}", module)
                if sub is not None:
                    return ModuleValue(sub)
            return value
        if self.has_module(target, module):
            return None
        if external.is_stdlib(target):
            return _runtime_value(external.stdlib_object(target, binding.attribute), f"{target}.{binding.attribute}")
        return None

    def module_attribute(self, module: ModuleInfo, name: str, depth: int = 0) -> Value:
        """The value of `module.name` as far as it can be known statically."""
        if depth > 20:
            return None
        names = module.names
        if isinstance(names, LazyNames) and not names.filled:  # read the summary rather than parse
            if name in names:
                return self._summary_value(module, name, names.kinds[name], depth)
            node = None
        else:
            node = names.get(name)
        if node is None:
            for key, binding in module.imports.items():
                if key.startswith("*") and binding.attribute == "*":
                    source = self.find_module(binding.module, module)
                    if source is not None and source is not module and name in source.names:
                        return self.module_attribute(source, name, depth + 1)
            return None
        return self._node_value(module, name, node, depth)

    def _summary_value(self, module: ModuleInfo, name: str, kind: tuple[object, ...], depth: int) -> Value:
        """`_node_value` from what the module's summary says binds `name`: no parse but for a function
        (its value holds its statement)."""
        if kind[0] == "class":
            assert isinstance(kind[1], int)
            return ClassObject(module.classes[kind[1]], exact=True)
        if kind[0] == "function":
            return self._node_value(module, name, module.names[name], depth)  # parses the module
        if kind[0] == "import":
            binding = module.imports.get(name)
            return self.import_value(module, binding, depth) if binding is not None else None
        if kind[0] == "alias" and isinstance(kind[1], str) and depth < 20:
            return self.static_value(module, dotted_expr(kind[1]), depth + 1)
        return None

    def _node_value(self, module: ModuleInfo, name: str, node: ast.AST, depth: int) -> Value:
        if isinstance(node, ast.ClassDef):
            info = self.by_node.get(id(node))
            return ClassObject(info, exact=True) if info is not None else None
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return FunctionValue(node, module)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            binding = module.imports.get(name)
            return self.import_value(module, binding, depth) if binding is not None else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if isinstance(node.value, (ast.Name, ast.Attribute)) and depth < 20:
                return self.static_value(module, node.value, depth + 1)
        return None

    def static_value(self, module: ModuleInfo, expr: ast.expr, depth: int = 0) -> Value:
        """Evaluate a dotted name at module scope (bases, decorators, metaclasses, aliases)."""
        if depth > 20:
            return None
        if isinstance(expr, ast.Name):
            if expr.id in module.names:
                return self.module_attribute(module, expr.id, depth + 1)
            star = self._star_value(module, expr.id, depth)
            if star is not None:
                return star
            return _runtime_value(external.builtin_object(expr.id), expr.id)
        if isinstance(expr, ast.Attribute):
            owner = self.static_value(module, expr.value, depth + 1)
            return self.attribute_value(owner, expr.attr, module, depth + 1)
        return None

    def _star_value(self, module: ModuleInfo, name: str, depth: int) -> Value:
        for key, binding in module.imports.items():
            if not key.startswith("*"):
                continue
            source = self.find_module(binding.module, module)
            if source is not None and source is not module and name in source.names:
                return self.module_attribute(source, name, depth + 1)
            if source is None and external.is_stdlib(binding.module):
                obj = external.stdlib_object(binding.module, name)
                if obj is not None:
                    return _runtime_value(obj, f"{binding.module}.{name}")
        return None

    def attribute_value(self, owner: Value, attr: str, near: ModuleInfo, depth: int = 0) -> Value:
        """The value of `owner.attr` when it is a module member or a nested class."""
        if isinstance(owner, ModuleValue):
            value = self.module_attribute(owner.module, attr, depth)
            if value is None and _may_be_submodule(owner.module, attr):
                sub = self.find_module(f"{owner.module.name}.{attr}", owner.module)
                if sub is not None:
                    return ModuleValue(sub)
            return value
        if isinstance(owner, StdlibModule):
            return _runtime_value(external.stdlib_object(owner.name, attr), f"{owner.name}.{attr}")
        if isinstance(owner, ClassObject) and isinstance(owner.cls, ClassInfo):
            for binding in owner.cls.bindings.get(attr, []):
                if binding.kind is BindingKind.NESTED_CLASS:
                    for candidate in owner.cls.module.classes:
                        if candidate.qualname == f"{owner.cls.qualname}.{attr}":
                            return ClassObject(candidate, exact=True)
        return None

    # -- classes ------------------------------------------------------------------------------------
    def resolve_class(self, info: ClassInfo) -> None:
        """Resolve bases, metaclass and MRO of `info` (and, first, of its bases)."""
        if info.resolved:
            return
        key = id(info)
        if key in self._resolving:
            info.open_reasons.append("inherits from itself (cyclic inheritance)")
            return
        self._resolving.add(key)
        try:
            self._resolve_bases(info)
            self._resolve_metaclass(info)
            self._resolve_decorators(info)
            self._compute_mro(info)
            self._apply_special_kinds(info)
        finally:
            self._resolving.discard(key)
            info.resolved = True

    def _resolve_bases(self, info: ClassInfo) -> None:
        for dotted, text in info.base_exprs:
            value = self._class_scope_value(info, dotted_expr(dotted)) if dotted is not None else None
            if isinstance(value, ClassObject):
                base = value.cls
                if isinstance(base, ClassInfo):
                    self.resolve_class(base)
                    if base is info or "inherits from itself (cyclic inheritance)" in base.open_reasons:
                        info.open_reasons.append("inherits from itself (cyclic inheritance)")
                        continue
                info.bases.append(base)
                continue
            special = _special_base(value, text)
            if special == "NamedTuple":
                info.is_namedtuple = True
                info.bases.append(external_class(tuple))
            elif special == "TypedDict":
                info.is_typeddict = True
                info.open_reasons.append("is a TypedDict (its instances are plain dicts)")
                info.bases.append(external_class(dict))
            else:
                info.open_reasons.append(f"base {text} cannot be resolved")
        if info.bases_from_kwargs:
            info.open_reasons.append("bases given through **kwargs")

    def _class_scope_value(self, info: ClassInfo, expr: ast.expr) -> Value:
        """Value of a base expression: a sibling nested class first, then module scope."""
        if isinstance(expr, ast.Name) and "." in info.qualname:
            outer = info.qualname.rsplit(".", 1)[0]
            for candidate in info.module.classes:
                if candidate.qualname == f"{outer}.{expr.id}" and candidate is not info:
                    return ClassObject(candidate, exact=True)
            if "<locals>" in info.qualname and expr.id not in info.module.names:
                return None
        return self.static_value(info.module, expr)

    def _resolve_metaclass(self, info: ClassInfo) -> None:
        meta_expr = info.metaclass_expr
        metas: list[ClassRef] = []
        if meta_expr is not None:
            dotted, text = meta_expr
            value = self.static_value(info.module, dotted_expr(dotted)) if dotted is not None else None
            if isinstance(value, ClassObject):
                metas.append(value.cls)
            else:
                info.open_reasons.append(f"metaclass {text} cannot be resolved")
        for base in info.bases:
            if isinstance(base, ClassInfo):
                if base.metaclass is not None:
                    metas.append(base.metaclass)
                info.is_abc = info.is_abc or base.is_abc
                info.is_enum = info.is_enum or base.is_enum
                info.is_protocol = info.is_protocol or base.is_protocol
            else:
                metas.append(external_class(type(base.obj)))
        for meta in metas:
            if isinstance(meta, ExternalClass):
                if issubclass(meta.obj, abc.ABCMeta):
                    info.is_abc = True
                if issubclass(meta.obj, enum.EnumMeta):
                    info.is_enum = True
                # Only metaclasses whose effect is modelled leave the class closed: ctypes' structure
                # metaclass, for one, turns `_fields_` into attributes.
                if meta.obj is type or meta.obj.__module__ in {"abc", "enum", "typing", "typing_extensions"}:
                    continue
                info.open_reasons.append(f"metaclass {meta.qualname} may add members")
            else:
                self.resolve_class(meta)
                if any(isinstance(m, ExternalClass) and issubclass(m.obj, abc.ABCMeta) for m in meta.mro):
                    info.is_abc = True
                if meta_expr is not None:
                    info.open_reasons.append(f"metaclass {meta.name} may add members")
        if metas:
            info.metaclass = metas[0]
        for base in info.bases:
            if isinstance(base, ExternalClass) and base.obj.__module__ in {"typing", "typing_extensions"} \
                    and base.name == "Protocol":
                info.is_protocol = True

    def _resolve_decorators(self, info: ClassInfo) -> None:
        for name in info.decorators:
            parts = name.split(".")
            if parts[-1] in _HARMLESS_DECORATORS or parts[0] in {"attr", "attrs"}:
                continue
            info.open_reasons.append(f"class decorator @{name} may add members")

    def _compute_mro(self, info: ClassInfo) -> None:
        bases: list[ClassRef] = list(info.bases) or [external.OBJECT]
        base_mros: list[list[ClassRef]] = []
        for base in bases:
            if isinstance(base, ClassInfo):
                base_mros.append(base.mro or [base, external.OBJECT])
            else:
                base_mros.append([external_class(k) for k in base.obj.__mro__])
        try:
            info.mro = c3_linearize(info, bases, base_mros)
        except MROError:
            info.open_reasons.append("its bases admit no consistent MRO")
            info.mro = [info, *bases]

    def _apply_special_kinds(self, info: ClassInfo) -> None:
        if info.is_namedtuple:
            for name, bindings in list(info.bindings.items()):
                if any(b.kind is BindingKind.ANNOTATION for b in bindings):
                    info.bindings[name] = [_field(b) for b in bindings]
            for extra in ("_fields", "_field_defaults", "_asdict", "_replace", "_make", "__match_args__"):
                info.add(Binding(extra, BindingKind.CLASS_VAR, info.path, info.line, 0, True))
        if info.is_protocol:
            for name, bindings in list(info.bindings.items()):
                info.bindings[name] = [_field(b) if b.kind is BindingKind.ANNOTATION else b for b in bindings]
        info.abstract_methods = abstract_methods(info)


def _may_be_submodule(package: ModuleInfo, name: str) -> bool:
    """`package.name` may be its submodule: the package does not bind `name`, or binds it by importing
    that very submodule (`from . import name`). A `from m import *` may bind it too."""
    if name not in package.names:
        return not any(key.startswith("*") for key in package.imports)
    binding = package.imports.get(name)
    return binding is not None and ((binding.module == package.name and binding.attribute == name)
                                    or (binding.module == f"{package.name}.{name}" and binding.attribute is None))


def _field(binding: Binding) -> Binding:
    return Binding(binding.name, BindingKind.FIELD, binding.path, binding.line, binding.col, True, None)


def _special_base(value: Value, text: str) -> str | None:
    del value
    tail = text.split("[")[0].split(".")[-1]
    return tail if tail in {"NamedTuple", "TypedDict"} else None


def _runtime_value(obj: object, qualname: str) -> Value:
    if obj is None:
        return None
    if isinstance(obj, type):
        return ClassObject(external_class(obj), exact=True)
    if isinstance(obj, types.ModuleType):
        return StdlibModule(obj.__name__)
    origin = getattr(obj, "__origin__", None)
    if isinstance(origin, type):  # typing.List, typing.Dict ...
        return ClassObject(external_class(origin), exact=True)
    del qualname
    return None


def display_path(path: Path) -> str:
    """How a file is named in findings: relative to the current folder when below it."""
    # What os.path.relpath gives, without its work per call (thousands of files) in the usual cases:
    # a relative path as discovery found it, or an absolute one below the current folder.
    text = str(path)
    if ".." not in path.parts:
        if not path.is_absolute():
            return text
        prefix = os.path.join(os.getcwd(), "")
        if text.startswith(prefix):
            return text[len(prefix):]
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel

