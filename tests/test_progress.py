"""The progress line: on a terminal after a delay, never on a pipe; the text report's colours."""

from __future__ import annotations

import io
import time

import pytest

from oocheck.diagnostics import Confidence, Finding
from oocheck.report.progress import progress_on
from oocheck.report.text import write_text


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _not_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def test_progress_shows_on_a_terminal_only_for_long_runs() -> None:
    slow, fast, piped = Terminal(), Terminal(), io.StringIO()
    with progress_on(slow, "checking 3 files", delay=0.0):
        time.sleep(0.3)
    with progress_on(fast, "checking 3 files", delay=5.0):
        pass
    with progress_on(piped, "checking 3 files", delay=0.0):
        time.sleep(0.3)
    assert "checking 3 files" in slow.getvalue()
    assert fast.getvalue() == "" and piped.getvalue() == ""


FINDING = Finding("a.py", 1, 1, 1, 5, "OO101", "undefined-instance-attribute", "AttributeError",
                  "'A' object has no attribute 'b'", Confidence.HIGH)


def test_text_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal, piped = Terminal(), io.StringIO()
    write_text([FINDING], terminal, 1)
    write_text([FINDING], piped, 1)
    assert "\x1b[31m" in terminal.getvalue()  # the code in red
    assert "\x1b[" not in piped.getvalue() and "a.py:1:1: OO101" in piped.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Terminal()
    write_text([FINDING], plain, 1)
    assert "\x1b[31m" not in plain.getvalue()  # NO_COLOR: no colour (bold and dim remain, as the spec allows)
