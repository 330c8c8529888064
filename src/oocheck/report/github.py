"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.

`::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message`; high and medium
confidence are errors, low a warning. Values are escaped as the Actions runner unescapes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from oocheck.diagnostics import Confidence, Finding
from oocheck.report.context import ReportContext
from oocheck.source_text import utf16_column


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, context: ReportContext) -> str:
    start = context.sources.line(finding.path, finding.line)
    end = context.sources.line(finding.path, finding.end_line) if finding.end_line != finding.line else start
    properties = {
        "file": finding.path.replace("\\", "/"),
        "line": str(finding.line),
        "col": str(utf16_column(start, finding.col)),
        "endLine": str(finding.end_line),
        "endColumn": str(utf16_column(end, finding.end_col)),
        "title": f"{finding.code} {finding.name}",
    }
    command = "warning" if finding.confidence == Confidence.LOW else "error"
    rendered = ",".join(f"{key}={_escape_property(value)}" for key, value in properties.items())
    message = (f"{finding.message} [predicts {finding.predicts}, {finding.confidence} confidence]"
               + "".join(f"\n{loc.path}:{loc.line}:{loc.col}: note: {loc.note}" for loc in finding.evidence))
    return f"::{command} {rendered}::{_escape_data(message)}"


def write_github(findings: Sequence[Finding], out: TextIO, files: int,
                 context: ReportContext | None = None) -> None:
    ctx = context or ReportContext()
    for finding in findings:
        out.write(annotation(finding, ctx) + "\n")
    # A plain summary line too: the job log reads like the text format's last line.
    out.write(f"oocheck: {len(findings)} finding{'s' if len(findings) != 1 else ''} in {files} "
              f"file{'s' if files != 1 else ''}\n")
