"""Tests see the command line as a developer's terminal does, whatever CI they run under."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from oocheck.cli import app


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    # GITHUB_ACTIONS=true switches the default --format to `github`; tests that want it set it themselves.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


Oocheck = Callable[..., Run]


@pytest.fixture
def oocheck(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Oocheck:
    """`oocheck check --no-mypy ARGS` run in this process (a subprocess per call costs a second of start-up),
    in folder `cwd`, with `stdin` as its standard input."""

    def run(*args: str, cwd: Path, stdin: str = "") -> Run:
        capsys.readouterr()
        before = Path.cwd()
        os.chdir(cwd)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
        try:
            app(["check", "--no-mypy", *args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        finally:
            os.chdir(before)
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run
