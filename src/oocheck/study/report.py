"""What the study prints and writes: rich tables, JSON, per-test predictions, a markdown report with plots."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Column, Table

from oocheck.study.distribution import COLUMNS, Distribution
from oocheck.study.metrics import TARGETS, Counts, RuleStats, ScoredTest, StudyMetrics

_SHORT = {"AttributeError": "AE", "TypeError": "TE"}
MATPLOTLIB_MISSING = "plots skipped: matplotlib is not installed (pip install 'oocheck[study]')"


def _f(value: float) -> str:
    return f"{value:.3f}"


UNDEFINED = "—"  # a ratio of 0/0: nothing to score, not a score of zero


def _prf(counts: Counts) -> list[str]:
    return [UNDEFINED if value is None else _f(value) for value in counts.defined()]


def rule_recall(rule: RuleStats, metrics: StudyMetrics) -> float:
    """Share of the test cases that failed with the rule's exception whose prediction carries the rule."""
    counts = metrics.test_level.get(rule.predicts)
    failed = counts.tp + counts.fn if counts is not None else 0
    return rule.correct / failed if failed else 0.0


# -- terminal ---------------------------------------------------------------------------------------
def render_headline(metrics: StudyMetrics, console: Console) -> None:
    """Precision, recall and F1 per exception, and the human-written false-alarm rate."""
    headline = Table("exception", "P", "R", "F1", "tp / fp / fn", "sample P", "sample R", "sample F1",
                     title=f"oocheck study — split {metrics.split}, test cases without an xfail marker")
    for exc in metrics.exceptions:
        test, sample = metrics.test_level[exc], metrics.sample_level[exc]
        headline.add_row(exc, *_prf(test), f"{test.tp} / {test.fp} / {test.fn}", *_prf(sample))
    console.print(headline)
    if metrics.human is not None:
        human = metrics.human
        console.print(f"human-written classes falsely flagged (AttributeError or TypeError): {human.rate:.1%} "
                      f"({human.flagged} of {human.samples} samples; {human.flagged_tests} of {human.tests} tests)")


def render_text(metrics: StudyMetrics, console: Console) -> None:
    """The study's tables on the terminal."""
    render_headline(metrics, console)
    rules = Table("rule", "predicts", "findings", "tests decided", "precision", "recall",
                  title="per rule (the rule of each test's first predicted failure)")
    for rule in metrics.rules:
        rules.add_row(rule.code, rule.predicts, str(rule.findings), str(rule.tests),
                      _f(rule.precision) if rule.tests else "-", _f(rule_recall(rule, metrics)))
    console.print(rules)
    for title, groups in (("per model", metrics.per_model), ("per docstring level", metrics.per_docstr)):
        table = Table(title.split()[-1], *[f"{_SHORT[e]} {m}" for e in TARGETS for m in ("P", "R", "F1")],
                      title=title, caption="AE: AttributeError, TE: TypeError (test cases)")
        for name, by_exc in groups.items():
            table.add_row(name, *[v for e in TARGETS for v in _prf(by_exc[e])])
        console.print(table)
    columns = list(next(iter(metrics.confusion.values())))
    confusion = Table("actual \\ predicted", *columns, title="confusion matrix (test cases)")
    for actual, row in metrics.confusion.items():
        confusion.add_row(actual, *[str(row.get(c, 0)) for c in columns])
    console.print(confusion)
    seconds = metrics.extra.get("seconds", {})
    left_out = metrics.extra.get("left_out_codes") or []
    console.print(f"a finding predicts a failure from {metrics.extra.get('min_confidence', 'medium')} confidence up"
                  + (f"; left out: {', '.join(left_out)} (they depend on the packages installed here, and the "
                     "outcomes were recorded on another machine)" if left_out else ""))
    console.print(f"{metrics.tests} test cases scored ({metrics.linked} found in the test files), "
                  f"{metrics.samples} samples, {metrics.extra.get('xfail_rows_left_out', 0)} xfail-marked rows "
                  f"left out, {metrics.extra.get('files', 0)} files checked, {seconds.get('total', 0):.1f} s")


def _side_by_side_rows(metrics: StudyMetrics, peers: dict[str, StudyMetrics]) -> list[list[str]]:
    """One row per tool: AttributeError and TypeError P / R / F1 at test-case level, human false alarms."""
    rows = []
    for m in [metrics, *peers.values()]:
        name = " ".join(str(part) for part in (m.extra.get("tool", "oocheck"), m.extra.get("version")) if part)
        if m.extra.get("ignored"):
            name += f" without {', '.join(m.extra['ignored'])}"
        human = f"{m.human.rate:.1%}" if m.human is not None else "-"
        rows.append([name, *[v for e in TARGETS for v in _prf(m.test_level[e])], human])
    return rows


