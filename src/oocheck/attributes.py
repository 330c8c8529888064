"""Shared questions the AttributeError rules ask about an access (kept out of the rules themselves)."""

from __future__ import annotations

from typing import cast

from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.infer import AttributeAccess
from oocheck.analyzer.members import Found, all_subclasses, instance_lookup
from oocheck.analyzer.model import ClassInfo, ClassRef
from oocheck.analyzer.suggest import did_you_mean
from oocheck.diagnostics import Confidence


def is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def is_private(name: str) -> bool:
    """`__x` (mangled to `_Class__x` inside a class) or an already mangled `_Class__x`: the name the
    runtime sees depends on the class the code is written in, which reads are not judged by."""
    if name.startswith("__") and not name.endswith("__"):
        return True
    head, sep, tail = name[1:].partition("__")
    return name.startswith("_") and bool(sep) and bool(head) and bool(tail) and not name.endswith("__")


def judged_reads(index: RepoIndex) -> list[AttributeAccess]:
    """Attribute loads that a rule may judge: not stores, not dunders, not guarded against AttributeError,
    in a module whose findings are reported (computed once per index: every attribute rule asks)."""
    cached = index.derived.get("judged_reads")
    if cached is None:
        index.derived["judged_reads"] = cached = _judged_reads(index)
    return cast(list[AttributeAccess], cached)


def _judged_reads(index: RepoIndex) -> list[AttributeAccess]:
    return [a for a in index.accesses
            if index.reports(a.scope.module) and not a.store and not is_dunder(a.attr) and not is_private(a.attr)
            and not a.guarded_against("AttributeError")]


def with_hint(message: str, name: str, candidates: list[str]) -> str:
    suggestion = did_you_mean(name, candidates)
    return f"{message}. Did you mean: '{suggestion}'?" if suggestion else message


def subclasses_binding(cls: ClassInfo, name: str) -> list[ClassInfo] | None:
    """Subclasses of `cls` on whose instances `name` is readable; None when one of them is open."""
    found = []
    for sub in all_subclasses(cls):
        result = instance_lookup(sub, name, exact=False)
        if result.found is Found.UNKNOWN:
            return None
        if result.found is Found.YES:
            found.append(sub)
    return found


def siblings_binding(index: RepoIndex, cls: ClassInfo, name: str) -> list[ClassInfo]:
    """Classes sharing a base of the repo with `cls`, outside its hierarchy, that bind `name` themselves."""
    related = {id(k) for k in cls.mro} | {id(s) for s in all_subclasses(cls)}
    siblings = []
    for base in cls.mro[1:]:
        if not isinstance(base, ClassInfo):
            continue
        for other in all_subclasses(base):
            if id(other) not in related and name in other.bindings and other not in siblings:
                siblings.append(other)
    del index
    return siblings


def is_mixin(cls: ClassRef) -> bool:
    """By the Python convention pylint also follows (`mixin-class-rgx`): its attributes come from elsewhere."""
    return isinstance(cls, ClassInfo) and cls.name.lower().endswith("mixin")


def stored_elsewhere(index: RepoIndex, access: AttributeAccess) -> bool:
    """Some object we could not follow gets this attribute assigned in the same import root."""
    return access.attr in index.unknown_stores.get(access.scope.module.root, set())


def downgrade(confidence: Confidence) -> Confidence:
    """Something we could not follow may provide the attribute: never more than low."""
    del confidence
    return Confidence.LOW
