"""Soundness of high confidence, on generated programs (hypothesis).

Every high-confidence finding promises that its line raises the predicted exception whenever it
runs. For 500 random programs of classes and their uses (`programgen.py`), oocheck checks the
program in-process (`--no-mypy`, every confidence) and the program is then run
(`soundness_runner.py`); each high-confidence finding must have raised its exception on every run
of its line, and oocheck must never fail a rule. `benchmarks/soundness.py` runs many more and
reports the shares.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from programgen import Program, programs
from soundnesslib import HELD, NOT_RAISED, NOT_RUN, ProgramRunner, check_and_run


@pytest.fixture(scope="module")
def runner() -> Iterator[ProgramRunner]:
    process = ProgramRunner()
    yield process
    process.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("soundness")


@settings(max_examples=500, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(program=programs())
def test_high_confidence_findings_raise_where_predicted(program: Program, runner: ProgramRunner,
                                                        folder: Path) -> None:
    judged = check_and_run(program.source(), folder, runner)
    assert "error" not in judged.outcome, f"the program did not run: {judged.outcome['error']}\n{judged.describe()}"
    assert not judged.warnings, "oocheck failed a rule:\n" + judged.describe()
    unsound = judged.unsound()
    assert not unsound, ("high-confidence findings that did not raise whenever their line ran: "
                         + ", ".join(f"line {f.line} {f.code} ({verdict})" for f, verdict in unsound)
                         + "\n" + judged.describe())


def test_the_judge_catches_a_wrong_prediction(runner: ProgramRunner, folder: Path) -> None:
    """The check itself can fail: a line that runs without raising is *not raised*, one that raises
    on every run is *held*, one never reached is *not run*."""
    source = "\n".join([
        "class Box:",
        "    def __init__(self):",
        "        self.size = 1",
        "",
        "def test_use():",
        "    Box().size",
        "    Box().sise",
        "    Box().never",
        "",
    ])
    judged = check_and_run(source, folder, runner)
    assert [(f.line, v) for f, v in judged.verdicts] == [(7, HELD), (8, NOT_RUN)]
    finding = judged.findings[0]
    assert judged.verdict(replace(finding, line=6, end_line=6)) == NOT_RAISED
    assert judged.verdict(replace(finding, line=8, end_line=8)) == NOT_RUN
    assert judged.verdict(replace(finding, predicts="TypeError")) == NOT_RAISED
    [(unit, confidence)] = judged.failures()
    assert unit["lines"] == [7] and confidence is not None


def test_an_operand_failing_first_is_not_the_operation(runner: ProgramRunner, folder: Path) -> None:
    """`Box(1).sise`: the call raises TypeError before the attribute is read; a finding on the read
    was not reached, a finding on the call held."""
    source = "class Box:\n    pass\n\nBox(1).sise\n"
    judged = check_and_run(source, folder, runner)
    assert sorted((f.code, v) for f, v in judged.verdicts) == [("OO101", NOT_RUN), ("OO202", HELD)], \
        judged.describe()
