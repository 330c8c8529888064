"""Turn the fixes of findings into new file contents: verified, applied with LibCST, diffed or written."""

from __future__ import annotations

import ast
import difflib
import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from oocheck.diagnostics import Finding
from oocheck.fixes.model import Edit, Fix, RenameAttribute


@dataclass
class FileFix:
    """One file's new contents and the fixes that produced them."""

    path: Path
    original: bytes
    fixed: bytes
    applied: list[Fix]

    def diff(self, relative_to: Path | None = None) -> str:
        """A unified diff; paths relative to `relative_to` (default: the current folder)."""
        name = self.path.relative_to(relative_to).as_posix() if relative_to is not None else _display(self.path)
        before = self.original.decode("utf-8", errors="replace").splitlines(keepends=True)
        after = self.fixed.decode("utf-8", errors="replace").splitlines(keepends=True)
        lines = difflib.unified_diff(before, after, fromfile=f"a/{name}", tofile=f"b/{name}")
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@dataclass
class FixPlan:
    """What `--fix` would do: the files it changes, what it leaves out and why."""

    files: list[FileFix] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line per file left untouched, with the reason
    unsafe_left: int = 0  # fixes not applied because they are unsafe and --unsafe-fixes was not given

    @property
    def fixed_count(self) -> int:
        return sum(len(f.applied) for f in self.files)

    def write(self) -> None:
        """Write every fixed file; one that cannot be written is moved to `skipped`, the rest go on."""
        written = []
        for file in self.files:
            try:
                file.path.write_bytes(file.fixed)
            except OSError as exc:
                self.skipped.append(f"{_display(file.path)}: cannot write ({exc.strerror or exc}); not fixed")
            else:
                written.append(file)
        self.files = written


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _unique_fixes(findings: Iterable[Finding], unsafe: bool) -> tuple[dict[Path, list[Fix]], int]:
    """The fixes to apply by file: one per edit; two different renames of one name at one place cancel out."""
    chosen: dict[Edit, Fix] = {}
    conflicting: set[tuple[Path, int, int]] = set()
    renames: dict[tuple[Path, int, int], str] = {}
    unsafe_left = 0
    for finding in findings:
        fix = finding.fix
        if fix is None:
            continue
        if not fix.safe and not unsafe:
            unsafe_left += 1
            continue
        edit = fix.edit
        if isinstance(edit, RenameAttribute):
            anchor = (edit.path, edit.line, edit.end_col)
            if renames.setdefault(anchor, edit.new) != edit.new:
                conflicting.add(anchor)
        chosen.setdefault(edit, fix)
    by_path: dict[Path, list[Fix]] = defaultdict(list)
    for edit, fix in chosen.items():
        if isinstance(edit, RenameAttribute) and (edit.path, edit.line, edit.end_col) in conflicting:
            continue
        by_path[fix.path].append(fix)
    return by_path, unsafe_left


def _char_columns(text: str, fixes: list[Fix]) -> dict[tuple[int, int], int]:
    """ast's UTF-8 byte columns of the rename anchors as character columns (LibCST counts characters)."""
    lines = text.split("\n")
    columns = {}
    for fix in fixes:
        edit = fix.edit
        if isinstance(edit, RenameAttribute) and 0 < edit.line <= len(lines):
            encoded = lines[edit.line - 1].encode("utf-8")
            columns[(edit.line, edit.end_col)] = len(encoded[: edit.end_col].decode("utf-8", errors="ignore"))
    return columns


def _fix_file(path: Path, fixes: list[Fix]) -> FileFix | str:
    """The fixed contents of one file, or why it is left as it is."""
    import libcst as cst  # paid only when fixes are applied

    from oocheck.fixes.codemods import transform

    name = _display(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"{name}: cannot read ({exc.strerror or exc}); not fixed"
    if hashlib.sha256(data).hexdigest() != fixes[0].digest:
        return f"{name}: changed since it was checked; not fixed (run again)"
    try:
        module = cst.parse_module(data)
    except (cst.ParserSyntaxError, ValueError, RecursionError) as exc:
        return f"{name}: LibCST cannot parse it ({type(exc).__name__}); not fixed"
    columns = _char_columns(module.code, fixes)
    try:
        fixed, applied = transform(module, [f.edit for f in fixes if _anchor_known(f, columns)], columns)
        new = fixed.bytes
    except Exception as exc:  # a LibCST limitation on one file must not stop the other files' fixes
        return f"{name}: LibCST could not rewrite it ({type(exc).__name__}: {exc}); not fixed"
    if not applied:
        return f"{name}: the code at the fix positions is not what was checked; not fixed"
    try:
        ast.parse(new)
    except (SyntaxError, ValueError):  # never write code that no longer parses
        return f"{name}: the fixed code would not parse; not fixed"
    return FileFix(path, data, new, [f for f in fixes if f.edit in applied])


def _anchor_known(fix: Fix, columns: dict[tuple[int, int], int]) -> bool:
    edit = fix.edit
    return not isinstance(edit, RenameAttribute) or (edit.line, edit.end_col) in columns


def plan_fixes(findings: Iterable[Finding], unsafe: bool = False) -> FixPlan:
    """Compute every file's fixed contents without writing anything."""
    by_path, unsafe_left = _unique_fixes(findings, unsafe)
    plan = FixPlan(unsafe_left=unsafe_left)
    for path in sorted(by_path):
        result = _fix_file(path, by_path[path])
        if isinstance(result, str):
            plan.skipped.append(result)
        else:
            plan.files.append(result)
    return plan
