"""`[tool.oocheck]`: each key read from pyproject.toml, and what it changes in a check."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from oocheck.config import Config, ConfigError, load_config
from oocheck.diagnostics import Confidence
from oocheck.engine import check_paths

BAD = "class A:\n    def __init__(self):\n        self.value = 1\n\n\nA().valeu\nA.value\n"


def project(tmp_path: Path, table: str) -> Config:
    (tmp_path / "pyproject.toml").write_text(f"[tool.oocheck]\nmypy = false\n{table}\n")
    (tmp_path / "bad.py").write_text(BAD)
    return load_config(tmp_path)


def codes(tmp_path: Path, config: Config) -> list[str]:
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        return [f.code for f in check_paths([Path(".")], config).findings]
    finally:
        os.chdir(cwd)


def test_defaults_without_a_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert load_config(tmp_path) == Config()


def test_select_and_ignore(tmp_path: Path) -> None:
    assert codes(tmp_path, project(tmp_path, 'select = ["OO102"]')) == ["OO102"]
    assert codes(tmp_path, project(tmp_path, 'ignore = ["OO102"]')) == ["OO101"]
    assert codes(tmp_path, project(tmp_path, 'select = "oo1"\nignore = ["OO101"]')) == ["OO102"]
    # A string is split at commas, as the command line splits `--select OO2,OO102`.
    assert project(tmp_path, 'select = "OO2, oo102"').select == ("OO2", "OO102")
    assert project(tmp_path, 'ignore = ["OO101,OO2"]').ignore == ("OO101", "OO2")
    assert codes(tmp_path, project(tmp_path, 'select = "OO2, OO102"')) == ["OO102"]


def test_per_file_ignores(tmp_path: Path) -> None:
    assert codes(tmp_path, project(tmp_path, 'per-file-ignores = { "bad.py" = ["OO101"] }')) == ["OO102"]
    assert codes(tmp_path, project(tmp_path, 'per-file-ignores = { "other*.py" = ["OO1"] }')) == ["OO101", "OO102"]


def test_min_confidence(tmp_path: Path) -> None:
    # An unused suppression in a single checked file is low confidence (the rest of the repo is unseen).
    (tmp_path / "single.py").write_text("x = 1  # oocheck: ignore[OO101]\n")
    low = project(tmp_path, 'min-confidence = "low"')
    assert low.min_confidence == Confidence.LOW
    assert [f.code for f in check_paths([tmp_path / "single.py"], low).findings] == ["OO001"]
    assert check_paths([tmp_path / "single.py"], project(tmp_path, "")).findings == []
    assert project(tmp_path, 'min-confidence = "high"').min_confidence == Confidence.HIGH


def test_mypy_on_off(tmp_path: Path) -> None:
    assert project(tmp_path, "").mypy is False
    (tmp_path / "pyproject.toml").write_text("[tool.oocheck]\nmypy = true\nmypy-timeout = 5\n")
    config = load_config(tmp_path)
    assert (config.mypy, config.mypy_timeout) == (True, 5.0)


def test_jobs(tmp_path: Path) -> None:
    assert project(tmp_path, "").jobs is None
    assert project(tmp_path, "jobs = 1").jobs == 1


def test_python_executable(tmp_path: Path) -> None:
    relative = project(tmp_path, 'python = ".venv/bin/python"')
    assert relative.python == tmp_path / ".venv/bin/python"  # relative to the pyproject.toml folder
    on_path = project(tmp_path, f'python = "{Path(sys.executable).name}"')
    assert on_path.python is not None and on_path.python.exists()
    assert project(tmp_path, f'python = "{sys.executable}"').python == Path(sys.executable)


def test_exclude(tmp_path: Path) -> None:
    (tmp_path / "generated_models.py").write_text("class G:\n    pass\n\n\nG().nothing\n")
    assert codes(tmp_path, project(tmp_path, "")) == ["OO101", "OO102", "OO101"]
    assert codes(tmp_path, project(tmp_path, 'exclude = ["generated_*"]')) == ["OO101", "OO102"]


def test_extra_rule_dirs(tmp_path: Path) -> None:
    pack = tmp_path / "house_rules"
    pack.mkdir()
    (pack / "__init__.py").write_text(
        "from oocheck.rule import Rule\n\n\n"
        "class NoPrint(Rule):\n"
        '    """A call of print(), which this project forbids."""\n\n'
        '    code = "OO901"\n    name = "print-call"\n    predicts = "none"\n\n'
        "    def check(self, ctx):\n"
        "        import ast\n"
        "        for module in ctx.index.modules:\n"
        "            for node in ast.walk(module.tree):\n"
        "                if isinstance(node, ast.Call) and getattr(node.func, 'id', '') == 'print':\n"
        "                    yield self.finding(module.display_path, node, 'print() call')\n")
    (tmp_path / "uses_print.py").write_text("print(1)\n")
    config = project(tmp_path, 'extra-rule-dirs = ["house_rules"]\nselect = ["OO9"]')
    assert config.extra_rule_dirs == (tmp_path / "house_rules",)
    assert codes(tmp_path, config) == ["OO901"]


@pytest.mark.parametrize("table", [
    'select = [1]', 'ignore = "OO1" \nignore = "x"', 'min-confidence = "sure"', 'exclude = "x"',
    'per-file-ignores = ["x"]', 'mypy = "yes"', 'mypy-timeout = -1', 'python = 3', 'extra-rule-dirs = "rules"',
    'baseline = 1', 'selct = ["OO1"]', 'jobs = 0', 'jobs = "2"', 'jobs = true',
])
def test_bad_values_are_configuration_errors(tmp_path: Path, table: str) -> None:
    with pytest.raises(ConfigError, match=r"pyproject\.toml|tool\.oocheck"):
        project(tmp_path, table)
