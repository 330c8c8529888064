"""How right `check --fix` is on typos put into real classes.

    DATA=../shared/realclasseval/data/functional_correctness_data
    python benchmarks/fix_typos.py $DATA/csn/human_written_classes/full_docstr

Each class file below the folder gets one misspelt attribute read: the first `self.name` read whose
name the class binds becomes a one-edit typo of it (two middle letters swapped, or the middle letter
dropped). The file is copied alone into a temporary folder (the input is only read), checked
(`--no-mypy`, every confidence), and its fixes applied. Printed: files with a read to misspell;
typos reported at their line; typos with a safe fix; safe fixes that give back the original file
byte for byte, and those that do not (a wrong repair); typos whose only fix is unsafe, and how many
of those are right; typos reported without a fix.
"""

from __future__ import annotations

import argparse
import ast
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from oocheck.config import Config
from oocheck.diagnostics import Confidence
from oocheck.engine import check_paths
from oocheck.fixes.apply import plan_fixes

CONFIG = Config(mypy=False, min_confidence=Confidence.LOW)


def typo_of(name: str) -> str:
    """A one-edit slip: the two middle letters swapped when they differ, else the middle one dropped."""
    middle = len(name) // 2
    if name[middle - 1] != name[middle]:
        return name[: middle - 1] + name[middle] + name[middle - 1] + name[middle + 1:]
    return name[:middle] + name[middle + 1:]


def bound_names(cls: ast.ClassDef) -> set[str]:
    names = set()
    for node in ast.walk(cls):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name):
            names.add(node.attr)
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names |= {t.id for t in stmt.targets if isinstance(t, ast.Name)}
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            names.add(stmt.target.id)
    return names


def misspell(source: bytes) -> tuple[bytes, int] | None:
    """The source with its first misspellable `self.name` read misspelt, and the line; None if none."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        bound = bound_names(cls)
        for node in ast.walk(cls):
            if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and len(node.attr) >= 4
                    and isinstance(node.value, ast.Name) and node.value.id == "self" and node.attr in bound
                    and not node.attr.startswith("__") and typo_of(node.attr) not in bound
                    and node.end_lineno is not None and node.end_col_offset is not None):
                lines = source.splitlines(keepends=True)
                line = lines[node.end_lineno - 1]
                start = node.end_col_offset - len(node.attr.encode())
                if line[start:node.end_col_offset] != node.attr.encode():
                    continue
                lines[node.end_lineno - 1] = line[:start] + typo_of(node.attr).encode() + line[node.end_col_offset:]
                return b"".join(lines), node.end_lineno
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    tally: Counter[str] = Counter()
    wrong: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="oocheck-fix-typos-") as tmp:
        for number, original in enumerate(sorted(args.folder.rglob("*.py"))):
            mutated = misspell(original.read_bytes())
            if mutated is None:
                continue
            text, line = mutated
            tally["files with a read to misspell"] += 1
            copy = Path(tmp) / str(number) / original.name
            copy.parent.mkdir()
            copy.write_bytes(text)
            findings = [f for f in check_paths([copy], CONFIG).findings if f.line == line]
            if not findings:
                continue
            tally["typos reported at their line"] += 1
            safe = plan_fixes(findings)
            if safe.files:
                tally["with a safe fix"] += 1
                right = safe.files[0].fixed == original.read_bytes()
                tally["safe fix gives back the original" if right else "safe fix is wrong"] += 1
                if not right:
                    wrong.append(f"{original}:{line}")
                continue
            unsafe = plan_fixes(findings, unsafe=True)
            if not unsafe.files:
                tally["reported without a fix"] += 1
                continue
            tally["only an unsafe fix"] += 1
            if unsafe.files[0].fixed == original.read_bytes():
                tally["unsafe fix gives back the original"] += 1
    for key in ("files with a read to misspell", "typos reported at their line", "with a safe fix",
                "safe fix gives back the original", "safe fix is wrong", "only an unsafe fix",
                "unsafe fix gives back the original", "reported without a fix"):
        sys.stdout.write(f"{key}: {tally[key]}\n")
    for place in wrong[:10]:
        sys.stdout.write(f"  wrong safe fix: {place}\n")
    sys.stdout.write(f"{time.perf_counter() - started:.1f} s\n")


if __name__ == "__main__":
    main()
