"""A progress line on stderr for long checks in a terminal: a spinner with the elapsed time, shown only
after a second (short runs stay silent), erased when the check ends, never when stderr is piped."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

SHOW_AFTER_SECONDS = 1.0


def wanted(stream: TextIO) -> bool:
    """A person is watching: stderr is a terminal that can redraw a line."""
    return stream.isatty() and os.environ.get("TERM") != "dumb" and not os.environ.get("CI")


@contextmanager
def progress_on(stream: TextIO, description: str, delay: float = SHOW_AFTER_SECONDS,
                enabled: bool = True) -> Iterator[None]:
    """`enabled=False` for output made for tools (json, sarif...), whose runs nobody watches."""
    if not enabled or not wanted(stream):
        yield
        return
    from rich.console import Console  # only when someone watches: rich costs a short run's start-up
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=Console(file=stream, no_color=bool(os.environ.get("NO_COLOR"))), transient=True)
    progress.add_task(description, total=None)
    timer = threading.Timer(delay, progress.start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()
        progress.stop()  # erases the line (transient); a no-op when it never started
