"""Views of the same findings: text for people; json, jsonl and sarif for tools; github for CI."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol, TextIO

from oocheck.diagnostics import Finding
from oocheck.report.context import ReportContext
from oocheck.report.github import write_github
from oocheck.report.json_report import write_json, write_jsonl
from oocheck.report.sarif import write_sarif
from oocheck.report.text import write_text


class Writer(Protocol):
    def __call__(self, findings: Sequence[Finding], out: TextIO, files: int, /,
                 context: ReportContext | None = None) -> None: ...


FORMATS: dict[str, Writer] = {"text": write_text, "json": write_json, "jsonl": write_jsonl, "sarif": write_sarif,
                              "github": write_github}


def default_format() -> str:
    """`github` inside GitHub Actions (annotations on the pull request), else `text`."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


__all__ = ["FORMATS", "ReportContext", "Writer", "default_format"]
