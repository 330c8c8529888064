"""The `oocheck` command line."""

# No `from __future__ import annotations` here: typer reads the options from the commands'
# annotations, and strings it would compile and evaluate on every run (8 ms of CPU).
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from oocheck import __version__, cli_params, editor
from oocheck.baseline import BaselineError, apply_baseline, write_baseline
from oocheck.catalog import catalog
from oocheck.config import Config, ConfigError, load_config
from oocheck.diagnostics import Confidence, Finding
from oocheck.discovery import DiscoveryError
from oocheck.engine import check_paths, project_folder
from oocheck.fixes import command as fixes
from oocheck.registry import RuleLoadError, load_rules
from oocheck.report import FORMATS, ReportContext, default_format
from oocheck.report.progress import progress_on
from oocheck.report.statistics import write_statistics
from oocheck.rule import Rule
from oocheck.source_text import SourceText
from oocheck.symbols import SymbolTable

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="oocheck",
    help=(
        "Predict the AttributeError and TypeError of Python classes before any test runs.\n\n"
        "oocheck indexes every class of the repo (bases, MRO, where each attribute is bound) and "
        "reports reads that will fail. Exit codes: 0 no findings, 1 findings, 2 usage or configuration error."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    cls=cli_params.Group,  # options converted without pydantic where typer 0.29 would import it
)


def _err(message: str) -> None:
    sys.stderr.write(f"oocheck: {message}\n")


