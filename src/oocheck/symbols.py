"""The qualified symbol a line belongs to (`Class.method`, `function`, `<module>`).

Baselines and SARIF fingerprints name a finding by file, code and symbol rather than by line, so
that they survive the edits above it that move it down the file.
"""

from __future__ import annotations

import ast
import bisect

from oocheck.source_text import SourceText

MODULE_SYMBOL = "<module>"
_Scope = ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef


class SymbolTable:
    """Per file, the class and function definitions by line span; files are parsed on first use."""

    def __init__(self, sources: SourceText) -> None:
        self._sources = sources
        self._spans: dict[str, list[tuple[int, int, str]]] = {}

    def symbol_at(self, path: str, line: int) -> str:
        spans = self._spans.get(path)
        if spans is None:
            spans = self._spans[path] = _spans_of(self._sources.text(path))
        # Spans are sorted by start; the innermost one containing `line` is the last that does.
        found = MODULE_SYMBOL
        for start, end, name in spans[: bisect.bisect_right(spans, (line, float("inf"), ""))]:
            if start <= line <= end:
                found = name
        return found


def _spans_of(text: str) -> list[tuple[int, int, str]]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    spans: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _Scope):
                name = f"{prefix}{child.name}"
                start = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                spans.append((start, child.end_lineno or child.lineno, name))
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    try:
        visit(tree, "")
    except RecursionError:
        return []
    spans.sort()
    return spans
