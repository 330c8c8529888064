"""The LibCST transformers that carry out the edits of one file, found by position metadata.

LibCST keeps every byte the edit does not touch (whitespace, comments, quotes, line endings), which
is why fixes are applied with it rather than by regenerating code from `ast`.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from oocheck.fixes.model import Edit, InsertSuperInit, RenameAttribute


class FixTransformer(cst.CSTTransformer):
    """Applies the edits of one file; `applied` lists the ones whose anchor was found as expected."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, edits: Sequence[Edit], char_col: dict[tuple[int, int], int]) -> None:
        super().__init__()
        # Renames by (line, character column where the old name ends); ast gives byte columns.
        self._renames = {(e.line, char_col[(e.line, e.end_col)]): e for e in edits if isinstance(e, RenameAttribute)}
        self._inserts = {(e.class_name, e.def_line): e for e in edits if isinstance(e, InsertSuperInit)}
        self._classes: list[str] = []
        self.applied: list[Edit] = []

    def _range(self, node: cst.CSTNode) -> CodeRange:
        return self.get_metadata(PositionProvider, node)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        end = self._range(original_node.attr).end
        edit = self._renames.get((end.line, end.column))
        if edit is None or original_node.attr.value != edit.old:
            return updated_node
        self.applied.append(edit)
        return updated_node.with_changes(attr=updated_node.attr.with_changes(value=edit.new))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self._classes.pop()
        return updated_node

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        if not self._classes or original_node.name.value != "__init__":
            return updated_node
        edit = self._inserts.get((self._classes[-1], self._def_line(original_node)))
        body = updated_node.body
        if edit is None or not isinstance(body, cst.IndentedBlock):
            return updated_node
        call = cst.parse_statement(f"super().__init__({edit.arguments})\n")
        statements = list(body.body)
        at = 1 if statements and _is_docstring(statements[0]) else 0
        statements.insert(at, call)
        self.applied.append(edit)
        return updated_node.with_changes(body=body.with_changes(body=statements))

    def _def_line(self, node: cst.FunctionDef) -> int:
        """The line of `def` (as ast's lineno), not of the first decorator."""
        return self._range(node.name).start.line


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
            and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def transform(module: cst.Module, edits: Sequence[Edit], char_col: dict[tuple[int, int], int]
              ) -> tuple[cst.Module, list[Edit]]:
    """The module with `edits` applied, and the edits that were."""
    transformer = FixTransformer(edits, char_col)
    fixed = cst.MetadataWrapper(module).visit(transformer)
    return fixed, transformer.applied
