"""Adopting oocheck on existing code: --baseline / --update-baseline, and --statistics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Oocheck, Run

CODE = ("class Transport:\n"
        "    def __init__(self):\n"
        "        self.timeout = 10\n"
        "\n"
        "    def send(self):\n"
        "        return self.timout\n"
        "\n"
        "    def close(self):\n"
        "        return self.sockt\n")


def codes(result: Run) -> list[tuple[int, str]]:
    return [(json.loads(line)["line"], json.loads(line)["code"]) for line in result.stdout.splitlines()]


def test_baseline_matches_by_symbol_not_line(tmp_path: Path, oocheck: Oocheck) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "transport.py").write_text(CODE)
    recorded = oocheck("--baseline", "ci/baseline.json", "--update-baseline", "app", cwd=tmp_path)
    assert recorded.returncode == 0, recorded.stderr
    baseline = json.loads((tmp_path / "ci" / "baseline.json").read_text())
    assert [(e["path"], e["code"], e["symbol"], e["count"]) for e in baseline["findings"]] == [
        ("../app/transport.py", "OO101", "Transport.close", 1), ("../app/transport.py", "OO101", "Transport.send", 1)]

    # Lines move (an import above), and a new finding appears in send(): only the new one is reported.
    moved = "import os\n\n\n" + CODE.replace("return self.timout", "return self.timout + self.retries")
    (tmp_path / "app" / "transport.py").write_text(moved)
    result = oocheck("--baseline", "ci/baseline.json", "--format", "jsonl", "app", cwd=tmp_path)
    assert result.returncode == 1
    assert codes(result) == [(9, "OO101")]
    assert "retries" in result.stdout and "2 findings left out by the baseline" in result.stderr
    # From another folder, the same baseline still matches (paths are relative to the baseline file).
    inside = oocheck("--baseline", "../ci/baseline.json", "--format", "jsonl", ".", cwd=tmp_path / "app")
    assert codes(inside) == [(9, "OO101")]

    # The same code in a method that had none is new too.
    (tmp_path / "app" / "transport.py").write_text(CODE + "\n    def open(self):\n        return self.sockt\n")
    assert codes(oocheck("--baseline", "ci/baseline.json", "--format", "jsonl", "app", cwd=tmp_path)) == [
        (12, "OO101")]


def test_baseline_errors_are_usage_errors(tmp_path: Path, oocheck: Oocheck) -> None:
    (tmp_path / "t.py").write_text(CODE)
    for args in (["--baseline", "missing.json"], ["--update-baseline"]):
        result = oocheck(*args, "t.py", cwd=tmp_path)
        assert result.returncode == 2 and "Traceback" not in result.stderr, (args, result.stderr)
    (tmp_path / "broken.json").write_text('{"version": 1, "findings": [{"path": 3}]}')
    result = oocheck("--baseline", "broken.json", "t.py", cwd=tmp_path)
    assert result.returncode == 2 and "broken.json" in result.stderr and "Traceback" not in result.stderr


def test_baseline_from_pyproject(tmp_path: Path, oocheck: Oocheck) -> None:
    (tmp_path / "t.py").write_text(CODE)
    (tmp_path / "pyproject.toml").write_text('[tool.oocheck]\nbaseline = "oocheck-baseline.json"\n')
    assert oocheck("--update-baseline", ".", cwd=tmp_path).returncode == 0
    assert (tmp_path / "oocheck-baseline.json").is_file()
    assert oocheck(".", cwd=tmp_path).returncode == 0


def test_statistics(tmp_path: Path, oocheck: Oocheck) -> None:
    (tmp_path / "t.py").write_text(CODE + "\n\nTransport.timeout\n")
    result = oocheck("--statistics", "t.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["2\tOO101\tundefined-instance-attribute\t(predicts AttributeError)",
                                          "1\tOO102\tundefined-class-attribute\t(predicts AttributeError)"]
    as_json = json.loads(oocheck("--statistics", "--format", "json", "t.py", cwd=tmp_path).stdout)
    with pytest.MonkeyPatch.context() as github:  # the default format there is `github`: the table still
        github.setenv("GITHUB_ACTIONS", "true")
        assert oocheck("--statistics", "t.py", cwd=tmp_path).stdout == result.stdout
    refused = oocheck("--statistics", "--format", "github", "t.py", cwd=tmp_path)
    assert refused.returncode == 2 and not refused.stdout
    assert [(row["code"], row["count"]) for row in as_json] == [("OO101", 2), ("OO102", 1)]
    (tmp_path / "t.py").write_text("x = 1\n")
    clean = oocheck("--statistics", "t.py", cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "")
