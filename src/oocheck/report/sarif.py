"""SARIF 2.1.0, as GitHub code scanning reads it (`github/codeql-action/upload-sarif`).

- `ruleId` is the finding's code (stable across versions: codes are never reused); the run's
  `tool.driver.rules` describes every code reported, with the rule's documentation as `help` (the
  `oocheck explain CODE` text, which GitHub shows under the alert). `helpUri` points at the README's
  rule table (`#rules`) of the project URL the installed package declares (`[project.urls]`
  Documentation, Homepage or Repository); with none declared it is left out rather than invented.
- Columns are 1-based UTF-16 code units (`columnKind`), converted from the byte columns of `ast`.
- `partialFingerprints["oocheck/v1"]` hashes path, code, the enclosing `Class.method` and the
  message with its line numbers removed, so an alert keeps its identity when code above it moves it.
- `level`: high confidence is an error, medium a warning, low a note.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from oocheck import __version__
from oocheck.diagnostics import Confidence, Finding
from oocheck.report.context import ReportContext

if TYPE_CHECKING:
    from oocheck.catalog import CodeDoc
from oocheck.source_text import utf16_column

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "oocheck/v1"
LEVELS = {Confidence.HIGH: "error", Confidence.MEDIUM: "warning", Confidence.LOW: "note"}
_LINE_NUMBERS = re.compile(r":\d+(?::\d+)?")


def help_uri() -> str | None:
    """The README's rule table at the project's declared home, if the installed metadata names one."""
    from importlib.metadata import PackageNotFoundError, metadata  # for SARIF only, not every check's start-up

    try:
        urls = metadata("oocheck").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    by_label: dict[str, str] = {}
    for entry in urls:
        label, _, url = str(entry).partition(",")
        by_label[label.strip().lower()] = url.strip()
    for label in ("documentation", "homepage", "repository", "source"):
        if by_label.get(label, "").startswith(("https://", "http://")):
            return by_label[label].split("#")[0] + "#rules"
    return None


def _uri(path: str) -> str:
    return path.replace("\\", "/")


def _region(ctx: ReportContext, path: str, line: int, col: int, end_line: int, end_col: int) -> dict[str, int]:
    start = ctx.sources.line(path, line)
    end = ctx.sources.line(path, end_line) if end_line != line else start
    region = {"startLine": max(line, 1), "startColumn": _column(start, col)}
    if end_line >= line:
        region["endLine"] = end_line
        end_column = _column(end, end_col)
        if end_line > line or end_column > region["startColumn"]:
            region["endColumn"] = end_column
    return region


def _column(text: str, col: int) -> int:
    return max(utf16_column(text, col), 1)


def fingerprint(finding: Finding, symbol: str, occurrence: int) -> str:
    """Stable across line moves: no line number enters it (messages may quote `file:line`)."""
    message = _LINE_NUMBERS.sub("", finding.message)
    key = "\0".join((_uri(finding.path), finding.code, symbol, message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _rule(doc: CodeDoc, uri: str | None) -> dict[str, Any]:
    documentation = doc.documentation()
    described: dict[str, Any] = {
        "id": doc.code,
        "name": doc.name,
        "shortDescription": {"text": doc.summary()},
        "fullDescription": {"text": documentation.split("\n\n")[0]},
        "help": {"text": documentation, "markdown": documentation},
        "defaultConfiguration": {"level": LEVELS[doc.confidence]},
        "properties": {"tags": [doc.predicts], "precision": _precision(doc.confidence)},
    }
    if uri:
        described["helpUri"] = uri
    return described


def _precision(confidence: Confidence) -> str:
    return {Confidence.HIGH: "very-high", Confidence.MEDIUM: "high", Confidence.LOW: "medium"}[confidence]


def sarif_log(findings: Sequence[Finding], ctx: ReportContext) -> dict[str, Any]:
    docs = {doc.code: doc for doc in ctx.rule_docs()}
    codes = sorted({f.code for f in findings})
    uri = help_uri()
    rules: list[dict[str, Any]] = []
    for code in codes:
        if code in docs:
            rules.append(_rule(docs[code], uri))
        else:  # a code from a rule pack not loaded here: described by what the finding says
            sample = next(f for f in findings if f.code == code)
            rules.append({"id": code, "name": sample.name, "shortDescription": {"text": sample.name},
                          "properties": {"tags": [sample.predicts]}})
    rule_index = {code: number for number, code in enumerate(codes)}
    seen: Counter[tuple[str, str, str, str]] = Counter()
    results = []
    for f in findings:
        symbol = ctx.symbols.symbol_at(f.path, f.line)
        identity = (f.path, f.code, symbol, _LINE_NUMBERS.sub("", f.message))
        occurrence = seen[identity]
        seen[identity] += 1
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": rule_index[f.code],
            "level": LEVELS[f.confidence],
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(f.path), "uriBaseId": "%SRCROOT%"},
                    "region": _region(ctx, f.path, f.line, f.col, f.end_line, f.end_col),
                },
                "logicalLocations": [{"fullyQualifiedName": symbol}],
            }],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f, symbol, occurrence)},
            "properties": {"predicts": f.predicts, "confidence": str(f.confidence), "name": f.name},
        }
        if f.evidence:
            result["relatedLocations"] = [{
                "id": number,
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(loc.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(loc.line, 1),
                               "startColumn": _column(ctx.sources.line(loc.path, loc.line), loc.col)},
                },
                "message": {"text": loc.note},
            } for number, loc in enumerate(f.evidence, 1)]
        results.append(result)
    driver: dict[str, Any] = {"name": "oocheck", "version": __version__, "semanticVersion": __version__,
                              "rules": rules}
    if uri:
        driver["informationUri"] = uri.split("#")[0]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "columnKind": "utf16CodeUnits",
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The folder oocheck ran in"}}},
            "results": results,
        }],
    }


def write_sarif(findings: Sequence[Finding], out: TextIO, files: int,
                context: ReportContext | None = None) -> None:
    del files
    json.dump(sarif_log(findings, context or ReportContext()), out, indent=2, ensure_ascii=False)
    out.write("\n")
