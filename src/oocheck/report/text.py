from __future__ import annotations

import builtins
import os
import sys
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from oocheck.catalog import PREDICTS_NOTHING
from oocheck.diagnostics import Finding
from oocheck.report.context import ReportContext

# What rich changes in plain text: it drops these control codes and expands tabs.
_RICH_CHANGES = frozenset("\x07\x08\x0b\x0c\x0d\t")


def _rich_changes(findings: Sequence[Finding]) -> bool:
    """rich would not print this text as it is. It drops or expands a character above; its markup
    drops a backslash before any `[` (and `escape` doubles a trailing one); a field printed unescaped
    (a rule's code, name or exception) may hold markup; and an evidence path's unclosed `[x` forms
    a tag with a `]` of the note after it, which rich swallows. Rare in findings: rich prints those."""
    for f in findings:
        fields = (f.path, f.message, f.code, f.name, f.predicts,
                  *(text for loc in f.evidence for text in (loc.path, loc.note)))
        if any("\\" in text or _RICH_CHANGES.intersection(text) for text in fields):
            return True
        if any("[" in text for text in (f.code, f.name, f.predicts)):
            return True
        if any("[" in loc.path and "]" in loc.note for loc in f.evidence):
            return True
    return False


def write_text(findings: Sequence[Finding], out: TextIO, files: int,
               context: ReportContext | None = None) -> None:
    """`path:line:col: CODE message`, then the evidence, then a one-line summary."""
    del context
    summary = _summary(findings, files)
    if _plain(out) and not _rich_changes(findings):
        lines = []
        for f in findings:
            lines.append(f"{f.path}:{f.line}:{f.col}: {f.code} {f.message} "
                         f"[{f.name}, predicts {f.predicts}, {f.confidence} confidence]\n")
            lines.extend(f"  {loc.path}:{loc.line}:{loc.col}: note: {loc.note}\n" for loc in f.evidence)
        lines.append(f"{summary}\n")
        # What rich prints here, without importing it (a sixth of a warm pre-commit run's start-up):
        # no terminal, so no styles, and nothing in the text that rich would change.
        out.write("".join(lines))
        out.flush()  # as rich does after each print: what goes to stderr next stays after it
        return
    from rich.console import Console
    from rich.markup import escape

    # emoji=False: rich would turn `x.py:100:1` into an emoji (`:100:`), breaking jump-to-line.
    console = Console(file=out, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, soft_wrap=True,
                      emoji=False)
    for f in findings:
        console.print(
            f"[bold]{escape(f.path)}:{f.line}:{f.col}:[/bold] [red]{f.code}[/red] {escape(f.message)} "
            f"[dim]\\[{f.name}, predicts {f.predicts}, {f.confidence} confidence][/dim]"
        )
        for loc in f.evidence:
            console.print(f"  [dim]{escape(loc.path)}:{loc.line}:{loc.col}: note: {escape(loc.note)}[/dim]")
    if findings:
        console.print(summary)
    else:
        console.print(f"[green]No findings[/green]{summary.removeprefix('No findings')}")


def _summary(findings: Sequence[Finding], files: int) -> str:
    in_files = f"in {files} file{'s' if files != 1 else ''}"
    if not findings:
        return f"No findings {in_files}."
    by_exc = Counter(f.predicts for f in findings if f.predicts != PREDICTS_NOTHING)
    parts = ", ".join(f"{n} {exc}" for exc, n in by_exc.most_common())
    unused = sum(f.predicts == PREDICTS_NOTHING for f in findings)
    if unused:
        parts += f"{', ' if parts else ''}{unused} unused suppression{'s' if unused != 1 else ''}"
    return f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} {in_files} ({parts})."


def _plain(out: TextIO) -> bool:
    """rich would print no styles to `out`: its own test of a terminal (`Console.is_terminal`, with
    the environment variables it reads) says no. Where that is not certain, rich prints."""
    if hasattr(out, "rich_proxied_file") or hasattr(builtins, "get_ipython"):  # rich's own proxy; IPython
        return False
    if getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return False
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "0"
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color == ""
    isatty = getattr(out, "isatty", None)
    try:
        return isatty is None or not isatty()
    except ValueError:  # a closed file: no terminal, for rich too
        return True
