"""`oocheck study --baseline TOOL`: a peer tool's diagnostics scored exactly as oocheck's findings.

The peer runs on the files the study checks (`baseline_tools.py`), its diagnostics become findings
through the one mapping table (`baseline_codes.py`), and the same `Predictor` picks each test's
first predicted failure from them, over the same index: the test module's import (the module-level
code of the test file and of the repo modules it imports), then the test's own statements in
evaluation order, with `pytest.raises` and `try/except` handled as for oocheck. By default a
peer's diagnostics count only there, as the tool shows them to its user (a diagnostic inside a
method is not tied to any test by the tool); `follow_calls` also follows the calls of the test
into the repo's methods, with oocheck's own call resolution. The analyzer's known failures (an
assertion that cannot hold) are oocheck's, not the peer's, and are left out. Metrics come from
the same `compute` as oocheck's.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from oocheck.analyzer.index import RepoIndex
from oocheck.diagnostics import Confidence, Finding
from oocheck.engine import CheckResult
from oocheck.study.baseline_codes import TABLE, PeerCode, environment_codes, mapping_for
from oocheck.study.baseline_tools import TOOLS, PeerDiagnostic, ToolRun, installed, run_tool, version
from oocheck.study.metrics import HumanTest, ScoredTest, StudyMetrics, compute
from oocheck.study.outcomes import HumanSample, TestOutcome
from oocheck.study.predict import MAX_DEPTH, NO_FAILURE, Predictor

# As `runner.Progress`: a stage description and its step count give a function to call with each step done.
Progress = Callable[[str, int | None], Callable[[int], None]]


def finding_code(tool: str, row: PeerCode) -> str:
    """The code a row's findings carry: the tool's code, with the exception when a message pattern of the
    code predicts another exception than the code's other messages (mypy `attr-defined/TypeError`)."""
    general = next((r for r in TABLE[tool] if r.code == row.code and r.message is None), None)
    return row.code if general is None or general.predicts == row.predicts else f"{row.code}/{row.predicts}"


def peer_findings(tool: str, diagnostics: Iterable[PeerDiagnostic], display: dict[str, str],
                  ignored: Sequence[str] = ()) -> list[Finding]:
    """The mapped diagnostics as findings on the index's modules (`display`: absolute path -> display path).

    Import diagnostics (`environment` rows), the `ignored` codes and diagnostics in files the index
    does not hold are dropped.
    """
    found = []
    for diag in diagnostics:
        row = None if diag.code in ignored else mapping_for(tool, diag.code, diag.message)
        path = display.get(str(diag.path))
        if row is None or row.environment or path is None:
            continue
        found.append(Finding(path=path, line=diag.line, col=diag.col, end_line=diag.end_line, end_col=diag.end_col,
                             code=finding_code(tool, row), name=f"{tool}-{diag.code}", predicts=row.predicts,
                             message=diag.message, confidence=Confidence.HIGH))
    return found


def display_paths(index: RepoIndex) -> dict[str, str]:
    return {str(m.path.resolve()): m.display_path for m in index.modules}


def code_folders(index: RepoIndex, folders: Iterable[Path]) -> dict[Path, list[Path]]:
    """The parsed files directly in each of `folders`: what one run of a peer tool checks."""
    wanted = {f.resolve() for f in folders}
    files: dict[Path, list[Path]] = defaultdict(list)
    for module in index.modules:
        path = module.path.resolve()
        if path.parent in wanted:
            files[path.parent].append(path)
    return dict(files)


def peer_predictor(index: RepoIndex, findings: list[Finding], follow_calls: bool) -> Predictor:
    return Predictor(CheckResult(findings=findings, files=len(index.modules), index=index),
                     max_depth=MAX_DEPTH if follow_calls else 0, known=False)


@dataclass
class BaselineResult:
    """One peer tool's predictions for the study's test cases, ready for the same metrics."""

    tool: str
    scratch: Path  # the tool's configuration and caches, for the whole study
    version: str = ""
    scored: list[ScoredTest] = field(default_factory=list)
    human: list[HumanTest] = field(default_factory=list)
    findings_per_code: Counter[str] = field(default_factory=Counter)
    predicts: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    follow_calls: bool = False
    ignored: tuple[str, ...] = ()  # the tool's codes left out (`--baseline-ignore`)

    @property
    def label(self) -> str:
        """The name of this result in the tables: `mypy`, or `mypy without arg-type`."""
        return f"{self.tool} without {', '.join(self.ignored)}" if self.ignored else self.tool

    def add_findings(self, findings: Sequence[Finding]) -> None:
        self.findings_per_code.update(f.code for f in findings)
        self.predicts.update((f.code, f.predicts) for f in findings)

    def add_run(self, run: ToolRun) -> None:
        self.failures.extend(run.failures)
        self.seconds += run.seconds

    def metrics(self, split: str, with_human: bool) -> StudyMetrics:
        result = compute(split, self.scored, self.findings_per_code, self.predicts,
                         self.human if with_human else None)
        result.extra = {"tool": self.tool, "version": self.version, "ignored": list(self.ignored),
                        "left_out_codes": list(environment_codes(self.tool)),
                        "failed_folders": list(self.failures), "follow_calls": self.follow_calls,
                        "seconds": round(self.seconds, 2)}
        return result


