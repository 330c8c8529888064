from __future__ import annotations

from collections.abc import Iterator

from oocheck.analyzer.external import ExternalClass
from oocheck.analyzer.members import Found, candidate_names, instance_lookup
from oocheck.analyzer.model import BindingKind, ClassInfo
from oocheck.analyzer.values import Instance
from oocheck.attributes import (
    downgrade,
    is_mixin,
    judged_reads,
    siblings_binding,
    stored_elsewhere,
    subclasses_binding,
    with_hint,
)
from oocheck.diagnostics import Confidence, Finding
from oocheck.fixes.build import rename_fix
from oocheck.rule import CheckContext, Rule, binding_location, class_location


class UndefinedInstanceAttribute(Rule):
    """An attribute read on an instance that no class in its MRO binds.

    ## What it finds
    `obj.name` where `obj` is known to be an instance of a class of the repo (made by `C(...)`, or
    `self` inside a method) or of a builtin or standard-library class, and neither the class nor any
    class in its MRO binds `name`: no class attribute, method, property, slot, field, and no
    `self.name = ...` in any method.

    ## Why it fails at runtime
    Attribute lookup searches the instance `__dict__`, then each class of the MRO. When nothing
    binds the name, Python raises `AttributeError: 'C' object has no attribute 'name'`. Generated
    classes often read attributes of the original class that the model never defined.

    ## Example
    ```python
    class Transport:
        def __init__(self):
            self.timeout = 10

    Transport().options
    ```

    ## Use instead
    ```python
    class Transport:
        def __init__(self):
            self.timeout = 10
            self.options = {}

    Transport().options
    ```

    ## Not flagged
    Open classes (a `__getattr__`, `setattr` with a computed name, `self.__dict__` updates, an
    unresolved base, an unknown class decorator or metaclass, a class written in C whose instances
    have a `__dict__`); values whose type comes from an annotation or `isinstance()` naming a class
    outside the repo (a subclass may add the name); reads guarded by `hasattr`,
    `getattr(obj, name, default)` or `try/except AttributeError`; classes named `*Mixin`; self-reads
    that a subclass or sibling provides (see OO104); `__dunder__` and `__private` names. Names declared
    only as an annotation are reported at low confidence (something unseen often fills them).

    ## Fix
    `--fix` renames the read to the name of the "Did you mean" hint when it is the only close name,
    the difference is a typo and the finding is high confidence; otherwise the rename is an unsafe
    fix (`--unsafe-fixes`).
    """

    code = "OO101"
    name = "undefined-instance-attribute"
    predicts = "AttributeError"
    confidence = Confidence.HIGH
    reports = (Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        index = ctx.index
        for access in judged_reads(index):
            receiver = access.receiver
            if not isinstance(receiver, Instance):
                continue
            cls = receiver.cls
            if isinstance(cls, ExternalClass) and not receiver.exact:
                continue  # an annotation or isinstance() names a base: subclasses outside the repo may add it
            result = instance_lookup(cls, access.attr, exact=receiver.exact)
            if result.found is not Found.NO:
                continue
            if any(b.kind is BindingKind.INSTANCE and b.method == "__init__" for b in result.unusable):
                continue  # a base __init__ that does not run: OO106
            confidence = Confidence.HIGH if receiver.exact else Confidence.MEDIUM
            evidence = [class_location(cls)] if isinstance(cls, ClassInfo) else []
            notes = ""
            if isinstance(cls, ClassInfo) and not receiver.exact:
                if is_mixin(cls):
                    continue
                subs = subclasses_binding(cls, access.attr)
                if subs is None or subs:
                    continue  # provided by a subclass (or unknowable): OO104 decides
                if siblings_binding(index, cls, access.attr) and access.via_self:
                    continue  # bound in a sibling class: OO104
                if access.via_self:
                    confidence = Confidence.HIGH if not cls.abstract_methods else Confidence.LOW
            annotations = [b for b in result.unusable if b.kind is BindingKind.ANNOTATION]
            if annotations:
                notes = f" ('{access.attr}' is only annotated in the class body, never assigned)"
                evidence.extend(binding_location(b, cls.name, "annotated here, never assigned") for b in annotations)
                # A declared attribute is usually filled by code we cannot see (an argparse namespace,
                # a framework): report it, but below the default threshold.
                confidence = Confidence.LOW
            if stored_elsewhere(index, access):
                confidence = downgrade(confidence)
            candidates = candidate_names(cls, instance=True)
            message = with_hint(f"'{cls.name}' object has no attribute '{access.attr}'", access.attr,
                                candidates) + notes
            yield self.finding(access.scope.module.display_path, access.node, message, confidence, evidence,
                               fix=rename_fix(access, candidates, confidence))
