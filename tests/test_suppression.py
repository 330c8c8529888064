"""`# oocheck: ignore` comments: what they cover (the whole statement), and OO001 when they cover nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from oocheck.config import Config
from oocheck.diagnostics import Confidence
from oocheck.engine import check_paths
from oocheck.source_text import SourceText
from oocheck.suppression import Suppressions, find_suppressions

CLASS = "class A:\n    x = 1\n\n\n"


def findings(tmp_path: Path, body: str, **config: object) -> list[tuple[int, str]]:
    (tmp_path / "s.py").write_text(CLASS + body, encoding="utf-8")
    result = check_paths([tmp_path], Config(mypy=False, **config))  # type: ignore[arg-type]
    return [(f.line - 4, f.code) for f in result.findings]  # lines counted from the end of CLASS


def test_a_comment_covers_every_line_of_its_statement(tmp_path: Path) -> None:
    body = ("print(\n"
            "    A().a,\n"
            "    A().b,  # oocheck: ignore[OO101]\n"
            ")\n"
            "value = (A().c  # oocheck: ignore\n"
            "         + 1)\n"
            "A().d\n")
    assert findings(tmp_path, body) == [(7, "OO101")]


def test_a_comment_covers_only_its_statement(tmp_path: Path) -> None:
    body = ("if A().a:  # oocheck: ignore\n"
            "    A().b\n"
            "# oocheck: ignore[OO101]\n"
            "A().c\n")
    # The header's comment does not reach the body; a comment on its own line covers nothing.
    assert findings(tmp_path, body, select=("OO101",)) == [(2, "OO101"), (4, "OO101")]
    assert findings(tmp_path, body) == [(2, "OO101"), (3, "OO001"), (4, "OO101")]


def test_text_inside_a_string_is_not_a_comment(tmp_path: Path) -> None:
    assert findings(tmp_path, 'label = "# oocheck: ignore"; A().a\n') == [(1, "OO101")]


def test_unused_suppression_names_the_unused_codes(tmp_path: Path) -> None:
    body = ("A().a  # oocheck: ignore[OO101, OO102]\n"
            "A().x  # oocheck: ignore[OO101]\n"
            "A().x  # oocheck: ignore[OO1]\n"
            "A().x  # oocheck: ignore[OO101, OO001]\n")
    (tmp_path / "s.py").write_text(CLASS + body, encoding="utf-8")
    result = check_paths([tmp_path], Config(mypy=False))
    assert [(f.line - 4, f.code, f.message) for f in result.findings] == [
        (1, "OO001", "unused suppression: no OO102 finding on this statement"),
        (2, "OO001", "unused suppression: no OO101 finding on this statement"),
    ]
    unused = result.findings[0]
    assert (unused.predicts, unused.name, unused.col) == ("none", "unused-suppression", 8)


def test_upper_case_comments_are_honoured_and_unknown_codes_are_named(tmp_path: Path) -> None:
    body = ("A().a  # OOCHECK: IGNORE[OO101]\n"
            "A().b  # oocheck: ignore[OO999]\n"
            "A().c  # Oocheck: Ignore[OO101, OO9]\n")
    (tmp_path / "s.py").write_text(CLASS + body, encoding="utf-8")
    result = check_paths([tmp_path], Config(mypy=False))
    assert [(f.line - 4, f.code, f.message) for f in result.findings] == [
        (2, "OO101", "'A' object has no attribute 'b'"),
        (2, "OO001", "unused suppression: unknown code OO999"),
        (3, "OO001", "unused suppression: unknown code OO9"),
    ]


def test_unused_is_judged_only_for_codes_this_run_checked(tmp_path: Path) -> None:
    body = ("A().x  # oocheck: ignore[OO102]\n"
            "A().x  # oocheck: ignore[OO181]\n"  # a mypy bridge code: the bridge is off
            "A().x  # oocheck: ignore[OO1]\n"  # covers OO18x too
            "A().x  # oocheck: ignore\n")  # bare: any code, mypy's too
    assert findings(tmp_path, body) == [(1, "OO001")]
    assert findings(tmp_path, body, ignore=("OO102",)) == []
    assert findings(tmp_path, body, ignore=("OO001",)) == []


def test_unused_is_low_confidence_when_single_files_are_checked(tmp_path: Path) -> None:
    """A single file is checked without the rest of the repo: a finding may be missing for that alone."""
    (tmp_path / "s.py").write_text(CLASS + "A().x  # oocheck: ignore[OO101]\n", encoding="utf-8")
    whole = check_paths([tmp_path], Config(mypy=False)).findings
    alone = check_paths([tmp_path / "s.py"], Config(mypy=False, min_confidence=Confidence.LOW)).findings
    assert [f.confidence for f in whole] == [Confidence.HIGH]
    assert [(f.code, f.confidence) for f in alone] == [("OO001", Confidence.LOW)]
    assert check_paths([tmp_path / "s.py"], Config(mypy=False)).findings == []


def test_a_partial_check_reads_the_comments_of_its_reported_files_only(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A hook run reports a few files of the repo: the others' comments are not read (Django: 885 files)."""
    from oocheck import suppression

    (tmp_path / "s.py").write_text(CLASS + "A().x  # oocheck: ignore[OO101]\n", encoding="utf-8")
    (tmp_path / "other.py").write_text("value = 1  # oocheck: ignore[OO101]\n", encoding="utf-8")
    read: list[str] = []

    def recording(path: str, text: str) -> list[suppression.Suppression]:
        read.append(Path(path).name)
        return find_suppressions(path, text)

    monkeypatch.setattr(suppression, "find_suppressions", recording)
    config = Config(mypy=False, min_confidence=Confidence.LOW)
    result = check_paths([tmp_path], config, only=[(tmp_path / "s.py").resolve()])
    assert [(Path(f.path).name, f.code) for f in result.findings] == [("s.py", "OO001")]
    assert read == ["s.py"]