def _split_codes(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


def _check_codes(config: Config, rules: Sequence[type[Rule]]) -> None:
    """A code or prefix in select/ignore that matches no rule is a typo: say so rather than check nothing."""
    known = [entry.code for entry in catalog(rules=rules)]
    given = [*config.select, *config.ignore, *(c for codes in config.per_file_ignores.values() for c in codes)]
    unknown = sorted({c for c in given if not any(k.startswith(c) for k in known)})
    if unknown:
        raise ConfigError(f"unknown rule code(s) {', '.join(unknown)} in select/ignore; `oocheck rules` lists them")


@app.command(cls=cli_params.Command)
def check(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders to check (default: the current folder).")] = None,
    output_format: Annotated[str | None, typer.Option("--format", help=(
        "text (for people; colour off with NO_COLOR or when piped), json, jsonl (one finding per line), "
        "sarif (2.1.0, for GitHub code scanning) or github (annotations in a workflow log). "
        "Default: github when GITHUB_ACTIONS=true, else text."), show_default=False)] = None,
    select: Annotated[list[str] | None, typer.Option(help="Only these codes or prefixes, e.g. OO1 or OO101,OO102.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Skip these codes or prefixes.")] = None,
    min_confidence: Annotated[str | None, typer.Option(help="Lowest confidence reported: high, medium or low (default medium).")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")] = False,
    python: Annotated[Path | None, typer.Option("--python", help=(
        "The interpreter (or virtual environment folder) the code runs under, for import checks "
        "(default: $VIRTUAL_ENV, a .venv of the project, the running interpreter)."))] = None,
    mypy: Annotated[bool | None, typer.Option("--mypy/--no-mypy", help=(
        "Add mypy's diagnostics that predict a runtime failure (OO18x, OO28x); default on, or "
        "`mypy = false` in [tool.oocheck]."), show_default=False)] = None,
    mypy_timeout: Annotated[float | None, typer.Option("--mypy-timeout", min=0.1, help=(
        "Seconds mypy may take before it is stopped and its findings left out (default 120)."))] = None,
    fix: Annotated[bool, typer.Option("--fix", help=(
        "Repair the findings whose fix is certain (a misspelt attribute or base method with a single close "
        "match, a missing super().__init__() call), then check again and report what remains."))] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help=(
        "With --fix or --diff (a usage error without them), apply unsafe fixes too (another repair is "
        "plausible, or the finding is not high confidence)."))] = False,
    diff: Annotated[bool, typer.Option("--diff", help=(
        "Print the fixes as a unified diff and write nothing; exit 1 when a file would change. Not with --fix."))] = False,
    baseline: Annotated[Path | None, typer.Option("--baseline", metavar="FILE", help=(
        "Leave out the findings recorded in FILE (matched by path, code and enclosing Class.method, "
        "not by line), to adopt oocheck on existing code; `baseline = \"FILE\"` in [tool.oocheck] too."))] = None,
    update_baseline: Annotated[bool, typer.Option("--update-baseline", help=(
        "Record every current finding in the --baseline FILE and exit 0."))] = False,
    stdin_filename: Annotated[Path | None, typer.Option("--stdin-filename", metavar="PATH", help=(
        "Read the code of PATH from stdin (an editor's unsaved buffer) and report the findings in it, "
        "checked with the rest of the repo (PATHS, default: the project folder) as it is on disk. The mypy "
        "bridge is left out (it reads files from disk)."))] = None,
    watch: Annotated[bool, typer.Option("--watch", help=(
        "Check again whenever a Python file or pyproject.toml under PATHS changes; Ctrl-C stops. Needs "
        "the watchfiles package: pip install 'oocheck[watch]'."))] = False,
    in_project: Annotated[bool, typer.Option("--in-project", help=(
        "Check PATHS in the context of their whole project (the nearest folder upward with a pyproject.toml, "
        "else with .git, else the current folder): the rest of the repo is indexed too (from the cache when warm), and findings are reported "
        "for PATHS and for the files that import them. What the `oocheck` pre-commit hook runs."))] = False,
    statistics: Annotated[bool, typer.Option("--statistics", help=(
        "Print how many findings each code has instead of the findings (json with --format json; "
        "a usage error with jsonl, sarif or github, whose readers expect findings)."))] = False,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help=(
        "Where the cache goes (default: .oocheck_cache in the folder of pyproject.toml, else the current "
        "folder). Safe to share between runs at once; delete it any time."))] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=(
        "Neither read nor write the cache (mypy's included). Findings are the same either way."))] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", min=1, help=(
        "Processes for the rules and the cache store (at most 2 are used). Default: 2 on a repo of 150+ "
        "modules with two CPUs free and the mypy bridge off. --jobs 1 uses less memory: the second "
        "process shares the index, but Python's reference counts copy part of it (about 120 MiB on "
        "Django); with the mypy bridge on, mypy runs first and the check after it (the least memory, "
        "the longest time). `jobs = 1` in [tool.oocheck] too."))] = None,
) -> None:
    """Check PATHS as one repo and report predicted runtime failures.

    Examples:

      oocheck check src/

      oocheck check --select OO101 --format jsonl .

      oocheck check --diff src/      (show the fixes; --fix writes them)

      oocheck check --baseline .oocheck-baseline.json --update-baseline   (adopt: record today's findings)

      oocheck check --baseline .oocheck-baseline.json                     (report only new ones)

      oocheck check --format sarif . > oocheck.sarif   (for GitHub code scanning)

      oocheck check --stdin-filename pkg/models.py < buffer.py   (an editor's unsaved buffer)

    Exit codes: 0 no findings, 1 findings, 2 a usage or configuration error.

    Silence one statement with `# oocheck: ignore[OO101]` (or a bare `# oocheck: ignore`); a comment that
    silences nothing is reported as OO001 unused-suppression.
    """
    # The statistics table, not GitHub annotations, when --statistics runs inside GitHub Actions.
    output_format = output_format or ("text" if statistics else default_format())
    if output_format not in FORMATS:
        _err(f"unknown --format {output_format!r} (choose from {', '.join(FORMATS)})")
        raise typer.Exit(EXIT_USAGE)
    if stdin_filename is not None and (watch or fix or diff):
        _err("--stdin-filename reports on a buffer: it does not go with --watch, --fix or --diff")
        raise typer.Exit(EXIT_USAGE)
    # Options that would otherwise be silently ignored, or spoil machine-readable output.
    if fix and diff:
        _err("--fix writes the fixes and --diff only shows them: give one of them")
        raise typer.Exit(EXIT_USAGE)
    if unsafe_fixes and not (fix or diff):
        _err("--unsafe-fixes goes with --fix or --diff")
        raise typer.Exit(EXIT_USAGE)
    if statistics and output_format not in {"text", "json"}:
        _err(f"--statistics prints a table: it goes with --format text or json, not {output_format}")
        raise typer.Exit(EXIT_USAGE)
    if watch:
        _RUN["watching"] = True  # re-checks in one process: the collector must free each old index
        again = {**ctx.params, "watch": False}
        raise typer.Exit(editor.watch(paths or [Path.cwd()], lambda: _exit_code(lambda: check(ctx, **again))))
    targets = paths or [Path.cwd()]
    try:
        config = load_config(stdin_filename if stdin_filename is not None and not paths else targets[0])
        if stdin_filename is not None and not paths:  # the repo the buffer belongs to
            targets = [project_folder([stdin_filename], config)]
        config = config.with_options(
            select=_split_codes(select),
            ignore=_split_codes(ignore),
            min_confidence=Confidence.parse(min_confidence) if min_confidence else None,
            python=python,
            mypy=mypy,
            mypy_timeout=mypy_timeout,
            cache_dir=cache_dir,
            cache=False if no_cache else None,
            jobs=jobs,
        )
        # Loaded once for the run (finding them walks every rule pack), before any path is looked at.
        rule_classes = load_rules(list(config.extra_rule_dirs))
        _check_codes(config, rule_classes)
        if config.python is not None and not config.python.exists():
            given = f"--python {python}" if python is not None else f"{config.source}: python = {config.python}"
            raise ConfigError(f"{given}: no such interpreter or environment")
        missing = [p for p in targets if not p.exists()]
        for path in missing:
            _err(f"{path}: no such file or directory")
        existing = [p for p in targets if p.exists()]
        if not existing:
            raise typer.Exit(EXIT_USAGE)
        baseline = baseline or config.baseline
        if update_baseline and baseline is None:
            raise ConfigError("--update-baseline needs --baseline FILE (or `baseline` in [tool.oocheck])")
        overrides = {stdin_filename: editor.read_buffer()} if stdin_filename is not None else None
        only = [stdin_filename] if stdin_filename is not None else None
        if in_project and stdin_filename is None:
            project = project_folder(existing, config)
            only = editor.python_files(existing, config.exclude)
            existing = [project, *(f for f in only if not f.resolve().is_relative_to(project.resolve()))]
        if _RUN["exits_hard"] and not _RUN["watching"]:
            # The process ends with os._exit (_hard_exit): the collector the check turns back on would
            # only scan the index once more (0.1 s on Django), to free nothing.
            gc.disable()
        with progress_on(sys.stderr, "oocheck: checking", enabled=output_format == "text"):
            result = check_paths(existing, config, rule_classes, overrides=overrides, only=only)
        context = ReportContext(sources=result.sources,
                                rules=catalog(rules=rule_classes) if output_format == "sarif" else None)
        findings = result.findings
        if stdin_filename is not None:
            findings = editor.findings_of(findings, stdin_filename)
            result.files = 1
        elif only is not None:
            result.files = len(result.reported) if result.reported is not None else len(only)
        if baseline is not None and update_baseline:
            write_baseline(findings, baseline, context.symbols)
            _err(f"recorded {len(findings)} finding{'s' if len(findings) != 1 else ''} in {baseline}")
            raise typer.Exit(EXIT_USAGE if missing else EXIT_CLEAN)
        if baseline is not None:
            findings, known = apply_baseline(findings, baseline, context.symbols)
            if known:
                _err(f"{known} finding{'s' if known != 1 else ''} left out by the baseline {baseline}")
    except (ConfigError, RuleLoadError, ValueError, DiscoveryError, BaselineError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    for warning in result.warnings:
        _err(f"warning: {warning}")
    if diff:
        raise typer.Exit(fixes.show_diff(findings, unsafe_fixes))
    if fix:
        def recheck() -> tuple[list[Finding], int]:
            again = check_paths(existing, config, rule_classes, only=only)
            # The fixed files changed: their symbols are read anew.
            kept = apply_baseline(again.findings, baseline, SymbolTable(SourceText()))[0] if baseline else again.findings
            return kept, len(again.reported) if only is not None and again.reported is not None else again.files

        findings = fixes.apply_and_recheck(
            findings, result.files, recheck, unsafe_fixes,
            lambda found, out, files: FORMATS[output_format](found, out, files, context=context))
    elif statistics:
        write_statistics(findings, sys.stdout, as_json=output_format == "json")
    else:
        FORMATS[output_format](findings, sys.stdout, result.files, context=context)
        # No --fix hint for a buffer from stdin: --fix does not go with --stdin-filename.
        note = fixes.fixable_note(findings) if output_format == "text" and stdin_filename is None else None
        if note:
            sys.stderr.write(note + "\n")
    if missing:
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_FINDINGS if findings and not exit_zero else EXIT_CLEAN)


