"""The progress line: on a terminal after a delay, never on a pipe; the text report's colours."""

from __future__ import annotations

import io
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oocheck.diagnostics import Confidence, Finding, Location
from oocheck.report import text
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


TRICKY = [
    Finding("pkg/[a]/m.py", 3, 5, 3, 9, "OO101", "undefined-instance-attribute", "AttributeError",
            "'A' object has no attribute 'x[bold]y' \\[not markup] :100: é 漢字 \\", Confidence.MEDIUM,
            evidence=(Location("pkg/[a]/m.py", 1, 1, "class A is defined [here]\\"),
                      Location("b.py", 100, 1, "two\nlines"))),
    Finding("c.py", 1, 1, 1, 2, "OO001", "unused-suppression", "none", "unused [OO101]", Confidence.LOW),
]


@pytest.mark.parametrize("findings", [TRICKY, TRICKY[:1], TRICKY[1:], []])
def test_plain_text_is_what_rich_prints(findings: list[Finding], monkeypatch: pytest.MonkeyPatch) -> None:
    """Piped text is written without rich (it is slow to import): byte for byte what rich writes."""
    plain, rich = io.StringIO(), io.StringIO()
    write_text(findings, plain, 2)
    monkeypatch.setattr(text, "_plain", lambda out: False)
    write_text(findings, rich, 2)
    assert plain.getvalue() == rich.getvalue()


def test_text_goes_through_rich_where_rich_changes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    tab = Finding("a.py", 1, 1, 1, 5, "OO101", "undefined-instance-attribute", "AttributeError",
                  "a\tb\rc", Confidence.HIGH)
    out = io.StringIO()
    write_text([tab], out, 1)
    assert "a       bc" in out.getvalue()  # rich's tab stops, carriage return dropped
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich's own switch: colour on a pipe
    forced = io.StringIO()
    write_text([FINDING], forced, 1)
    assert "\x1b[31m" in forced.getvalue()


# Markup-like pieces, backslashes and characters rich treats specially, mixed with plain text.
PIECES = st.sampled_from(["[", "]", "\\", "[bold]", "[/dim]", "\\[red]", "[#fff]", "[@x]", "[1]", ":100:",
                          ":smile:", " ", "\n", "\t", "\r", "\x07", "a", "é", "漢", "🙂", "x.py", "'"])
TEXTS = st.lists(PIECES, max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(path=TEXTS, message=TEXTS, note=TEXTS, evidence_path=TEXTS)
def test_plain_text_is_what_rich_prints_for_any_text(path: str, message: str, note: str,
                                                     evidence_path: str) -> None:
    findings = [Finding(path, 1, 2, 1, 3, "OO101", "undefined-instance-attribute", "AttributeError", message,
                        Confidence.HIGH, evidence=(Location(evidence_path, 4, 5, note),))]
    plain, rich = io.StringIO(), io.StringIO()
    write_text(findings, plain, 1)
    original = text._plain
    text._plain = lambda out: False  # type: ignore[assignment]
    try:
        write_text(findings, rich, 1)
    finally:
        text._plain = original  # type: ignore[assignment]
    assert plain.getvalue() == rich.getvalue()
