"""`oocheck check --fix / --diff`: what the command line does with the fixes of a check's findings."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from oocheck.diagnostics import Finding

if TYPE_CHECKING:  # apply.py (difflib, hashlib) is imported when fixes are planned, not on every check
    from oocheck.fixes.apply import FixPlan

EXIT_CLEAN, EXIT_FINDINGS = 0, 1

Report = Callable[[Sequence[Finding], TextIO, int], None]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else ('es' if word.endswith('x') else 's')}"


def _explain(plan: FixPlan, unsafe: bool, err: TextIO) -> None:
    for line in plan.skipped:
        err.write(f"oocheck: warning: {line}\n")
    if plan.unsafe_left and not unsafe:
        err.write(f"{_plural(plan.unsafe_left, 'unsafe fix')} left out (apply with --unsafe-fixes).\n")


def fixable_note(findings: Sequence[Finding]) -> str | None:
    """The line that tells a `check` user what `--fix` would do, as ruff's "[*] N fixable" does."""
    safe = sum(1 for f in findings if f.fix is not None and f.fix.safe)
    unsafe = sum(1 for f in findings if f.fix is not None and not f.fix.safe)
    if not safe and not unsafe:
        return None
    text = f"{_plural(safe, 'finding')} fixable with `oocheck check --fix`"
    return text + (f" ({unsafe} more with --unsafe-fixes)." if unsafe else ".")


def show_diff(findings: Sequence[Finding], unsafe: bool, out: TextIO | None = None,
              err: TextIO | None = None) -> int:
    """Print the fixes as a unified diff, write nothing; exit 1 when a file would change (as `ruff --diff`)."""
    from oocheck.fixes.apply import plan_fixes

    out, err = out or sys.stdout, err or sys.stderr
    plan = plan_fixes(findings, unsafe)
    for file in plan.files:
        out.write(file.diff())
    _explain(plan, unsafe, err)
    if not plan.files:
        err.write("No fixes to apply.\n")
        return EXIT_CLEAN
    err.write(f"Would apply {_plural(plan.fixed_count, 'fix')} in {_plural(len(plan.files), 'file')}.\n")
    return EXIT_FINDINGS


def apply_and_recheck(findings: Sequence[Finding], files: int, recheck: Callable[[], tuple[list[Finding], int]],
                      unsafe: bool, report: Report, out: TextIO | None = None,
                      err: TextIO | None = None) -> list[Finding]:
    """Write the fixes of `findings`, check again with `recheck` (the findings it reports and the
    number of files), report what remains: the findings the exit code is decided by."""
    from oocheck.fixes.apply import plan_fixes

    out, err = out or sys.stdout, err or sys.stderr
    plan = plan_fixes(findings, unsafe)
    plan.write()
    remaining, files = recheck() if plan.files else (list(findings), files)
    report(remaining, out, files)
    _explain(plan, unsafe, err)
    if plan.files:
        err.write(f"Applied {_plural(plan.fixed_count, 'fix')} in {_plural(len(plan.files), 'file')}; "
                  f"{len(remaining)} remaining.\n")
    return remaining
