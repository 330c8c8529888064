"""The pipeline: discover → parse and index the whole repo → run the rules → filter → findings."""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from oocheck import incremental, mypy_bridge, parallel
from oocheck.analyzer.index import RepoIndex, display_path
from oocheck.cache import CACHE_FOLDER, Cache
from oocheck.catalog import UNREADABLE_CODE, UNUSED_SUPPRESSION_CODE
from oocheck.config import Config
from oocheck.diagnostics import Confidence, Finding
from oocheck.discovery import DEFAULT_EXCLUDES, SourceFile, discover, module_name_for
from oocheck.environment import (
    RUNNING_INTERPRETER,
    EnvironmentProbe,
    TargetEnvironment,
    choose_interpreter,
    find_environment,
)
from oocheck.registry import load_rules
from oocheck.rule import CheckContext, Rule
from oocheck.source_text import SourceText
from oocheck.suppression import Suppressions

__all__ = ["UNREADABLE_CODE", "CheckResult", "check_paths", "run_rules"]


@dataclass
class CheckResult:
    findings: list[Finding]
    files: int
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    index: RepoIndex | None = None
    # The checked files' text as this run saw it (editor buffers included), for reports and baselines.
    sources: SourceText = field(default_factory=SourceText)
    reported: set[Path] | None = None  # a partial check (`only`): the files whose findings are reported


def _read_error_findings(index: RepoIndex) -> list[Finding]:
    return [
        Finding(path=e.path, line=e.line, col=e.col + 1, end_line=e.line, end_col=e.col + 1,
                code=UNREADABLE_CODE, name="unreadable-file", predicts="SyntaxError", message=e.message,
                confidence=Confidence.HIGH)
        for e in index.errors
    ]


