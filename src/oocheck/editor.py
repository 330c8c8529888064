"""What editors, hooks and a developer's terminal ask of `oocheck check`: an unsaved buffer read from
stdin (`--stdin-filename`), the changed files checked within their project (`--in-project`), and
checking again on every save (`--watch`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from oocheck.diagnostics import Finding
from oocheck.discovery import DEFAULT_EXCLUDES, iter_python_files

EXIT_USAGE = 2
# What makes --watch check again: code, and the configuration that changes what a check reports.
WATCHED_SUFFIXES = (".py", ".pyi")
WATCHED_NAMES = ("pyproject.toml",)


def read_buffer() -> str:
    """The buffer an editor pipes in. Undecodable bytes are replaced, so the file is still checked
    (and a syntax error reported as OO000) rather than the run failing."""
    return sys.stdin.buffer.read().decode("utf-8", errors="replace")


def findings_of(findings: Iterable[Finding], path: Path) -> list[Finding]:
    """The findings located in `path` (the buffer's file); the rest of the repo is context only."""
    wanted = path.resolve()
    return [f for f in findings if Path(f.path).resolve() == wanted]


def python_files(paths: Sequence[Path], exclude: Sequence[str]) -> list[Path]:
    """The Python files named by `paths` (folders expanded), as the files to report on."""
    return list(iter_python_files(paths, (*DEFAULT_EXCLUDES, *exclude)))


def _relevant(changed: Iterable[tuple[object, str]]) -> list[str]:
    paths = [path for _, path in changed]
    return [p for p in paths if p.endswith(WATCHED_SUFFIXES) or Path(p).name in WATCHED_NAMES]


def watch(targets: Sequence[Path], check_once: Callable[[], int]) -> int:
    """Check, then check again after every change under `targets`, until Ctrl-C."""
    try:
        from watchfiles import watch as watch_changes  # optional: `pip install 'oocheck[watch]'`
    except ImportError:
        sys.stderr.write("oocheck: --watch needs the watchfiles package: pip install 'oocheck[watch]'\n")
        return EXIT_USAGE
    check_once()
    sys.stdout.flush()
    folders = [t if t.is_dir() else t.parent for t in targets]
    sys.stderr.write("oocheck: watching for changes (Ctrl-C stops)\n")
    sys.stderr.flush()
    try:
        for changes in watch_changes(*folders, debounce=300, raise_interrupt=True):
            changed = _relevant(changes)
            if not changed:
                continue
            sys.stderr.write(f"\noocheck: {len(changed)} file{'s' if len(changed) != 1 else ''} changed, "
                             "checking again\n")
            sys.stderr.flush()
            check_once()
            sys.stdout.flush()
    except KeyboardInterrupt:
        return 0
    return 0
