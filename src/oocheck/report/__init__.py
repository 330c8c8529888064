"""Views of the same findings: text for people, json and jsonl for tools."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TextIO

from oocheck.diagnostics import Finding
from oocheck.report.json_report import write_json, write_jsonl
from oocheck.report.text import write_text

Writer = Callable[[Sequence[Finding], TextIO, int], None]

FORMATS: dict[str, Writer] = {"text": write_text, "json": write_json, "jsonl": write_jsonl}
