from __future__ import annotations

from collections.abc import Iterator

from oocheck.diagnostics import Confidence, Finding
from oocheck.rule import CheckContext, Rule, call_fault_findings


class AttributeErrorInCall(Rule):
    """A call whose argument lacks an attribute that the callee reads on its straight-line path.

    ## What it finds
    A call `obj.method(value)` (or `C(value)`, or `func(value)`) where `value` is known — a literal,
    `None`, or an instance made by `C(...)` — and the callee, on the statements that run whenever it
    runs (before any branch, loop or `try`), reads an attribute that the value's type does not have.
    The callee is followed through further calls the same way, a few levels deep.

    ## Why it fails at runtime
    The callee treats its parameter as a different type than the one passed: `data.encode()` on a
    float, `request.url` on `None`. The AttributeError is raised inside the callee, but the cause is the
    argument at this call.

    ## Example
    ```python
    class Sender:
        def send(self, data):
            payload = data.encode("utf-8")
            return payload

    Sender().send(633.0)
    ```

    ## Use instead
    ```python
    class Sender:
        def send(self, data):
            payload = data.encode("utf-8")
            return payload

    Sender().send("633.0")
    ```

    ## Not flagged
    Reads after a branch, loop, `try`, `with` or `assert` in the callee (they may not run, or may
    guard the value); reads on `self` (OO101 reports those where they are), and anything after an
    access of `self` that may raise first (an attribute missing or not yet bound, a store that
    `__slots__` refuses); decorated callees;
    calls with `*args` or `**kwargs`; reads guarded by `hasattr`; calls inside `try/except
    AttributeError`.
    """

    code = "OO107"
    name = "attribute-error-in-call"
    predicts = "AttributeError"
    confidence = Confidence.HIGH

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        return call_fault_findings(self, ctx)
