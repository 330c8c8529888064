"""The "Did you mean" hint is the one CPython prints, case by case (run for real in a subprocess)."""

from __future__ import annotations

import json
import random
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest

from oocheck.analyzer.suggest import did_you_mean

# Each subprocess raises one AttributeError per case and prints the hint CPython's excepthook computes.
_RUNNER = r"""
import json, sys, io, contextlib
cases = json.loads(sys.stdin.read())
out = []
for attrs, wrong in cases:
    cls = type("Probe", (), {name: 1 for name in attrs})
    err = io.StringIO()
    try:
        getattr(cls(), wrong)
    except AttributeError as exc:
        with contextlib.redirect_stderr(err):
            sys.excepthook(type(exc), exc, None)
    text = err.getvalue()
    out.append(text.split("Did you mean: '")[1].split("'")[0] if "Did you mean" in text else None)
print(json.dumps(out))
"""


def _cases() -> list[tuple[list[str], str]]:
    rng = random.Random(2026)
    fixed = [
        (["options", "timeout"], "option"), (["process", "send"], "proccess"), (["name"], "nme"),
        (["name"], "Name"), (["name"], "_name"), (["send"], "sned"), (["send"], "snd"),
        (["things", "_things"], "things_"), (["a" * 45], "a" * 44), (["value"], "valeu"),
        (["is_time", "delay"], "last_time"), ([], "anything"),
    ]
    randomized = []
    for _ in range(60):
        attrs = ["".join(rng.choices(string.ascii_lowercase + "_", k=rng.randint(2, 12))) for _ in range(6)]
        base = rng.choice(attrs)
        wrong = list(base)
        for _ in range(rng.randint(1, 3)):
            position = rng.randrange(len(wrong))
            wrong[position] = rng.choice(string.ascii_letters)
        randomized.append((attrs, "".join(wrong)))
    return fixed + randomized


def _interpreters() -> list[str]:
    """The running interpreter, and other CPython versions found here (3.12 and 3.13 changed the hint)."""
    candidates = [shutil.which(f"python3.{minor}") for minor in (10, 12, 13)]
    candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.1[0-9].*/bin/python3"))
    found = [sys.executable]
    versions = {sys.version_info[:2]}
    for path in candidates:
        if not path:
            continue
        probe = subprocess.run([path, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True,
                               text=True, check=False)
        if probe.returncode == 0:
            version = tuple(int(x) for x in probe.stdout.split())
            if version not in versions:  # one interpreter per version
                versions.add(version)
                found.append(path)
    return found


@pytest.mark.parametrize("python", _interpreters())
def test_hints_match_cpython(python: str) -> None:
    version = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True,
                             text=True, check=True).stdout.split()
    major_minor = (int(version[0]), int(version[1]))
    cases = [(attrs, wrong) for attrs, wrong in _cases() if wrong not in attrs]
    proc = subprocess.run([python, "-c", _RUNNER], input=json.dumps(cases), capture_output=True,
                          text=True, check=True)
    expected = json.loads(proc.stdout)
    object_names = dir(object())
    mismatches = []
    for (attrs, wrong), cpython in zip(cases, expected, strict=True):
        ours = did_you_mean(wrong, [*attrs, *object_names], major_minor)
        if ours != cpython:
            mismatches.append((attrs, wrong, cpython, ours))
    assert not mismatches, (major_minor, mismatches)
    assert any(e is not None for e in expected) and any(e is None for e in expected)
