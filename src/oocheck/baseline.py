"""A baseline: the findings a project accepted when it adopted oocheck, silenced until the code changes.

Findings are matched by path, code and qualified symbol (the enclosing `Class.method`), never by line,
so editing code above a finding keeps it matched. Each key holds a count: when a method that had two
OO101 findings has three, one is reported (the last by line: most likely the new one).
Paths are stored relative to the baseline file's folder, so the file works from any current folder.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from oocheck.diagnostics import Finding
from oocheck.symbols import SymbolTable

FORMAT_VERSION = 1
Key = tuple[str, str, str]


class BaselineError(Exception):
    """A baseline file that cannot be read or is not one (exit code 2)."""


def _relative(path: str, folder: Path) -> str:
    try:
        return Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return Path(path).resolve().as_posix()


def _keys(findings: Sequence[Finding], folder: Path, symbols: SymbolTable) -> list[Key]:
    return [(_relative(f.path, folder), f.code, symbols.symbol_at(f.path, f.line)) for f in findings]


def read_baseline(file: Path) -> Counter[Key]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{file}: no such baseline (create it with --update-baseline)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{file}: cannot read baseline: {exc}") from exc
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or data.get("version") != FORMAT_VERSION:
        raise BaselineError(f"{file}: not an oocheck baseline (version {FORMAT_VERSION})")
    counts: Counter[Key] = Counter()
    for entry in entries:
        try:
            key = (str(entry["path"]), str(entry["code"]), str(entry["symbol"]))
            counts[key] += int(entry.get("count", 1))
        except (TypeError, KeyError, ValueError, AttributeError):
            raise BaselineError(f"{file}: malformed entry {entry!r}") from None
    return counts


def apply_baseline(findings: Sequence[Finding], file: Path, symbols: SymbolTable) -> tuple[list[Finding], int]:
    """The findings the baseline does not cover, and how many it covered."""
    remaining = read_baseline(file)
    ordered = sorted(findings, key=Finding.sort_key)
    kept = []
    for finding, key in zip(ordered, _keys(ordered, file.parent, symbols), strict=True):
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            kept.append(finding)
    return kept, len(ordered) - len(kept)


def write_baseline(findings: Sequence[Finding], file: Path, symbols: SymbolTable) -> None:
    """Record `findings`; messages are kept for people reading the file, and are not matched."""
    counts: Counter[Key] = Counter()
    messages: dict[Key, list[str]] = {}
    for finding, key in zip(findings, _keys(findings, file.parent, symbols), strict=True):
        counts[key] += 1
        messages.setdefault(key, []).append(finding.message)
    entries = [{"path": path, "code": code, "symbol": symbol, "count": counts[(path, code, symbol)],
                "messages": sorted(messages[(path, code, symbol)])}
               for path, code, symbol in sorted(counts)]
    text = json.dumps({"version": FORMAT_VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n"
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        temporary = file.with_name(f".{file.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(file)  # never a half-written baseline
    except OSError as exc:
        raise BaselineError(f"{file}: cannot write baseline: {exc.strerror or exc}") from exc
