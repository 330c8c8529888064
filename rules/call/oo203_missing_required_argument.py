from __future__ import annotations

from collections.abc import Iterator

from oocheck.calls import MISSING, report
from oocheck.diagnostics import Confidence, Finding
from oocheck.rule import CheckContext, Rule


class MissingRequiredArgument(Rule):
    """A call leaves a required parameter of the callee without a value.

    ## What it finds
    A call of a function, method, constructor or `super().__init__(...)` that gives no value to a
    parameter without a default: a positional one (neither passed by position nor by name) or a
    keyword-only one.

    ## Why it fails at runtime
    CPython raises `TypeError: C.__init__() missing 1 required positional argument: 'x'` (or
    `missing 2 required positional arguments: 'a' and 'b'`, `missing 1 required keyword-only
    argument: 'k'`) before the body runs. Generated constructors often require parameters the
    original class made optional, so callers written for the original fail.

    ## Example
    ```python
    class Aspect:
        def __init__(self, aspect_id):
            self.aspect_id = aspect_id

    Aspect()
    ```

    ## Use instead
    ```python
    class Aspect:
        def __init__(self, aspect_id=None):
            self.aspect_id = aspect_id

    Aspect()
    ```

    ## Not flagged
    Calls with `*args` or `**kwargs` that might supply the missing values, callees whose signature is
    not known for sure (see OO202), and calls inside `try: ... except TypeError`.
    """

    code = MISSING
    name = "missing-required-argument"
    predicts = "TypeError"
    confidence = Confidence.HIGH
    reports = (Confidence.HIGH, Confidence.MEDIUM)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        return report(self, ctx, self.code)
