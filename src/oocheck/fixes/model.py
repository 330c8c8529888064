"""What a fix is: one edit anchored at a position the analyzer saw, and whether it is certain.

Edits are intents (rename this attribute, insert this call), not text ranges: the codemods find the
node at the anchor with LibCST's position metadata and rewrite it there, so formatting and comments
around it are kept. Positions are those of `ast` (1-based lines, UTF-8 byte columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RenameAttribute:
    """`receiver.old` becomes `receiver.new`; the anchor is where the attribute name `old` ends."""

    path: Path
    line: int
    end_col: int  # byte offset just after `old`, as ast's end_col_offset of the Attribute node
    old: str
    new: str


@dataclass(frozen=True)
class InsertSuperInit:
    """`super().__init__(args)` becomes the first statement (after a docstring) of `class_name.__init__`,
    the `def` that starts on `def_line`."""

    path: Path
    class_name: str
    def_line: int
    arguments: str  # the source between the parentheses, e.g. "name, size=size"


Edit = RenameAttribute | InsertSuperInit


@dataclass(frozen=True)
class Fix:
    """The repair of one finding. `safe`: the repair removes the predicted failure and changes nothing
    else the analyzer can see; unsafe fixes are applied only with `--unsafe-fixes`."""

    description: str
    safe: bool
    edit: Edit
    digest: str  # sha256 of the file as analysed: a file changed since is never rewritten

    @property
    def path(self) -> Path:
        return self.edit.path