def _exit_code(run: Callable[[], None]) -> int:
    try:
        run()
    except typer.Exit as done:
        return done.exit_code
    return EXIT_CLEAN


@app.command(cls=cli_params.Command)
def rules() -> None:
    """List every rule: code, name, the exception it predicts, the confidence levels of its findings."""
    try:
        entries = catalog()
    except RuleLoadError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    if not sys.stdout.isatty():  # piped: one plain line a rule, nothing cut to the terminal's width
        for rule in entries:
            sys.stdout.write(f"{rule.code}\t{rule.name}\t{rule.predicts}\t{rule.levels()}\t{rule.summary()}\n")
        return
    from rich.console import Console  # a terminal's table: rich only here, not in a check's start-up
    from rich.table import Table

    table = Table("code", "name", "predicts", "confidence", "summary", box=None)
    for rule in entries:
        table.add_row(rule.code, rule.name, rule.predicts, rule.levels(), rule.summary())
    Console(soft_wrap=True, emoji=False).print(table)


@app.command(cls=cli_params.Command)
def explain(code: Annotated[str, typer.Argument(help="A rule code or name, e.g. OO101 or undefined-instance-attribute.")]) -> None:
    """Print the documentation of one rule."""
    wanted = code.strip()
    for rule in catalog():
        if rule.code == wanted.upper() or rule.name == wanted:
            sys.stdout.write(f"{rule.code} {rule.name} (predicts {rule.predicts}, "
                             f"confidence {rule.levels()})\n\n{rule.documentation()}\n")
            return
    _err(f"unknown rule code {code!r}; `oocheck rules` lists them")
    raise typer.Exit(EXIT_USAGE)


