"""The command line as users meet it: exit codes, configuration, suppression comments, formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BAD = "class A:\n    def __init__(self):\n        self.value = 1\n\n\nA().valeu\n"
GOOD = "class A:\n    def __init__(self):\n        self.value = 1\n\n\nA().value\n"


def oocheck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "oocheck", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "good.py").write_text(GOOD)
    assert oocheck("check", "--no-mypy", "good.py", cwd=tmp_path).returncode == 0
    bad = oocheck("check", "--no-mypy", "bad.py", cwd=tmp_path)
    assert bad.returncode == 1
    assert "bad.py:6:1: OO101 'A' object has no attribute 'valeu'. Did you mean: 'value'?" in bad.stdout
    assert oocheck("check", "--no-mypy", "--exit-zero", "bad.py", cwd=tmp_path).returncode == 0
    for usage_error in (["--format", "xml"], ["--select", "NOPE"], ["--min-confidence", "sure"], ["nope.py"],
                        ["--python", "/no/such/python", "good.py"], ["--fix", "--diff", "bad.py"],
                        ["--unsafe-fixes", "bad.py"], ["--statistics", "--format", "jsonl", "bad.py"],
                        ["--statistics", "--format", "sarif", "bad.py"]):
        result = oocheck("check", "--no-mypy", *usage_error, cwd=tmp_path)
        assert result.returncode == 2, (usage_error, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and not result.stdout
    assert "fixable with `oocheck check --fix`" in bad.stderr
    # --fix does not go with a buffer from stdin: no hint to use it there.
    buffer = subprocess.run([sys.executable, "-m", "oocheck", "check", "--no-mypy", "--stdin-filename", "bad.py"],
                            cwd=tmp_path, input=BAD, capture_output=True, text=True, timeout=120)
    assert buffer.returncode == 1 and "valeu" in buffer.stdout and "fixable" not in buffer.stderr


def test_select_ignore_and_min_confidence(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD + "A.value\n")
    both = oocheck("check", "--no-mypy", "--format", "jsonl", "bad.py", cwd=tmp_path)
    assert sorted(json.loads(line)["code"] for line in both.stdout.splitlines()) == ["OO101", "OO102"]
    only = oocheck("check", "--no-mypy", "--format", "jsonl", "--select", "OO102", "bad.py", cwd=tmp_path)
    assert [json.loads(line)["code"] for line in only.stdout.splitlines()] == ["OO102"]
    ignored = oocheck("check", "--no-mypy", "--format", "jsonl", "--ignore", "OO1", "bad.py", cwd=tmp_path)
    assert ignored.stdout == "" and ignored.returncode == 0


def test_pyproject_configuration(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD + "A.value\n")
    (tmp_path / "pyproject.toml").write_text('[tool.oocheck]\nignore = ["OO102"]\nmypy = false\n')
    result = oocheck("check", "--format", "jsonl", ".", cwd=tmp_path)
    assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["OO101"]
    (tmp_path / "pyproject.toml").write_text('[tool.oocheck]\nper-file-ignores = { "bad.py" = ["OO1"] }\n'
                                             "mypy = false\n")
    assert oocheck("check", ".", cwd=tmp_path).returncode == 0
    for broken in ('[tool.oocheck]\nselct = ["OO1"]\n', "tool = 3\n", '[tool.oocheck]\nmin-confidence = "x"\n'):
        (tmp_path / "pyproject.toml").write_text(broken)
        result = oocheck("check", ".", cwd=tmp_path)
        assert result.returncode == 2, (broken, result.stderr)
        assert "Traceback" not in result.stderr and "pyproject.toml" in result.stderr


def test_suppression_comments(tmp_path: Path) -> None:
    lines = ["class A:", "    x = 1", "", "", "A().a  # oocheck: ignore[OO101]", "A().b  # oocheck: ignore",
             "A().c  # oocheck: ignore[OO1]", "A().d  # oocheck: ignore[OO102]", "A().e"]
    (tmp_path / "s.py").write_text("\n".join(lines) + "\n")
    result = oocheck("check", "--no-mypy", "--format", "jsonl", "s.py", cwd=tmp_path)
    assert sorted(json.loads(line)["line"] for line in result.stdout.splitlines()) == [8, 9]


def test_text_location_on_line_100_is_not_an_emoji(tmp_path: Path) -> None:
    (tmp_path / "long.py").write_text("\n" * 99 + "class A:\n    pass\n" + "\n" * 8 + "A().x\n")
    (tmp_path / "hundred.py").write_text("class A:\n    pass\n" + "\n" * 97 + "A().x\n")
    result = oocheck("check", "--no-mypy", "hundred.py", cwd=tmp_path)
    assert "hundred.py:100:1: OO101" in result.stdout, result.stdout


def test_explain_and_rules(tmp_path: Path) -> None:
    explained = oocheck("explain", "OO101", cwd=tmp_path)
    assert explained.returncode == 0 and "## Why it fails at runtime" in explained.stdout
    assert oocheck("explain", "undefined-instance-attribute", cwd=tmp_path).stdout == explained.stdout
    assert oocheck("explain", "OO999", cwd=tmp_path).returncode == 2
    listing = oocheck("rules", cwd=tmp_path).stdout.splitlines()
    assert any(line.startswith("OO101\tundefined-instance-attribute\tAttributeError") for line in listing)
    # The summary is the first sentence, whole, even where the docstring wraps it (OO106's does).
    summaries = {line.split("\t")[0]: line.split("\t")[4] for line in listing}
    assert summaries["OO106"].endswith("binds is read.")
    assert all(summary.endswith(".") for summary in summaries.values()), summaries
    version = oocheck("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout == oocheck("version", cwd=tmp_path).stdout
    assert version.stdout.startswith("oocheck ")


def test_checking_changed_files_only_still_finds_the_project_packages(tmp_path: Path) -> None:
    """What a pre-commit hook does: only the changed test file is passed; `shapes` (the project's own
    package, in the project folder or under src/) must not be reported as missing."""
    for layout in ("flat", "src"):
        project = tmp_path / layout
        package = project / ("src/shapes" if layout == "src" else "shapes")
        package.mkdir(parents=True)
        (project / "pyproject.toml").write_text("[project]\nname = 'shapes'\n")
        (package / "__init__.py").write_text("")
        (package / "core.py").write_text("class Circle:\n    pass\n")
        (project / "tests").mkdir()
        (project / "tests" / "test_shapes.py").write_text("from shapes.core import Circle\n\n\nCircle()\n")
        result = oocheck("check", "--no-mypy", "--min-confidence", "low", "tests/test_shapes.py", cwd=project)
        assert result.returncode == 0, (layout, result.stdout, result.stderr)
