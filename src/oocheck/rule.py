"""What a rule is: a code, a name, the exception it predicts, and a `check` over the repo index.

A rule module defines one subclass of `Rule`. Rules are found through the `oocheck.rules` entry-point
group (the built-in ones too), so a third-party rule pack plugs in the same way.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.model import Binding, ClassInfo
from oocheck.diagnostics import Confidence, Finding, Location
from oocheck.environment import TargetEnvironment
from oocheck.fixes.model import Fix


@dataclass
class CheckContext:
    """What a rule gets: the finished repo index, and the target environment when a rule needs it."""

    index: RepoIndex
    # None when no active rule sets `needs_environment`, or when the environment cannot be found.
    environment: TargetEnvironment | None = None


def first_sentence(documentation: str) -> str:
    """The first sentence of a docstring, whole even when it wraps onto more lines (a table's summary)."""
    paragraph = " ".join(documentation.strip().split("\n\n", 1)[0].split())
    end = _SENTENCE_END.search(paragraph)
    return paragraph[: end.start() + 1] if end else paragraph


# A full stop followed by a space, not the one of "e.g." or "i.e.".
_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)\.\s")


class Rule:
    """Base class of every rule. The docstring of a rule is its documentation (`oocheck explain`)."""

    code: ClassVar[str]
    name: ClassVar[str]
    predicts: ClassVar[str]
    confidence: ClassVar[Confidence] = Confidence.HIGH
    # Every level its findings can have when that is more than `confidence` alone (`high` for an
    # exact receiver, `medium` through `self`): what `oocheck rules` lists, so no level surprises.
    reports: ClassVar[tuple[Confidence, ...]] = ()

    @classmethod
    def levels(cls) -> str:
        """The confidence levels of its findings, highest first: "high", "high/medium"."""
        found = sorted({cls.confidence, *cls.reports}, reverse=True)
        return "/".join(str(level) for level in found)
    # The engine finds the target environment (one subprocess) only when an active rule asks for it.
    needs_environment: ClassVar[bool] = False

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return first_sentence(cls.documentation()) if cls.__doc__ else cls.name

    def finding(self, path: str, node: ast.AST, message: str, confidence: Confidence | None = None,
                evidence: Sequence[Location] = (), fix: Fix | None = None) -> Finding:
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        return Finding(
            path=path,
            line=line,
            col=col + 1,
            end_line=getattr(node, "end_lineno", None) or line,
            end_col=(getattr(node, "end_col_offset", None) or col) + 1,
            code=self.code,
            name=self.name,
            predicts=self.predicts,
            message=message,
            confidence=confidence or self.confidence,
            evidence=tuple(evidence),
            fix=fix,
        )


def class_location(cls: ClassInfo, note: str = "") -> Location:
    return Location(cls.path, cls.line, cls.col + 1, note or f"class {cls.name} is defined here")


def binding_location(binding: Binding, owner: str, note: str = "") -> Location:
    text = note or f"{owner}.{binding.name} is bound here ({binding.describe()})"
    return Location(binding.path, binding.line, binding.col + 1, text)


def catches(caught: frozenset[str], exception: str) -> bool:
    """Whether handlers naming `caught` (try/except, pytest.raises, suppress) catch `exception`."""
    return bool(caught & {exception, "Exception", "BaseException"})


def call_fault_findings(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    """Findings at the calls whose arguments make the callee raise `rule.predicts` (OO107, OO209)."""
    from oocheck.calls import fails_before_callee_fault  # calls.py builds on this module

    for fault in ctx.index.call_faults:
        inner = fault.inner
        if inner.exception != rule.predicts or catches(fault.caught, rule.predicts):
            continue
        if not ctx.index.reports(fault.scope.module):
            continue  # a partial check drops its finding: not worth judging
        if fails_before_callee_fault(fault, ctx.index):
            continue
        path = inner.scope.module.display_path
        line = getattr(inner.node, "lineno", 1)
        message = f"{inner.message} (in {fault.callee}, at {path}:{line}, with the arguments of this call)"
        evidence = [Location(path, line, getattr(inner.node, "col_offset", 0) + 1,
                             f"raised here, in {inner.scope.qualname}")]
        yield rule.finding(fault.scope.module.display_path, fault.call, message, rule.confidence, evidence)
