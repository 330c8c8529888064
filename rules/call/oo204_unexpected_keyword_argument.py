from __future__ import annotations

from collections.abc import Iterator

from oocheck.calls import UNEXPECTED, report
from oocheck.diagnostics import Confidence, Finding
from oocheck.rule import CheckContext, Rule


class UnexpectedKeywordArgument(Rule):
    """A call passes a keyword argument the callee has no parameter for.

    ## What it finds
    `f(name=value)` where the callee has no parameter `name` that can be passed by keyword and no
    `**kwargs`; also positional-only parameters passed by keyword.

    ## Why it fails at runtime
    CPython raises `TypeError: Role.__init__() got an unexpected keyword argument 'description'`
    (or `got some positional-only arguments passed as keyword arguments: 'a'`). Generated classes
    often rename or drop constructor parameters, and callers still pass the original names.

    ## Example
    ```python
    class Role:
        def __init__(self, name):
            self.name = name

    Role(name="admin", description="all rights")
    ```

    ## Use instead
    ```python
    class Role:
        def __init__(self, name, description=""):
            self.name = name
            self.description = description

    Role(name="admin", description="all rights")
    ```

    ## Not flagged
    Callees with `**kwargs`, callees whose signature is not known for sure (see OO202), and calls
    inside `try: ... except TypeError`.
    """

    code = UNEXPECTED
    name = "unexpected-keyword-argument"
    predicts = "TypeError"
    confidence = Confidence.HIGH
    reports = (Confidence.HIGH, Confidence.MEDIUM)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        return report(self, ctx, self.code)
