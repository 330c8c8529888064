"""Every code oocheck can report, with its documentation: the rules, the mypy bridge's codes and the
two the engine reports itself (OO000 unreadable-file, OO001 unused-suppression).

`oocheck rules`, `oocheck explain` and the SARIF report's rule table all read this one list.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from oocheck import mypy_bridge
from oocheck.diagnostics import Confidence
from oocheck.registry import load_rules
from oocheck.rule import Rule, first_sentence

UNREADABLE_CODE = "OO000"
UNUSED_SUPPRESSION_CODE = "OO001"
UNUSED_SUPPRESSION_NAME = "unused-suppression"
# An unused suppression predicts no exception: the field says so rather than being left empty.
PREDICTS_NOTHING = "none"


class CodeDoc(Protocol):
    """What a rule class, a mypy bridge code and an engine code all answer."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def predicts(self) -> str: ...
    @property
    def confidence(self) -> Confidence: ...
    def documentation(self) -> str: ...
    def summary(self) -> str: ...
    def levels(self) -> str: ...


@dataclass(frozen=True)
class EngineCode:
    """A code the engine reports itself, not a rule over the index."""

    code: str
    name: str
    predicts: str
    confidence: Confidence
    doc: str
    reports: tuple[Confidence, ...] = ()  # every level its findings can have, as Rule.reports

    def documentation(self) -> str:
        return inspect.cleandoc(self.doc)

    def summary(self) -> str:
        return first_sentence(self.documentation())

    def levels(self) -> str:
        return "/".join(str(level) for level in sorted({self.confidence, *self.reports}, reverse=True))


ENGINE_CODES: tuple[EngineCode, ...] = (
    EngineCode(UNREADABLE_CODE, "unreadable-file", "SyntaxError", Confidence.HIGH, """
        A file oocheck could not read or parse; the rest of the repo is still checked.

        ## What it finds
        A file that is not valid Python (a syntax error), cannot be decoded, is larger than 10 MB, or
        cannot be read.

        ## Why it fails at runtime
        Importing the module raises SyntaxError (or the file never loads), so nothing in it runs.

        ## Example
        ```python
        class A:
            def f(self)
                return 1
        ```

        ## Use instead
        ```python
        class A:
            def f(self):
                return 1
        ```
        """),
    EngineCode(UNUSED_SUPPRESSION_CODE, UNUSED_SUPPRESSION_NAME, PREDICTS_NOTHING, Confidence.HIGH, """
        A `# oocheck: ignore` comment that suppresses nothing (as ruff's RUF100).

        ## What it finds
        A suppression comment on a statement with no finding it could silence: the bug it hid was
        fixed, or the code in brackets is not the one reported there. Only codes that were checked in
        this run are judged: a code left out by `--select`/`--ignore`, a mypy code with the bridge off,
        or a bare `# oocheck: ignore` in a run that left any rule out, is not reported.

        ## Why it matters
        It predicts no exception. A stale suppression hides the next real finding on that statement.

        ## Example
        ```python
        class A:
            value = 1


        A().value  # oocheck: ignore[OO101]
        ```

        ## Use instead
        ```python
        class A:
            value = 1


        A().value
        ```
        """, (Confidence.HIGH, Confidence.LOW)),  # low when single files are checked (pre-commit)
)


def catalog(extra_rule_dirs: Sequence[Path] = (), rules: Sequence[type[Rule]] | None = None) -> list[CodeDoc]:
    """Every documented code, sorted by code; `rules`: the rules already loaded, if they were."""
    found = rules if rules is not None else load_rules(list(extra_rule_dirs))
    entries: list[CodeDoc] = [*ENGINE_CODES, *found, *mypy_bridge.documented_codes()]
    return sorted(entries, key=lambda entry: entry.code)
