"""The pipeline: discover → parse and index the whole repo → run the rules → filter → findings."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from oocheck import mypy_bridge
from oocheck.analyzer.index import RepoIndex
from oocheck.config import Config
from oocheck.diagnostics import Confidence, Finding
from oocheck.discovery import DEFAULT_EXCLUDES, SourceFile, discover
from oocheck.environment import RUNNING_INTERPRETER, TargetEnvironment, choose_interpreter, find_environment
from oocheck.registry import load_rules
from oocheck.rule import CheckContext, Rule
from oocheck.suppression import filter_suppressed

UNREADABLE_CODE = "OO000"


@dataclass
class CheckResult:
    findings: list[Finding]
    files: int
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    index: RepoIndex | None = None


def _read_error_findings(index: RepoIndex) -> list[Finding]:
    return [
        Finding(path=e.path, line=e.line, col=e.col + 1, end_line=e.line, end_col=e.col + 1,
                code=UNREADABLE_CODE, name="unreadable-file", predicts="SyntaxError", message=e.message,
                confidence=Confidence.HIGH)
        for e in index.errors
    ]


def run_rules(index: RepoIndex, rules: Sequence[type[Rule]], warnings: list[str],
              environment: TargetEnvironment | None = None) -> list[Finding]:
    findings: list[Finding] = []
    ctx = CheckContext(index, environment)
    for rule_cls in rules:
        try:
            findings.extend(rule_cls().check(ctx))
        except Exception as exc:  # one broken rule must not stop the others
            warnings.append(f"rule {rule_cls.code} failed and was skipped: {type(exc).__name__}: {exc}")
    return findings


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, int, int, str]] = set()
    unique = []
    for finding in sorted(findings, key=Finding.sort_key):
        key = (finding.path, finding.line, finding.col, finding.code)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _lines_of(paths: set[str]) -> dict[str, list[str]]:
    lines: dict[str, list[str]] = {}
    for path in paths:
        try:
            lines[path] = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines[path] = []
    return lines


def check_paths(paths: Sequence[Path], config: Config, rules: Sequence[type[Rule]] | None = None) -> CheckResult:
    """Check every Python file under `paths` as one repo."""
    started = time.perf_counter()
    # The index and the inference recurse over deeply nested code; CPython's default limit is too low.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    files = discover(paths, (*DEFAULT_EXCLUDES, *config.exclude))
    project = _project_folder(paths, config)
    mypy = None
    if config.mypy and any(config.wants(code) for code in mypy_bridge.all_mappings()):
        # Installed packages' types only from an environment that was found, not guessed (OO301 alike).
        python, how, _ = choose_interpreter(config.python, project)
        chosen = python if how != RUNNING_INTERPRETER else None
        mypy = mypy_bridge.start_mypy(files, project, chosen, config.mypy_timeout)  # runs while we index
    try:
        return _check_indexed(files, project, config, rules, mypy, started)
    except BaseException:
        if mypy is not None:
            mypy.cancel()  # no worker outlives a failed or interrupted check
        raise


def _check_indexed(files: list[SourceFile], project: Path, config: Config, rules: Sequence[type[Rule]] | None,
                   mypy: mypy_bridge.MypyInBackground | None, started: float) -> CheckResult:
    index = RepoIndex.build(files)
    warnings: list[str] = []
    active = [r for r in (rules if rules is not None else load_rules(list(config.extra_rule_dirs)))
              if config.wants(r.code)]
    environment = None
    if any(r.needs_environment for r in active):
        choice = find_environment(config.python, project)
        environment = choice.environment
        if choice.problem:
            warnings.append(f"target environment not found: {choice.problem}; "
                            "imports of third-party modules are not checked")
    findings = run_rules(index, active, warnings, environment)
    if mypy is not None:
        run = mypy.wait()
        if run.warning:
            warnings.append(run.warning)
        found = [f for f in mypy_bridge.mypy_findings(run, index) if config.wants(f.code)]
        findings = mypy_bridge.merge_findings(findings, found, mypy_bridge.Judged(index))
    if config.wants(UNREADABLE_CODE):
        findings.extend(_read_error_findings(index))
    findings = [f for f in findings if f.confidence >= config.min_confidence or f.code == UNREADABLE_CODE]
    findings = [f for f in findings if not _ignored_for_file(f, config)]
    findings = filter_suppressed(_dedupe(findings), _lines_of({f.path for f in findings}))
    return CheckResult(findings=findings, files=len(files), warnings=warnings,
                       seconds=time.perf_counter() - started, index=index)


def _project_folder(paths: Sequence[Path], config: Config) -> Path:
    """Where `.oocheck_cache` goes and a `.venv` is looked for: the pyproject.toml folder, else the
    current folder, as ruff and mypy do (never the checked folder itself: it may be someone's data)."""
    del paths
    if config.source is not None:
        return config.source.parent
    return Path.cwd()


def _ignored_for_file(finding: Finding, config: Config) -> bool:
    for pattern, codes in config.per_file_ignores.items():
        if fnmatch(finding.path, pattern) and any(finding.code.startswith(c) for c in codes):
            return True
    return False