_SIDE_BY_SIDE = ["tool", *[f"{_SHORT[e]} {m}" for e in TARGETS for m in ("P", "R", "F1")], "human flagged"]


def _peer_note(peers: dict[str, StudyMetrics]) -> str:
    left_out = sorted({c for m in peers.values() for c in m.extra.get("left_out_codes", [])})
    calls = any(m.extra.get("follow_calls") for m in peers.values())
    where = ("on the test's own lines, at import, and inside the methods the test calls" if calls
             else "on the test's own lines and at import")
    return (f"a peer's diagnostics count {where}; the first one decides, as for oocheck. Import diagnostics "
            f"({', '.join(left_out)}) are left out, as oocheck's import rules are.")


def render_baselines(metrics: StudyMetrics, peers: dict[str, StudyMetrics], console: Console) -> None:
    """oocheck and each peer tool side by side, then each peer's codes as the rules are shown."""
    table = Table(*_SIDE_BY_SIDE, title=f"oocheck and its peers — split {metrics.split}, the same test cases "
                  "and scoring", caption="AE: AttributeError, TE: TypeError (test cases); human flagged: "
                  "human-written classes falsely flagged")
    for row in _side_by_side_rows(metrics, peers):
        table.add_row(*row)
    console.print(table)
    for tool, peer in peers.items():
        if peer.extra.get("ignored"):
            continue  # the same codes as the tool's own row, one fewer
        codes = Table("code", "predicts", "findings", "tests decided", "precision", "recall",
                      title=f"{tool}: per code (the code of each test's first predicted failure)")
        for rule in peer.rules:
            codes.add_row(rule.code, rule.predicts, str(rule.findings), str(rule.tests),
                          _f(rule.precision) if rule.tests else "-", _f(rule_recall(rule, peer)))
        console.print(codes)
        for failure in peer.extra.get("failed_folders", [])[:3]:
            console.print(f"{tool} could not check {failure}")
    console.print(_peer_note(peers))


def render_distribution(split: str, dist: Distribution, console: Console) -> None:
    table = Table("exception", Column("percent", justify="right"), Column("failures", justify="right"),
                  title=f"error distribution of {split} ({dist.failures:,} failed test cases without an xfail marker)")
    for column, percent in zip(COLUMNS, dist.row(), strict=True):
        table.add_row(column, percent, str(dist.counts[column]))
    console.print(table)
    console.print(" / ".join(dist.row()))


def distribution_dict(split: str, dist: Distribution) -> dict[str, Any]:
    percent = dict(zip(COLUMNS, map(float, dist.row()), strict=True))
    return {"split": split, "failures": dist.failures, "percent": percent, "counts": dist.counts,
            "exceptions": dist.exact}


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=False)


# -- files ------------------------------------------------------------------------------------------
def prediction_lines(scored: Iterable[ScoredTest]) -> Iterable[str]:
    """One JSON line per test case, the format `score_predictions.py` reads."""
    for s in scored:
        p = s.prediction
        yield json.dumps({"id": s.outcome.id, "predicted": p.exception, "codes": list(p.codes),
                          "confidence": str(p.confidence) if p.confidence is not None else None})


