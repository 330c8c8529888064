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
import time
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
        self._owner = os.getpid()
        self._reader, writer = os.pipe()
        try:
            os.write(writer, bytes(range(count)))
        finally:
            os.close(writer)

    def claim(self) -> int | None:
        """The next unclaimed item, or None when every item is taken, or when the process that made
        the queue is gone (an editor killed an outdated check): a child then takes no more work."""
        if self._reader < 0 or self._owner not in (os.getpid(), os.getppid()):
            return None
        try:
            data = os.read(self._reader, 1)
        except OSError:
            return None
        return data[0] if data else None

    def close(self) -> None:
        """Idempotent: a descriptor number closed twice could by then name another file."""
        if self._reader >= 0:
            with contextlib.suppress(OSError):
                os.close(self._reader)
            self._reader = -1


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
        # Ctrl-C held back across the fork: a child interrupted before it ignores SIGINT would unwind
        # through the caller's handlers as a second copy of the check.
        held = _block_sigint()
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns about fork in a process with threads (a progress line's): the
                # child takes no lock they use, it computes and writes its own files.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            _restore_sigint(held)
            os.close(reader)
            os.close(writer)
            return None
        if pid == 0:  # the child: never returns, never runs the parent's exit handlers
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops this child
            _restore_sigint(held)
            os.close(reader)
            _run_child(job, writer)
        _restore_sigint(held)
        os.close(writer)
        return cls(pid, reader)

    def join(self) -> T | None:
        """The child's result, once it has finished; None when it failed in any way. Interrupted
        (Ctrl-C), it stops the child rather than wait for its work."""
        chunks = []
        try:
            reader, self._reader = self._reader, -1
            with os.fdopen(reader, "rb") as pipe:
                while chunk := pipe.read(1 << 20):
                    chunks.append(chunk)
        except OSError:
            pass
        except BaseException:
            self.cancel()
            raise
        self._reap()
        try:
            status, value = pickle.loads(b"".join(chunks))
        except Exception:  # killed mid-write, or nothing written
            return None
        return value if status == "ok" else None

    def cancel(self) -> None:
        """Stop the child (a failed or interrupted check leaves no process behind): SIGTERM first, so
        a cache write in progress removes its temporary file, then SIGKILL."""
        if self._reader >= 0:
            with contextlib.suppress(OSError):
                os.close(self._reader)
            self._reader = -1
        with contextlib.suppress(OSError):
            os.kill(self._pid, signal.SIGTERM)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            try:
                if os.waitpid(self._pid, os.WNOHANG) != (0, 0):
                    return
            except ChildProcessError:
                return
            time.sleep(0.01)
        with contextlib.suppress(OSError):
            os.kill(self._pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(self._pid, 0)


def _block_sigint() -> bool:
    if not hasattr(signal, "pthread_sigmask"):
        return False
    return signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _restore_sigint(held: bool) -> None:
    if held:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(1)  # unwinds through `finally` blocks: a half-written cache entry is removed


def _run_child(job: Callable[[], object], writer: int) -> None:
    code = 0
    try:
        signal.signal(signal.SIGTERM, _terminated)
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
