"""What a report may need beyond the findings: the source lines (for columns and fingerprints), the
qualified symbols, and the documentation of every code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from oocheck.source_text import SourceText
from oocheck.symbols import SymbolTable

if TYPE_CHECKING:
    from oocheck.catalog import CodeDoc


@dataclass
class ReportContext:
    sources: SourceText = field(default_factory=SourceText)
    # None: the built-in catalog (rules, mypy bridge codes, engine codes) is loaded when needed.
    rules: Sequence[CodeDoc] | None = None
    symbols: SymbolTable = field(init=False)

    def __post_init__(self) -> None:
        self.symbols = SymbolTable(self.sources)

    def rule_docs(self) -> Sequence[CodeDoc]:
        if self.rules is None:
            from oocheck.catalog import catalog  # loads every rule pack: only the SARIF report needs it

            self.rules = catalog()
        return self.rules
