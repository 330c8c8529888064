"""The pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself on real commits.

The hooks are declared as `repo: local` with the manifest's own settings (id, types, pass_filenames,
always_run, require_serial), only `language: system` and an entry that runs this oocheck: a remote
`repo:` would make pre-commit build a virtualenv from the network, and CI must pass offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
BAD = ("class Transport:\n    def __init__(self):\n        self.timeout = 10\n\n"
       "    def send(self):\n        return self.timout\n")
GOOD = BAD.replace("self.timout", "self.timeout")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def local_config(hook_id: str) -> str:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text())}
    hook = dict(hooks[hook_id], language="system")
    hook["entry"] = f"{sys.executable} -m oocheck {hook['entry'].removeprefix('oocheck ')} --no-mypy"
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]})


def repository(tmp_path: Path, hook_id: str) -> tuple[Path, dict[str, str]]:
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "HOME": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    env.pop("GIT_DIR", None)
    assert run(["git", "init", "-q"], repo, env).returncode == 0
    (repo / ".pre-commit-config.yaml").write_text(local_config(hook_id))
    installed = run([sys.executable, "-m", "pre_commit", "install"], repo, env)
    assert installed.returncode == 0, installed.stderr
    run(["git", "add", ".pre-commit-config.yaml"], repo, env)
    return repo, env


def commit(repo: Path, env: dict[str, str], name: str, text: str) -> subprocess.CompletedProcess[str]:
    (repo / name).write_text(text)
    run(["git", "add", name], repo, env)
    return run(["git", "commit", "-q", "-m", f"add {name}"], repo, env)


def test_manifest_is_valid() -> None:
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_changed_files_hook_blocks_a_bad_class_and_passes_a_good_one(tmp_path: Path) -> None:
    repo, env = repository(tmp_path, "oocheck")
    failed = commit(repo, env, "transport.py", BAD)
    assert failed.returncode != 0
    # git hooks print on stderr
    assert "transport.py:6:16: OO101 'Transport' object has no attribute 'timout'" in failed.stderr
    assert run(["git", "log", "--oneline"], repo, env).stdout == ""  # nothing was committed
    passed = commit(repo, env, "transport.py", GOOD)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "oocheck" in passed.stderr and "Passed" in passed.stderr


def test_changed_files_hook_reports_the_files_that_use_a_changed_class(tmp_path: Path) -> None:
    repo, env = repository(tmp_path, "oocheck")
    (repo / "user.py").write_text("from transport import Transport\n\n\ndef wait():\n    return Transport().timeout\n")
    run(["git", "add", "user.py"], repo, env)
    assert commit(repo, env, "transport.py", GOOD).returncode == 0
    # Only transport.py changes (timeout renamed); user.py, unchanged and not passed, now fails.
    renamed = commit(repo, env, "transport.py", GOOD.replace("timeout", "delay"))
    assert renamed.returncode != 0
    assert "user.py:5:12: OO101 'Transport' object has no attribute 'timeout'" in renamed.stderr


def test_project_hook_checks_the_whole_repo_whatever_changed(tmp_path: Path) -> None:
    repo, env = repository(tmp_path, "oocheck-project")
    assert commit(repo, env, "transport.py", GOOD).returncode == 0
    # The commit only adds a text file; the hook still sees the class that uses it wrongly.
    (repo / "client.py").write_text("from transport import Transport\n\nTransport().retries\n")
    run(["git", "add", "client.py"], repo, env)
    assert run(["git", "commit", "-q", "-m", "client"], repo, env).returncode != 0
    run(["git", "reset", "-q"], repo, env)
    (repo / "client.py").unlink()
    assert commit(repo, env, "notes.txt", "hello\n").returncode == 0