def write_predictions(path: Path, scored: Iterable[ScoredTest]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for line in prediction_lines(scored):
            handle.write(line + "\n")
            count += 1
    return count


def _markdown_table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return [*lines, ""]


def _plots(folder: Path, metrics: StudyMetrics) -> list[str]:
    """Write the plots; return their file names (empty when matplotlib is missing)."""
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        return []
    matplotlib.use("Agg")
    plt = importlib.import_module("matplotlib.pyplot")
    rules = [r for r in metrics.rules if r.tests]
    fig, ax = plt.subplots(figsize=(max(4.0, 0.9 * len(rules) + 2), 3.5))
    xs = range(len(rules))
    ax.bar([x - 0.2 for x in xs], [r.precision for r in rules], width=0.4, label="precision")
    ax.bar([x + 0.2 for x in xs], [rule_recall(r, metrics) for r in rules], width=0.4, label="recall")
    ax.set_xticks(list(xs), [f"{r.code}\n{r.predicts}" for r in rules], fontsize=7)
    ax.set_ylim(0, 1.18)  # room for the legend above the bars
    ax.set_title(f"precision and recall per rule ({metrics.split})")
    ax.legend(loc="upper right", ncol=2)
    fig.tight_layout()
    fig.savefig(folder / "rules.png", dpi=120)
    plt.close(fig)
    models = list(metrics.failures_per_model)
    fig, ax = plt.subplots(figsize=(max(4.0, 0.8 * len(models) + 2), 3.5))
    bottom = [0] * len(models)
    for kind in (*TARGETS, "other"):
        values = [metrics.failures_per_model[m][kind] for m in models]
        ax.bar(models, values, bottom=bottom, label=kind)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("failed test cases")
    ax.set_title(f"errors per model ({metrics.split})")
    ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    ax.set_ylim(0, max(bottom, default=0) * 1.2 + 1)
    ax.legend(loc="upper right", ncol=3)
    fig.tight_layout()
    fig.savefig(folder / "errors_per_model.png", dpi=120)
    plt.close(fig)
    return ["rules.png", "errors_per_model.png"]


def _peer_lines(metrics: StudyMetrics, peers: dict[str, StudyMetrics]) -> list[str]:
    lines = ["## Peers side by side", "", "Test-case level, the same test cases and scoring for every tool; "
             "human flagged: human-written classes falsely flagged.", ""]
    lines += _markdown_table(_SIDE_BY_SIDE, _side_by_side_rows(metrics, peers))
    note = _peer_note(peers)
    lines += [note[0].upper() + note[1:], ""]
    for tool, peer in peers.items():
        if peer.extra.get("ignored"):
            continue
        lines += [f"### {tool}: per code", ""]
        lines += _markdown_table(["code", "predicts", "findings", "tests decided", "precision", "recall"],
                                 ([r.code, r.predicts, str(r.findings), str(r.tests),
                                   _f(r.precision) if r.tests else "-", _f(rule_recall(r, peer))]
                                  for r in peer.rules))
    return lines


def write_report(folder: Path, metrics: StudyMetrics, dist: Distribution,
                 peers: dict[str, StudyMetrics] | None = None) -> str | None:
    """Write `report.md` (and the plots) into `folder`; return a note when the plots were skipped.

    `peers`: the metrics of each `--baseline` tool, reported side by side with oocheck's.
    """
    folder.mkdir(parents=True, exist_ok=True)
    plots = _plots(folder, metrics)
    lines = [f"# oocheck study: split {metrics.split}", "",
             f"{metrics.tests} test cases without an xfail marker ({metrics.linked} found in the test files), "
             f"{metrics.samples} samples.", "", "## Predictions", ""]
    lines += _markdown_table(
        ["exception", "P", "R", "F1", "tp / fp / fn", "sample P", "sample R", "sample F1"],
        ([e, *_prf(metrics.test_level[e]), f"{metrics.test_level[e].tp} / {metrics.test_level[e].fp} / "
          f"{metrics.test_level[e].fn}", *_prf(metrics.sample_level[e])] for e in metrics.exceptions))
    if metrics.human is not None:
        h = metrics.human
        lines += [f"Human-written classes falsely flagged: **{h.rate:.1%}** ({h.flagged} of {h.samples} samples).", ""]
    lines += ["## Rules", ""]
    lines += _markdown_table(["rule", "predicts", "findings", "tests decided", "precision", "recall"],
                             ([r.code, r.predicts, str(r.findings), str(r.tests),
                               _f(r.precision) if r.tests else "-", _f(rule_recall(r, metrics))]
                              for r in metrics.rules))
    if "rules.png" in plots:
        lines += ["![precision and recall per rule](rules.png)", ""]
    for title, groups in (("Per model", metrics.per_model), ("Per docstring level", metrics.per_docstr)):
        lines += [f"## {title}", ""]
        lines += _markdown_table(["", *[f"{e} {m}" for e in TARGETS for m in ("P", "R", "F1")]],
                                 ([name, *[v for e in TARGETS for v in _prf(by[e])]] for name, by in groups.items()))
    if "errors_per_model.png" in plots:
        lines += ["![errors per model](errors_per_model.png)", ""]
    if peers:
        lines += _peer_lines(metrics, peers)
    lines += ["## Confusion matrix (test cases)", ""]
    columns = list(next(iter(metrics.confusion.values())))
    lines += _markdown_table(["actual \\ predicted", *columns],
                             ([a, *[str(row.get(c, 0)) for c in columns]] for a, row in metrics.confusion.items()))
    lines += ["## Error distribution (percent of failed test cases)", ""]
    lines += _markdown_table(list(COLUMNS), [dist.row()])
    note = None if plots else MATPLOTLIB_MISSING
    if note:
        lines += [f"_{note}._", ""]
    (folder / "report.md").write_text("\n".join(lines), encoding="utf-8")
    return note
