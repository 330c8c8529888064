"""Where each import statement of the repo leads: shared by the import rules (OO301-OO303).

The index keeps only the top-level imports of a module, by local name. The import rules need more:
every `import` and `from ... import` statement, including those inside functions and class bodies
(they raise when the function runs, as an attribute read in a method does), with the full dotted
name (`import a.b` binds `a` but imports `a.b`), whether it is guarded, and whether it runs at all.
So they walk the syntax trees again here.

Not walked: `if TYPE_CHECKING:` bodies (never run), and both branches of an `if` on
`sys.version_info`, `sys.platform`, `os.name` or `platform.*` (one of them is written for another
interpreter). Guarded: the body and the `else:` of a `try` whose handlers catch ImportError (or a
parent of it), `with suppress(ImportError)`, and both branches of an `if` that tests a name bound in
such a `try` body (`if HAS_YAML:`, `if yaml is not None:`). Flags assigned from a test on the
interpreter (`PY2 = sys.version_info[0] == 2`) count as such tests; after `assert sys.platform ==
...` or `if <test on the interpreter>: raise`, the rest of the block is not walked. The imports
of an `except` handler are judged only when an import of its `try` body fails.
"""

from __future__ import annotations

import ast
import enum
import importlib.util
import os
import sys
import types
import weakref
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

from oocheck.analyzer import external
from oocheck.analyzer.collect import dotted_name
from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.members import Found, module_lookup
from oocheck.analyzer.model import ModuleInfo
from oocheck.analyzer.walk import walk
from oocheck.environment import TargetEnvironment

_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_VERSION_TESTS = ("sys.version_info", "sys.hexversion", "sys.version", "sys.platform", "sys.implementation",
                  "os.name", "platform.")
_INTERPRETER_ROOTS = frozenset(prefix.split(".")[0] for prefix in _VERSION_TESTS)
# Always importable, whatever sys.path holds.
_ALWAYS = {"__main__", "__future__", "builtins", "sys"}
NO_PARENT = "attempted relative import with no known parent package"
BEYOND_TOP = "attempted relative import beyond top-level package"


@dataclass(frozen=True)
class ImportSite:
    """One module imported by one statement: `import a.b` or the source module of `from m import ...`."""

    module: ModuleInfo
    node: ast.Import | ast.ImportFrom
    where: ast.AST  # the alias for `import a.b`, the statement for `from m import ...`
    target: str | None  # absolute dotted name; None when a relative import has no valid package
    level: int
    names: tuple[ast.alias, ...]  # the imported names of `from m import ...` (not `*`); () for `import`
    guarded: bool
    relative_problem: str | None = None
    # In an `except` handler (`fallback_for` not None): the imports of its `try` body, one of which
    # must fail for the handler to run.
    fallback_for: tuple[ImportSite, ...] | None = None
    # Under a runtime condition (an `if`/`else`, a `try`'s `else` or handler, a loop, a `match` case):
    # it may never run where the import is missing (`if is_running_trio(): import trio`).
    conditional: bool = False


def _handler_catches(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((dotted_name(k) or "").split(".")[-1] in _IMPORT_ERRORS for k in kinds)


def _is_type_checking(test: ast.expr) -> bool:
    return (dotted_name(test) or "").split(".")[-1] == "TYPE_CHECKING"


def _depends_on_interpreter(test: ast.expr, flags: set[str] | frozenset[str] = frozenset()) -> bool:
    """True for a test on the interpreter (`sys.version_info >= (3, 11)`) or on a flag derived from one."""
    nodes = list(walk(test))
    # Every such test names `sys`, `os`, `platform` or a flag: most tests (every `if` of a repo) do not.
    if not any(isinstance(node, ast.Name) and (node.id in _INTERPRETER_ROOTS or node.id in flags) for node in nodes):
        return False
    for node in nodes:
        name = dotted_name(node) if isinstance(node, (ast.Attribute, ast.Name)) else None
        if name and any(name.startswith(prefix) or name == prefix.rstrip(".") for prefix in _VERSION_TESTS):
            return True
        if isinstance(node, ast.Name) and node.id in flags:
            return True
    return False


def _ends_in_raise(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], ast.Raise)


