from __future__ import annotations

from collections.abc import Iterator

from oocheck.calls import ABSTRACT, report
from oocheck.diagnostics import Confidence, Finding
from oocheck.rule import CheckContext, Rule


class AbstractClassInstantiated(Rule):
    """A class under ABCMeta instantiated while some of its abstract methods are not implemented.

    ## What it finds
    `C(...)` where C's metaclass is `abc.ABCMeta` (or derives from it: an `abc.ABC` or
    `collections.abc` base, `typing.Protocol`) and some method declared `@abstractmethod` (or an
    abstract property, classmethod ...) is still abstract for C: the first definition of that name in
    C's MRO is the abstract one.

    ## Why it fails at runtime
    `ABCMeta` records the names still abstract in `C.__abstractmethods__`, and `object.__new__`
    refuses to create an instance of such a class: `TypeError: Can't instantiate abstract class C
    with abstract methods a, b`. Generated subclasses often forget one of the methods their base
    declares, or rename it.

    ## Example
    ```python
    from abc import ABC, abstractmethod

    class Storage(ABC):
        @abstractmethod
        def read(self, key): ...

        @abstractmethod
        def write(self, key, value): ...

    class MemoryStorage(Storage):
        def read(self, key):
            return None

    MemoryStorage()
    ```

    ## Use instead
    ```python
    from abc import ABC, abstractmethod

    class Storage(ABC):
        @abstractmethod
        def read(self, key): ...

        @abstractmethod
        def write(self, key, value): ...

    class MemoryStorage(Storage):
        def read(self, key):
            return None

        def write(self, key, value):
            pass

    MemoryStorage()
    ```

    ## Not flagged
    Classes not under ABCMeta (an `@abstractmethod` there is only a marker), abstract bases only
    instantiated through a concrete subclass, `cls(...)` in a classmethod (the class may be a
    subclass), classes with a base that cannot be resolved (it may implement the methods), a `__new__`
    of the repo, a class decorator or a metaclass `__call__` that may change what instantiation does.
    """

    code = ABSTRACT
    name = "abstract-class-instantiated"
    predicts = "TypeError"
    confidence = Confidence.HIGH

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        return report(self, ctx, self.code)
