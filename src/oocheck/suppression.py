"""`# oocheck: ignore` and `# oocheck: ignore[OO101, OO2]` (codes or prefixes) comments.

A comment silences findings on its whole statement: every line of the logical line it ends (a call
spread over several lines, a multi-line string, a bracketed `if` header), found with `tokenize` so
that text inside strings is never mistaken for a comment. A comment that silences nothing is reported
as OO001 unused-suppression, but only for codes this run actually checked (see `unused_findings`).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from oocheck.catalog import PREDICTS_NOTHING, UNUSED_SUPPRESSION_CODE, UNUSED_SUPPRESSION_NAME
from oocheck.diagnostics import Confidence, Finding
from oocheck.source_text import SourceText

# Case-insensitive, as ruff's `# NOQA`: `# OOCHECK: IGNORE[OO101]` is honoured, not silently dropped.
_PATTERN = re.compile(r"#\s*oocheck:\s*ignore(?:\[(?P<codes>[A-Za-z0-9_,\s]*)\])?", re.IGNORECASE)
_NOT_CODE = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT,
             tokenize.ENCODING, tokenize.ENDMARKER}


def _codes(match: re.Match[str]) -> set[str]:
    codes = match.group("codes")
    return {c.strip().upper() for c in codes.split(",") if c.strip()} if codes else set()


@dataclass
class Suppression:
    """One comment: where it is, what it names, the statement lines it covers, what it silenced."""

    path: str
    line: int
    col: int  # 1-based UTF-8 byte columns, as findings have
    end_col: int
    codes: frozenset[str]  # empty: every code
    first: int
    last: int
    used: set[str] = field(default_factory=set)  # the named codes that silenced a finding ("" for bare)

    def covers(self, finding: Finding) -> bool:
        if not self.first <= finding.line <= self.last:
            return False
        return not self.codes or any(finding.code.startswith(code) for code in self.codes)

    def mark(self, finding: Finding) -> None:
        self.used.update({code for code in self.codes if finding.code.startswith(code)} or {""})


def _byte_col(line: str, char_col: int) -> int:
    return len(line[:char_col].encode("utf-8")) + 1


def find_suppressions(path: str, text: str) -> list[Suppression]:
    """Every suppression comment of `text`, each with the lines of the statement it ends."""
    if "oocheck" not in text.lower():  # most files: skip tokenizing
        return []
    lines = text.splitlines()
    found: list[Suppression] = []
    pending: list[Suppression] = []
    start: int | None = None  # first line of the logical line being read
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                match = _PATTERN.search(token.string)
                if match is None:
                    continue
                row, col = token.start
                line_text = lines[row - 1] if row <= len(lines) else ""
                suppression = Suppression(path, row, _byte_col(line_text, col + match.start()),
                                          _byte_col(line_text, col + match.end()), frozenset(_codes(match)),
                                          start if start is not None else row, row)
                (pending if start is not None else found).append(suppression)
            elif token.type == tokenize.NEWLINE:
                for suppression in pending:
                    suppression.last = token.start[0]
                found.extend(pending)
                pending, start = [], None
            elif token.type not in _NOT_CODE and start is None:
                start = token.start[0]
    except (tokenize.TokenError, SyntaxError, ValueError):  # unparsable: each comment covers its own line
        return _by_line(path, lines)
    found.extend(pending)
    return sorted(found, key=lambda s: (s.line, s.col))


def _by_line(path: str, lines: list[str]) -> list[Suppression]:
    found = []
    for number, line in enumerate(lines, 1):
        match = _PATTERN.search(line)
        if match is not None:
            found.append(Suppression(path, number, _byte_col(line, match.start()), _byte_col(line, match.end()),
                                     frozenset(_codes(match)), number, number))
    return found


class Suppressions:
    """The suppression comments of the checked files, read once, remembering which were used."""

    def __init__(self, sources: SourceText) -> None:
        self._sources = sources
        self._by_path: dict[str, list[Suppression]] = {}

    def of(self, path: str) -> list[Suppression]:
        if path not in self._by_path:
            self._by_path[path] = find_suppressions(path, self._sources.text(path))
        return self._by_path[path]

    def filter(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings no comment silences; every comment that silences one is marked used."""
        kept = []
        for finding in findings:
            covering = [s for s in self.of(finding.path) if s.covers(finding)]
            for suppression in covering:
                suppression.mark(finding)
            if not covering:
                kept.append(finding)
        return kept

    def unused_findings(self, paths: Iterable[str], judged: Callable[[str], bool], every_code_checked: bool,
                        confidence: Confidence, known: Collection[str] = ()) -> list[Finding]:
        """OO001 for each comment (or named code) in `paths` that silenced nothing.

        `judged(code)`: whether every code the name or prefix covers was checked in this run (a code
        left out by select/ignore, or a mypy code with the bridge off, could be hiding a real finding).
        A bare comment is judged only when `every_code_checked`. A named code that is no prefix of
        any `known` code is reported as unknown (a typo silences nothing, ever).
        """
        findings = []
        for path in paths:
            for suppression in self.of(path):
                if any(UNUSED_SUPPRESSION_CODE.startswith(c) for c in suppression.codes):
                    continue  # `ignore[OO101, OO001]`: keep this comment even when it is unused
                if suppression.codes:
                    unknown = sorted(c for c in suppression.codes if known and not any(k.startswith(c) for k in known))
                    unused = sorted(c for c in suppression.codes - suppression.used - set(unknown) if judged(c))
                    if not unused and not unknown:
                        continue
                    parts = [f"unknown code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"] if unknown else []
                    parts += [f"no {', '.join(unused)} finding on this statement"] if unused else []
                    message = f"unused suppression: {'; '.join(parts)}"
                elif suppression.used or not every_code_checked:
                    continue
                else:
                    message = "unused suppression: no finding on this statement"
                findings.append(Finding(path, suppression.line, suppression.col, suppression.line,
                                        suppression.end_col, UNUSED_SUPPRESSION_CODE, UNUSED_SUPPRESSION_NAME,
                                        PREDICTS_NOTHING, message, confidence))
        return findings

