"""The error distribution of a split, in the columns of the paper (results/rq4).

The paper's `Other` is everything that is not one of the named columns: failures whose message has no
`Error:` and also exceptions such as NotImplementedError, UnicodeDecodeError, `snippet_171.NotFoundError`
or ModuleNotFoundError (which is not counted as ImportError). Names are compared exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from oocheck.study.outcomes import OK, OTHER, TestOutcome

COLUMNS = (
    "AttributeError", "TypeError", "ValueError", "NameError", "IndexError", "KeyError", "ZeroDivisionError",
    "FileNotFoundError", "AssertionError", "ImportError", "RuntimeError", "SyntaxError", OTHER,
)


@dataclass(frozen=True)
class Distribution:
    """Failed test cases per column; `exact` keeps every exception name seen."""

    failures: int
    counts: dict[str, int]
    exact: dict[str, int]

    def percent(self, column: str) -> float:
        return 100.0 * self.counts.get(column, 0) / self.failures if self.failures else 0.0

    def row(self) -> list[str]:
        """The percentages as the paper prints them, two decimals, in `COLUMNS` order."""
        return [f"{self.percent(c):.2f}" for c in COLUMNS]


def column_of(label: str) -> str:
    """The paper's column for a failure label."""
    return label if label in COLUMNS else OTHER


def distribution(outcomes: Iterable[TestOutcome]) -> Distribution:
    """The distribution over the failed (scored, not xfail-marked) test cases."""
    exact = Counter(o.label for o in outcomes if o.label != OK)
    counts: Counter[str] = Counter()
    for label, count in exact.items():
        counts[column_of(label)] += count
    return Distribution(failures=sum(exact.values()), counts={c: counts.get(c, 0) for c in COLUMNS},
                        exact=dict(exact.most_common()))
