from __future__ import annotations

from collections.abc import Iterator

from oocheck.analyzer.members import Found, module_lookup
from oocheck.analyzer.values import ModuleValue
from oocheck.attributes import judged_reads, with_hint
from oocheck.diagnostics import Confidence, Finding, Location
from oocheck.rule import CheckContext, Rule


class UndefinedModuleAttribute(Rule):
    """An attribute read on a module of the repo that the module does not define.

    ## What it finds
    `mod.name` where `mod` is a module of the checked repo (imported as `import mod`,
    `import pkg.mod as alias`, `from pkg import mod`) and nothing at the top level of `mod` binds
    `name`: no class, function, assignment, import, and no submodule of that name.

    ## Why it fails at runtime
    A module's attributes are the names its top level binds when it runs. A class the test expects
    but the generated module never defines gives `AttributeError: module 'mod' has no attribute
    'name'`.

    ## Example
    ```python
    # file: shapes_mod.py
    class Circle:
        def __init__(self, radius):
            self.radius = radius
    # file: main.py
    import shapes_mod as shapes

    shapes.Square(2)
    ```

    ## Use instead
    ```python
    # file: shapes_mod.py
    class Circle:
        def __init__(self, radius):
            self.radius = radius
    # file: main.py
    import shapes_mod as shapes

    shapes.Circle(2)
    ```

    ## Not flagged
    Modules with a star import, a module-level `__getattr__`, writes to `globals()` or `sys.modules`;
    names assigned on the module from outside (`mod.name = ...`); modules outside the repo; guarded
    reads.
    """

    code = "OO103"
    name = "undefined-module-attribute"
    predicts = "AttributeError"
    confidence = Confidence.HIGH

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        index = ctx.index
        for access in judged_reads(index):
            receiver = access.receiver
            if not isinstance(receiver, ModuleValue):
                continue
            module = receiver.module
            has_sub = index.find_module(f"{module.name}.{access.attr}", module) is not None
            if module_lookup(module, access.attr, has_sub) is not Found.NO:
                continue
            message = with_hint(f"module '{module.name}' has no attribute '{access.attr}'", access.attr,
                                list(module.names))
            evidence = [Location(module.display_path, 1, 1, f"module {module.name} is defined here")]
            yield self.finding(access.scope.module.display_path, access.node, message, self.confidence, evidence)
