from __future__ import annotations

import ast
from collections.abc import Iterator

from oocheck.analyzer.infer import CallSite
from oocheck.analyzer.members import all_subclasses
from oocheck.analyzer.model import ClassInfo
from oocheck.analyzer.signatures import bind
from oocheck.analyzer.values import Instance
from oocheck.calls import CAUGHT_TYPE_ERROR, MemberKind, call_shape, find_member, member_signature
from oocheck.diagnostics import Confidence, Finding, Location
from oocheck.rule import CheckContext, Rule

_CALLABLE_KINDS = (MemberKind.METHOD, MemberKind.CLASSMETHOD, MemberKind.STATICMETHOD)


def _alternatives(site: CallSite, calls_in: dict[int, list[CallSite]]) -> list[CallSite]:
    """The other `self.<method>(...)` calls of the same method in the same function as `site`."""
    scope = site.scope
    found = []
    for other in calls_in.get(id(scope.function), []):
        func = other.node.func
        if (other is not site and other.method == site.method and isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name) and func.value.id == scope.self_name):
            found.append(other)
    return found


class IncompatibleOverrideCall(Rule):
    """An override whose signature cannot accept the call its base class makes on it.

    ## What it finds
    A method of a base class calls `self.handle(x, y)`, and a subclass overrides `handle` with a
    signature that this call cannot bind to (too few parameters, other keyword names, a new
    required parameter). Reported at the override's `def`, with the base's call as evidence.

    ## Why it fails at runtime
    On an instance of the subclass, the base's method runs and `self.handle` is the override, so
    CPython binds the base's arguments to the override's parameters and raises `TypeError:
    Sub.handle() takes 2 positional arguments but 3 were given`. Generated subclasses often change
    the signature of a hook that their base (template method) calls.

    ## Example
    ```python
    class Handler:
        def run(self, event, context):
            return self.handle(event, context)

        def handle(self, event, context):
            raise NotImplementedError

    class PrintHandler(Handler):
        def handle(self, event):
            print(event)
    ```

    ## Use instead
    ```python
    class Handler:
        def run(self, event, context):
            return self.handle(event, context)

        def handle(self, event, context):
            raise NotImplementedError

    class PrintHandler(Handler):
        def handle(self, event, context=None):
            print(event)
    ```

    ## Not flagged
    Subclasses that also override the calling method (the base's call does not run for them); bases
    that call the method in another way too which the override accepts (the base tells its subclasses
    apart at runtime, as `if self.kind == ...: self.write(a, b) else: self.write(a)`); overrides whose
    signature is not known for sure (decorators other than the known signature-preserving ones);
    calls with `*args`/`**kwargs` that may fit; calls inside `try: ... except TypeError`. Confidence
    is medium: the subclass may never run the base's method.
    """

    code = "OO207"
    name = "incompatible-override-call"
    predicts = "TypeError"
    confidence = Confidence.MEDIUM

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        calls_in: dict[int, list[CallSite]] = {}
        for call in ctx.index.calls:
            if call.scope.function is not None:
                calls_in.setdefault(id(call.scope.function), []).append(call)
        reported: set[int] = set()
        for site in ctx.index.calls:
            receiver, name, scope = site.receiver, site.method, site.scope
            if name is None or site.caught & CAUGHT_TYPE_ERROR or scope.function is None:
                continue
            if not isinstance(receiver, Instance) or not isinstance(receiver.cls, ClassInfo):
                continue
            func = site.node.func
            if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and func.value.id == scope.self_name and scope.cls is receiver.cls):
                continue
            base = receiver.cls
            own = find_member(base, name)
            caller = scope.function
            shape = call_shape(site)
            for sub in all_subclasses(base):
                # The finding would be at the override: in a file this check does not report (a hook
                # run's), looking (and parsing modules to look) is wasted.
                owner = next((k for k in sub.mro if isinstance(k, ClassInfo) and name in k.bindings), None)
                if owner is None or not ctx.index.reports(owner.module):
                    continue
                runs = find_member(sub, caller.name)
                if runs is None or runs.node is not caller:
                    continue  # the subclass replaces the calling method: this call does not run for it
                member = find_member(sub, name)
                if member is None or member.kind not in _CALLABLE_KINDS or member.node is None:
                    continue
                if (own is not None and member.same_as(own)) or member.owner is base or member.owner in base.mro:
                    continue
                if id(member.node) in reported:
                    continue
                sig = member_signature(member, through_class=False)
                error = bind(sig, shape) if sig is not None else None
                if error is None or sig is None:
                    continue
                if any(bind(sig, call_shape(other)) is None for other in _alternatives(site, calls_in)):
                    continue  # the base calls it another way too, which fits: it tells subclasses apart
                reported.add(id(member.node))
                call_text = ast.unparse(site.node)
                if len(call_text) > 60:
                    call_text = f"self.{name}(...)"
                message = (f"{error.message} when {base.name}.{caller.name}() calls {call_text} on a "
                           f"{sub.name} instance")
                evidence = [Location(scope.module.display_path, site.node.lineno, site.node.col_offset + 1,
                                     f"{base.name}.{caller.name}() calls {call_text} here")]
                assert isinstance(member.owner, ClassInfo)
                yield self.finding(member.owner.path, member.node, message, self.confidence, evidence)
