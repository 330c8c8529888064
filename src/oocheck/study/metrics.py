"""Precision, recall and F1 of the predictions, per exception, test case, sample, rule, model and docstring level.

Test-case level, for an exception E (as `score_predictions.py`): TP predicted E and failed with E; FP
predicted E and anything else happened; FN failed with E and E not predicted. Sample level: a sample
is one generated class with its tests (one test file); predicted E for any test vs failed with E in
any test.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from oocheck.study.outcomes import OK, TestOutcome
from oocheck.study.predict import Prediction

TARGETS = ("AttributeError", "TypeError")
NONE = "none"
OTHER_FAILURE = "other failure"


@dataclass(frozen=True)
class ScoredTest:
    """A recorded test case and what oocheck predicted for it."""

    outcome: TestOutcome
    prediction: Prediction
    linked: bool  # the test function was found in the checked files


@dataclass(frozen=True)
class HumanTest:
    """A test of a human-written reference class, with its prediction."""

    sample: str
    docstr: str
    name: str
    xfail: bool
    prediction: Prediction


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives of one exception."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def defined(self) -> tuple[float | None, float | None, float | None]:
        """(precision, recall, F1), None where the denominator is zero: no prediction of the exception
        (precision), no case that raised it (recall), neither (F1). The float properties say 0.0 there,
        as score_predictions.py does; reports show these instead, so 0/0 is not read as a failure."""
        return (self.precision if self.tp + self.fp else None, self.recall if self.tp + self.fn else None,
                self.f1 if self.tp + self.fp + self.fn else None)

    def to_dict(self) -> dict[str, float | int | None]:
        precision, recall, f1 = self.defined()
        return {"precision": precision, "recall": recall, "f1": f1, "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass(frozen=True)
class RuleStats:
    """How often a rule decided a test's prediction, and how often it was right."""

    code: str
    predicts: str
    findings: int  # findings of the rule in the checked generated code
    tests: int  # test cases whose first predicted failure carries the rule
    correct: int  # ... that failed with the predicted exception

    @property
    def precision(self) -> float:
        return self.correct / self.tests if self.tests else 0.0


@dataclass(frozen=True)
class HumanStats:
    """False alarms on the human-written reference classes (their tests pass by construction)."""

    samples: int  # samples with at least one test without an xfail marker
    flagged: int  # ... with an AttributeError or TypeError prediction in such a test
    tests: int
    flagged_tests: int
    flagged_samples: tuple[str, ...] = ()

    @property
    def rate(self) -> float:
        return self.flagged / self.samples if self.samples else 0.0


@dataclass
class StudyMetrics:
    """Everything the study reports."""

    split: str
    tests: int
    linked: int
    samples: int
    exceptions: list[str]
    test_level: dict[str, Counts]
    sample_level: dict[str, Counts]
    confusion: dict[str, dict[str, int]]
    rules: list[RuleStats]
    per_model: dict[str, dict[str, Counts]]
    per_docstr: dict[str, dict[str, Counts]]
    failures_per_model: dict[str, dict[str, int]]
    human: HumanStats | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        def table(rows: Mapping[str, Mapping[str, Counts]]) -> dict[str, dict[str, Any]]:
            return {k: {e: c.to_dict() for e, c in v.items()} for k, v in rows.items()}

        return {
            "split": self.split, "tests": self.tests, "linked": self.linked, "samples": self.samples,
            "test_level": {e: c.to_dict() for e, c in self.test_level.items()},
            "sample_level": {e: c.to_dict() for e, c in self.sample_level.items()},
            "confusion": self.confusion,
            "rules": [{"code": r.code, "predicts": r.predicts, "findings": r.findings, "tests": r.tests,
                       "correct": r.correct, "precision": r.precision} for r in self.rules],
            "per_model": table(self.per_model),
            "per_docstr": table(self.per_docstr),
            "failures_per_model": self.failures_per_model,
            "human": None if self.human is None else {
                "samples": self.human.samples, "flagged": self.human.flagged, "rate": self.human.rate,
                "tests": self.human.tests, "flagged_tests": self.human.flagged_tests,
                "flagged_samples": list(self.human.flagged_samples)},
            **self.extra,
        }


def count(pairs: Iterable[tuple[str, str | None]], exception: str) -> Counts:
    """Counts of `exception` over (actual label, predicted exception) pairs."""
    tp = fp = fn = 0
    for label, predicted in pairs:
        if predicted == exception:
            if label == exception:
                tp += 1
            else:
                fp += 1
        elif label == exception:
            fn += 1
    return Counts(tp, fp, fn)


