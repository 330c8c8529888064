"""Faults around the cache: a run killed at any moment, two runs at once, a cache that cannot be
written. The findings never change and the cache never holds a damaged entry that is trusted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oocheck.cache import Cache

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARGS = ["check", "--no-mypy", "--format", "jsonl", "--exit-zero"]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, float]:
    """A repo, its findings without the cache (what every other run must print), and how long that took."""
    root = make_repo(tmp_path_factory.mktemp("faults"))
    began = time.monotonic()
    expected, _ = findings(root, "--no-cache")
    assert expected.count("\n") > 50
    return root, expected, time.monotonic() - began


def make_repo(tmp_path: Path) -> Path:
    """The fixture cases, with enough extra modules that a run lasts long enough to be interrupted."""
    root = tmp_path / "repo"
    root.mkdir()
    for path in FIXTURES.rglob("*.py"):
        if "bad_input" not in path.parts:
            target = root / path.relative_to(FIXTURES)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    extra = root / "extra"
    extra.mkdir()
    for i in range(30):
        (extra / f"m{i}.py").write_text(f"from extra.m{max(i - 1, 0)} import *\n\n\nclass C{i}:\n"
                                        f"    def __init__(self):\n        self.a{i} = {i}\n\n"
                                        f"    def get(self):\n        return self.a{i} + self.b{i}\n")
    return root


def start(root: Path, cache: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "oocheck", *ARGS, "--cache-dir", str(cache), "."], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def findings(root: Path, *options: str) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-m", "oocheck", *ARGS, *options, "."], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout, done.stderr


def assert_intact(cache: Path) -> None:
    entries = [p for p in (cache / "effects").rglob("*") if p.is_file() and not p.name.startswith(".tmp-")]
    assert entries
    store = Cache(cache)
    assert all(store.get("effects", p.name) is not None for p in entries)


def test_killed_runs_leave_a_cache_that_gives_the_same_findings(tmp_path: Path,
                                                                checked: tuple[Path, str, float]) -> None:
    root, expected, duration = checked
    for number, (sig, fraction) in enumerate([(signal.SIGTERM, 0.7), (signal.SIGKILL, 0.9)]):
        cache = tmp_path / f"cache{number}"
        process = start(root, cache)
        time.sleep(duration * fraction)
        process.send_signal(sig)
        process.communicate(timeout=60)
        again, _ = findings(root, "--cache-dir", str(cache))
        assert again == expected, sig
        assert_intact(cache)


def test_two_runs_at_once_give_the_findings_of_one(tmp_path: Path, checked: tuple[Path, str, float]) -> None:
    root, expected, _ = checked
    cache = tmp_path / "shared"
    first, second = start(root, cache), start(root, cache)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [out for out, _ in outputs] == [expected, expected]
    assert all("Traceback" not in err and "warning" not in err for _, err in outputs)
    assert_intact(cache)


def test_a_cache_folder_that_cannot_be_written_is_one_warning(tmp_path: Path, checked: tuple[Path, str, float]) -> None:
    root, expected, _ = checked
    if os.geteuid() == 0:  # root writes through permissions: a folder under a file cannot be made by anyone
        (tmp_path / "file").write_text("")
        target = tmp_path / "file" / "cache"
    else:
        target = tmp_path / "readonly"
        target.mkdir()
        target.chmod(0o555)
    out, err = findings(root, "--cache-dir", str(target))
    assert out == expected
    assert [line for line in err.splitlines() if "cache" in line] == [line for line in err.splitlines() if line]
    assert len(err.splitlines()) == 1 and "running without the cache" in err
