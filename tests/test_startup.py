"""A check's start-up: the modules it does not need stay unimported; options convert as typer converts them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from oocheck import cli, cli_params, registry

# Made lazy for a plain check: each one cost the pre-commit hook's start-up (issue #5).
NOT_IMPORTED = ["pydantic", "typer._adapters", "rich", "importlib.metadata", "oocheck.fixes.apply",
                "oocheck.mypy_bridge.runner"]

RUN = """
import json, sys
from oocheck import cli
sys.argv = ["oocheck", *sys.argv[1:]]
try:
    cli.app()
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


@pytest.mark.parametrize("args", [
    ["--no-mypy", "--no-cache", "bad.py"],
    ["--no-mypy", "--cache-dir", "cache", "--in-project", "--select", "OO1", "bad.py"],
    ["--stdin-filename", "bad.py", "--cache-dir", "cache"],
    ["--no-mypy", "--format", "jsonl", "--no-cache", "."],
])
def test_a_check_imports_only_what_it_needs(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "bad.py").write_text("class A:\n    pass\n\n\nA().b\n")
    proc = subprocess.run([sys.executable, "-c", RUN, "check", *args], cwd=tmp_path, capture_output=True, text=True,
                          input="class A:\n    pass\n\n\nA().c\n", timeout=120)
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["code"] == 1, proc.stdout + proc.stderr
    imported = set(result["modules"])
    absent = NOT_IMPORTED
    if not cli_params.TEXT_VALUES:
        # Verified on typer 0.29: there its internals must be found. A later typer that moved them
        # converts through its adapters again, slower and as correct: that alone must not fail CI.
        assert not typer.__version__.startswith("0.29."), "typer 0.29's internals moved: pydantic is imported again"
        absent = [name for name in NOT_IMPORTED if name not in ("pydantic", "typer._adapters")]
    assert [name for name in absent if name in imported] == []


def _params() -> list[tuple[str, Any]]:
    group = typer.main.get_command(cli.app)
    assert isinstance(group, typer.core.TyperGroup)
    return [(name, param) for name, command in group.commands.items() for param in command.params]


# Values as a shell gives them: text (clicks's parser has split lists into tuples).
TEXTS = ["", "x", "OO101,OO102", " spaced ", "é", "-", "~", ".", "a/", "./a//b/", "/no/such/file", "\udcff"]


@pytest.mark.skipif(not cli_params.TEXT_VALUES, reason="typer before 0.29: typer's own conversion")
@pytest.mark.parametrize(("name", "param"), _params(), ids=lambda value: getattr(value, "name", value))
def test_options_convert_as_typer_converts_them(name: str, param: Any, tmp_path: Path) -> None:
    """Every value of every option: the same result, or the same error, as typer's own adapter."""
    from typer._coercion import build_runtime_param

    group = typer.main.get_command(cli.app)
    ctx = group.make_context("oocheck", [name], resilient_parsing=True)
    ours, typers = param.get_runtime_param(), build_runtime_param(param.type_descriptor)
    assert isinstance(ours, cli_params._TextValue)
    (tmp_path / "file").write_text("")
    values: list[Any] = [None, *TEXTS, str(tmp_path), f"{tmp_path}/file", f"{tmp_path}/file/", ("a", "b/"), (), True]
    for value in values:
        results = []
        for runtime in (ours, typers):
            try:
                results.append(("value", runtime.coerce(value, param=param, ctx=ctx)))
            except Exception as exc:
                results.append(("error", f"{type(exc).__name__}: {exc}"))
        assert results[0] == results[1], (name, value)
        if results[0][0] == "value":
            assert type(results[0][1]) is type(results[1][1])


def _dist(folder: Path, name: str, entry_points: str | None) -> None:
    (folder / name).mkdir(parents=True)
    if entry_points is not None:
        (folder / name / "entry_points.txt").write_text(entry_points, encoding="utf-8")


def test_entry_points_are_found_as_importlib_metadata_finds_them(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import entry_points

    first, second = tmp_path / "first", tmp_path / "second"
    _dist(first, "Pack_A-1.0.dist-info", "[oocheck.rules]\nrules = pack_a.rules\n[other]\nx = nope\n")
    _dist(first, "pack.a-2.0.dist-info", "[oocheck.rules]\nrules = shadowed_by_the_same_name\n")
    _dist(first, "pack_b-1.0.egg-info", "# a comment\n\n  [ oocheck.rules ]  \n  b= pack_b : x = y \n")
    _dist(first, "pack_g-1.0.egg-info", "# a comment\n\n  [oocheck.rules]  \n  g= pack_g : x = y \n")
    _dist(first, "pack_c-1.0.dist-info", None)  # no entry points at all
    _dist(first, "pack_d-1.0.dist-info", "[[oocheck.rules]]\nd = pack_d\n")
    (first / "pack_e-1.0.dist-info").mkdir()
    (first / "pack_e-1.0.dist-info" / "entry_points.txt").mkdir()  # unreadable: left out
    _dist(second, "pack_a-3.0.dist-info", "[oocheck.rules]\nrules = shadowed_by_the_first_folder\n")
    _dist(second, "pack_f-1.0.dist-info", "[oocheck.rules]\nf = pack_f\n")
    monkeypatch.setattr(sys, "path", [str(first), str(tmp_path / "missing"), str(second)])
    expected = {ep.value for ep in entry_points(group="oocheck.rules")}
    assert registry._entry_point_values("oocheck.rules") == expected
    # One pack_a of the first folder (which one: the folder's listing order), no section named " oocheck.rules ".
    assert len(expected & {"pack_a.rules", "shadowed_by_the_same_name"}) == 1
    assert expected - {"pack_a.rules", "shadowed_by_the_same_name"} == {"pack_d", "pack_f", "pack_g : x = y"}
    # An installation it does not read as importlib.metadata does is left to importlib.metadata.
    _dist(second, "pack_h-1.0.dist-info", "before = any section\n[console_scripts]\nno equals sign\n")
    with pytest.raises(registry._Unusual):
        registry._entry_point_values("oocheck.rules")
    with pytest.raises((TypeError, ValueError)):  # importlib.metadata fails on it too
        entry_points(group="oocheck.rules")
    (tmp_path / "rules.zip").write_bytes(b"")
    monkeypatch.setattr(sys, "path", [str(first), str(tmp_path / "rules.zip")])
    with pytest.raises(registry._Unusual):
        registry._entry_point_values("oocheck.rules")
    assert registry.entry_point_values("oocheck.rules") == {ep.value for ep in entry_points(group="oocheck.rules")}
