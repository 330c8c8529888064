"""A pytest plugin that records every test event as one JSON line, for `oocheck study --execute`.

It runs inside the interpreter that executes the tests, which may not have oocheck installed, so it
imports nothing but the standard library and pytest; the executor copies this file next to the run
and loads it with `-p`. Events go to the file named by `$OOCHECK_RECORD_FILE`, one `os.write` each
(no buffering: a killed run keeps every event written before the kill):

    {"event": "collected", "ids": [...]}                       the test ids pytest will run
    {"event": "start", "id": ...}                               a test began
    {"event": "finish", "id": ...}                              ... and ended (teardown done)
    {"event": "report", "id": ..., "status": ..., ...}          a row, as pytest-csv writes it
    {"event": "collect_error", "id": ..., "message": ...}        a module or class failed to collect

A row's `status` and `message` follow pytest-csv (the RealClassEval reports' writer): `passed`,
`failed`, `error` (setup or teardown failed), `skipped`, `xfailed`, `xpassed`; a failure's message is
pytest's own one-line summary of the exception (`reprcrash.message`), never parsed from output.
Only the pytest process that loaded the plugin writes: a test that forks leaves copies of pytest
running, and their reports would be duplicates.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from typing import Any

import pytest

RECORD_ENV = "OOCHECK_RECORD_FILE"

_state: dict[str, Any] = {"fd": None, "pid": None, "collect_errors": set()}


def _emit(event: dict[str, Any]) -> None:
    fd = _state["fd"]
    if fd is None or os.getpid() != _state["pid"]:
        return
    os.write(fd, (json.dumps(event, ensure_ascii=False, default=str) + "\n").encode("utf-8"))


def exception_summary(exc: BaseException) -> str:
    """`Name: message` as Python prints an exception's last line (module-qualified unless builtin)."""
    kind = type(exc)
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    try:
        text = str(exc)
    except Exception:  # a broken __str__ must not lose the record
        text = ""
    return f"{name}: {text}" if text else name


def pytest_configure(config: pytest.Config) -> None:
    path = os.environ.get(RECORD_ENV)
    if path and _state["fd"] is None:
        _state["fd"] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        _state["pid"] = os.getpid()


def pytest_collection_finish(session: pytest.Session) -> None:
    _emit({"event": "collected", "ids": [item.nodeid for item in session.items]})


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    _emit({"event": "start", "id": nodeid, "file": location[0]})


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    _emit({"event": "finish", "id": nodeid})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    function = getattr(item, "obj", None)
    report.oocheck_doc = (getattr(function, "__doc__", None) or "").strip()
    report.oocheck_markers = ",".join(sorted({mark.name for mark in item.iter_markers()}))


def _status(report: pytest.TestReport) -> str:
    xfail = hasattr(report, "wasxfail")
    if report.passed:
        return "xpassed" if xfail else "passed"
    if report.failed:
        return "xfailed" if xfail else ("failed" if report.when == "call" else "error")
    return "xfailed" if xfail else "skipped"


def _message(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return str(report.wasxfail)
    if report.passed:
        return ""
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message)
    return str(longrepr) if longrepr is not None else ""


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" and report.passed:
        return
    _emit({"event": "report", "id": report.nodeid, "file": report.location[0], "when": report.when,
           "status": _status(report), "message": _message(report), "duration": report.duration,
           "doc": getattr(report, "oocheck_doc", ""), "markers": getattr(report, "oocheck_markers", "")})


def pytest_exception_interact(node: pytest.Item | pytest.Collector, call: pytest.CallInfo[Any],
                              report: pytest.CollectReport | pytest.TestReport) -> None:
    """A collection failure: the exception itself, not pytest's text about it."""
    if not isinstance(report, pytest.CollectReport) or call.excinfo is None:
        return
    exc: BaseException = call.excinfo.value
    # pytest wraps an import failure in a CollectError raised `from` the original exception.
    if isinstance(exc, pytest.Collector.CollectError) and exc.__cause__ is not None:
        exc = exc.__cause__
    _state["collect_errors"].add(report.nodeid)
    _emit({"event": "collect_error", "id": report.nodeid, "message": exception_summary(exc)})


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed and report.nodeid not in _state["collect_errors"]:
        crash = getattr(report.longrepr, "reprcrash", None)
        _emit({"event": "collect_error", "id": report.nodeid,
               "message": str(crash.message) if crash is not None else "collection failed"})
