from __future__ import annotations

from collections.abc import Iterator

from oocheck.diagnostics import Confidence, Finding
from oocheck.imports import NO_PARENT, ImportResolver, import_sites
from oocheck.rule import CheckContext, Rule


class RelativeImportWithoutPackage(Rule):
    """A relative import in a module that has no package to be relative to.

    ## What it finds
    `from . import x` or `from .m import x` in a module at the top of an import root (its folder has
    no `__init__.py`), and `from .. import x` that climbs above the top-level package.

    ## Why it fails at runtime
    A relative import is resolved against the package of the importing module (`__package__`). A
    module imported as a top-level module has none: `ImportError: attempted relative import with no
    known parent package`; too many dots give `ImportError: attempted relative import beyond
    top-level package`. Models copy relative imports from the package the class came from into a
    single generated file.

    ## Example
    ```python
    from .helpers import retry

    retry(3)
    ```

    ## Use instead
    ```python
    from functools import lru_cache  # an absolute import

    lru_cache(3)
    ```

    ## Not flagged
    Guarded imports (see OO301). Reported at low confidence when the module sits at the top of its
    import root: its folder may be imported as a namespace package (`import folder.module`), which
    gives it a parent package.
    """

    code = "OO303"
    name = "relative-import-without-package"
    predicts = "ImportError"
    confidence = Confidence.MEDIUM
    reports = (Confidence.MEDIUM, Confidence.LOW)
    needs_environment = True  # to tell whether an `except ImportError:` handler runs

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        resolver = ImportResolver(ctx.index, ctx.environment)
        for site in import_sites(ctx.index):
            if site.guarded or site.relative_problem is None or not resolver.runs(site):
                continue
            confidence = Confidence.LOW if site.relative_problem == NO_PARENT else self.confidence
            yield self.finding(site.module.display_path, site.node, site.relative_problem, confidence)
