from __future__ import annotations

from collections.abc import Iterator

from oocheck.calls import TWICE, report
from oocheck.diagnostics import Confidence, Finding
from oocheck.rule import CheckContext, Rule


class ArgumentGivenTwice(Rule):
    """A call gives one parameter a value both by position and by keyword.

    ## What it finds
    `f(a, b, a=1)` where the keyword names a parameter that the positional arguments already fill
    (counting the instance of a bound method, which fills `self`).

    ## Why it fails at runtime
    CPython raises `TypeError: f() got multiple values for argument 'a'`. It happens when a
    generated signature reorders parameters, or a caller passes `self` explicitly to a bound
    method.

    ## Example
    ```python
    class Mailer:
        def send(self, to, subject=""):
            return to, subject

    Mailer().send("subject line", to="bob@example.org")
    ```

    ## Use instead
    ```python
    class Mailer:
        def send(self, to, subject=""):
            return to, subject

    Mailer().send(to="bob@example.org", subject="subject line")
    ```

    ## Not flagged
    Callees with `*args` taking the extra positional values, callees whose signature is not known
    for sure (see OO202), and calls inside `try: ... except TypeError`.
    """

    code = TWICE
    name = "argument-given-twice"
    predicts = "TypeError"
    confidence = Confidence.HIGH
    reports = (Confidence.HIGH, Confidence.MEDIUM)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        return report(self, ctx, self.code)
