"""`oocheck study`: argument checks, the progress bar, and which output goes where."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from oocheck.diagnostics import Confidence
from oocheck.study.baseline_codes import TOOLS
from oocheck.study.baselines import unknown_tools
from oocheck.study.distribution import distribution
from oocheck.study.executed import ExecuteOptions, ExecutionSummary
from oocheck.study.outcomes import StudyError, load_split
from oocheck.study.report import (
    distribution_dict,
    render_baselines,
    render_distribution,
    render_text,
    to_json,
    write_predictions,
    write_report,
)
from oocheck.study.runner import Progress, run_study
from oocheck.study.sandbox import Limits

FORMATS = ("text", "json")
EXIT_OK, EXIT_USAGE = 0, 2


def _err(message: str) -> None:
    sys.stderr.write(f"oocheck: {message}\n")


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress]:
    """A rich progress bar on stderr, or a silent hook when `enabled` is false."""
    if not enabled:
        yield lambda description, total: (lambda done: None)
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with RichProgress(*columns, console=Console(stderr=True), transient=True) as bar:
        def stage(description: str, total: int | None) -> Callable[[int], None]:
            task = bar.add_task(description, total=total)

            def advance(done: int) -> None:
                if total is None:
                    bar.update(task, total=1, completed=1)
                else:
                    bar.update(task, completed=done)

            return advance

        yield stage


def _check_outputs(output_format: str, predictions: Path | None, report: Path | None) -> str | None:
    if output_format not in FORMATS:
        return f"unknown --format {output_format!r} (choose from {', '.join(FORMATS)})"
    if predictions is not None and (predictions.is_dir() or not predictions.parent.is_dir()):
        return f"{predictions}: cannot write the predictions there (not a file in an existing folder)"
    if report is not None and report.exists() and not report.is_dir():
        return f"{report}: exists and is not a folder"
    return None


def _check_execute(execute: ExecuteOptions | None) -> str | None:
    if execute is None:
        return None
    if execute.results is not None and execute.results.exists() and not execute.results.is_dir():
        return f"--results {execute.results}: exists and is not a folder"
    if execute.python is not None and not Path(execute.python).is_file():
        return f"--python {execute.python}: no such interpreter"
    return None


def execute_options(timeout: float, results: Path | None, python: Path | None, jobs: int) -> ExecuteOptions:
    """The options of `--execute` from the command line's values."""
    return ExecuteOptions(limits=Limits(timeout=timeout), results=results,
                          python=str(python) if python is not None else None, jobs=jobs)


def _execution_note(summary: ExecutionSummary) -> str:
    stopped = f"{summary.timed_out} timed out, {summary.crashed} crashed"
    note = f"executed {summary.test_files} test files ({summary.resumed} from earlier results, {stopped})"
    if summary.compared:
        note += (f"; executed and recorded outcomes agree on {100 * summary.agreement:.1f}% of "
                 f"{summary.compared} test cases ({100 * summary.agreement_imported:.1f}% of the "
                 f"{summary.compared_imported} whose test file could be imported here)")
    return note


def run_command(path: Path, split: str | None, show_distribution: bool, predictions: Path | None,
                output_format: str, report: Path | None, min_confidence: str = "medium", mypy: bool = False,
                execute: ExecuteOptions | None = None, baselines: Sequence[str] = (),
                baseline_calls: bool = False, baseline_ignore: Sequence[str] = ()) -> int:
    """Run the study as the command line asked; return the exit code."""
    problem = _check_outputs(output_format, predictions, report) or _check_execute(execute)
    unknown = unknown_tools(baselines)
    if unknown and problem is None:
        problem = f"unknown --baseline {unknown[0]!r} (choose from {', '.join(TOOLS)})"
    try:
        confidence = Confidence.parse(min_confidence)
    except ValueError as exc:
        problem = problem or str(exc)
    if problem is not None:
        _err(problem)
        return EXIT_USAGE
    # Wide enough for every table when the output goes to a file or a pipe.
    console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160, emoji=False)
    try:
        if show_distribution and predictions is None and report is None and execute is None:
            data = load_split(path, split)
            dist = distribution(data.outcomes)
            if output_format == "json":
                sys.stdout.write(to_json(distribution_dict(data.split, dist)) + "\n")
            else:
                render_distribution(data.split, dist, console)
            return EXIT_OK
        with progress_bar(sys.stderr.isatty()) as hook:
            run = run_study(path, split, hook, confidence, mypy, execute, baselines, baseline_calls,
                            baseline_ignore)
    except StudyError as exc:
        _err(str(exc))
        return EXIT_USAGE
    for warning in run.warnings:
        _err(f"warning: {warning}")
    if run.execution is not None:
        for problem in run.execution.problems[:5]:
            _err(f"warning: {problem}")
        _err(_execution_note(run.execution))
    metrics = run.metrics()
    peers = run.baseline_metrics()
    dist = distribution(run.data.outcomes)
    try:
        if predictions is not None:
            write_predictions(predictions, run.scored)
        if report is not None:
            note = write_report(report, metrics, dist, peers)
            if note:
                _err(note)
    except OSError as exc:
        _err(f"cannot write: {exc.strerror or exc}: {exc.filename or ''}")
        return EXIT_USAGE
    if output_format == "json":
        output = metrics.to_dict()
        output["distribution"] = distribution_dict(run.data.split, dist)
        if peers:
            output["baselines"] = {tool: peer.to_dict() for tool, peer in peers.items()}
        sys.stdout.write(to_json(output) + "\n")
    else:
        if show_distribution:
            render_distribution(run.data.split, dist, console)
        render_text(metrics, console)
        if peers:
            render_baselines(metrics, peers, console)
    return EXIT_OK
