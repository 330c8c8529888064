from __future__ import annotations

from collections.abc import Iterator

from oocheck.diagnostics import Confidence, Finding
from oocheck.rule import CheckContext, Rule, call_fault_findings


class TypeErrorInCall(Rule):
    """A call whose argument makes the callee raise TypeError on its straight-line path.

    ## What it finds
    A call `obj.method(value)` (or `C(value)`, or `func(value)`) where `value` is known — a literal,
    `None`, an instance made by `C(...)` — and the callee, on the statements that run whenever it runs
    (before any branch, loop or `try`), does something that type does not support (see OO208):
    iterates `None`, joins a path with a float, adds a string to an int. The callee is followed
    through further calls the same way, a few levels deep.

    ## Why it fails at runtime
    The TypeError is raised inside the callee, but its cause is the value passed at this call. Most
    TypeErrors of generated classes are of this kind: nothing in the calling line looks wrong.

    ## Example
    ```python
    import os

    class Store:
        def __init__(self, root):
            self.index = os.path.join(root, "index.json")

    Store(42)
    ```

    ## Use instead
    ```python
    import os

    class Store:
        def __init__(self, root):
            self.index = os.path.join(root, "index.json")

    Store("data")
    ```

    ## Not flagged
    Anything after a branch, loop, `try`, `with` or `assert` in the callee, or after an access of
    `self` that may raise AttributeError first (an attribute missing or not yet bound, a store that
    `__slots__` refuses); decorated callees; calls with `*args` or `**kwargs`; calls inside
    `try/except TypeError`.
    """

    code = "OO209"
    name = "type-error-in-call"
    predicts = "TypeError"
    confidence = Confidence.HIGH

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        return call_fault_findings(self, ctx)
