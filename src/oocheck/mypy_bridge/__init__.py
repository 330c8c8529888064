"""The mypy bridge: mypy's diagnostics, where they predict a runtime failure, as oocheck findings.

The only package that imports mypy (and only in `worker.py`, in a worker process). Design:

- `runner.py` runs mypy once per check, in worker processes that start before oocheck indexes
  and run meanwhile, over the discovered files (per group of import roots, see there), with
  unannotated bodies checked, missing imports silenced, no user configuration, its incremental
  cache in `.oocheck_cache/mypy` of the project, and a time-out. Installed packages' types come
  only from a target environment that was found (`--python`, `$VIRTUAL_ENV`, `.venv`), never
  from the running interpreter's, which is a guess.
- `codes.py` is the one table from mypy error codes to (oocheck code, predicted exception,
  confidence), each row saying why. Codes OO180-OO189 predict AttributeError, OO280-OO289 TypeError.
- `docs.py` documents each code under the rules' headings; `oocheck explain OO281` and `oocheck
  rules` show them next to the rules. They are not `Rule` subclasses: a rule whose `check` yields
  nothing would only pretend, and its examples could not prove it with the bridge off. The codes
  are plain finding codes, so `--select`/`--ignore`, per-file ignores, `# noqa` and confidence
  filtering treat them like any rule's; tests/test_mypy_bridge.py proves each example.
- `merge_findings` folds them into the rules' findings: one finding per (path, line, predicted
  exception). When a rule reported it, the rule's code stays, mypy's message joins the evidence,
  and the agreement raises the rule's confidence one level. Alone, a mypy finding is dropped where
  the rules judged the place (`Judged`: an access whose receiver oocheck resolved, a call of a
  repo function or class, a class oocheck knows to be open): they know runtime dynamics mypy does
  not, and mypy's value is where oocheck cannot follow a value.

Failure never stops a check: mypy missing, crashing, stopping with a blocking error or passing
`--mypy-timeout` becomes one warning, and the rules' findings (which decide the exit code) are
reported as usual.

On by default (`--no-mypy` or `mypy = false` turns it off). Measured on the csn split of
RealClassEval (10,226 files, 21 import roots; test-level, first finding in each test function):
AttributeError recall 0.940 -> 0.952 at precision 0.918 -> 0.915, TypeError unchanged (0.987 /
0.655); about 7 ms of CPU per file on a cold cache (76 s there, in parallel with indexing where
there is a spare CPU), nearly nothing on a warm one. It never blocks a check, and a project can
turn it off where a cold cache on every run is too dear (CI without a persisted `.oocheck_cache`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.infer import BROAD_EXCEPTIONS, AttributeAccess, CallSite
from oocheck.analyzer.members import open_reason
from oocheck.analyzer.model import ClassInfo
from oocheck.analyzer.values import ClassObject, FunctionValue, Instance, SuperValue, Value
from oocheck.analyzer.walk import walk
from oocheck.diagnostics import Confidence, Finding, Location
from oocheck.discovery import SourceFile
from oocheck.mypy_bridge.codes import IMPORT_MESSAGE, MYPY_CODES, MypyMapping, all_mappings, mapping_for
from oocheck.mypy_bridge.docs import DOCS
from oocheck.rule import first_sentence

if TYPE_CHECKING:
    from oocheck.mypy_bridge.runner import MypyDiagnostic, MypyInBackground, MypyRun

__all__ = ["MYPY_CODES", "DocumentedCode", "Judged", "MypyInBackground", "MypyMapping", "MypyRun", "all_mappings",
           "documented_codes", "merge_findings", "mypy_findings", "start_mypy"]


@dataclass(frozen=True)
class DocumentedCode:
    """A code of the bridge, described as `oocheck rules` and `oocheck explain` describe a rule."""

    code: str
    name: str
    predicts: str
    confidence: Confidence
    doc: str

    def documentation(self) -> str:
        return self.doc.strip()

    def summary(self) -> str:
        return first_sentence(self.doc)

    def levels(self) -> str:
        return str(self.confidence)


def documented_codes() -> list[DocumentedCode]:
    """Every code the bridge reports, with its documentation."""
    return [DocumentedCode(m.code, m.name, m.predicts, m.confidence, DOCS[m.code])
            for m in sorted(all_mappings().values(), key=lambda m: m.code)]


def _import_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in walk(tree):
        if isinstance(node, ast.ImportFrom):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def to_finding(diag: MypyDiagnostic, display: str) -> Finding | None:
    mapping = mapping_for(diag.code, diag.message)
    if mapping is None:
        return None
    return Finding(path=display, line=diag.line, col=diag.col + 1, end_line=diag.end_line,
                   end_col=diag.end_col + 1, code=mapping.code, name=mapping.name, predicts=mapping.predicts,
                   message=diag.message, confidence=mapping.confidence)


def prestart() -> None:
    """Start a mypy worker before the files are found (runner.prestart)."""
    from oocheck.mypy_bridge.runner import prestart as start_worker

    start_worker()


def start_mypy(files: Sequence[SourceFile], mypy_cache: Path | None, python: Path | None,
               timeout: float) -> MypyInBackground:
    """Start mypy on the discovered files; it runs while oocheck indexes them. `mypy_cache`: the `mypy`
    folder of oocheck's cache (None: no cache)."""
    from oocheck.mypy_bridge.runner import MypyInBackground  # subprocesses, threads: only when mypy runs

    return MypyInBackground([(f.path.resolve(), f.root, f.module) for f in files], mypy_cache, python, timeout)


