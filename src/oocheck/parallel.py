"""The second core, by fork: a child process that sees the finished index copy-on-write.

Everything after the index is built reads it without changing what another part reads (the rule
families derive their own facts, the cache store only serialises), so that work can be shared
between two processes with nothing sent across but the small result. Sending the index itself
would cost more than the work (pickled syntax trees load slower than the files parse), which is
why this uses `os.fork` and not a process pool.

Failure of the child never changes a result: when it cannot start, dies, or sends something
unreadable, `Background.join` returns None and the caller does the work itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

# Below this many modules the fork and the copy-on-write page faults cost more than they save.
MIN_MODULES = 150


def available() -> bool:
    """Whether a child can run beside this process: fork exists and a second CPU is ours to use."""
    if not hasattr(os, "fork") or sys.platform == "darwin":  # macOS: fork after system frameworks is unsafe
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return cpus >= 2


class WorkQueue:
    """Items numbered 0..n-1, each claimed by exactly one of this process and its forked children:
    a pipe holding one byte per item, whose write end is closed (a read of one byte is atomic, and
    an empty pipe reads as the end). Made before the fork, so both sides share it."""

    MAX_ITEMS = 256

    def __init__(self, count: int) -> None:
        if not 0 <= count <= self.MAX_ITEMS:
            raise ValueError(f"a work queue holds at most {self.MAX_ITEMS} items")
        self._reader, writer = os.pipe()
        try:
            os.write(writer, bytes(range(count)))
        finally:
            os.close(writer)

    def claim(self) -> int | None:
        """The next unclaimed item, or None when every item is taken."""
        try:
            data = os.read(self._reader, 1)
        except OSError:
            return None
        return data[0] if data else None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._reader)


class Background(Generic[T]):
    """`job` running in a forked child; `join` gives its result (picklable) or None."""

    def __init__(self, pid: int, reader: int) -> None:
        self._pid = pid
        self._reader = reader

    @classmethod
    def start(cls, job: Callable[[], T]) -> Background[T] | None:
        try:
            reader, writer = os.pipe()
        except OSError:
            return None
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns about fork in a process with threads (the mypy bridge's reader):
                # the child takes no lock those threads use, it computes and writes its own files.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            return None
        if pid == 0:  # the child: never returns, never runs the parent's exit handlers
            os.close(reader)
            _run_child(job, writer)
        os.close(writer)
        return cls(pid, reader)

    def join(self) -> T | None:
        """The child's result, once it has finished; None when it failed in any way."""
        chunks = []
        try:
            with os.fdopen(self._reader, "rb") as pipe:
                while chunk := pipe.read(1 << 20):
                    chunks.append(chunk)
        except OSError:
            pass
        finally:
            self._reap()
        try:
            status, value = pickle.loads(b"".join(chunks))
        except Exception:  # killed mid-write, or nothing written
            return None
        return value if status == "ok" else None

    def cancel(self) -> None:
        """Stop the child (a failed or interrupted check leaves no process behind)."""
        with contextlib.suppress(OSError):
            os.kill(self._pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.close(self._reader)
        self._reap()

    def _reap(self) -> None:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(self._pid, 0)


def _run_child(job: Callable[[], object], writer: int) -> None:
    code = 0
    try:
        # Ctrl-C goes to the whole process group: the parent handles it and cancels this child.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            payload = pickle.dumps(("ok", job()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # reported as a failure: the parent redoes the work
            payload = pickle.dumps(("error", repr(exc)))
        view = memoryview(payload)
        while view:
            view = view[os.write(writer, view):]
    except BaseException:
        code = 1
    finally:
        os._exit(code)
