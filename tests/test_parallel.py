"""The second core: a forked child that stores the cache and runs rule families beside this process.
The findings, the warnings and the cache are the same as one process gives, and a child that fails
only costs time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oocheck import parallel
from oocheck.config import Config
from oocheck.engine import CheckResult, check_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
needs_fork = pytest.mark.skipif(not parallel.available(), reason="needs os.fork and two CPUs")


def check(cache_dir: Path | None) -> CheckResult:
    return check_paths([FIXTURES], Config(mypy=False, cache=cache_dir is not None, cache_dir=cache_dir))


def cache_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.parent != folder}


@pytest.fixture
def two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_MODULES", 0)


@needs_fork
def test_work_queue_gives_each_item_to_exactly_one_process() -> None:
    queue = parallel.WorkQueue(200)

    def claim_all() -> list[int]:
        taken = []
        while (item := queue.claim()) is not None:
            taken.append(item)
        return taken

    child = parallel.Background.start(claim_all)
    assert child is not None
    mine = claim_all()
    theirs = child.join()
    queue.close()
    assert theirs is not None
    assert sorted(mine + theirs) == list(range(200))


@needs_fork
def test_a_failing_child_gives_none_and_leaves_no_process() -> None:
    def fail() -> int:
        raise RuntimeError("boom")

    def die() -> int:
        os._exit(3)

    for job in (fail, die):
        child = parallel.Background.start(job)
        assert child is not None and child.join() is None
    sleeper = parallel.Background.start(lambda: __import__("time").sleep(60))
    assert sleeper is not None
    sleeper.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(sleeper._pid, os.WNOHANG)


@needs_fork
def test_two_processes_give_the_findings_and_cache_of_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "available", lambda: False)
    alone = check(tmp_path / "alone")
    monkeypatch.undo()
    monkeypatch.setattr(parallel, "MIN_MODULES", 0)
    started = []
    real_start = parallel.Background.start

    def counting_start(job):  # type: ignore[no-untyped-def]
        started.append(job)
        return real_start(job)

    monkeypatch.setattr(parallel.Background, "start", counting_start)
    shared = check(tmp_path / "shared")
    assert started, "the check did not fork"
    assert len(alone.findings) > 40
    assert shared.findings == alone.findings
    assert shared.warnings == alone.warnings
    assert cache_files(tmp_path / "shared") == cache_files(tmp_path / "alone")
    # Warm: both read what either wrote.
    assert check(tmp_path / "shared").findings == alone.findings


@needs_fork
def test_work_left_by_a_failed_child_is_done_here(tmp_path: Path, two_processes: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    expected = check(None).findings
    def lost(self: parallel.Background[object]) -> None:  # the child's result never arrives
        os.close(self._reader)
        self._reap()

    monkeypatch.setattr(parallel.Background, "join", lost)
    assert check(tmp_path / "c").findings == expected
    assert (tmp_path / "c" / "effects").is_dir()  # the store ran (in the child or here)


@needs_fork
@pytest.mark.parametrize("jobs, forks", [(1, False), (2, True), (None, True)])
def test_jobs_one_keeps_one_process(tmp_path: Path, two_processes: None, monkeypatch: pytest.MonkeyPatch,
                                    jobs: int | None, forks: bool) -> None:
    expected = check(None).findings
    started: list[object] = []
    real_start = parallel.Background.start
    monkeypatch.setattr(parallel.Background, "start", lambda job: started.append(job) or real_start(job))
    config = Config(mypy=False, cache_dir=tmp_path / "c", jobs=jobs)
    assert check_paths([FIXTURES], config).findings == expected
    assert bool(started) is forks


@needs_fork
def test_ctrl_c_while_waiting_stops_the_child_at_once() -> None:
    import signal
    import threading
    import time

    child = parallel.Background.start(lambda: time.sleep(30))
    assert child is not None
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    began = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        child.join()
    assert time.monotonic() - began < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(child._pid, os.WNOHANG)  # reaped: no zombie, no orphan


ORPHAN = """
import os, sys, time
from oocheck import parallel
queue = parallel.WorkQueue(20)
marks = sys.argv[1]

def work():
    while (item := queue.claim()) is not None:
        time.sleep(0.2)
        with open(marks, "a") as out:
            out.write(f"{item}\\n")
    return None

parallel.Background.start(work)
time.sleep(0.1)
os._exit(0)  # the parent dies (an editor killed it) with most items unclaimed
"""


@needs_fork
def test_a_child_whose_parent_died_takes_no_more_work(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    marks = tmp_path / "marks"
    subprocess.run([sys.executable, "-c", ORPHAN, str(marks)], check=True, timeout=60)
    time.sleep(1.5)  # long enough for several more items, had the child gone on
    done = marks.read_text().split() if marks.exists() else []
    assert len(done) <= 1, done


def test_the_target_interpreter_is_not_asked_when_no_rule_on_needs_it(tmp_path: Path) -> None:
    marker = tmp_path / "asked"
    fake = tmp_path / "python"
    fake.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    fake.chmod(0o755)
    (tmp_path / "m.py").write_text("import json\n")
    check_paths([tmp_path / "m.py"], Config(mypy=False, cache=False, python=fake, select=("OO1",)))
    assert not marker.exists()
    check_paths([tmp_path / "m.py"], Config(mypy=False, cache=False, python=fake, select=("OO3",)))
    assert marker.exists()  # the same check with an import rule on does ask it


def test_a_partial_check_forks_only_when_it_reports_enough_modules(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # A hook run indexes the whole repo but the rules look at its few reported files: a child would
    # cost more to start and join than it saves.
    monkeypatch.setattr(parallel, "available", lambda: True)
    started: list[object] = []
    monkeypatch.setattr(parallel.Background, "start", lambda job: started.append(job))  # never forks
    monkeypatch.setattr(parallel, "MIN_MODULES", 3)
    target = next((FIXTURES / "attribute" / "base_import_alias").glob("*.py"))
    config = Config(mypy=False, cache=True, cache_dir=tmp_path / "c")
    full = check_paths([FIXTURES], config)
    assert len(started) == 1 and full.index is not None and len(full.index.modules) > 3
    partial = check_paths([FIXTURES], config, only=[target])
    assert partial.reported is not None and len(partial.reported) < 3
    assert len(started) == 1, "the partial check forked"
