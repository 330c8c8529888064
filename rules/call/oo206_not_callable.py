from __future__ import annotations

from collections.abc import Iterator

from oocheck.calls import NOT_CALLABLE, report
from oocheck.diagnostics import Confidence, Finding
from oocheck.rule import CheckContext, Rule


class NotCallable(Rule):
    """A call of something that is not callable: a property's value, a literal, a module.

    ## What it finds
    `obj.name()` where `name` is a `@property` (the call applies to the value the getter returns:
    reported when the getter's returns or annotation say it is an `int`, `str`, `list`, `None` ...),
    `obj.name()` or `C.name()` where `name` is bound only to a literal in the class body and never
    rebound, `C.prop()` on the class (a `property` object), calling an instance whose class defines
    no `__call__` (looked up on the type, as CPython does), and calling a module.

    ## Why it fails at runtime
    Reading a property already runs its getter; calling the result raises `TypeError: 'int' object
    is not callable`. Generated classes turn methods of the original into properties (or into plain
    attributes), and callers still call them. `import m; m()` raises `TypeError: 'module' object is
    not callable`.

    ## Example
    ```python
    class Counter:
        def __init__(self):
            self._count = 0

        @property
        def count(self) -> int:
            return self._count

    Counter().count()
    ```

    ## Use instead
    ```python
    class Counter:
        def __init__(self):
            self._count = 0

        @property
        def count(self) -> int:
            return self._count

    Counter().count
    ```

    ## Not flagged
    Properties whose value's type cannot be told from the getter; attributes also bound on instances,
    outside the class body or by name (`setattr(obj, "name", ...)`, `mock.patch.object(C, "name")`);
    attributes the surrounding code tests (`if self.hook:`, `callable(self.hook)`); a `None` class
    attribute read through `self` or a parameter (a hook slot that instances fill in); open classes;
    calls inside `try: ... except TypeError`.
    """

    code = NOT_CALLABLE
    name = "not-callable"
    predicts = "TypeError"
    confidence = Confidence.HIGH

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        return report(self, ctx, self.code)
