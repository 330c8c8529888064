"""One study run: read the outcomes, check the generated classes once, predict every test, score."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from oocheck.catalog import UNUSED_SUPPRESSION_CODE
from oocheck.config import Config
from oocheck.diagnostics import Confidence
from oocheck.engine import check_paths
from oocheck.registry import load_rules
from oocheck.study.baselines import BaselineResult, PeerStudy
from oocheck.study.executed import ExecuteOptions, ExecutionSummary, execute_split
from oocheck.study.metrics import HumanTest, ScoredTest, StudyMetrics, compute
from oocheck.study.outcomes import HumanSample, SplitData, load_split
from oocheck.study.predict import KNOWN_FAILURE_CODE, MIN_CONFIDENCE, NO_FAILURE, Predictor

# Called with a stage description and, for stages that count, how many steps it has; returns a
# function to call with each step done.
Progress = Callable[[str, int | None], Callable[[int], None]]
# Called with each human-written docstring level while its copy exists (folder, predictor, copies by
# test path, level): the peer tools of `--baseline` check the same copies.
LevelHook = Callable[[Path, Predictor, dict[str, HumanSample], str], None]


def _quiet(description: str, total: int | None) -> Callable[[int], None]:
    del description, total
    return lambda done: None


@dataclass
class StudyRun:
    """The raw material of a study: outcomes with predictions, and timings."""

    data: SplitData
    scored: list[ScoredTest]
    human: list[HumanTest]
    findings_per_code: Counter[str]
    predicts: dict[str, str]
    files: int
    min_confidence: Confidence = MIN_CONFIDENCE
    left_out_codes: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    execution: ExecutionSummary | None = None  # with --execute: what ran, and agreement with the recorded
    baselines: list[BaselineResult] = field(default_factory=list)

    def metrics(self) -> StudyMetrics:
        result = compute(self.data.split, self.scored, self.findings_per_code, self.predicts,
                         self.human if self.data.human else None)
        result.extra = {"files": self.files, "xfail_rows_left_out": self.data.xfail_rows,
                        "min_confidence": str(self.min_confidence), "left_out_codes": list(self.left_out_codes),
                        "seconds": {k: round(v, 2) for k, v in self.seconds.items()}}
        if self.execution is not None:
            result.extra["execution"] = self.execution.to_dict()
        return result

    def baseline_metrics(self) -> dict[str, StudyMetrics]:
        """The same metrics for each peer tool of `--baseline`, by tool name."""
        return {b.label: b.metrics(self.data.split, bool(self.data.human)) for b in self.baselines}


def environment_codes() -> tuple[str, ...]:
    """Codes of the rules whose findings depend on the packages installed here (`needs_environment`).

    The recorded outcomes come from another machine, where the classes' third-party imports were
    installed; judging them by this machine's packages would score the machine, not the code.
    """
    return tuple(sorted(r.code for r in load_rules() if getattr(r, "needs_environment", False)))


def _config(mypy: bool) -> Config:
    # OO001 (unused suppression) predicts no failure: it has no place among the predictions.
    return Config(min_confidence=Confidence.LOW, ignore=(*environment_codes(), UNUSED_SUPPRESSION_CODE), mypy=mypy)


def predict_outcomes(data: SplitData, progress: Progress = _quiet, min_confidence: Confidence = MIN_CONFIDENCE,
                     mypy: bool = False) -> tuple[list[ScoredTest], Predictor, int]:
    """Check the code folders once and predict the first failure of every recorded test case."""
    done = progress("checking the generated classes and their tests", None)
    result = check_paths(data.check_paths, _config(mypy))
    done(1)
    predictor = Predictor(result, min_confidence=min_confidence)
    tests = predictor.tests()
    step = progress("following the tests", len(data.outcomes))
    scored = []
    for number, outcome in enumerate(data.outcomes, 1):
        test = tests.get((str(outcome.test_file), outcome.test_name))
        prediction = predictor.predict(test) if test is not None else NO_FAILURE
        scored.append(ScoredTest(outcome, prediction, test is not None))
        if number % 500 == 0 or number == len(data.outcomes):
            step(number)
    return scored, predictor, result.files


def predict_human(samples: list[HumanSample], progress: Progress = _quiet,
                  min_confidence: Confidence = MIN_CONFIDENCE, mypy: bool = False,
                  on_level: LevelHook | None = None) -> list[HumanTest]:
    """Predict the tests of the human-written classes, one check per docstring level.

    Each level's classes and tests are copied side by side into a temporary folder, the layout the
    generated classes have (the test imports `snippet_N` from its own folder); levels reuse module
    names, so each is checked on its own. Nothing is written into the input folders.
    """
    tests: list[HumanTest] = []
    levels = sorted({s.docstr for s in samples})
    done = progress(f"checking {len(samples)} human-written classes", len(levels))
    with tempfile.TemporaryDirectory(prefix="oocheck-study-") as tmp:
        for number, level in enumerate(levels, 1):
            folder = Path(tmp).resolve() / level
            folder.mkdir()
            copies: dict[str, HumanSample] = {}
            for sample in (s for s in samples if s.docstr == level):
                shutil.copyfile(sample.snippet, folder / sample.snippet.name)
                shutil.copyfile(sample.tests, folder / sample.tests.name)
                copies[str(folder / sample.tests.name)] = sample
            predictor = Predictor(check_paths([folder], _config(mypy)), min_confidence=min_confidence)
            for (test_path, _), test in sorted(predictor.tests().items()):
                copied = copies.get(test_path)
                if copied is not None:
                    tests.append(HumanTest(str(copied.snippet), level, test.qualname, test.xfail,
                                           predictor.predict(test)))
            if on_level is not None:
                on_level(folder, predictor, copies, level)
            done(number)
    return tests


def run_study(path: Path, split: str | None = None, progress: Progress = _quiet,
              min_confidence: Confidence = MIN_CONFIDENCE, mypy: bool = False,
              execute: ExecuteOptions | None = None, baselines: Sequence[str] = (),
              follow_calls: bool = False, baseline_ignore: Sequence[str] = ()) -> StudyRun:
    """Read the outcomes below `path`, predict every test case, and keep what the metrics need.

    `min_confidence` is the lowest confidence of a finding on a test's own lines that predicts a
    failure (inside callees, never below medium). `mypy` adds the mypy bridge's findings (off by
    default: on csn they add false predictions and most of the run time). With `execute`, the
    selection's tests are run here (contained) and their outcomes replace the recorded ones.
    `baselines` names peer tools scored the same way (`baselines.py`); one that is not installed is
    left out with a warning; `baseline_ignore` adds each peer scored without those of its codes.
    """
    started = time.perf_counter()
    done = progress("reading outcomes", None)
    data = load_split(path, split)
    done(1)
    execution = None
    if execute is not None:
        data, execution = execute_split(data, execute, progress)
    read = time.perf_counter()
    scored, predictor, files = predict_outcomes(data, progress, min_confidence, mypy)
    predicted = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="oocheck-baselines-") as scratch:
        peers = PeerStudy(baselines, Path(scratch), follow_calls, baseline_ignore)
        peers.predict_generated(predictor.index, data.outcomes, progress)
        human = (predict_human(data.human, progress, min_confidence, mypy,
                               peers.on_level if peers.results else None) if data.human else [])
    finished = time.perf_counter()
    seconds = {"outcomes": read - started, "generated": predicted - read,
               "human": finished - predicted - peers.seconds, "total": finished - started}
    if peers.results:
        seconds["baselines"] = peers.seconds
    warnings = [*predictor.warnings, *peers.warnings, *peers.failure_warnings()]
    findings = Counter(f.code for f in [*predictor.findings, *predictor.known])
    predicts = {f.code: f.predicts for f in predictor.findings}
    if predictor.known:
        predicts[KNOWN_FAILURE_CODE] = "(the exception raised)"
    return StudyRun(data=data, scored=scored, human=human, findings_per_code=findings, predicts=predicts,
                    files=files, min_confidence=min_confidence, left_out_codes=environment_codes(),
                    warnings=warnings, baselines=peers.results, seconds=seconds, execution=execution)
