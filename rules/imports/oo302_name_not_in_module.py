from __future__ import annotations

from collections.abc import Iterator

from oocheck.diagnostics import Confidence, Finding, Location
from oocheck.imports import ImportResolver, import_sites
from oocheck.rule import CheckContext, Rule


class NameNotInModule(Rule):
    """`from m import name` where the module `m` exists but has no `name`.

    ## What it finds
    `from m import name` (or `from . import name`) where `m` is a module of the checked repo whose
    top level binds no `name` (no class, function, assignment, import) and that has no submodule
    `name`; or where `m` is a standard-library module whose runtime module has no attribute and no
    submodule `name`.

    ## Why it fails at runtime
    `from m import name` imports `m`, then reads `m.name`, then tries the submodule `m.name`. When
    all fail, Python raises `ImportError: cannot import name 'name' from 'm' (path)`. Models import
    helpers the generated module never defines, or names from the wrong standard-library module.

    ## Example
    ```python
    from os import getcwdu

    print(getcwdu())
    ```

    ## Use instead
    ```python
    from os import getcwd

    print(getcwd())
    ```

    ## Not flagged
    Modules with a star import, a module-level `__getattr__`, writes to `globals()` or
    `sys.modules`, a changed `__path__`; names assigned on the module from outside; installed
    third-party modules (never imported); a standard-library module when the target interpreter's
    version differs from the running one; a repo module that shadows a standard-library module when
    either has the name; namespace packages (folders without `__init__.py`); guarded imports (see
    OO301); the imports of an `except ImportError:` handler when its `try` body imports fine.
    """

    code = "OO302"
    name = "name-not-in-module"
    predicts = "ImportError"
    confidence = Confidence.HIGH
    needs_environment = True

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        resolver = ImportResolver(ctx.index, ctx.environment)
        for site in import_sites(ctx.index):
            if site.guarded or not resolver.runs(site):
                continue
            for alias, message, source in resolver.missing_names(site):
                evidence = [] if source is None else [
                    Location(source.display_path, 1, 1, f"module {source.name} is defined here")]
                yield self.finding(site.module.display_path, alias, message, self.confidence, evidence)
