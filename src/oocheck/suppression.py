"""`# oocheck: ignore` and `# oocheck: ignore[OO101, OO2]` (codes or prefixes) on the reported line."""

from __future__ import annotations

import re
from collections.abc import Iterable

from oocheck.diagnostics import Finding

_PATTERN = re.compile(r"#\s*oocheck:\s*ignore(?:\[(?P<codes>[A-Za-z0-9_,\s]+)\])?")


def suppressed_codes(line: str) -> set[str] | None:
    """None when the line has no suppression; an empty set for a bare `ignore` (all codes)."""
    match = _PATTERN.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    return {c.strip().upper() for c in codes.split(",") if c.strip()} if codes else set()


def filter_suppressed(findings: Iterable[Finding], lines_of: dict[str, list[str]]) -> list[Finding]:
    kept = []
    for finding in findings:
        lines = lines_of.get(finding.path, [])
        text = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
        codes = suppressed_codes(text)
        if codes is None or (codes and not any(finding.code.startswith(c) for c in codes)):
            kept.append(finding)
    return kept