def test_level(scored: Iterable[ScoredTest], exception: str) -> Counts:
    return count(((s.outcome.label, s.prediction.exception) for s in scored), exception)


def sample_level(scored: Iterable[ScoredTest], exception: str) -> Counts:
    labels: dict[str, set[str]] = defaultdict(set)
    predicted: dict[str, set[str]] = defaultdict(set)
    for s in scored:
        labels[s.outcome.sample].add(s.outcome.label)
        if s.prediction.exception is not None:
            predicted[s.outcome.sample].add(s.prediction.exception)
    tp = sum(1 for k in labels if exception in labels[k] and exception in predicted[k])
    fp = sum(1 for k in labels if exception not in labels[k] and exception in predicted[k])
    fn = sum(1 for k in labels if exception in labels[k] and exception not in predicted[k])
    return Counts(tp, fp, fn)


def exceptions_of(scored: Iterable[ScoredTest]) -> list[str]:
    """AttributeError, TypeError, then every other exception oocheck predicted."""
    others = sorted({s.prediction.exception for s in scored if s.prediction.exception} - set(TARGETS))
    return [*TARGETS, *others]


def confusion(scored: Iterable[ScoredTest], exceptions: list[str]) -> dict[str, dict[str, int]]:
    """actual (ok, each exception, other failure) -> predicted (none, each exception) -> test cases."""
    rows = [OK, *exceptions, OTHER_FAILURE]
    matrix = {row: dict.fromkeys([NONE, *exceptions], 0) for row in rows}
    for s in scored:
        label = s.outcome.label
        row = label if label in matrix else OTHER_FAILURE
        column = s.prediction.exception or NONE
        matrix[row][column] = matrix[row].get(column, 0) + 1
    return matrix


def rule_stats(scored: Iterable[ScoredTest], findings_per_code: Mapping[str, int],
               predicts: Mapping[str, str]) -> list[RuleStats]:
    tests: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for s in scored:
        for code in s.prediction.codes:
            tests[code] += 1
            correct[code] += s.outcome.label == s.prediction.exception
    codes = sorted(set(findings_per_code) | set(tests))
    return [RuleStats(code, predicts.get(code, "?"), findings_per_code.get(code, 0), tests[code], correct[code])
            for code in codes]


def per_group(scored: list[ScoredTest], key: Callable[[TestOutcome], str],
              exceptions: list[str]) -> dict[str, dict[str, Counts]]:
    groups: dict[str, list[ScoredTest]] = defaultdict(list)
    for s in scored:
        groups[key(s.outcome)].append(s)
    return {name: {e: test_level(members, e) for e in exceptions} for name, members in sorted(groups.items())}


def failures_per_model(scored: Iterable[ScoredTest]) -> dict[str, dict[str, int]]:
    """Failed test cases per model and exception (AttributeError, TypeError, everything else)."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for s in scored:
        label = s.outcome.label
        if label != OK:
            table[s.outcome.model][label if label in TARGETS else "other"] += 1
    return {model: {k: counts.get(k, 0) for k in (*TARGETS, "other")} for model, counts in sorted(table.items())}


def human_false_alarms(tests: Iterable[HumanTest]) -> HumanStats:
    """Share of human-written samples with an AttributeError/TypeError prediction in a test not marked xfail."""
    samples: set[str] = set()
    flagged: set[str] = set()
    n_tests = n_flagged = 0
    for test in tests:
        if test.xfail:
            continue
        samples.add(test.sample)
        n_tests += 1
        if test.prediction.exception in TARGETS:
            flagged.add(test.sample)
            n_flagged += 1
    return HumanStats(len(samples), len(flagged), n_tests, n_flagged, tuple(sorted(flagged)))


def compute(split: str, scored: list[ScoredTest], findings_per_code: Mapping[str, int],
            predicts: Mapping[str, str], human: list[HumanTest] | None = None) -> StudyMetrics:
    """All metrics of one study run."""
    exceptions = exceptions_of(scored)
    return StudyMetrics(
        split=split,
        tests=len(scored),
        linked=sum(1 for s in scored if s.linked),
        samples=len({s.outcome.sample for s in scored}),
        exceptions=exceptions,
        test_level={e: test_level(scored, e) for e in exceptions},
        sample_level={e: sample_level(scored, e) for e in exceptions},
        confusion=confusion(scored, exceptions),
        rules=rule_stats(scored, findings_per_code, predicts),
        per_model=per_group(scored, lambda o: o.model, list(TARGETS)),
        per_docstr=per_group(scored, lambda o: o.docstr, list(TARGETS)),
        failures_per_model=failures_per_model(scored),
        human=human_false_alarms(human) if human is not None else None,
    )
