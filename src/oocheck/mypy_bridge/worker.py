"""The mypy worker: the one module of oocheck that imports mypy. It runs in its own process.

Run by `runner.py` as `python -c <this file's source>`, so it needs nothing from oocheck. Protocol,
one JSON object per line: each line read from stdin is a job `{"id", "args", "files", "cwd"}`; for
each, one line is written to stdout: `{"id", "stdout", "stderr", "status"}` — the three values of
`mypy.api.run`. A job that raises reports status -1 and the traceback as stderr. The worker ends
when stdin closes.

Files that do not parse are left out here, in the worker: mypy stops a whole run at a syntax error,
and oocheck reports those files as OO000 anyway. They are looked for only when a run stopped (then
every file is parsed once and the run repeated), not before every run. Other blocking errors tied
to one file (a relative import with no parent package, a duplicate module) also stop the run: that
file is left out and the run repeated, a few times at most.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import traceback


def _run(args: list[str]) -> tuple[str, str, int]:
    from mypy import api  # imported here: the parent never pays for it

    return api.run(args)


def _parses(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            ast.parse(fh.read(), filename=path)
    except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
        return False
    return True


_RETRIES = 5


def _blocking_files(stdout: str, files: list[str]) -> set[str]:
    """Files named by the errors of a run that mypy stopped (exit status 2)."""
    named = set()
    for line in stdout.splitlines():
        try:
            named.add(os.path.abspath(json.loads(line)["file"]))
        except (ValueError, KeyError, TypeError):
            head = line.split(":", 1)[0]
            if head:
                named.add(os.path.abspath(head))
    return {f for f in files if os.path.abspath(f) in named}


def _check(args: list[str], files: list[str]) -> tuple[str, str, int]:
    parsed_all = False
    for _ in range(_RETRIES):
        if not files:
            return "", "", 0
        stdout, stderr, status = _run([*args, "--", *files])
        if status != 2 or "INTERNAL ERROR" in stderr:
            return stdout, stderr, status
        if not parsed_all:
            # Stopped: files that do not parse are the usual cause, and mypy may name only the first.
            # Parsing every file up front would put that on every run's critical path instead.
            parsed_all = True
            parsing = [f for f in files if _parses(f)]
            if len(parsing) < len(files):
                files = parsing
                continue
        blocking = _blocking_files(stdout, files)
        if not blocking:
            return stdout, stderr, status
        files = [f for f in files if f not in blocking]
    return stdout, stderr, status


def _preload() -> None:
    """Import what a run needs before the first job arrives: a worker may be started while oocheck
    is still finding the files (runner.prestart)."""
    try:
        import mypy.build
        import mypy.main
    except Exception:  # mypy missing or broken: the job will say so
        return
    del mypy


def main() -> None:
    _preload()
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            os.chdir(job["cwd"])
            stdout, stderr, status = _check(list(job["args"]), list(job["files"]))
        except BaseException:  # a crash of mypy must come back as data, not kill the worker silently
            stdout, stderr, status = "", traceback.format_exc(), -1
        out.write(json.dumps({"id": job["id"], "stdout": stdout, "stderr": stderr, "status": status}) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