def score_generated(result: BaselineResult, index: RepoIndex, outcomes: Sequence[TestOutcome], run: ToolRun) -> None:
    """Predict every recorded test case from the tool's run over their folders."""
    result.add_run(run)
    findings = peer_findings(result.tool, run.diagnostics, display_paths(index), result.ignored)
    result.add_findings(findings)
    predictor = peer_predictor(index, findings, result.follow_calls)
    tests = predictor.tests()
    for outcome in outcomes:
        test = tests.get((str(outcome.test_file), outcome.test_name))
        result.scored.append(ScoredTest(outcome, predictor.predict(test) if test is not None else NO_FAILURE,
                                        test is not None))


def score_human_level(result: BaselineResult, index: RepoIndex, copies: dict[str, HumanSample], level: str,
                      run: ToolRun) -> None:
    """Predict the tests of one docstring level of human-written classes from the tool's run over their copy."""
    result.add_run(run)
    predictor = peer_predictor(index, peer_findings(result.tool, run.diagnostics, display_paths(index),
                                                    result.ignored), result.follow_calls)
    for (test_path, _), test in sorted(predictor.tests().items()):
        copied = copies.get(test_path)
        if copied is not None:
            result.human.append(HumanTest(str(copied.snippet), level, test.qualname, test.xfail,
                                          predictor.predict(test)))


def unknown_tools(names: Iterable[str]) -> list[str]:
    return [n for n in names if n not in TOOLS]


class PeerStudy:
    """The peer tools of one study run: which are installed, their results, the time they took.

    Each tool runs once; with `ignore`, a tool that has one of those codes is also scored without
    them (a second result from the same run), as a user who turns those codes off would see it.
    """

    def __init__(self, tools: Iterable[str], scratch: Path, follow_calls: bool = False,
                 ignore: Iterable[str] = ()) -> None:
        self.results: list[BaselineResult] = []
        self.warnings: list[str] = []
        self.seconds = 0.0  # wall time of the peers, human-written classes included
        ignore = tuple(dict.fromkeys(ignore))
        for tool in dict.fromkeys(tools):
            if not installed(tool):
                self.warnings.append(f"baseline {tool} is not installed here (pip install {TOOLS[tool].package}); "
                                     "it is left out")
                continue
            result = BaselineResult(tool, scratch / tool, version(tool), follow_calls=follow_calls)
            self.results.append(result)
            ignored = tuple(code for code in ignore if any(row.code == code for row in TABLE[tool]))
            if ignored:
                self.results.append(BaselineResult(tool, result.scratch, result.version, follow_calls=follow_calls,
                                                   ignored=ignored))

    def _by_tool(self) -> dict[str, list[BaselineResult]]:
        groups: dict[str, list[BaselineResult]] = defaultdict(list)
        for result in self.results:
            groups[result.tool].append(result)
        return groups

    def predict_generated(self, index: RepoIndex, outcomes: Sequence[TestOutcome], progress: Progress) -> None:
        started = time.perf_counter()
        folders = code_folders(index, {o.test_file.parent for o in outcomes})
        for tool, results in self._by_tool().items():
            done = progress(f"running {tool} on the generated classes and their tests", None)
            run = run_tool(tool, folders, results[0].scratch)
            for result in results:
                score_generated(result, index, outcomes, run)
            done(1)
        self.seconds += time.perf_counter() - started

    def on_level(self, folder: Path, predictor: Predictor, copies: dict[str, HumanSample], level: str) -> None:
        """Predict one docstring level of human-written classes (the hook of `predict_human`)."""
        started = time.perf_counter()
        folders = code_folders(predictor.index, [folder])
        for tool, results in self._by_tool().items():
            run = run_tool(tool, folders, results[0].scratch)
            for result in results:
                score_human_level(result, predictor.index, copies, level, run)
        self.seconds += time.perf_counter() - started

    def failure_warnings(self) -> list[str]:
        return [f"baseline {r.tool} could not check {len(r.failures)} folder(s), whose tests count as predicting "
                f"nothing: {r.failures[0]}" for r in self.results if r.failures and not r.ignored]
