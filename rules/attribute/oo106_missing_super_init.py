from __future__ import annotations

from collections.abc import Iterator

from oocheck.analyzer.members import Found, instance_lookup
from oocheck.analyzer.model import BindingKind, ClassInfo
from oocheck.analyzer.values import Instance
from oocheck.attributes import judged_reads
from oocheck.diagnostics import Confidence, Finding, Location
from oocheck.fixes.build import super_init_fix
from oocheck.rule import CheckContext, Rule, binding_location


class MissingSuperInit(Rule):
    """A subclass `__init__` that skips `super().__init__()` while an attribute only the base's
    `__init__` binds is read.

    ## What it finds
    A read of `obj.name` (or `self.name`) where the only bindings of `name` are in the `__init__` of
    a base class, and the `__init__` chain of the instance's class stops before that base: the
    subclass defines `__init__` and never calls `super().__init__(...)`.

    ## Why it fails at runtime
    Defining `__init__` in a subclass replaces the base's. Attributes the base binds in its
    `__init__` are created only when it runs, so `AttributeError: 'C' object has no attribute
    'name'` follows.

    ## Example
    ```python
    class Base:
        def __init__(self):
            self.items = []

    class Child(Base):
        def __init__(self):
            self.size = 0

    Child().items
    ```

    ## Use instead
    ```python
    class Base:
        def __init__(self):
            self.items = []

    class Child(Base):
        def __init__(self):
            super().__init__()
            self.size = 0

    Child().items
    ```

    ## Not flagged
    An explicit `Base.__init__(self)` call anywhere in the class (followed conservatively), an
    `__init__` delegating through unknown code, open classes, names also bound outside `__init__`.

    ## Fix
    `--fix` inserts `super().__init__(...)` at the start of the `__init__` (after its docstring),
    passing the base's parameters from same-named ones; no fix when a required one has none. Unsafe
    with several bases, or when the base's `__init__` calls a method the class overrides.
    """

    code = "OO106"
    name = "missing-super-init"
    predicts = "AttributeError"
    confidence = Confidence.HIGH
    reports = (Confidence.HIGH, Confidence.MEDIUM)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for access in judged_reads(ctx.index):
            receiver = access.receiver
            if not isinstance(receiver, Instance) or not isinstance(receiver.cls, ClassInfo):
                continue
            if not (receiver.exact or access.via_self):
                continue
            cls = receiver.cls
            result = instance_lookup(cls, access.attr, exact=True)
            if result.found is not Found.NO:
                continue
            skipped = [b for b in result.unusable if b.kind is BindingKind.INSTANCE and b.method == "__init__"]
            if not skipped:
                continue
            stopper = next((k for k in cls.mro if isinstance(k, ClassInfo) and "__init__" in k.bindings), None)
            if stopper is None:
                continue
            owner = next((k for k in cls.mro if isinstance(k, ClassInfo) and skipped[0] in
                          k.bindings.get(access.attr, [])), None)
            owner_name = owner.name if owner is not None else "a base class"
            message = (f"'{cls.name}' object has no attribute '{access.attr}': {stopper.name}.__init__ does not "
                       f"call super().__init__(), and only {owner_name}.__init__ binds it")
            init = stopper.bindings["__init__"][0]
            evidence = [Location(init.path, init.line, init.col + 1, f"{stopper.name}.__init__ is defined here"),
                        binding_location(skipped[0], owner_name)]
            confidence = Confidence.HIGH if receiver.exact else Confidence.MEDIUM
            yield self.finding(access.scope.module.display_path, access.node, message, confidence, evidence,
                               fix=super_init_fix(cls))
