"""Whatever a repo holds, oocheck reports and goes on: no traceback, OO000 for what it cannot read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "fixtures" / "bad_input"
UNREADABLE = {"syntax_error.py", "null_bytes.py", "latin1_undeclared.py", "python2.py"}


def run_check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "oocheck", "check", "--format", "jsonl", "--min-confidence", "low",
                           *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad") / "bad_input"
    shutil.copytree(CORPUS, folder)
    # Generated here rather than committed: a 5 MB file, 1,000-deep nesting, a symlink loop,
    # a directory named like a module.
    big = "".join(f"value_{i} = {i}\n" for i in range(400_000))
    (folder / "huge.py").write_text(big, encoding="utf-8")
    (folder / "deep.py").write_text("x = " + "(" * 1000 + "1" + ")" * 1000 + "\n", encoding="utf-8")
    (folder / "loop").mkdir()
    os.symlink(folder / "loop", folder / "loop" / "again")
    (folder / "dir_named.py").mkdir()
    return folder


def test_corpus_is_checked_without_a_traceback(corpus: Path) -> None:
    result = run_check(str(corpus), cwd=corpus.parent)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    unreadable = {Path(f["path"]).name for f in findings if f["code"] == "OO000"}
    assert unreadable >= UNREADABLE, unreadable
    assert all(f["message"].startswith(("cannot parse", "cannot decode", "cannot read", "file is larger"))
               for f in findings if f["code"] == "OO000")
    # Healthy code beside the broken files is still checked.
    reported = {(Path(f["path"]).name, f["line"], f["code"]) for f in findings}
    expected = set()
    for path in corpus.rglob("*.py"):
        if path.is_file() and path.stat().st_size < 100_000:
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                if "# expect: " in line:
                    expected.add((path.name, number, line.split("# expect: ")[1].strip()))
    assert expected, "the corpus should mark the lines that must still be reported"
    assert expected <= reported, expected - reported


def test_missing_path_is_one_clear_line(tmp_path: Path) -> None:
    result = run_check(str(tmp_path / "nope"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"oocheck: {tmp_path / 'nope'}: no such file or directory"]


def test_missing_path_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("class A:\n    pass\n\n\nA().b\n", encoding="utf-8")
    result = run_check(str(tmp_path / "nope"), str(tmp_path / "ok.py"), cwd=tmp_path)
    assert result.returncode == 2  # a usage error wins, but the real path was still checked
    assert "OO101" in result.stdout
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"oocheck: {tmp_path / 'nope'}: no such file or directory"]


def test_a_dangling_link_in_a_folder_is_an_oo000_finding(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "broken.py").symlink_to(tmp_path / "gone.py")
    result = run_check(str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(Path(f["path"]).name, f["code"]) for f in findings] == [("broken.py", "OO000")]
    assert findings[0]["message"].startswith("cannot read")


def test_ctrl_c_while_importing_is_one_line_and_status_130(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.abc import MetaPathFinder

    from oocheck.__main__ import main

    class Interrupted(MetaPathFinder):
        def find_spec(self, name: str, path: object, target: object = None) -> None:
            if name == "oocheck.cli":
                raise KeyboardInterrupt
            return None

    monkeypatch.delitem(sys.modules, "oocheck.cli", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Interrupted(), *sys.meta_path])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 130
    assert capsys.readouterr().err == "oocheck: interrupted\n"
