"""The one object every part of oocheck agrees on: a `Finding`."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oocheck.fixes.model import Fix


class Confidence(enum.IntEnum):
    """How sure a finding is. `high`: the line raises whenever it runs."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @classmethod
    def parse(cls, text: str) -> Confidence:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown confidence {text!r} (expected high, medium or low)") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Location:
    """A related place in the code: where a class is defined, where an attribute is bound."""

    path: str
    line: int
    col: int
    note: str = ""


@dataclass(frozen=True)
class Finding:
    """A predicted runtime failure at one place in the code."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    code: str
    name: str
    predicts: str
    message: str
    confidence: Confidence
    evidence: tuple[Location, ...] = field(default=())
    # How `--fix` repairs it, if the repair is certain; not part of the jsonl contract (see to_dict).
    fix: Fix | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the fields of the jsonl contract, in a stable order."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line,
            "end_col": self.end_col,
            "code": self.code,
            "name": self.name,
            "predicts": self.predicts,
            "message": self.message,
            "confidence": str(self.confidence),
            "evidence": [asdict(loc) for loc in self.evidence],
        }
