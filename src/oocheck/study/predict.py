"""Per test case, the first failure oocheck predicts on the test's path of execution.

The findings are those of `oocheck check` (one run over the whole folder); this module only decides
which of them a test reaches first. A test runs, in order:

1. the import of its module: the unconditional module-level code of the test file and, through its
   imports, of every repo module it loads (class bodies included, function bodies not);
2. its own statements in order; within a statement the events are ordered by where their expression
   ends, which is Python's evaluation order (`f(g())`: `g` runs, then `f`);
3. for every call whose target the analyzer resolved (a repo class: its `__init__`; a method on an
   instance or class of the repo, `super()` included; a repo function), the callee's body, and from
   there the calls it makes, depth-limited and cycle-safe.

Precision choices: a low-confidence finding predicts nothing, as `oocheck check` does not report it
by default (`min_confidence` changes that for the test's own lines). Inside callees and imported
modules only findings of high or medium confidence count, and only on the unconditional path:
statements at the top level of a body (the header of an `if`/`for`/`while`/`with` runs, its body may
not; a `try` body may be caught). In the test itself, a failure inside `with pytest.raises(X)` (or
`try/except X`) that X catches ends that block, not the test. Bodies of `if`/`for`/`while` in a test
are not followed. On csn, following callees on every path instead of the unconditional one trades
precision for almost no recall.
"""

from __future__ import annotations

import ast
import builtins
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from oocheck.analyzer.collect import dotted_name, handler_names, resolve_relative
from oocheck.analyzer.external import ExternalClass
from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.infer import CallSite
from oocheck.analyzer.members import find_method
from oocheck.analyzer.model import ClassInfo, ModuleInfo
from oocheck.analyzer.values import ClassObject, FunctionValue, Instance, SuperValue
from oocheck.diagnostics import Confidence, Finding
from oocheck.engine import CheckResult

MAX_DEPTH = 8
# The lowest confidence that predicts a failure: that of `oocheck check`'s default output. Inside
# callees and imported modules it is never below medium.
MIN_CONFIDENCE = Confidence.MEDIUM
CALLEE_MIN_CONFIDENCE = Confidence.MEDIUM
_RAISES = {"raises", "assertRaises", "assertRaisesRegex"}

Function = ast.FunctionDef | ast.AsyncFunctionDef
Position = tuple[int, int]
# Sort key of an event: end position (evaluation order), then inner before outer, findings before
# the call they sit on, the most confident finding first.
EventKey = tuple[int, int, int, int, int, int]
Event = tuple[EventKey, Finding | CallSite]


@dataclass(frozen=True)
class Prediction:
    """The predicted first failure of one test, or no failure (`exception` None)."""

    exception: str | None = None
    codes: tuple[str, ...] = ()
    confidence: Confidence | None = None
    findings: tuple[Finding, ...] = ()


NO_FAILURE = Prediction()


@dataclass(frozen=True)
class TestFunction:
    """A test function of a test file: `test_x` or `TestC::test_x`."""

    module: ModuleInfo
    node: Function
    qualname: str
    xfail: bool


def is_test_file(path: Path) -> bool:
    return path.suffix == ".py" and (path.name.startswith("test_") or path.stem.endswith("_test"))


def _has_xfail(decorators: Iterable[ast.expr]) -> bool:
    return any((dotted_name(d.func if isinstance(d, ast.Call) else d) or "").split(".")[-1] == "xfail"
               for d in decorators)


def _module_xfail(body: list[ast.stmt]) -> bool:
    """`pytestmark = pytest.mark.xfail` (or a list holding it) in a module or class body."""
    for stmt in body:
        if (isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                                                 for t in stmt.targets)):
            values = stmt.value.elts if isinstance(stmt.value, (ast.List, ast.Tuple)) else [stmt.value]
            if _has_xfail(values):
                return True
    return False


def test_functions(module: ModuleInfo) -> Iterator[TestFunction]:
    """The tests pytest would collect from `module`: `def test*` and `test*` methods of `Test*` classes."""
    module_xfail = _module_xfail(module.tree.body)
    for stmt in module.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name.startswith("test"):
            yield TestFunction(module, stmt, stmt.name, module_xfail or _has_xfail(stmt.decorator_list))
        elif isinstance(stmt, ast.ClassDef) and stmt.name.startswith("Test"):
            class_xfail = module_xfail or _has_xfail(stmt.decorator_list) or _module_xfail(stmt.body)
            for item in stmt.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                    yield TestFunction(module, item, f"{stmt.name}::{item.name}",
                                       class_xfail or _has_xfail(item.decorator_list))