def mypy_findings(run: MypyRun, index: RepoIndex, only: set[Path] | None = None) -> list[Finding]:
    """The findings the table maps, for the modules of `index` (files it could not parse are left out);
    `only`: for these files alone (resolved paths; a partial check reports no others, and looking
    into the other modules would parse them)."""
    # A partial check looks only at the diagnostics named like a reported file (a hook run on
    # Django: 2,500 diagnostics), and resolves each path once.
    names = {path.name for path in only} if only is not None else None
    modules = index.modules_at(only) if only is not None else {m.path.resolve(): m for m in index.modules}
    resolved: dict[str, Path] = {}
    import_lines: dict[str, set[int]] = {}
    findings: list[Finding] = []
    for diag in run.diagnostics:
        if names is not None and Path(diag.path).name not in names:
            continue
        path = resolved.get(diag.path)
        if path is None:
            path = resolved[diag.path] = Path(diag.path).resolve()
        module = modules.get(path)
        if module is None:
            continue
        if diag.code == "attr-defined" and IMPORT_MESSAGE.search(diag.message):
            lines = import_lines.setdefault(module.display_path, _import_lines(module.tree))
            if diag.line in lines:
                continue  # `from m import X`: an ImportError, the import rules' business
        finding = to_finding(diag, module.display_path)
        if finding is not None:
            findings.append(finding)
    return findings