@app.command(cls=cli_params.Command)
def context(
    target: Annotated[str, typer.Argument(help=(
        "pkg.mod:Class, pkg.mod, path/to/mod.py[:Class], or the path of a file not written yet."))],
    output_format: Annotated[str, typer.Option("--format", help="markdown (for a model's prompt) or json.")] = "markdown",
    max_tokens: Annotated[int | None, typer.Option("--max-tokens", min=1, help=(
        "Size budget of the markdown (tokens ≈ characters / 4): whole sections are left out, least useful "
        "first (importable modules, builtin members, used constructors, methods, attributes), and the "
        "output says which."))] = None,
    root: Annotated[Path | None, typer.Option("--root", help=(
        "Where pkg.mod is looked up (default: the current folder, then its src/). A path TARGET brings its own."))] = None,
) -> None:
    """Print what a model should know before it writes or edits a class: the semantic context.

    For a class: its bases, MRO and known subclasses; every attribute it can read, with where it is
    bound, its type when known, class or instance level, and inherited ones marked with their owner;
    the abstract methods it must implement; its methods with the signatures they override; the
    constructors of the classes it uses; and the modules of the repo its module can import. For a
    module: each of its classes. For a file that does not exist yet: the classes and modules of its
    package. Only the files that matter are indexed: the module, what it imports, and the files that
    name its classes (where subclasses can be).

    Examples:

      oocheck context transport:HttpTransport

      oocheck context src/pkg/models.py --format json

      oocheck context pkg/new_module.py --max-tokens 1500 > CONTEXT.md

    Exit codes: 0 printed, 2 unknown target (with a "Did you mean") or bad option.
    """
    from oocheck.context import ContextError, build_context  # paid only when it runs
    from oocheck.context.render import to_json, to_markdown

    if output_format not in ("markdown", "json"):
        _err(f"unknown --format {output_format!r} (choose from markdown, json)")
        raise typer.Exit(EXIT_USAGE)
    try:
        found = build_context(target, str(root) if root is not None else None)
    except (ContextError, DiscoveryError) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    sys.stdout.write(to_json(found) if output_format == "json" else to_markdown(found, max_tokens))


@app.command(cls=cli_params.Command)
def version() -> None:
    """Print the version."""
    sys.stdout.write(f"oocheck {__version__}\n")


def _version_option(wanted: bool) -> None:
    if wanted:
        version()
        raise typer.Exit(EXIT_CLEAN)


@app.callback()
def _options(
    show_version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_version_option,
                                               help="Print the version and exit (as `oocheck version`).")] = False,
) -> None:
    del show_version


