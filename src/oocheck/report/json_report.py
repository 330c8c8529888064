from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from oocheck.diagnostics import Finding
from oocheck.report.context import ReportContext


def write_jsonl(findings: Sequence[Finding], out: TextIO, files: int,
                context: ReportContext | None = None) -> None:
    """One finding per line, exactly the fields of the Finding contract."""
    del files, context
    for finding in findings:
        out.write(json.dumps(finding.to_dict(), ensure_ascii=False) + "\n")


def write_json(findings: Sequence[Finding], out: TextIO, files: int,
               context: ReportContext | None = None) -> None:
    del context
    json.dump({"files": files, "findings": [f.to_dict() for f in findings]}, out, indent=2, ensure_ascii=False)
    out.write("\n")
