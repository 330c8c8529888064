from __future__ import annotations

from collections.abc import Iterator

from oocheck.analyzer.members import Found, instance_lookup
from oocheck.analyzer.model import ClassInfo
from oocheck.analyzer.values import Instance
from oocheck.attributes import judged_reads, siblings_binding, subclasses_binding
from oocheck.diagnostics import Confidence, Finding
from oocheck.rule import CheckContext, Rule, binding_location, class_location


class AttributeBoundElsewhere(Rule):
    """A read through `self` of an attribute that only a sibling class or a subclass binds.

    ## What it finds
    `self.name` in a method of class `C` where no class in `C`'s MRO binds `name`, but another class
    does: a *sibling* (a class that shares a base with `C` and is not in `C`'s hierarchy), or a
    subclass of `C` while `C` itself is also instantiated directly. The message says where the
    attribute is bound.

    ## Why it fails at runtime
    `self` is an instance of `C` or of a subclass. A sibling's attributes are never on it; a
    subclass's attributes are not on a plain `C()`. Models often copy code between sibling classes
    and keep an attribute that only the sibling's `__init__` sets.

    ## Example
    ```python
    class Shape:
        pass

    class Circle(Shape):
        def __init__(self):
            self.radius = 1

    class Square(Shape):
        def __init__(self):
            self.side = 2

        def area(self):
            return self.radius ** 2

    Square().area()
    ```

    ## Use instead
    ```python
    class Shape:
        pass

    class Circle(Shape):
        def __init__(self):
            self.radius = 1

    class Square(Shape):
        def __init__(self):
            self.side = 2

        def area(self):
            return self.side ** 2

    Square().area()
    ```

    ## Not flagged
    A base class or mixin whose subclasses provide the attribute and which is never instantiated
    itself (the template-method pattern); open classes; guarded reads.
    """

    code = "OO104"
    name = "attribute-bound-elsewhere"
    predicts = "AttributeError"
    confidence = Confidence.HIGH
    reports = (Confidence.HIGH, Confidence.MEDIUM)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        index = ctx.index
        for access in judged_reads(index):
            receiver = access.receiver
            if not (isinstance(receiver, Instance) and access.via_self and isinstance(receiver.cls, ClassInfo)):
                continue
            cls = receiver.cls
            if instance_lookup(cls, access.attr, exact=False).found is not Found.NO:
                continue
            subs = subclasses_binding(cls, access.attr)
            if subs is None:
                continue
            if subs:
                if id(cls) not in index.instantiated:
                    continue
                where, kind, confidence = subs, "subclass", Confidence.MEDIUM
            else:
                siblings = siblings_binding(index, cls, access.attr)
                if not siblings:
                    continue
                where, kind, confidence = siblings, "sibling class", Confidence.HIGH
            names = ", ".join(c.name for c in where[:3])
            message = (f"'{cls.name}' object has no attribute '{access.attr}': it is bound only in "
                       f"{kind}{'es' if kind.endswith('s') and len(where) > 1 else ''} {names}")
            evidence = [class_location(cls)]
            for other in where[:3]:
                binding = other.bindings.get(access.attr, [None])[0]
                evidence.append(binding_location(binding, other.name) if binding else class_location(other))
            yield self.finding(access.scope.module.display_path, access.node, message, confidence, evidence)
