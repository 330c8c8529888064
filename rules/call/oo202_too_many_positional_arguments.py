from __future__ import annotations

from collections.abc import Iterator

from oocheck.calls import TOO_MANY, report
from oocheck.diagnostics import Confidence, Finding
from oocheck.rule import CheckContext, Rule


class TooManyPositionalArguments(Rule):
    """A call passes more positional arguments than the callee takes.

    ## What it finds
    A call of a function, a method (bound, class or static), a constructor (its `__init__` found
    through the MRO, or the `__init__` that `@dataclass` generates, or a NamedTuple's `__new__`) or
    `super().__init__(...)` with more positional arguments than the signature has positional
    parameters, and no `*args` to take the rest. A class whose MRO defines neither `__init__` nor
    `__new__` takes no arguments at all.

    ## Why it fails at runtime
    CPython binds the arguments before the body runs and raises `TypeError: C.__init__() takes 2
    positional arguments but 3 were given` (the instance counts as one). Generated classes often drop
    or merge parameters of the original constructor.

    ## Example
    ```python
    class Point:
        def __init__(self, x):
            self.x = x

    Point(1, 2)
    ```

    ## Use instead
    ```python
    class Point:
        def __init__(self, x, y=0):
            self.x = x
            self.y = y

    Point(1, 2)
    ```

    ## Not flagged
    Callees whose signature is not known for sure: a decorator other than `staticmethod`,
    `classmethod`, `abstractmethod`, `functools.cache`/`lru_cache`, `contextlib.contextmanager` or
    `typing.final`/`override` (a `functools.wraps` wrapper takes anything), `@overload`ed functions, a
    `__new__` or metaclass `__call__` of the repo, attrs classes, constructors inherited from a builtin
    or third-party class, methods a subclass overrides when the receiver may be that subclass, and
    calls inside `try: ... except TypeError`. With `*args` at the call site only surely excess
    explicit arguments are reported.
    """

    code = TOO_MANY
    name = "too-many-positional-arguments"
    predicts = "TypeError"
    confidence = Confidence.HIGH
    reports = (Confidence.HIGH, Confidence.MEDIUM)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        return report(self, ctx, self.code)
