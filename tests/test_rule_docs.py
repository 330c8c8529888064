"""Every rule documents itself under the same headings, and its own examples prove it: the "Example"
block is reported with the rule's code, the "Use instead" block is not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oocheck.config import Config
from oocheck.diagnostics import Confidence
from oocheck.engine import check_paths
from oocheck.registry import load_rules
from oocheck.rule import Rule

RULES = load_rules()
HEADINGS = ("## What it finds", "## Why it fails at runtime", "## Example", "## Use instead", "## Not flagged")
_CODE_BLOCK = re.compile(r"```python\n(?P<code>.*?)```", re.DOTALL)


def section(doc: str, heading: str) -> str:
    """The text under `heading`, up to the next `## ` heading."""
    start = doc.index(heading) + len(heading)
    following = doc.find("\n## ", start)
    return doc[start:following if following != -1 else len(doc)]


def first_block(doc: str, heading: str) -> str:
    match = _CODE_BLOCK.search(section(doc, heading))
    assert match, f"no ```python block under {heading!r}"
    return match.group("code")


_FILE_MARKER = re.compile(r"^# file: (?P<name>[\w/]+\.py)\n", re.MULTILINE)


def write_example(code: str, folder: Path) -> None:
    """One file, or several when the block has `# file: name.py` lines starting each part."""
    parts = _FILE_MARKER.split(code)
    if len(parts) == 1:
        (folder / "example.py").write_text(code, encoding="utf-8")
        return
    for name, text in zip(parts[1::2], parts[2::2], strict=True):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def codes_reported(code: str, tmp_path: Path) -> list[str]:
    write_example(code, tmp_path)
    result = check_paths([tmp_path], Config(min_confidence=Confidence.LOW))
    assert not result.warnings, result.warnings
    return [f"{f.code} line {f.line}: {f.message}" for f in result.findings]


def test_rules_are_found() -> None:
    assert RULES, "load_rules() found no rule"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_identity_and_headings(rule: type[Rule]) -> None:
    assert re.fullmatch(r"OO\d{3}", rule.code), rule.code
    assert rule.name and re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name), f"{rule.code}: name {rule.name!r}"
    assert rule.predicts, f"{rule.code}: no `predicts`"
    doc = rule.documentation()
    missing = [h for h in HEADINGS if h not in doc]
    assert not missing, f"{rule.code}: docstring lacks {missing}"
    positions = [doc.index(h) for h in HEADINGS]
    assert positions == sorted(positions), f"{rule.code}: headings out of order"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_example_is_reported(rule: type[Rule], tmp_path: Path) -> None:
    reported = codes_reported(first_block(rule.documentation(), "## Example"), tmp_path)
    assert any(r.startswith(f"{rule.code} ") for r in reported), (
        f"{rule.code}: its Example, checked as one file, gives {reported or 'no findings'}")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_use_instead_is_silent(rule: type[Rule], tmp_path: Path) -> None:
    reported = codes_reported(first_block(rule.documentation(), "## Use instead"), tmp_path)
    assert not [r for r in reported if r.startswith(f"{rule.code} ")], (
        f"{rule.code}: its Use instead block, checked as one file, gives {reported}")
