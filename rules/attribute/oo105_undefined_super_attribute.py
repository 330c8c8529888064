from __future__ import annotations

from collections.abc import Iterator

from oocheck.analyzer.members import Found, candidate_names, super_lookup
from oocheck.analyzer.model import ClassInfo
from oocheck.analyzer.suggest import did_you_mean
from oocheck.analyzer.values import SuperValue
from oocheck.attributes import judged_reads
from oocheck.diagnostics import Confidence, Finding
from oocheck.fixes.build import rename_fix
from oocheck.rule import CheckContext, Rule, class_location


class UndefinedSuperAttribute(Rule):
    """A base-class method called through `super()` that no base class defines.

    ## What it finds
    `super().name` in a method of `C` where no class after `C` in the MRO (of `C` and of every known
    subclass of `C`) defines `name`. CPython prints no "Did you mean" for a `super` object, so the
    message names the closest method of the base classes separately (same distance as CPython's hint).

    ## Why it fails at runtime
    `super()` looks the name up in the classes after `C` in the MRO of the instance. A method that
    was renamed in the base class, or that the model expected from a different library version, is
    not there: `AttributeError: 'super' object has no attribute 'name'`.

    ## Example
    ```python
    class Base:
        def process(self):
            return 1

    class Child(Base):
        def process(self):
            return super().proccess() + 1

    Child().process()
    ```

    ## Use instead
    ```python
    class Base:
        def process(self):
            return 1

    class Child(Base):
        def process(self):
            return super().process() + 1

    Child().process()
    ```

    ## Not flagged
    Classes with an open class anywhere in the relevant MROs (unresolved bases, `__getattr__`);
    guarded calls.

    ## Fix
    `--fix` renames the call to the base method named in the message when it is the only close name
    and the difference is a typo; otherwise the rename is an unsafe fix (`--unsafe-fixes`).
    """

    code = "OO105"
    name = "undefined-super-attribute"
    predicts = "AttributeError"
    confidence = Confidence.HIGH

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for access in judged_reads(ctx.index):
            receiver = access.receiver
            if not isinstance(receiver, SuperValue):
                continue
            cls = receiver.cls
            if super_lookup(cls, access.attr).found is not Found.NO:
                continue
            candidates: set[str] = set()
            for base in cls.mro[1:]:
                candidates |= set(candidate_names(base, instance=False))
            message = f"'super' object has no attribute '{access.attr}'"
            closest = did_you_mean(access.attr, candidates)
            if closest:
                message += f" (the base classes have '{closest}')"
            bases = [b for b in cls.mro[1:] if isinstance(b, ClassInfo)]
            evidence = [class_location(b, f"base class {b.name} is defined here") for b in bases[:2]]
            yield self.finding(access.scope.module.display_path, access.node, message, self.confidence, evidence,
                               fix=rename_fix(access, candidates, self.confidence))