def test_a_suppressed_low_confidence_finding_keeps_its_comment_in_use(tmp_path: Path) -> None:
    """The comment silences a finding below --min-confidence: it is still needed at `low`."""
    (tmp_path / "s.py").write_text(CLASS + "A().a  # oocheck: ignore[OO101]\n", encoding="utf-8")
    result = check_paths([tmp_path], Config(mypy=False, min_confidence=Confidence.HIGH))
    assert result.findings == []


def test_unparsable_files_fall_back_to_one_line_per_comment() -> None:
    text = "def f(:\n    x = (1,  # oocheck: ignore[OO101]\n"
    [found] = find_suppressions("bad.py", text)
    assert (found.line, found.first, found.last, found.codes) == (2, 2, 2, frozenset({"OO101"}))
    assert Suppressions(SourceText({"bad.py": text})).of("bad.py") == [found]


def test_a_bare_comment_is_unused_only_when_every_code_was_checked() -> None:
    text = CLASS + "A().x  # oocheck: ignore\n"
    suppressions = Suppressions(SourceText({"s.py": text}))
    assert suppressions.filter([]) == []
    everything = suppressions.unused_findings(["s.py"], lambda code: True, True, Confidence.HIGH)
    assert [(f.line, f.message) for f in everything] == [(5, "unused suppression: no finding on this statement")]
    assert suppressions.unused_findings(["s.py"], lambda code: True, False, Confidence.HIGH) == []


def test_a_partial_check_reports_the_unused_comments_of_its_files_only(tmp_path: Path) -> None:
    """As a full check does for those files (pre-commit reads no other file's comments for them)."""
    unused = "x = 1  # oocheck: ignore[OO101]\n"
    (tmp_path / "base.py").write_text(CLASS + unused, encoding="utf-8")
    (tmp_path / "user.py").write_text("import base\n" + unused, encoding="utf-8")
    (tmp_path / "other.py").write_text(unused, encoding="utf-8")
    config = Config(mypy=False, cache=False)
    full = check_paths([tmp_path], config).findings
    partial = check_paths([tmp_path], config, only=[tmp_path / "base.py"]).findings
    names = {Path(f.path).name for f in partial}
    assert names == {"base.py", "user.py"} and {f.code for f in partial} == {"OO001"}
    assert [(f.path, f.line) for f in partial] == [(f.path, f.line) for f in full if Path(f.path).name in names]