@app.command(cls=cli_params.Command)
def study(
    path: Annotated[Path, typer.Argument(help="A RealClassEval package root, or any folder below it.")],
    split: Annotated[str | None, typer.Option(help="The split to study, e.g. csn (default: the only one, "
                                                   "or the one PATH is in).")] = None,
    show_distribution: Annotated[bool, typer.Option("--distribution", help=(
        "Print the error distribution of the recorded outcomes (alone, it checks nothing)."))] = False,
    predictions: Annotated[Path | None, typer.Option(help=(
        "Write one JSON line per scored test case: id, predicted, codes, confidence."))] = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    report: Annotated[Path | None, typer.Option(help="Write a markdown report with plots into this folder.")] = None,
    min_confidence: Annotated[str, typer.Option(help=(
        "Lowest confidence of a finding that predicts a failure on a test's own lines: high, medium or low "
        "(inside the methods a test calls, never below medium)."))] = "medium",
    mypy: Annotated[bool, typer.Option("--mypy/--no-mypy", help=(
        "Add the mypy bridge's findings (default off: on csn they add false predictions and most of the "
        "run time)."))] = False,
    execute: Annotated[bool, typer.Option("--execute", help=(
        "Run the selected tests here instead of reading the recorded outcomes: each test file in its own "
        "pytest process, in a temporary copy, with a time-out and memory/process limits, without your "
        "environment's secrets. Compares the executed outcomes with the recorded ones."))] = False,
    results: Annotated[Path | None, typer.Option(help=(
        "With --execute: keep each test file's outcomes in this folder as it finishes. Run the same "
        "command again to resume: finished test files are not run again (delete the folder to start over)."))] = None,
    timeout: Annotated[float, typer.Option(min=1, help="With --execute: wall-clock seconds per test file.")] = 60.0,
    jobs: Annotated[int, typer.Option(min=1, help="With --execute: test files run at once.")] = 1,
    python: Annotated[Path | None, typer.Option("--python", help=(
        "With --execute: the interpreter that runs the tests (it needs pytest and the classes' "
        "packages; default: oocheck's own)."))] = None,
    fixes: Annotated[bool, typer.Option("--fixes", help=(
        "Apply the safe `check --fix` fixes to the generated classes in a temporary copy, check again, and "
        "report how many predicted failures they remove, with examples (the split is only read). With "
        "--execute, the tests of the fixed classes also run before and after the fixes."))] = False,
    baseline: Annotated[list[str] | None, typer.Option(help=(
        "Score a peer tool the same way, side by side with oocheck: mypy, pylint, pyright, ty or pyrefly "
        "(repeat for several). Its diagnostics map to exceptions through one documented table "
        "(README, 'Peers side by side'); a tool that is not installed is left out with a warning."))] = None,
    baseline_calls: Annotated[bool, typer.Option(help=(
        "Also count a peer's diagnostics inside the methods a test calls (followed with oocheck's call "
        "resolution), not only on the test's own lines and at import."))] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help=(
        "With --fixes: apply the unsafe fixes too, to measure them."))] = False,
    baseline_ignore: Annotated[list[str] | None, typer.Option(help=(
        "Also score each --baseline peer without this code of its own (e.g. arg-type, reportArgumentType), "
        "as a user who turns it off would run it: an extra row from the same run. Repeatable."))] = None,
) -> None:
    """Check generated classes and score the predicted first failure of every recorded test case.

    Test cases with an xfail marker are left out, as in the paper. Precision, recall and F1 per
    exception (test case and sample level), per rule, per model and docstring level, and the share
    of human-written classes falsely flagged.

    Examples:

      oocheck study ../shared/realclasseval --split csn

      oocheck study ../shared/realclasseval --distribution

      oocheck study ../shared/realclasseval --predictions preds.jsonl --report study-report/

      oocheck study ../shared/realclasseval --split csn --baseline mypy --baseline pylint

      oocheck study ../shared/realclasseval/functional_correctness_test_folder/csn/Qwen --execute --results runs/

      oocheck study ../shared/realclasseval --split csn --fixes
    """
    from oocheck.study.command import execute_options, run_command  # paid only when the study runs

    if not execute and (results is not None or python is not None):
        _err("--results and --python apply to --execute only")
        raise typer.Exit(EXIT_USAGE)
    options = execute_options(timeout, results, python, jobs) if execute else None
    if fixes and (show_distribution or predictions is not None or report is not None or baseline):
        _err("--fixes prints its own report: it does not go with --distribution, --predictions, --report or "
             "--baseline")
        raise typer.Exit(EXIT_USAGE)
    if unsafe_fixes and not fixes:
        _err("--unsafe-fixes applies to --fixes only")
        raise typer.Exit(EXIT_USAGE)
    if fixes:
        from oocheck.study.command import progress_bar
        from oocheck.study.fixes import fixes_command

        with progress_bar(sys.stderr.isatty()) as hook:
            raise typer.Exit(fixes_command(path, split, output_format, mypy, hook, options, unsafe_fixes))
    raise typer.Exit(run_command(path, split, show_distribution, predictions, output_format, report, min_confidence,
                                 mypy, options, baseline or [], baseline_calls,
                                 baseline_ignore or []))


# How this process ends: by `main` (os._exit, nothing freed) or not (the app called in a test).
_RUN = {"exits_hard": False, "watching": False}


def main() -> None:
    _RUN["exits_hard"] = True
    try:
        app()
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except SystemExit as done:
        _hard_exit(done.code)


def _hard_exit(code: object) -> NoReturn:
    """Exit without freeing the index object by object, as mypy does: on a repo the size of Django
    the interpreter's teardown costs more CPU than a warm check itself. Every `with` block has
    closed by now; only the output needs flushing."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
