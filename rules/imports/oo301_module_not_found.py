from __future__ import annotations

from collections.abc import Iterator

from oocheck.diagnostics import Confidence, Finding
from oocheck.environment import RUNNING_INTERPRETER
from oocheck.imports import ImportResolver, ImportSite, changes_sys_path, import_sites
from oocheck.rule import CheckContext, Rule


class ModuleNotFound(Rule):
    """An import of a module that is neither in the repo, nor in the standard library, nor installed.

    ## What it finds
    `import x`, `import x.y`, `from x import a` and `from .x import a` where `x` is not a module or
    package of the checked repo (a file, a package, or a plain folder of any of its import roots), not
    a standard-library or built-in module, and not installed in the target environment. For dotted
    names under a package of the repo, each part must exist as a submodule. Imports inside functions
    and class bodies are checked too: they raise when the function runs.

    The target environment is the interpreter given with `--python`, else `$VIRTUAL_ENV`, else a
    `.venv` of the project, else the interpreter running oocheck. Its installed modules are listed
    without importing anything. When it cannot be found, oocheck says so once and does not report
    third-party imports.

    ## Why it fails at runtime
    The import system searches `sys.path` (the script's folder first, then the standard library, then
    `site-packages`) and raises `ModuleNotFoundError: No module named 'x'` when no entry has it. Models
    copy imports of helper modules from the project they learnt from, or of packages the target does
    not install.

    ## Example
    ```python
    from oocheck_example_helpers import retry

    retry(3)
    ```

    ## Use instead
    ```python
    import functools

    functools.lru_cache(3)
    ```

    ## Not flagged
    Imports inside `try: ... except ImportError` (or `ModuleNotFoundError`, `Exception`), under
    `with suppress(ImportError)`, under `if TYPE_CHECKING:`, in either branch of an `if` on
    `sys.version_info`, `sys.platform` or `os.name` (or on a flag set from them), after an `assert`
    on them; the imports of an `except ImportError:` handler when its `try` body imports fine (the
    handler never runs; when it does run, its imports are judged); submodules of installed
    third-party packages (only their top-level name is checked); every third-party import when the
    target environment cannot be found. Reported at low confidence when the environment is the
    interpreter running oocheck, a guess (oocheck may live in its own virtual environment); at low
    confidence too for an import under a runtime condition (an `if`/`else` branch, a `try`'s `else`
    or handler, a loop, a `match` case: `if is_running_trio(): import trio` may never run where trio
    is missing) and for every import of a module that edits `sys.path` (`sys.path.insert(0, "../src")`).
    """

    code = "OO301"
    name = "module-not-found"
    predicts = "ModuleNotFoundError"
    confidence = Confidence.HIGH
    reports = (Confidence.HIGH, Confidence.LOW)
    needs_environment = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        resolver = ImportResolver(ctx.index, ctx.environment)
        guessed_env = ctx.environment is not None and ctx.environment.how == RUNNING_INTERPRETER
        edits: dict[int, bool] = {}  # id(module) -> it changes sys.path, computed when first needed
        for site in import_sites(ctx.index):
            if site.guarded or site.target is None or not resolver.runs(site):
                continue
            located = resolver.locate(site.target, site.module)
            if not located.missing or located.problem is None:
                continue
            # A module missing under a package of the repo or the stdlib does not depend on the environment.
            top_missing = located.problem == f"No module named '{site.target.split('.')[0]}'"
            confidence = Confidence.LOW if guessed_env and top_missing else self.confidence
            # An import under a runtime condition may never run where the module is missing; a module
            # that edits sys.path imports from folders oocheck does not search.
            if site.conditional or self._edits_sys_path(site, edits):
                confidence = Confidence.LOW
            yield self.finding(site.module.display_path, site.where, located.problem, confidence)

    @staticmethod
    def _edits_sys_path(site: ImportSite, edits: dict[int, bool]) -> bool:
        key = id(site.module)
        if key not in edits:
            edits[key] = changes_sys_path(site.module)
        return edits[key]
