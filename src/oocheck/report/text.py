from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.markup import escape

from oocheck.catalog import PREDICTS_NOTHING
from oocheck.diagnostics import Finding
from oocheck.report.context import ReportContext


def write_text(findings: Sequence[Finding], out: TextIO, files: int,
               context: ReportContext | None = None) -> None:
    """`path:line:col: CODE message`, then the evidence, then a one-line summary."""
    del context
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
        by_exc = Counter(f.predicts for f in findings if f.predicts != PREDICTS_NOTHING)
        parts = ", ".join(f"{n} {exc}" for exc, n in by_exc.most_common())
        unused = sum(f.predicts == PREDICTS_NOTHING for f in findings)
        if unused:
            parts += f"{', ' if parts else ''}{unused} unused suppression{'s' if unused != 1 else ''}"
        console.print(f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} "
                      f"in {files} file{'s' if files != 1 else ''} ({parts}).")
    else:
        console.print(f"[green]No findings[/green] in {files} file{'s' if files != 1 else ''}.")