def unconditional_pieces(body: list[ast.stmt]) -> list[ast.AST]:
    """The parts of `body` that run whenever the body runs, in order, up to a `return` or `raise`.

    A simple statement is one piece; a compound statement contributes its header expressions; a class
    body runs at definition time, a function body does not.
    """
    pieces: list[ast.AST] = []
    for stmt in body:
        pieces.extend(_header_pieces(stmt))
        if isinstance(stmt, (ast.Return, ast.Raise)):
            break
    return pieces


def _header_pieces(stmt: ast.stmt) -> list[ast.AST]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = stmt.args
        return [*stmt.decorator_list, *args.defaults, *[d for d in args.kw_defaults if d is not None]]
    if isinstance(stmt, ast.ClassDef):
        return [*stmt.decorator_list, *stmt.bases, *[k.value for k in stmt.keywords],
                *unconditional_pieces(stmt.body)]
    if isinstance(stmt, (ast.If, ast.While)):
        return [stmt.test]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return [stmt.iter]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in stmt.items]
    if isinstance(stmt, ast.Match):
        return [stmt.subject]
    if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
        return []
    return [stmt]


def _start(node: ast.AST) -> Position:
    line: int = getattr(node, "lineno", 0)
    col: int = getattr(node, "col_offset", 0)
    return (line, col)


def _end(node: ast.AST) -> Position:
    line: int | None = getattr(node, "end_lineno", None)
    col: int | None = getattr(node, "end_col_offset", None)
    start = _start(node)
    return (line if line is not None else start[0], col if col is not None else start[1])


def _caught_names(stmt: ast.With | ast.AsyncWith) -> set[str]:
    """Exceptions that `with pytest.raises(X)` / `assertRaises(X)` / `suppress(X, ...)` catch."""
    names: set[str] = set()
    for item in stmt.items:
        expr = item.context_expr
        if not isinstance(expr, ast.Call):
            continue
        helper = (dotted_name(expr.func) or "").split(".")[-1]
        if helper in _RAISES:
            args = expr.args[:1] or [k.value for k in expr.keywords if k.arg == "expected_exception"]
        elif helper == "suppress":
            args = list(expr.args)
        else:
            continue
        for arg in args:
            for exc in arg.elts if isinstance(arg, ast.Tuple) else [arg]:
                names.add((dotted_name(exc) or "?").split(".")[-1])
    return names


def catches(names: set[str], exception: str | None) -> bool:
    """Does an `except`/`raises` naming `names` catch `exception` (a builtin subclass counts)?"""
    if exception is None or not names:
        return False
    if exception in names or names & {"Exception", "BaseException"}:
        return True
    raised = getattr(builtins, exception, None)
    if not (isinstance(raised, type) and issubclass(raised, BaseException)):
        return False
    for name in names:
        handler = getattr(builtins, name, None)
        if isinstance(handler, type) and issubclass(handler, BaseException) and issubclass(raised, handler):
            return True
    return False


def _via_self(site: CallSite) -> bool:
    func = site.node.func
    return (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id == site.scope.self_name)


def _super_method(runtime: ClassInfo, owner: ClassInfo, name: str) -> tuple[ClassInfo, Function] | None:
    """The `def name` that `super().name` in a method of `owner` runs on an instance of `runtime`."""
    mro = runtime.mro if owner in runtime.mro else owner.mro
    if owner not in mro:
        return None
    for klass in mro[mro.index(owner) + 1:]:
        if isinstance(klass, ExternalClass):
            return None
        if name in klass.bindings:
            return find_method(klass, name)
    return None


# Failures the analyzer knows for certain but no rule reports (an assertion that cannot hold, a
# ValueError the callee raises for these arguments): not defects to show in `oocheck check`, yet the
# test stops there, so nothing after them can be its first failure.
KNOWN_FAILURE_CODE = "raises"
_RULE_EXCEPTIONS = {"AttributeError", "TypeError"}


def known_failures(index: RepoIndex) -> list[Finding]:
    found = []
    for fault in index.value_faults:
        if fault.exception not in _RULE_EXCEPTIONS:
            found.append(_known(fault.scope.module.display_path, fault.node, fault.exception, fault.message))
    for call in index.call_faults:
        if call.inner.exception not in _RULE_EXCEPTIONS:
            message = f"{call.inner.message} (raised in {call.callee})"
            found.append(_known(call.scope.module.display_path, call.call, call.inner.exception, message))
    return found


