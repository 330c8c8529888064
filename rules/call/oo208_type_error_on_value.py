from __future__ import annotations

from collections.abc import Iterator

from oocheck.diagnostics import Confidence, Finding
from oocheck.rule import CheckContext, Rule, catches


class TypeErrorOnValue(Rule):
    """An operation that raises TypeError for the builtin type of its operand.

    ## What it finds
    Iterating, measuring, subscripting, comparing, adding, unpacking or calling a value whose builtin
    type is known (a literal, `None`, the result of `len()` ...) in a way that type does not support,
    and calls of side-effect-free builtin or standard-library functions (`len`, `int`,
    `os.path.join`, `json.loads` ...) or methods of builtin values with arguments of the wrong type.
    The message is the one CPython gives: oocheck performs the operation on a sample value of each
    type, and only a TypeError, which depends on the types alone, counts.

    ## Why it fails at runtime
    Python checks operand types when the operation runs: `None` is not iterable, a float is not a
    path, `str + int` does not concatenate.

    ## Example
    ```python
    def total(prices):
        return sum(prices)

    names = None
    for name in names:
        print(name)
    ```

    ## Use instead
    ```python
    def total(prices):
        return sum(prices)

    names = []
    for name in names:
        print(name)
    ```

    ## Not flagged
    Values whose type is not known for certain (a parameter, a result of a repo function); a name
    tested by an `if`, `while`, `assert` or boolean operator (the test may narrow it); string `%`
    formatting (its outcome depends on the format); operations inside `try/except TypeError`.
    """

    code = "OO208"
    name = "type-error-on-value"
    predicts = "TypeError"
    confidence = Confidence.HIGH

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for fault in ctx.index.value_faults:
            if fault.exception != self.predicts or catches(fault.caught, self.predicts):
                continue
            yield self.finding(fault.scope.module.display_path, fault.node, fault.message, self.confidence)