def run_rules(index: RepoIndex, rules: Sequence[type[Rule]], warnings: list[str],
              environment: TargetEnvironment | None = None, failed: set[str] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    ctx = CheckContext(index, environment)
    for rule_cls in rules:
        try:
            findings.extend(rule_cls().check(ctx))
        except Exception as exc:  # one broken rule must not stop the others
            if failed is not None:
                failed.add(rule_cls.code)
            warnings.append(f"rule {rule_cls.code} failed and was skipped: {type(exc).__name__}: {exc}")
    return findings


def _family(rule: type[Rule]) -> str:
    return rule.__module__.rpartition(".")[0]


# One piece of the work after inference: what it found, the warnings it gave, the codes that failed.
_Done = tuple[list[Finding], list[str], set[str]]


def _run_rules_and_store(index: RepoIndex, rules: Sequence[type[Rule]], warnings: list[str],
                         environment: TargetEnvironment | None, failed: set[str],
                         store: incremental.Store, two_cores: bool = True) -> list[Finding]:
    """The rules' findings, and the cache stored. On two cores when the repo pays for it: the cache
    store and each rule family (the rules of one package of rules/, which share what they derive
    from the index) are items that this process and a forked child claim one at a time."""
    families: dict[str, list[type[Rule]]] = {}
    for rule in rules:
        families.setdefault(_family(rule), []).append(rule)
    items: list[list[type[Rule]] | None] = [None, *families.values()]  # None: the cache store

    def run(item: int, sink: list[str]) -> _Done:
        before = len(sink)  # a child's copy of `warnings`: what it adds (the cache's too) goes back
        item_failed: set[str] = set()
        work = items[item]
        if work is None:
            store()
            return [], sink[before:], item_failed
        return run_rules(index, work, sink, environment, item_failed), sink[before:], item_failed

    done: dict[int, _Done] = {}
    # The rules look only at the reported modules: a hook run on Django reports a handful of 885.
    checked = len(index.reported) if index.reported is not None else len(index.modules)
    if two_cores and checked >= parallel.MIN_MODULES and len(items) <= parallel.WorkQueue.MAX_ITEMS \
            and parallel.available():
        queue = parallel.WorkQueue(len(items))

        def child_work() -> dict[int, _Done]:
            mine: dict[int, _Done] = {}
            while (item := queue.claim()) is not None:
                mine[item] = run(item, warnings)
            return mine

        child = parallel.Background.start(child_work)
        try:
            while (item := queue.claim()) is not None:
                done[item] = run(item, [])
            queue.close()
            done.update((child.join() if child is not None else None) or {})
        except BaseException:  # a failed rule, Ctrl-C: no child outlives the check
            if child is not None:
                child.cancel()
            raise
        finally:
            queue.close()
    for item in range(len(items)):  # one process, or what a failed child left
        if item not in done:
            done[item] = run(item, [])
    findings: list[Finding] = []
    for item in range(len(items)):
        found, said, item_failed = done[item]
        findings += found
        warnings += said
        failed |= item_failed
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


def check_paths(paths: Sequence[Path], config: Config, rules: Sequence[type[Rule]] | None = None,
                overrides: dict[Path, str] | None = None, only: Sequence[Path] | None = None) -> CheckResult:
    """Check every Python file under `paths` as one repo.

    `overrides`: text that stands in for a file on disk (an editor's unsaved buffer), by path.
    `only`: report findings only for these files and for the files that import them — the call a
    pre-commit hook or an editor makes with the changed files, passing the project as `paths`. The
    whole repo is still indexed, so classes, bases and imports resolve as in a full check and these
    files get the findings a full check gives them; with a warm cache (`.oocheck_cache/`, see
    incremental.py) the modules that do not depend on them are not walked again.
    """
    started = time.perf_counter()
    # mypy reads files from disk, not an editor's buffer (`overrides`): its lines would not match it.
    use_mypy = config.mypy and not overrides and any(config.wants(code) for code in mypy_bridge.all_mappings())
    if use_mypy:
        mypy_bridge.prestart()  # a worker imports mypy while the files are found
    # The index and the inference recurse over deeply nested code; CPython's default limit is too low.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    project = project_folder(paths, config)
    if rules is None:
        rules = load_rules(list(config.extra_rule_dirs))
    # The target interpreter (OO301) answers in a subprocess while the repo is discovered and indexed,
    # when a rule that is on needs it.
    probe = EnvironmentProbe(config.python, project) \
        if any(r.needs_environment and config.wants(r.code) for r in rules) else None
    files = discover(paths, (*DEFAULT_EXCLUDES, *config.exclude))
    buffers = _buffers(files, overrides or {})
    # Single files (what pre-commit passes) are checked without the rest of the repo: a finding that
    # needs another file's classes may be missing, so an unused suppression there is only a guess.
    partial = any(path.is_file() for path in paths)
    warnings: list[str] = []
    cache = _open_cache(project, config, warnings)
    mypy = None
    if use_mypy:
        # Installed packages' types only from an environment that was found, not guessed (OO301 alike).
        python, how, _ = choose_interpreter(config.python, project)
        chosen = python if how != RUNNING_INTERPRETER else None
        # mypy runs while we index.
        mypy = mypy_bridge.start_mypy(files, cache.subfolder("mypy"), chosen, config.mypy_timeout)
    # The index is millions of small objects that live until the end: the cyclic collector would
    # scan them again and again for nothing (a third of the CPU time on Django; no memory returned).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if mypy is not None and config.jobs == 1:
            # One process at a time, the least memory: mypy's worker (about 300 MiB on Django) ends
            # before the index is built, instead of running beside it; the check takes their sum.
            mypy.wait()
        wanted = None if only is None else {p.resolve() for p in only}
        return _check_indexed(files, project, config, rules, mypy, started, buffers, partial,
                              _Run(cache, wanted, warnings, probe))
    except BaseException:
        if mypy is not None:
            mypy.cancel()  # no worker outlives a failed or interrupted check
        raise
    finally:
        if collecting:
            gc.enable()


@dataclass(frozen=True)
class _Run:
    cache: Cache
    only: set[Path] | None
    warnings: list[str]
    probe: EnvironmentProbe | None = None


def _open_cache(project: Path, config: Config, warnings: list[str]) -> Cache:
    if not config.cache:
        return Cache(None)
    return Cache.open(config.cache_dir or project / CACHE_FOLDER, warnings)


def _buffers(files: list[SourceFile], overrides: dict[Path, str]) -> dict[Path, str]:
    """The overrides keyed by the discovered path of the file each one replaces. A buffer with no file
    on disk (not saved yet) joins `files`, as its module name."""
    if not overrides:
        return {}
    by_resolved = {path.resolve(): (path, text) for path, text in overrides.items()}
    buffers = {f.path: by_resolved.pop(f.path.resolve())[1] for f in files if f.path.resolve() in by_resolved}
    for path, text in by_resolved.values():
        root, module = module_name_for(path)
        files.append(SourceFile(path=path, root=root, module=module))
        buffers[path] = text
    return buffers


def _check_indexed(files: list[SourceFile], project: Path, config: Config, rules: Sequence[type[Rule]] | None,
                   mypy: mypy_bridge.MypyInBackground | None, started: float, buffers: dict[Path, str],
                   partial: bool, job: _Run) -> CheckResult:
    index, store_collected = incremental.collect(files, {path: text.encode("utf-8") for path, text in buffers.items()},
                                                 job.cache, partial=job.only is not None)
    reported, store_effects = incremental.infer(index, job.cache, job.only)

    def store() -> None:
        store_collected()
        store_effects()
    sources = SourceText({display_path(path): text for path, text in buffers.items()})
    warnings = job.warnings
    loaded = rules if rules is not None else load_rules(list(config.extra_rule_dirs))
    active = [r for r in loaded if config.wants(r.code)]
    environment = None
    # Joined whether needed or not: no thread may be running when the rules fork a child.
    probed = job.probe.result() if job.probe is not None else None
    if any(r.needs_environment for r in active):
        choice = probed or find_environment(config.python, project)
        environment = choice.environment
        if choice.problem:
            warnings.append(f"target environment not found: {choice.problem}; "
                            "imports of third-party modules are not checked")
    failed: set[str] = set()
    # With mypy's worker busy on the other core, a child would only take turns with it.
    two_cores = mypy is None and (config.jobs is None or config.jobs > 1)
    findings = _run_rules_and_store(index, active, warnings, environment, failed, store, two_cores=two_cores)
    checked = {r.code for r in active} - failed  # the codes whose absence this run can vouch for
    if mypy is not None:
        run = mypy.wait()
        if run.warning:
            warnings.append(run.warning)
        else:
            checked |= {code for code in mypy_bridge.all_mappings() if config.wants(code)}
        found = [f for f in mypy_bridge.mypy_findings(run, index, reported) if config.wants(f.code)]
        findings = mypy_bridge.merge_findings(findings, found, mypy_bridge.Judged(index))
    if config.wants(UNREADABLE_CODE):
        findings.extend(_read_error_findings(index))
        checked.add(UNREADABLE_CODE)
    # Suppressions are matched before the confidence filter: a comment that silences a finding below
    # --min-confidence is still in use.
    suppressions = Suppressions(sources)
    findings = suppressions.filter(_dedupe(findings))
    if config.wants(UNUSED_SUPPRESSION_CODE):
        known = [r.code for r in loaded] + list(mypy_bridge.all_mappings()) + [UNREADABLE_CODE]
        findings += suppressions.unused_findings(
            [module.display_path for module in index.modules if index.reports(module)],  # read no other file
            judged=lambda code: all(k in checked for k in known if k.startswith(code)),
            every_code_checked=all(k in checked for k in known),
            confidence=Confidence.LOW if partial else Confidence.HIGH,
            known=[*known, UNUSED_SUPPRESSION_CODE])
    findings = [f for f in findings if f.confidence >= config.min_confidence or f.code == UNREADABLE_CODE]
    findings = sorted((f for f in findings if not _ignored_for_file(f, config)), key=Finding.sort_key)
    if reported is not None:
        findings = [f for f in findings if Path(f.path).resolve() in reported]
    return CheckResult(findings=findings, files=len(files), warnings=warnings,
                       seconds=time.perf_counter() - started, index=index, sources=sources, reported=reported)


def project_folder(paths: Sequence[Path], config: Config) -> Path:
    """Where `.oocheck_cache` goes and a `.venv` is looked for, found as ruff and mypy find a project:
    the folder of the `[tool.oocheck]` pyproject.toml; else the nearest folder upward from the checked
    paths' common parent with a pyproject.toml (any), else with a `.git`; else the current folder."""
    if config.source is not None:
        return config.source.parent
    try:
        folders = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
        start = Path(os.path.commonpath(folders)) if folders else Path.cwd()
    except (OSError, ValueError):  # paths on different drives (Windows)
        start = Path.cwd()
    for marker in ("pyproject.toml", ".git"):
        for candidate in [start, *start.parents]:
            if (candidate / marker).exists():
                return candidate
    return Path.cwd()


def _ignored_for_file(finding: Finding, config: Config) -> bool:
    for pattern, codes in config.per_file_ignores.items():
        if fnmatch(finding.path, pattern) and any(finding.code.startswith(c) for c in codes):
            return True
    return False