def _suppresses_import_error(item: ast.withitem) -> bool:
    call = item.context_expr
    if not isinstance(call, ast.Call) or (dotted_name(call.func) or "").split(".")[-1] != "suppress":
        return False
    return any((dotted_name(arg) or "").split(".")[-1] in _IMPORT_ERRORS for arg in call.args)


def _bound_names(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for stmt in body:
        for node in walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
    return names


def relative_target(module: ModuleInfo, level: int, name: str | None) -> tuple[str | None, str | None]:
    """(absolute name, problem) of `from <level dots><name> import ...` written in `module`."""
    if level == 0:
        return name or "", None
    parts = module.name.split(".")
    package = parts if module.is_package else parts[:-1]
    if not package:
        return None, NO_PARENT
    if level - 1 >= len(package):
        return None, BEYOND_TOP
    base = ".".join(package[: len(package) - (level - 1)])
    return (f"{base}.{name}" if name else base), None


class _Walker:
    def __init__(self, module: ModuleInfo) -> None:
        self.module = module
        self.sites: list[ImportSite] = []
        self.optional: set[str] = set()  # names bound in the body of a try that catches ImportError
        self.flags: set[str] = set()  # names assigned from a test on the interpreter (PY311 = ...)
        self.fallback_for: tuple[ImportSite, ...] | None = None
        self.in_function = False
        self.conditional = False

    def block(self, body: list[ast.stmt], guarded: bool) -> None:
        for stmt in body:
            # `assert sys.platform == "win32"`, `if sys.version_info < (3, 8): raise ...`: what follows
            # is written for one interpreter only.
            if isinstance(stmt, ast.Assert) and _depends_on_interpreter(stmt.test, self.flags):
                return
            if (isinstance(stmt, ast.If) and _depends_on_interpreter(stmt.test, self.flags)
                    and (_ends_in_raise(stmt.body) or _ends_in_raise(stmt.orelse))):
                return
            self.statement(stmt, guarded)

    def _site(self, site: ImportSite) -> None:
        if self.conditional:
            site = replace(site, conditional=True)
        self.sites.append(site if self.fallback_for is None else replace(site, fallback_for=self.fallback_for))

    def conditional_block(self, body: list[ast.stmt], guarded: bool) -> None:
        """A block that runs only when a runtime condition holds."""
        outer, self.conditional = self.conditional, True
        self.block(body, guarded)
        self.conditional = outer

    def statement(self, stmt: ast.stmt, guarded: bool) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                self._site(ImportSite(self.module, stmt, alias, alias.name, 0, (), guarded))
        elif isinstance(stmt, ast.ImportFrom):
            if stmt.module == "__future__" and stmt.level == 0:
                return
            if stmt.module in {"sys", "platform"} and stmt.level == 0:  # `from sys import hexversion`
                self.flags |= {a.asname or a.name for a in stmt.names}
            target, problem = relative_target(self.module, stmt.level, stmt.module)
            names = tuple(a for a in stmt.names if a.name != "*")
            self._site(ImportSite(self.module, stmt, stmt, target, stmt.level, names, guarded, problem))
        elif isinstance(stmt, ast.If):
            if _is_type_checking(stmt.test):
                self.block(stmt.orelse, guarded)
            elif not _depends_on_interpreter(stmt.test, self.flags):
                # `if HAS_YAML:` / `if yaml is not None:` after a guarded import: optional too.
                optional = any(isinstance(n, ast.Name) and n.id in self.optional for n in walk(stmt.test))
                self.conditional_block(stmt.body, guarded or optional)
                self.conditional_block(stmt.orelse, guarded or optional)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            handlers: list[ast.ExceptHandler] = getattr(stmt, "handlers", [])
            catches = any(_handler_catches(h) for h in handlers)
            body: list[ast.stmt] = getattr(stmt, "body", [])
            if catches:
                self.optional |= _bound_names(body)
            first = len(self.sites)
            self.block(body, guarded or catches)
            tried = tuple(self.sites[first:])
            for handler in handlers:
                # A handler runs only when its `try` body raises (`try: callable except NameError:` is
                # a probe for another Python): its imports are judged when a body import fails.
                outer, self.fallback_for = self.fallback_for, tried
                self.conditional_block(handler.body, guarded)
                self.fallback_for = outer
            # `else:` runs only when the guarded imports succeeded: it needs the same optional packages.
            self.conditional_block(getattr(stmt, "orelse", []), guarded or catches)
            self.block(getattr(stmt, "finalbody", []), guarded)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            self.block(stmt.body, guarded or any(_suppresses_import_error(i) for i in stmt.items))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            outer_function, self.in_function = self.in_function, True
            self.block(stmt.body, guarded)
            self.in_function = outer_function
        elif isinstance(stmt, ast.ClassDef):
            self.block(stmt.body, guarded)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            self.conditional_block(stmt.body, guarded)
            self.conditional_block(stmt.orelse, guarded)
        elif isinstance(stmt, ast.Match):
            for case in stmt.cases:
                self.conditional_block(case.body, guarded)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None and not self.in_function:
            # Interpreter flags (`PY311 = sys.version_info >= (3, 11)`) live at module and class level;
            # looking into every assignment of every function would cost a walk of each.
            if _depends_on_interpreter(stmt.value, self.flags):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                self.flags |= {n.id for t in targets for n in walk(t) if isinstance(n, ast.Name)}


def import_sites(index: RepoIndex) -> list[ImportSite]:
    """Every import statement of the repo that runs, in module order (computed once per index; in a
    partial check, of the modules reported: the others' findings are dropped)."""
    cached = index.derived.get("import_sites")
    if cached is None:
        sites: list[ImportSite] = []
        for module in index.modules:
            if not index.reports(module):
                continue
            walker = _Walker(module)
            walker.block(module.tree.body, guarded=False)
            sites.extend(walker.sites)
        index.derived["import_sites"] = cached = sites
    return cast(list[ImportSite], cached)


_SYS_PATH_EDITS = frozenset({"insert", "append", "extend", "remove", "pop", "clear", "__setitem__"})


def changes_sys_path(module: ModuleInfo) -> bool:
    """True when the module edits `sys.path` (`sys.path.insert(0, "../src")`, `sys.path = [...]`,
    `site.addsitedir(...)`): its imports are then searched in folders oocheck cannot know."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = dotted_name(node.func.value) or ""
            if owner.endswith("sys.path") and node.func.attr in _SYS_PATH_EDITS:
                return True
            if node.func.attr == "addsitedir":
                return True
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any((dotted_name(t) or "").endswith("sys.path") for t in targets):
                return True
    return False


class Where(enum.Enum):
    REPO = "repo"
    STDLIB = "stdlib"
    INSTALLED = "installed"
    MISSING = "missing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Located:
    """Where a dotted module name is found; `problem` is CPython's message when it is not."""

    where: frozenset[Where]
    problem: str | None = None
    repo_module: ModuleInfo | None = None

    @property
    def missing(self) -> bool:
        return self.where == frozenset({Where.MISSING})


def importable_names(folder: Path) -> frozenset[str]:
    """What `import name` finds in `folder`: subfolders (packages or namespace packages) and modules."""
    names: set[str] = set()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return frozenset()
    for entry in entries:
        try:
            if entry.is_dir():
                names.add(entry.name)
                continue
        except OSError:
            continue
        stem, _, suffix = entry.name.partition(".")
        if suffix == "py" or (suffix.endswith(("so", "pyd")) and suffix.split(".")[-1] in {"so", "pyd"}):
            names.add(stem)
    return frozenset(names)


_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


def _project_folders(root: Path) -> list[Path]:
    """The project folder above an import root (the nearest with a pyproject.toml, setup.py, setup.cfg
    or .git, a few levels up at most), and its `src/` when there is one."""
    for folder in [root, *list(root.parents)[:5]]:
        if any((folder / marker).exists() for marker in _PROJECT_MARKERS):
            return [f for f in (folder, folder / "src") if f.is_dir()]
    return []


class ImportResolver:
    """Answers "does `import name` find something?" for the repo, the stdlib and the target environment."""

    def __init__(self, index: RepoIndex, environment: TargetEnvironment | None,
                 extra_dirs: tuple[Path, ...] = ()) -> None:
        self.index = index
        self.environment = environment
        self.roots = [*index.by_root, *(d for d in extra_dirs if d not in index.by_root)]
        # A pre-commit hook passes only the changed files: the project's own packages must still be
        # found, in the project folder or its src/ layout, though they are not being checked.
        for root in list(index.by_root):
            for folder in _project_folders(root):
                if folder not in self.roots:
                    self.roots.append(folder)
        self._packages = {name.split(".")[0] for name in index.by_name}
        # Each folder is listed once per check: checked trees put hundreds of files in one folder.
        self._listings: dict[Path, frozenset[str]] = {}
        self._located: dict[tuple[str, Path], Located] = {}

    def names_in(self, folder: Path) -> frozenset[str]:
        listing = self._listings.get(folder)
        if listing is None:
            listing = self._listings[folder] = importable_names(folder)
        return listing

    def _search_dirs(self, near: ModuleInfo) -> list[Path]:
        return [near.root, *(r for r in self.roots if r != near.root)]

    # -- top level ----------------------------------------------------------------------------------
    def repo_has_top(self, name: str, near: ModuleInfo) -> bool:
        if self.index.has_module(name, near) or name in self._packages:
            return True
        return any(name in self.names_in(d) for d in self._search_dirs(near))

    def stdlib_has_top(self, name: str) -> bool:
        if name in _ALWAYS:
            return True
        if self.environment is not None:
            return self.environment.is_stdlib(name)
        return external.is_stdlib(name)

    def locate(self, target: str, near: ModuleInfo) -> Located:
        key = (target, near.root)
        found = self._located.get(key)
        if found is None:
            found = self._located[key] = self._locate(target, near)
        return found

    def _locate(self, target: str, near: ModuleInfo) -> Located:
        top = target.split(".")[0]
        places: set[Where] = set()
        if self.repo_has_top(top, near):
            places.add(Where.REPO)
        if self.stdlib_has_top(top):
            places.add(Where.STDLIB)
        if self.environment is None:
            if not places:
                places.add(Where.UNKNOWN)
        elif top in self.environment.top_level and Where.STDLIB not in places:
            places.add(Where.INSTALLED)
        if not places:
            return Located(frozenset({Where.MISSING}), f"No module named '{top}'")
        if "." in target and places == {Where.REPO}:
            problem = self._repo_submodule_problem(target, near)
            if problem is not None:
                return Located(frozenset({Where.MISSING}), problem)
        if "." in target and places == {Where.STDLIB}:
            problem = self._stdlib_submodule_problem(target)
            if problem is not None:
                return Located(frozenset({Where.MISSING}), problem)
        repo_module = self.index.find_module(target, near) if Where.REPO in places else None
        return Located(frozenset(places), None, repo_module)

    # -- submodules of repo packages ----------------------------------------------------------------
    def _repo_submodule_problem(self, target: str, near: ModuleInfo) -> str | None:
        """CPython's message when a dotted name under a repo package does not exist, else None."""
        parts = target.split(".")
        for depth in range(1, len(parts)):
            parent, child = ".".join(parts[:depth]), parts[depth]
            full = f"{parent}.{child}"
            if self.index.has_module(full, near):
                continue
            folders = self._package_folders(parent, near)
            if folders is None:
                return None  # a package whose __path__ is changed, or not known well enough
            if not folders:
                return f"No module named '{full}'; '{parent}' is not a package"
            if any(child in self.names_in(f) for f in folders):
                continue
            return f"No module named '{full}'"
        return None

    def _package_folders(self, dotted: str, near: ModuleInfo) -> list[Path] | None:
        """The folders `dotted` is a package of ([] when it is a plain module); None when unsure."""
        module = self.index.find_module(dotted, near)
        if module is not None:
            if not module.is_package:
                return []
            if _changes_path(module):
                return None
            return [module.path.parent]
        if self.index.by_name.get(dotted):
            return None  # several import roots define it
        rel = Path(*dotted.split("."))
        folders = [d / rel for d in self._search_dirs(near) if (d / rel).is_dir()]
        if folders:
            return folders
        if any((d / rel.parent / f"{rel.name}.py").is_file() for d in self._search_dirs(near)):
            return []
        return None

    def _stdlib_submodule_problem(self, target: str) -> str | None:
        if self.environment is not None and not self.environment.same_version_as_running:
            return None
        parts = target.split(".")
        for depth in range(1, len(parts)):
            parent, full = ".".join(parts[:depth]), ".".join(parts[: depth + 1])
            module = external.import_stdlib(parent)
            if module is None:
                return None
            if full in sys.modules or isinstance(getattr(module, parts[depth], None), types.ModuleType):
                continue  # `import os.path`: os is no package, but os.path is in sys.modules
            if not hasattr(module, "__path__"):
                return f"No module named '{full}'; '{parent}' is not a package"
            if not _has_submodule(module, parts[depth]):
                return f"No module named '{full}'"
        return None

    # -- names in modules ---------------------------------------------------------------------------
    def repo_lacks(self, module: ModuleInfo, name: str, near: ModuleInfo) -> bool:
        """True when `from module import name` cannot find `name` in this repo module."""
        has_sub = self.index.find_module(f"{module.name}.{name}", near) is not None
        if not has_sub and module.is_package:
            folder = module.path.parent
            has_sub = name in self.names_in(folder) or _changes_path(module)
        return module_lookup(module, name, has_sub) is Found.NO

    def missing_names(self, site: ImportSite) -> list[tuple[ast.alias, str, ModuleInfo | None]]:
        """The names of `from m import ...` that `m` lacks: (alias, CPython's message, repo module)."""
        if site.target is None or not site.names:
            return []
        located = self.locate(site.target, site.module)
        if located.missing or Where.INSTALLED in located.where or Where.UNKNOWN in located.where:
            return []
        source = located.repo_module
        if Where.REPO in located.where and source is None:
            return []  # a namespace package, or a name several import roots define
        missing = []
        for alias in site.names:
            if source is not None and not self.repo_lacks(source, alias.name, site.module):
                continue
            if Where.STDLIB in located.where and not self.stdlib_lacks(site.target, alias.name):
                continue
            # CPython names the module's __file__, an absolute path.
            where = os.path.abspath(source.path) if source is not None else stdlib_location(site.target)
            missing.append((alias, f"cannot import name '{alias.name}' from '{site.target}' ({where})", source))
        return missing

    def fails(self, site: ImportSite) -> bool:
        """True when the statement raises in the target environment, guarded or not."""
        if site.relative_problem is not None:
            return True
        if site.target is None:
            return False
        return self.locate(site.target, site.module).missing or bool(self.missing_names(site))

    def runs(self, site: ImportSite) -> bool:
        """False for an import in an `except` handler whose `try` body imports fine."""
        return site.fallback_for is None or any(self.fails(s) for s in site.fallback_for)

    def stdlib_lacks(self, dotted: str, name: str) -> bool:
        """True when the standard-library module `dotted` of the running interpreter has no `name`.

        Only asked when the target interpreter is the running one's version (names come and go
        between versions: `typing.Self` is new in 3.11).
        """
        if self.environment is not None and not self.environment.same_version_as_running:
            return False
        module = external.import_stdlib(dotted)
        if module is None:
            return False
        if hasattr(module, name):
            return False
        return not _has_submodule(module, name)


def _has_submodule(module: types.ModuleType, name: str) -> bool:
    if not hasattr(module, "__path__"):
        return False
    try:
        return importlib.util.find_spec(f"{module.__name__}.{name}") is not None
    except (ImportError, ValueError):
        return True  # cannot tell: do not report


# Asked once per imported name; the answer depends only on the module's tree.
_CHANGES_PATH: weakref.WeakKeyDictionary[ast.Module, bool] = weakref.WeakKeyDictionary()


def _changes_path(module: ModuleInfo) -> bool:
    """An `__init__` that extends its `__path__` (pkgutil.extend_path, __path__.append) finds more."""
    answer = _CHANGES_PATH.get(module.tree)
    if answer is None:
        answer = any(isinstance(n, ast.Name) and n.id == "__path__" for n in walk(module.tree))
        _CHANGES_PATH[module.tree] = answer
    return answer


def stdlib_location(dotted: str) -> str:
    module = external.import_stdlib(dotted)
    file = getattr(module, "__file__", None)
    return str(file) if file else "unknown location"

