"""The import rules and the target environment they judge against (fixtures/imports holds the cases)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oocheck.config import Config
from oocheck.diagnostics import Confidence
from oocheck.engine import CheckResult, check_paths
from oocheck.environment import _names_in_folder, choose_interpreter, find_environment

REPO_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SOURCE = """\
import json
import pytest
import oocheck_test_missing_package
from os import no_such_function
"""


def check(path: Path, **options: object) -> CheckResult:
    config = Config(min_confidence=Confidence.LOW, mypy=False, select=("OO3",)).with_options(**options)
    return check_paths([path], config)


def reported(result: CheckResult) -> list[tuple[int, str, str]]:
    return sorted((f.line, f.code, str(f.confidence)) for f in result.findings)


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with nothing installed (no pytest in it)."""
    folder = tmp_path_factory.mktemp("env") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    return folder


def test_running_interpreter_is_a_guess(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.chdir(tmp_path)  # the project folder is the current one: a developer's .venv must not be found
    (tmp_path / "m.py").write_text(SOURCE, encoding="utf-8")
    result = check(tmp_path)
    assert not result.warnings
    # pytest is installed where these tests run; a guessed environment reports at low confidence.
    assert reported(result) == [(3, "OO301", "low"), (4, "OO302", "high")]


def test_python_option_chooses_the_environment(tmp_path: Path, bare_venv: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    (tmp_path / "m.py").write_text(SOURCE, encoding="utf-8")
    for python in (bare_venv, bare_venv / "bin" / "python"):  # the folder or its interpreter
        result = check(tmp_path, python=python)
        assert not result.warnings
        assert reported(result) == [(2, "OO301", "high"), (3, "OO301", "high"), (4, "OO302", "high")]


def test_virtual_env_and_project_venv(tmp_path: Path, bare_venv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(bare_venv))
    assert choose_interpreter(None, tmp_path)[1] == "VIRTUAL_ENV"
    monkeypatch.delenv("VIRTUAL_ENV")
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    os.symlink(bare_venv, project / ".venv")
    python, how, problem = choose_interpreter(None, project / "src")
    assert (how, problem) == (".venv", None) and python is not None


def test_pre_commit_hook_env_is_not_the_target(tmp_path: Path, bare_venv: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # pre-commit points VIRTUAL_ENV at the hook's env, the one oocheck runs in: skip it.
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)
    monkeypatch.setenv("PRE_COMMIT", "1")
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    assert choose_interpreter(None, project / "src")[1] == "running interpreter"  # the low-confidence guess
    os.symlink(bare_venv, project / ".venv")
    assert choose_interpreter(None, project / "src")[1] == ".venv"
    # An explicit one still wins; another VIRTUAL_ENV (the user's own) is still taken.
    assert choose_interpreter(bare_venv, project)[1] == "--python"
    monkeypatch.setenv("VIRTUAL_ENV", str(bare_venv))
    assert choose_interpreter(None, project / "src")[1] == "VIRTUAL_ENV"
    # Without pre-commit, VIRTUAL_ENV is taken as it is.
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)
    monkeypatch.delenv("PRE_COMMIT")
    assert choose_interpreter(None, project / "src")[1] == "VIRTUAL_ENV"


def test_an_environment_that_cannot_be_found_is_said_once(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE + "import other_missing_package\n", encoding="utf-8")
    result = check(tmp_path, python=tmp_path / "no-such-python")
    assert len(result.warnings) == 1 and "target environment not found" in result.warnings[0]
    # Third-party imports are not judged; the standard library still is.
    assert reported(result) == [(4, "OO302", "high")]


def test_an_interpreter_that_fails(tmp_path: Path) -> None:
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    choice = find_environment(broken, tmp_path)
    assert choice.environment is None and choice.problem and "status 3" in choice.problem


def test_installed_names_are_listed_without_importing(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    (site / "plainpkg").mkdir(parents=True)
    (site / "single_module.py").write_text("raise SystemExit('never imported')\n", encoding="utf-8")
    (site / "fast.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    (site / "editable_dist-1.0.dist-info").mkdir()
    (site / "editable_dist-1.0.dist-info" / "top_level.txt").write_text("editable_pkg\n", encoding="utf-8")
    (site / "setuptools-70.dist-info").mkdir()
    (site / "setuptools-70.dist-info" / "top_level.txt").write_text("_distutils_hack\nsetuptools\n", encoding="utf-8")
    names = _names_in_folder(str(site))
    assert {"plainpkg", "single_module", "fast", "editable_pkg", "setuptools", "distutils"} <= names


def test_imports_inside_functions_and_classes(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "class C:\n    import oocheck_missing_a\n\n    def f(self):\n        import oocheck_missing_b\n",
        encoding="utf-8")
    assert [(line, code) for line, code, _ in reported(check(tmp_path))] == [(2, "OO301"), (5, "OO301")]


def test_star_import_and_dunder_future(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("from os.path import *\n", encoding="utf-8")
    (tmp_path / "m.py").write_text(
        "from __future__ import annotations\nfrom helpers import join\nfrom helpers import *\n", encoding="utf-8")
    assert reported(check(tmp_path)) == []


def test_conditional_imports_and_sys_path_edits_are_low(bare_venv: Path) -> None:
    # An environment given with --python, so only the condition can lower the confidence.
    folder = REPO_FIXTURES / "imports"
    conditional = check(folder / "oo301_conditional_imports.py", python=bare_venv)
    assert reported(conditional) == [(4, "OO301", "high"), (13, "OO301", "low"), (24, "OO301", "low"),
                                     (29, "OO301", "low")]
    path_edit = check(folder / "oo301_sys_path_changed.py", python=bare_venv)
    assert reported(path_edit) == [(9, "OO301", "low")]
