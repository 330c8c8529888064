"""The cache: findings never depend on it, a damaged entry is rebuilt, an unwritable folder is one
warning, and a partial check (the changed files) reports what a full check reports for them."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from oocheck.cache import Cache
from oocheck.config import Config
from oocheck.engine import CheckResult, check_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def run(paths: list[Path], cache_dir: Path | None, only: list[Path] | None = None) -> CheckResult:
    config = Config(mypy=False, cache=cache_dir is not None, cache_dir=cache_dir)
    return check_paths(paths, config, only=only)


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / "effects").rglob("*") if p.is_file())


def test_entries_round_trip_and_damage_is_never_trusted(tmp_path: Path) -> None:
    warnings: list[str] = []
    cache = Cache.open(tmp_path / "c", warnings)
    cache.put("ns", "abcdef", b'{"x": 1}')
    assert cache.get("ns", "abcdef") == b'{"x": 1}'
    entry = tmp_path / "c" / "ns" / "ab" / "abcdef"
    data = entry.read_bytes()
    other_format = data.replace(b"oocheck-cache 1", b"other 9")
    for damaged in (data[:-1], data[:10], b"", data.replace(b'"x"', b'"y"'), other_format):
        entry.write_bytes(damaged)
        assert cache.get("ns", "abcdef") is None, damaged
    assert cache.get("ns", "missing") is None
    assert not warnings and (tmp_path / "c" / ".gitignore").read_text().strip().endswith("*")
    assert not [p for p in (tmp_path / "c").rglob(".tmp-*")]  # no temporary file left behind


def test_findings_are_the_same_without_cache_cold_and_warm(tmp_path: Path) -> None:
    plain = run([FIXTURES], None)
    assert plain.findings and not (tmp_path / "c").exists()
    cold = run([FIXTURES], tmp_path / "c")
    assert entries(tmp_path / "c")
    warm = run([FIXTURES], tmp_path / "c")
    assert cold.findings == plain.findings == warm.findings
    assert not cold.warnings and not warm.warnings


def test_corrupt_entries_are_rebuilt(tmp_path: Path) -> None:
    expected = run([FIXTURES], tmp_path / "c").findings
    for entry in entries(tmp_path / "c"):
        entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])  # a half-written file
    target = FIXTURES / "attribute" / "base_import_alias"
    partial = run([FIXTURES], tmp_path / "c", only=[next(target.glob("*.py"))])
    assert partial.reported is not None
    assert partial.findings == [f for f in expected if Path(f.path).resolve() in partial.reported]
    assert all(Cache(tmp_path / "c").get("effects", e.name) is not None for e in entries(tmp_path / "c"))


def test_partial_check_reports_what_a_full_check_reports_for_those_files(tmp_path: Path) -> None:
    full = run([FIXTURES], tmp_path / "c")
    # Files of the cross-module fixtures (folders), where context from other files decides.
    sample = sorted(p for folder in sorted(FIXTURES.glob("*/*/")) for p in folder.glob("*.py"))[::3][:8]
    assert len(sample) >= 4
    for path in sample:
        partial = run([FIXTURES], tmp_path / "c", only=[path])
        assert partial.reported is not None and path.resolve() in partial.reported
        assert partial.findings == [f for f in full.findings if Path(f.path).resolve() in partial.reported], path


def test_files_importing_a_changed_file_are_checked_with_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "shapes.py").write_text("class Shape:\n    def __init__(self):\n        self.area = 0\n")
    (repo / "use.py").write_text("from shapes import Shape\n\nShape().area\n")
    (repo / "other.py").write_text("class Other:\n    pass\n\nOther().size\n")
    cache = tmp_path / "c"
    assert run([repo], cache).findings  # other.py: warm the cache
    (repo / "shapes.py").write_text("class Shape:\n    def __init__(self):\n        self.surface = 0\n")
    partial = run([repo], cache, only=[repo / "shapes.py"])
    assert [(Path(f.path).name, f.code) for f in partial.findings] == [("use.py", "OO101")]
    assert partial.findings == [f for f in run([repo], None).findings if Path(f.path).name == "use.py"]


def test_a_full_check_by_relative_path_warms_a_partial_check_by_absolute_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `oocheck check pkg` names files relative to the project; the hook (`--in-project`) absolute:
    # the entries the first wrote must serve the second, so that only the changed file is walked.
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "shapes.py").write_text("class Shape:\n    def __init__(self):\n        self.area = 0\n")
    (project / "pkg" / "use.py").write_text("from pkg.shapes import Shape\n\nShape().size\n")
    for n in range(4):
        (project / "pkg" / f"other{n}.py").write_text(f"class Other{n}:\n    pass\n\nOther{n}().x\n")
    monkeypatch.chdir(project)
    full = run([Path("pkg")], project / "c")
    assert {Path(f.path).name for f in full.findings} == {"use.py", *(f"other{n}.py" for n in range(4))}
    monkeypatch.chdir(tmp_path)  # another folder: display paths differ too
    partial = run([project.resolve()], project / "c", only=[project.resolve() / "pkg" / "use.py"])
    assert partial.index is not None and partial.index.walked is not None
    walked = sorted(m.path.name for m in partial.index.modules if id(m) in partial.index.walked)
    assert walked == ["use.py"]
    assert [(f.path, f.line, f.code) for f in partial.findings] == [
        (os.path.join("project", "pkg", "use.py"), 3, "OO101")]


def test_an_unwritable_cache_is_one_warning_and_the_same_findings(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    expected = run([FIXTURES], None).findings
    blocker = tmp_path / "file"
    blocker.write_text("")
    not_a_folder = run([FIXTURES], blocker / "cache")
    assert not_a_folder.findings == expected
    assert len(not_a_folder.warnings) == 1 and "running without the cache" in not_a_folder.warnings[0]

    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", disk_full)
    full_disk = run([FIXTURES], tmp_path / "full")
    assert full_disk.findings == expected
    assert [w for w in full_disk.warnings if "cache" in w] == full_disk.warnings and len(full_disk.warnings) == 1
    assert not [p for p in (tmp_path / "full").rglob(".tmp-*")]


def test_the_cache_goes_to_the_project_found_as_ruff_and_mypy_find_it(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # A pyproject.toml without [tool.oocheck] still marks the project, from wherever oocheck runs.
    project = tmp_path / "pkg"
    inner = project / "src" / "pkg"
    inner.mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'pkg'\n", encoding="utf-8")
    (inner / "m.py").write_text("x = 1\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(inner)
    check_paths([Path(".")], Config(mypy=False))
    monkeypatch.chdir(elsewhere)
    check_paths([inner / "m.py"], Config(mypy=False))
    assert (project / ".oocheck_cache").is_dir()
    assert not (inner / ".oocheck_cache").exists() and not (elsewhere / ".oocheck_cache").exists()
    # No pyproject.toml: the nearest `.git` folder; neither: the current folder.
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "lib").mkdir()
    (repo / "lib" / "m.py").write_text("x = 1\n", encoding="utf-8")
    check_paths([repo / "lib"], Config(mypy=False))
    assert (repo / ".oocheck_cache").is_dir() and not (repo / "lib" / ".oocheck_cache").exists()
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "m.py").write_text("x = 1\n", encoding="utf-8")
    check_paths([loose], Config(mypy=False))
    assert (elsewhere / ".oocheck_cache").is_dir() and not (loose / ".oocheck_cache").exists()


def test_entries_of_other_oocheck_code_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A development install or an upgrade that kept the version number: facts computed by other code
    # must not be replayed, so the keys carry a digest of oocheck's own sources.
    from oocheck import cache as cache_module
    from oocheck import incremental

    assert cache_module.code_fingerprint() == cache_module.code_fingerprint()
    run([FIXTURES], tmp_path / "c")
    before = set(entries(tmp_path / "c"))
    monkeypatch.setattr(incremental, "code_fingerprint", lambda: "other analyzer code")
    run([FIXTURES], tmp_path / "c")
    written = set(entries(tmp_path / "c")) - before
    assert written and {e.name for e in written}.isdisjoint({e.name for e in before})


def test_a_check_of_one_file_keeps_the_rest_of_the_cache(tmp_path: Path) -> None:
    # The benchmark's and a user's order: a whole check, a check of one file, then the hook's run.
    # The one-file check must not drop the other modules' entries: the hook would walk them all.
    target = next((FIXTURES / "attribute" / "base_import_alias").glob("*.py"))
    run([FIXTURES], tmp_path / "c")
    warm = run([FIXTURES], tmp_path / "c", only=[target])
    assert warm.index is not None and warm.index.walked is not None
    run([target], tmp_path / "c")
    again = run([FIXTURES], tmp_path / "c", only=[target])
    assert again.index is not None and again.index.walked is not None
    assert len(again.index.walked) == len(warm.index.walked) < len(again.index.modules) // 4
    assert again.findings == warm.findings


def test_old_walk_effects_are_dropped_past_a_bound_and_current_ones_kept(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Each edit gives new keys to the modules that import the edited one: without a bound the
    # entry would grow with every commit. Past the bound the oldest unused entries go, never the
    # ones this run's modules use, and findings stay those of a cold run.
    from oocheck import incremental

    monkeypatch.setattr(incremental, "MIN_KEPT", 0, raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "base.py").write_text("class Base:\n    def __init__(self):\n        self.size = 1\n")
    (repo / "use.py").write_text("from base import Base\n\nBase().sise\n")
    expected = run([repo], None).findings
    cache = incremental.Cache(tmp_path / "c")
    for number in range(12):  # twelve edits of the imported module: new keys for both modules
        (repo / "base.py").write_text(f"class Base:\n    def __init__(self):\n        self.size = {number}\n")
        assert run([repo], tmp_path / "c").findings == expected
    stored = incremental.EffectsCache(cache)._entries()
    assert 2 <= len(stored) <= 4 * 2  # the bound for two modules, not 24 entries
    only = run([repo], tmp_path / "c", only=[repo / "use.py"])
    assert only.findings == expected and only.index is not None and only.index.walked is not None
    assert len(only.index.walked) == 1  # base.py's current entry was kept: replayed, not walked


def walked_names(result: CheckResult) -> set[str]:
    assert result.index is not None and result.index.walked is not None
    return {m.display_path.replace(os.sep, "/") for m in result.index.modules if id(m) in result.index.walked}


def test_an_edit_of_a_package_init_reaches_only_the_modules_that_read_its_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `from pkg.shapes import Shape` runs pkg/__init__.py, but reads nothing it binds: an edit there
    # must not make every module importing from a subpackage walk again (Django's hook runs walked
    # 19 modules for one edited file, most of them for this). A module that reads `pkg` does walk.
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pkg" / "__init__.py").write_text("VERSION = 1\n")
    (repo / "pkg" / "shapes.py").write_text("class Shape:\n    def __init__(self):\n        self.area = 0\n")
    (repo / "direct.py").write_text("from pkg.shapes import Shape\n\nShape().size\n")
    (repo / "dotted.py").write_text("import pkg.shapes\n\npkg.shapes.Shape().size\n")
    (repo / "aliased.py").write_text("import pkg.shapes as s\n\ns.Shape().size\n")
    (repo / "reads_init.py").write_text("from pkg import VERSION\n\nVERSION.size\n")
    monkeypatch.chdir(repo)
    cache = tmp_path / "c"
    run([Path(".")], cache)
    (repo / "pkg" / "__init__.py").write_text("VERSION = 1\n\n\ndef helper():\n    return 2\n")
    expected = run([Path(".")], None).findings
    assert {Path(f.path).name for f in expected} >= {"direct.py", "dotted.py", "aliased.py"}
    partial = run([Path(".")], cache, only=[(repo / "pkg" / "__init__.py").resolve()])
    assert walked_names(partial) == {"pkg/__init__.py", "dotted.py", "reads_init.py"}
    for module in ("direct.py", "aliased.py"):  # replayed from the cache: the same findings as a full check
        one = run([Path(".")], cache, only=[(repo / module).resolve()])
        assert walked_names(one) == {module}
        assert one.findings == [f for f in expected if Path(f.path).name == module]


def test_method_facts_and_summaries_are_bounded_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Method facts are kept by text (every edit adds one), summaries by path (every renamed or deleted
    # file leaves one): past the bound the oldest that this run's modules do not use go.
    import marshal

    from oocheck import incremental

    monkeypatch.setattr(incremental, "MIN_KEPT", 0)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "use.py").write_text("from base import Base\n\nBase().sise\n")
    cache = incremental.Cache(tmp_path / "c")
    for number in range(12):  # each run: a new text of base.py, and a file under a new name
        (repo / "base.py").write_text(f"class Base:\n    def __init__(self):\n        self.size = {number}\n")
        for old in repo.glob("extra*.py"):
            old.unlink()
        (repo / f"extra{number}.py").write_text("class Extra:\n    def f(self):\n        self.x = 1\n")
        run([repo], tmp_path / "c")
        methods = incremental.MethodCache(cache)._entries()
        summaries = marshal.loads(cache.get(incremental.SUMMARIES, incremental.SummaryCache(cache, False).key) or b"")
        assert len(methods) <= 4 * 3 and len(summaries) <= 4 * 3, (number, len(methods), len(summaries))
    current = {m.digest for m in run([repo], tmp_path / "c").index.modules}  # type: ignore[union-attr]
    assert current <= set(incremental.MethodCache(cache)._entries())  # this run's are always kept
    assert run([repo], tmp_path / "c", only=[repo / "use.py"]).findings == run([repo], None).findings


def test_a_partial_check_of_a_file_found_under_a_link_reports_what_a_full_check_does(tmp_path: Path) -> None:
    # Discovery keeps the first name it meets (a_link.py, a link to z_real.py): a hook run passing
    # z_real.py must still report that module, its rule findings and its unused comments.
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "z_real.py").write_text("class A:\n    x = 1\n\n\nA().missing\nvalue = 1  # oocheck: ignore[OO101]\n")
    (repo / "a_link.py").symlink_to(repo / "z_real.py")
    cache = tmp_path / "c"
    full = run([repo], cache).findings
    assert {f.code for f in full} == {"OO101", "OO001"}
    partial = run([repo], cache, only=[(repo / "z_real.py").resolve()])
    assert partial.findings == full