def _known(path: str, node: ast.AST, exception: str, message: str) -> Finding:
    line = getattr(node, "lineno", 1)
    col = getattr(node, "col_offset", 0) + 1
    return Finding(path=path, line=line, col=col, end_line=getattr(node, "end_lineno", None) or line,
                   end_col=(getattr(node, "end_col_offset", None) or col - 1) + 1, code=KNOWN_FAILURE_CODE,
                   name="known-failure", predicts=exception, message=message, confidence=Confidence.HIGH)


class Predictor:
    """Follows tests through the findings of one `check_paths` run."""

    def __init__(self, result: CheckResult, max_depth: int = MAX_DEPTH,
                 min_confidence: Confidence = MIN_CONFIDENCE, known: bool = True) -> None:
        """`known` adds the analyzer's known failures; a peer tool's findings are scored without them."""
        if result.index is None:
            raise ValueError("the check result carries no index")
        self.index: RepoIndex = result.index
        self.findings = result.findings
        self.warnings = result.warnings
        self.max_depth = max_depth
        self.test_confidence = min_confidence
        self.callee_confidence = max(min_confidence, CALLEE_MIN_CONFIDENCE)
        self._findings: dict[str, dict[int, list[Finding]]] = defaultdict(lambda: defaultdict(list))
        self.known = known_failures(self.index) if known else []
        for finding in [*result.findings, *self.known]:
            self._findings[finding.path][finding.line].append(finding)
        self._calls: dict[int, CallSite] = {id(site.node): site for site in self.index.calls}
        self._function_memo: dict[tuple[int, int], Prediction | None] = {}
        self._module_memo: dict[int, Prediction | None] = {}
        self._active: set[tuple[int, int]] = set()
        self._tests: dict[tuple[str, str], TestFunction] | None = None

    # -- tests --------------------------------------------------------------------------------------
    def tests(self) -> dict[tuple[str, str], TestFunction]:
        """Every test function of the checked folders, by (absolute path, qualname)."""
        if self._tests is None:
            self._tests = {}
            for module in self.index.modules:
                if is_test_file(module.path):
                    path = str(module.path.resolve())
                    for test in test_functions(module):
                        self._tests[(path, test.qualname)] = test
        return self._tests

    def predict(self, test: TestFunction) -> Prediction:
        """The first failure `test` reaches, or `NO_FAILURE`."""
        return (self._run_module(test.module) or self._run_block(test.module, test.node.body)
                or NO_FAILURE)

    # -- the test body ------------------------------------------------------------------------------
    def _run_block(self, module: ModuleInfo, body: list[ast.stmt]) -> Prediction | None:
        for stmt in body:
            if isinstance(stmt, (ast.With, ast.AsyncWith)):
                found = self._run_pieces(module, [i.context_expr for i in stmt.items], None, 0,
                                         self.test_confidence)
                if found is None:
                    found = self._run_block(module, stmt.body)
                    if found is not None and catches(_caught_names(stmt), found.exception):
                        continue
            elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
                found = self._run_try(module, stmt)
            else:
                found = self._run_pieces(module, _header_pieces(stmt), None, 0, self.test_confidence)
                if found is None and isinstance(stmt, (ast.Return, ast.Raise)):
                    return None
            if found is not None:
                return found
        return None

    def _run_try(self, module: ModuleInfo, stmt: ast.stmt) -> Prediction | None:
        found = self._run_block(module, stmt.body)  # type: ignore[attr-defined]
        if found is not None:
            handlers: list[ast.ExceptHandler] = stmt.handlers  # type: ignore[attr-defined]
            handler = next((h for h in handlers if catches(handler_names(h), found.exception)), None)
            if handler is None:
                return found
            found = self._run_block(module, handler.body)
        else:
            found = self._run_block(module, stmt.orelse)  # type: ignore[attr-defined]
        return found or self._run_block(module, stmt.finalbody)  # type: ignore[attr-defined]

    # -- modules, functions, calls ------------------------------------------------------------------
    def _run_module(self, module: ModuleInfo) -> Prediction | None:
        key = id(module)
        if key in self._module_memo:
            return self._module_memo[key]
        self._module_memo[key] = None  # an import cycle finds the module already (partly) loaded
        found = self._run_pieces(module, unconditional_pieces(module.tree.body), None, 0, self.callee_confidence)
        self._module_memo[key] = found
        return found

    def _run_imports(self, module: ModuleInfo, stmt: ast.Import | ast.ImportFrom) -> Prediction | None:
        names: list[str] = []
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                parts = alias.name.split(".")
                names.extend(".".join(parts[: i + 1]) for i in range(len(parts)))
        else:
            source = resolve_relative(module, stmt.level, stmt.module)
            names.append(source)
            names.extend(f"{source}.{alias.name}" for alias in stmt.names if alias.name != "*")
        for name in names:
            target = self.index.find_module(name, module)
            if target is not None and target is not module:
                found = self._run_module(target)
                if found is not None:
                    return found
        return None

    def _run_function(self, module: ModuleInfo, func: Function, runtime: ClassInfo | None,
                      depth: int) -> Prediction | None:
        key = (id(func), id(runtime))
        if key in self._function_memo:
            return self._function_memo[key]
        if key in self._active or depth > self.max_depth:
            return None
        self._active.add(key)
        try:
            found = self._run_pieces(module, unconditional_pieces(func.body), runtime, depth,
                                     self.callee_confidence)
        finally:
            self._active.discard(key)
        self._function_memo[key] = found
        return found

    def _run_call(self, site: CallSite, runtime: ClassInfo | None, depth: int) -> Prediction | None:
        target = self._target(site, runtime)
        if target is None:
            return None
        module, func, callee_runtime = target
        return self._run_function(module, func, callee_runtime, depth)

    def _target(self, site: CallSite, runtime: ClassInfo | None
                ) -> tuple[ModuleInfo, Function, ClassInfo | None] | None:
        """What a call runs: (module, function, the class of `self` in it)."""
        callee, receiver = site.callee, site.receiver
        found: tuple[ClassInfo, Function] | None = None
        if isinstance(callee, ClassObject) and isinstance(callee.cls, ClassInfo):
            cls = callee.cls
            found = find_method(cls, "__init__")
        elif isinstance(callee, FunctionValue):
            return callee.module, callee.node, None
        elif site.method is None:
            return None
        elif isinstance(receiver, SuperValue):
            cls = runtime if runtime is not None else receiver.cls
            found = _super_method(cls, receiver.cls, site.method)
        elif isinstance(receiver, (Instance, ClassObject)) and isinstance(receiver.cls, ClassInfo):
            cls = receiver.cls
            if runtime is not None and not receiver.exact and _via_self(site) and cls in runtime.mro:
                cls = runtime  # `self.m()` runs the override of the object's own class
            found = find_method(cls, site.method)
        if found is None:
            return None
        return found[0].module, found[1], cls

    def _run_pieces(self, module: ModuleInfo, pieces: list[ast.AST], runtime: ClassInfo | None, depth: int,
                    min_confidence: Confidence) -> Prediction | None:
        for piece in pieces:
            if isinstance(piece, (ast.Import, ast.ImportFrom)):  # the imported module runs before the names bind
                found = self._run_imports(module, piece)
                if found is not None:
                    return found
            events = self._events(module, piece, min_confidence)
            for position, (key, item) in enumerate(events):
                if isinstance(item, Finding):
                    return _group(key, item, events[position + 1:])
                found = self._run_call(item, runtime, depth + 1)
                if found is not None:
                    return found
        return None

    def _events(self, module: ModuleInfo, piece: ast.AST, min_confidence: Confidence) -> list[Event]:
        """The findings and resolved calls inside `piece`, in evaluation order (lambdas do not run)."""
        events: list[Event] = []
        lambdas: list[tuple[Position, Position]] = []
        stack = [piece]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Lambda):
                lambdas.append((_start(node), _end(node)))
                continue
            if isinstance(node, ast.Call):
                site = self._calls.get(id(node))
                if site is not None:
                    (line, col), (end_line, end_col) = _start(node), _end(node)
                    events.append(((end_line, end_col, -line, -col, 1, 0), site))
            stack.extend(ast.iter_child_nodes(node))
        by_line = self._findings.get(module.display_path)
        if by_line:
            start, end = _start(piece), _end(piece)
            for line in range(start[0], end[0] + 1):
                for finding in by_line.get(line, ()):
                    where = (finding.line, finding.col - 1)
                    if (finding.confidence < min_confidence or not start <= where <= end
                            or any(a <= where <= b for a, b in lambdas)):
                        continue
                    key = (finding.end_line, finding.end_col - 1, -finding.line, -(finding.col - 1), 0,
                           -int(finding.confidence))
                    events.append((key, finding))
        events.sort(key=lambda event: event[0])
        return events


def _group(key: EventKey, first: Finding, rest: list[Event]) -> Prediction:
    """The first finding reached and the others on the same expression predicting the same exception."""
    same = [first]
    for other_key, item in rest:
        if other_key[:5] != key[:5] or not isinstance(item, Finding):
            break
        if item.predicts == first.predicts:
            same.append(item)
    codes = tuple(dict.fromkeys(f.code for f in same))
    return Prediction(first.predicts, codes, max(f.confidence for f in same), tuple(same))