class Judged:
    """The accesses and calls oocheck's inference resolved, by position.

    A mypy finding on a place the rules judged and left silent is dropped: they know the runtime
    dynamics mypy does not (an attribute stored from outside the class, a `hasattr` guard, a
    `try/except AttributeError`, an open class). mypy speaks where oocheck cannot follow a value,
    which is where its types add knowledge.
    """

    def __init__(self, index: RepoIndex) -> None:
        self.accesses: dict[tuple[str, int, int], AttributeAccess] = {}
        for access in index.accesses:
            node = access.node
            if node.end_col_offset is not None:
                key = (access.scope.module.display_path, node.end_lineno or node.lineno, node.end_col_offset)
                self.accesses.setdefault(key, access)
        self.calls: dict[tuple[str, int, int], CallSite] = {}
        for call in index.calls:
            self.calls.setdefault((call.scope.module.display_path, call.node.lineno, call.node.col_offset), call)
        # Classes whose members cannot be known statically (metaclass, __getattr__, setattr ...), by
        # name, judged when a finding names one: judging every class reads the standard library's
        # sources for their bases.
        self._classes: dict[str, list[ClassInfo]] = {}
        for info in index.classes:
            self._classes.setdefault(info.name, []).append(info)
        self._open: dict[str, bool] = {}
        self.unknown_stores = index.unknown_stores

    def is_open_class(self, name: str) -> bool:
        known = self._open.get(name)
        if known is None:
            known = self._open[name] = any(open_reason(info) is not None for info in self._classes.get(name, ()))
        return known

    def stored_unseen(self, finding: Finding) -> bool:
        """The attribute this finding reads is stored somewhere neither analysis can follow (a dynamic
        setter): mypy cannot see that store either, so its agreement is no extra evidence."""
        access = self.accesses.get((finding.path, finding.end_line, finding.end_col - 1))
        return access is not None and access.attr in self.unknown_stores.get(access.scope.module.root, set())

    def covers(self, finding: Finding) -> bool:
        """True when the rules judged the place of this mypy finding (Finding columns are 1-based)."""
        if finding.predicts == "AttributeError":
            named = _NAMED_TYPE.match(finding.message)
            if named and self.is_open_class(named.group(1).rsplit(".", 1)[-1]):
                return True
            access = self.accesses.get((finding.path, finding.end_line, finding.end_col - 1))
            if access is None:
                return False
            # Assigning an attribute creates it (mypy's attr-defined on `cls.tag = ...` in a metaclass
            # predicts nothing); a slots violation is mypy's `misc`, not this code.
            return access.store or access.receiver is not None or access.guarded_against("AttributeError")
        call = self.calls.get((finding.path, finding.line, finding.col - 1))
        if call is None or finding.name not in _CALL_CODES:
            return False
        if "TypeError" in call.caught or call.caught & BROAD_EXCEPTIONS:
            return True
        return _in_repo(call.callee) or (call.method is not None and _in_repo(call.receiver))


def _in_repo(value: Value) -> bool:
    """A function, class, or instance of a class of the repo: the call rules know its signatures."""
    if isinstance(value, FunctionValue | SuperValue):
        return True
    return isinstance(value, Instance | ClassObject) and isinstance(value.cls, ClassInfo)


# `"C" has no attribute "x"`, `"type[C]" has no attribute "x"`: the class mypy means.
_NAMED_TYPE = re.compile(r'^"(?:type\[)?([\w.]+)\]?" has no attribute')
# Mappings about what the call rules judge on a call (its binding to the signature, abstract methods).
_CALL_CODES = {"mypy-call-arg", "mypy-abstract"}


def merge_findings(rule_findings: Sequence[Finding], mypy: Sequence[Finding],
                   judged: Judged | None = None) -> list[Finding]:
    """One finding per (path, line, predicted exception) for mypy's: a rule's finding absorbs them,
    and the agreement raises its confidence one level. A mypy finding alone on a place the rules
    `judged` is dropped."""
    merged = list(rule_findings)
    by_key: dict[tuple[str, int, str], int] = {}
    agreed: set[int] = set()
    for index, finding in sorted(enumerate(merged), key=lambda pf: pf[1].sort_key(), reverse=True):
        by_key[(finding.path, finding.line, finding.predicts)] = index  # the first one in order wins
    rules_end = len(merged)
    for finding in sorted(mypy, key=Finding.sort_key):
        key = (finding.path, finding.line, finding.predicts)
        position = by_key.get(key)
        if position is None:
            if judged is None or not judged.covers(finding):
                by_key[key] = len(merged)
                merged.append(finding)
            continue
        kept = merged[position]
        note = Location(finding.path, finding.line, finding.col, f"mypy [{finding.name}]: {finding.message}")
        confidence = kept.confidence
        if position < rules_end and position not in agreed and not (judged and judged.stored_unseen(kept)):
            agreed.add(position)
            confidence = Confidence(min(confidence + 1, Confidence.HIGH))  # two analyses agree
        merged[position] = replace(kept, evidence=(*kept.evidence, note), confidence=confidence)
    return merged


def __getattr__(name: str) -> object:
    """The runner's types, imported when asked for: a check with --no-mypy never loads the runner."""
    if name in {"MypyDiagnostic", "MypyInBackground", "MypyRun"}:
        from oocheck.mypy_bridge import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
