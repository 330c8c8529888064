"""Run generated programs and report what raised where: one process for many programs.

Reads one JSON object per line on stdin (`{"path": ".../program.py"}`) and answers each with one
JSON line on stdout. A program runs in a fresh module namespace: each top-level statement is
compiled and executed on its own, then each `test_*` function is called on its own, so a failing
use does not stop the uses after it. Those are the program's *units*.

While it runs, a trace function counts, for every line of the program's file, how many times it
ran, and records for each run that raised (or let through) an exception which exception it was and
the source span of the operation that raised it (from the code object's positions): an operand
failing before the operation a finding names is told apart from the operation itself. For each
unit the answer also gives the exception that ended it and the program lines on its traceback.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import signal
import sys
import types
from collections import Counter
from collections.abc import Callable
from typing import Any

TIME_LIMIT = 10.0  # seconds per program; generated programs have no loops, so this is a safety net


class TracingLost(Exception):
    """The trace function was switched off (an exception inside it, such as RecursionError): the
    counts of the program are incomplete."""


class ProgramTimeout(BaseException):
    """Raised in the program by the alarm; a BaseException so the program's handlers let it through."""


class LineTracer:
    """Counts runs of each line of one file, and the runs during which an exception passed through it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.runs: Counter[int] = Counter()
        # One per run of a line that raised: [line, exception, start line, start col, end line, end col].
        self.raised: list[list[Any]] = []
        self.mros: dict[str, list[str]] = {}
        self._run = 0
        self._seen: set[int] = set()
        self._positions: dict[types.CodeType, list[tuple[int | None, ...]]] = {}

    def _position(self, frame: types.FrameType) -> tuple[int | None, ...]:
        code = frame.f_code
        if code not in self._positions:
            self._positions[code] = list(code.co_positions())
        positions = self._positions[code]
        index = frame.f_lasti // 2  # one position per 2-byte code unit
        return positions[index] if 0 <= index < len(positions) else (frame.f_lineno, frame.f_lineno, None, None)

    def trace(self, frame: types.FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if frame.f_code.co_filename != self.path:
            return None
        current = [0]  # the run of the line this frame is on

        def local(frame: types.FrameType, event: str, arg: Any) -> Callable[..., Any]:
            if event == "line":
                self._run += 1
                current[0] = self._run
                self.runs[frame.f_lineno] += 1
            elif event == "exception" and current[0] not in self._seen:
                self._seen.add(current[0])  # the first exception of this run of the line
                kind = arg[0]
                start, end, col, end_col = self._position(frame)
                self.raised.append([frame.f_lineno, kind.__name__, start, col, end, end_col])
                self.mros[kind.__name__] = [c.__name__ for c in kind.__mro__]
            return local

        return local

    def call(self, function: Callable[[], object]) -> dict[str, Any]:
        """Run one unit under the tracer: the exception that ended it and its program lines."""
        sys.settrace(self.trace)
        try:
            function()
            if sys.gettrace() is None:
                raise TracingLost
        except (ProgramTimeout, TracingLost):
            raise
        except BaseException as exc:
            if sys.gettrace() is None:
                raise TracingLost from exc
            lines = []
            tb = exc.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename == self.path:
                    lines.append(tb.tb_lineno)
                tb = tb.tb_next
            self.mros[type(exc).__name__] = [c.__name__ for c in type(exc).__mro__]
            return {"exception": type(exc).__name__, "message": str(exc)[:300], "lines": lines}
        finally:
            sys.settrace(None)
        return {"exception": None, "message": None, "lines": []}


def run_program(path: str, number: int) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    tree = ast.parse(source, path)
    name = f"soundness_program_{number}"
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module  # dataclasses look their class's module up
    tracer = LineTracer(path)
    units = []
    try:
        for statement in tree.body:
            code = compile(ast.Module(body=[statement], type_ignores=[]), path, "exec")
            outcome = tracer.call(lambda code=code: exec(code, module.__dict__))  # type: ignore[misc]
            units.append({"line": statement.lineno, **outcome})
        for attribute, value in list(module.__dict__.items()):
            if attribute.startswith("test_") and isinstance(value, types.FunctionType):
                units.append({"line": value.__code__.co_firstlineno, **tracer.call(value)})
    finally:
        del sys.modules[name]
    return {"units": units, "runs": dict(tracer.runs), "raised": tracer.raised,
            "mros": tracer.mros}


def _alarm(signum: int, frame: object) -> None:
    raise ProgramTimeout


def main() -> None:
    out = sys.stdout
    signal.signal(signal.SIGALRM, _alarm)
    for number, text in enumerate(sys.stdin):
        request = json.loads(text)
        signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                answer = run_program(request["path"], number)
        except ProgramTimeout:
            answer = {"error": f"timed out after {TIME_LIMIT} s"}
        except TracingLost as exc:
            answer = {"error": f"the trace function was switched off ({exc.__cause__!r})"}
        except Exception as exc:  # the program could not be read or parsed: say so, go on
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
