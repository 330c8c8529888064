"""What editors use: `--stdin-filename` (an unsaved buffer checked in its repo) and `--watch`."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest

from conftest import Oocheck

TRANSPORT = "class Transport:\n    def __init__(self):\n        self.timeout = 10\n"
USER = "from shop.transport import Transport\n\n\ndef wait():\n    return Transport().timeout\n"


def repo(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.oocheck]\nmypy = false\n")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "transport.py").write_text(TRANSPORT)
    (tmp_path / "shop" / "user.py").write_text(USER)
    (tmp_path / "shop" / "broken.py").write_text("from shop.transport import Transport\n\nTransport().nope\n")
    return tmp_path


def stdin_check(oocheck: Oocheck, folder: Path, path: str, buffer: str) -> tuple[int, list[dict[str, object]]]:
    result = oocheck("--format", "jsonl", "--stdin-filename", path, cwd=folder, stdin=buffer)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, [json.loads(line) for line in result.stdout.splitlines()]


def test_stdin_buffer_is_checked_in_the_context_of_the_repo(tmp_path: Path, oocheck: Oocheck) -> None:
    folder = repo(tmp_path)
    # The buffer renames the attribute its users read: the users on disk are not reported, the buffer's
    # own file is checked against them and the rest of the repo.
    edited = TRANSPORT.replace("self.timeout", "self.delay") + "\n    def wait(self):\n        return self.timout\n"
    code, found = stdin_check(oocheck, folder / "shop", "transport.py", edited)
    assert code == 1
    assert [(f["path"], f["line"], f["code"]) for f in found] == [("transport.py", 6, "OO101")]
    # A clean buffer for a file whose disk version has a finding: exit 0, nothing reported.
    fixed = "from shop.transport import Transport\n\nTransport().timeout\n"
    assert stdin_check(oocheck, folder, "shop/broken.py", fixed) == (0, [])


def test_stdin_buffer_of_a_file_not_saved_yet(tmp_path: Path, oocheck: Oocheck) -> None:
    folder = repo(tmp_path)
    new = "from shop.transport import Transport\n\n\nTransport().tmeout\n"
    code, found = stdin_check(oocheck, folder, "shop/new.py", new)
    assert code == 1 and [(f["path"], f["line"], f["message"]) for f in found] == [
        ("shop/new.py", 4, "'Transport' object has no attribute 'tmeout'. Did you mean: 'timeout'?")]
    # Suppression comments are read from the buffer, not from the disk.
    quiet = "from shop.transport import Transport\n\n\nTransport().tmeout  # oocheck: ignore[OO101]\n"
    assert stdin_check(oocheck, folder, "shop/new.py", quiet) == (0, [])
    # A buffer that does not parse is an OO000 finding, not a crash.
    code, found = stdin_check(oocheck, folder, "shop/new.py", "class (:\n")
    assert code == 1 and [f["code"] for f in found] == ["OO000"]


def test_stdin_does_not_go_with_fix_or_watch(tmp_path: Path, oocheck: Oocheck) -> None:
    folder = repo(tmp_path)
    for extra in ("--fix", "--watch"):
        result = oocheck("--stdin-filename", "shop/new.py", extra, cwd=folder, stdin="x = 1\n")
        assert result.returncode == 2 and "--stdin-filename" in result.stderr


class Pipe:
    """What a process wrote on one pipe so far, read without ever blocking past a deadline."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.fd = stream.fileno()
        self.text = ""

    def wait_for(self, needle: str, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while needle not in self.text:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return False
            chunk = os.read(self.fd, 65536).decode()
            if not chunk:
                return False
            self.text += chunk
        return True


@pytest.mark.skipif(sys.platform == "win32", reason="select() on pipes, SIGINT")
def test_watch_checks_again_after_a_change(tmp_path: Path) -> None:
    folder = repo(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "oocheck", "check", "--format", "jsonl", "--watch", "shop"],
                               cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    out, err = Pipe(process.stdout), Pipe(process.stderr)
    try:
        assert err.wait_for("watching for changes", 90), err.text
        assert out.wait_for("no attribute 'nope'", 30), out.text
        first = len(out.text)
        # The watcher starts just after it says so: write until it reacts (a change made before it
        # started is not seen).
        for attempt in range(10):
            (folder / "shop" / "broken.py").write_text(f"from shop.transport import Transport\n\n"
                                                       f"Transport().timeout  # {attempt}\n")
            (folder / "shop" / "user.py").write_text(USER.replace(".timeout", ".retries"))
            if err.wait_for("checking again", 5):
                break
        assert out.wait_for("no attribute 'retries'", 60), (out.text, err.text)
        assert "nope" not in out.text[first:]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode in (0, 130)


def test_in_project_reports_the_given_files_and_their_importers(tmp_path: Path, oocheck: Oocheck) -> None:
    folder = repo(tmp_path)
    (folder / "shop" / "transport.py").write_text(TRANSPORT.replace("self.timeout", "self.delay"))
    alone = oocheck("--format", "jsonl", "shop/transport.py", cwd=folder)
    assert (alone.returncode, alone.stdout) == (0, "")  # checked alone, its users are not seen
    within = oocheck("--format", "jsonl", "--in-project", "shop/transport.py", cwd=folder)
    found = [(f["path"], f["line"], f["code"]) for f in map(json.loads, within.stdout.splitlines())]
    # user.py imports the changed file: reported; broken.py imports it too and keeps its finding.
    assert within.returncode == 1 and found == [("shop/broken.py", 3, "OO101"), ("shop/user.py", 5, "OO101")]
    (folder / "shop" / "other.py").write_text("x = 1\n")  # nothing imports it
    other = oocheck("--format", "jsonl", "--in-project", "shop/other.py", cwd=folder)
    assert (other.returncode, other.stdout) == (0, "")


def test_in_project_finds_the_project_without_an_oocheck_table(tmp_path: Path, oocheck: Oocheck) -> None:
    # A pyproject.toml without [tool.oocheck] still marks the project, run from anywhere (as the cache's folder).
    (tmp_path / "project").mkdir()
    folder = repo(tmp_path / "project")
    (folder / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    (folder / "shop" / "transport.py").write_text(TRANSPORT.replace("self.timeout", "self.delay"))
    within = oocheck("--format", "jsonl", "--no-mypy", "--in-project", "project/shop/transport.py", cwd=tmp_path)
    found = sorted((Path(f["path"]).name, f["line"], f["code"]) for f in map(json.loads, within.stdout.splitlines()))
    assert within.returncode == 1 and found == [("broken.py", 3, "OO101"), ("user.py", 5, "OO101")], within.stderr
    assert (folder / ".oocheck_cache").is_dir() and not (tmp_path / ".oocheck_cache").exists()
