from __future__ import annotations

from collections.abc import Iterator

from oocheck.analyzer.external import ExternalClass
from oocheck.analyzer.members import Found, all_subclasses, candidate_names, class_lookup
from oocheck.analyzer.model import BindingKind, ClassInfo
from oocheck.analyzer.values import ClassObject
from oocheck.attributes import downgrade, judged_reads, stored_elsewhere, with_hint
from oocheck.diagnostics import Confidence, Finding
from oocheck.fixes.build import rename_fix
from oocheck.rule import CheckContext, Rule, binding_location, class_location


class UndefinedClassAttribute(Rule):
    """An attribute read on a class object that the class does not have at class level.

    ## What it finds
    `C.name` where `C` is a class and no class in its MRO (nor its metaclass) binds `name` at class
    level. An attribute assigned only as `self.name = ...` in a method exists on instances, not on
    the class; an annotation without a value in the class body binds nothing.

    ## Why it fails at runtime
    Reading an attribute on a class searches the class's MRO and then its metaclass. Instance
    attributes are created when `__init__` runs on an instance, so the class object never has them:
    `AttributeError: type object 'C' has no attribute 'name'`.

    ## Example
    ```python
    class Cue:
        def __init__(self):
            self.pattern = "x"

    Cue.pattern
    ```

    ## Use instead
    ```python
    class Cue:
        pattern = "x"

    Cue.pattern
    ```

    ## Not flagged
    Open classes; attributes assigned to the class after the class statement (`C.name = ...`);
    enum members, slots, dataclass fields with a default; attributes of the metaclass (`C.mro`);
    `cls.name` in a classmethod when a subclass binds `name`; attrs classes; guarded reads.

    ## Fix
    `--fix` renames the read to the name of the "Did you mean" hint when it is the only close name,
    the difference is a typo and the finding is high confidence (unsafe otherwise); a name bound
    only on instances or only annotated gets no fix.
    """

    code = "OO102"
    name = "undefined-class-attribute"
    predicts = "AttributeError"
    confidence = Confidence.HIGH
    reports = (Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW)

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        index = ctx.index
        for access in judged_reads(index):
            receiver = access.receiver
            if not isinstance(receiver, ClassObject):
                continue
            cls = receiver.cls
            if isinstance(cls, ExternalClass) and not receiver.exact:
                continue  # `type[Base]`: a subclass outside the repo may have it
            result = class_lookup(cls, access.attr)
            if result.found is not Found.NO:
                continue
            confidence = Confidence.HIGH
            if isinstance(cls, ClassInfo) and not receiver.exact:
                if any(class_lookup(sub, access.attr).found is not Found.NO for sub in all_subclasses(cls)):
                    continue
                confidence = Confidence.MEDIUM
            evidence = [class_location(cls)] if isinstance(cls, ClassInfo) else []
            note = ""
            instance_only = [b for b in result.unusable if b.kind is not BindingKind.ANNOTATION]
            if instance_only:
                first = instance_only[0]
                note = f" ('{access.attr}' is an instance attribute: it exists only on instances)"
                evidence.append(binding_location(first, cls.name))
            elif result.unusable:
                note = f" ('{access.attr}' is only annotated in the class body, never assigned)"
                evidence.append(binding_location(result.unusable[0], cls.name, "annotated here, never assigned"))
            if stored_elsewhere(index, access):
                confidence = downgrade(confidence)
            candidates = candidate_names(cls, instance=False)
            message = with_hint(f"type object '{cls.name}' has no attribute '{access.attr}'", access.attr,
                                candidates) + note
            # A name bound only on instances or only annotated is not a typo: no rename then.
            fix = None if result.unusable else rename_fix(access, candidates, confidence)
            yield self.finding(access.scope.module.display_path, access.node, message, confidence, evidence,
                               fix=fix)
