"""The text of checked files, read once per run, with editor buffers standing in for files on disk.

Reports (columns, fingerprints), suppression comments and baselines all read the same lines; an
editor's unsaved buffer (`--stdin-filename`) must win over the file on disk for every one of them.
"""

from __future__ import annotations

from pathlib import Path


class SourceText:
    """`path -> lines` for display paths (as findings carry them), cached, never raising."""

    def __init__(self, overrides: dict[str, str] | None = None) -> None:
        self._overrides = dict(overrides or {})
        self._lines: dict[str, list[str]] = {}

    def text(self, path: str) -> str:
        if path in self._overrides:
            return self._overrides[path]
        try:
            return Path(path).read_text(encoding="utf-8", errors="replace")
        except (OSError, ValueError):  # vanished, a folder, a name the OS refuses
            return ""

    def lines(self, path: str) -> list[str]:
        if path not in self._lines:
            self._lines[path] = self.text(path).splitlines()
        return self._lines[path]

    def line(self, path: str, number: int) -> str:
        lines = self.lines(path)
        return lines[number - 1] if 0 < number <= len(lines) else ""


def utf16_column(line: str, col: int) -> int:
    """The 1-based UTF-16 column (what SARIF viewers and GitHub count) of a 1-based UTF-8 byte column
    (what `ast` gives). The same number on ASCII lines."""
    prefix = line.encode("utf-8")[: max(col - 1, 0)].decode("utf-8", errors="ignore")
    return len(prefix.encode("utf-16-le")) // 2 + 1
