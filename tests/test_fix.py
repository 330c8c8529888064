"""`oocheck check --fix / --diff`: on copies of the fixtures/fix cases in temporary folders, the fixed code
runs without the predicted exception, keeps its comments and layout, and a second run has nothing to do."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from oocheck.config import Config
from oocheck.engine import check_paths
from oocheck.fixes.apply import FixPlan, plan_fixes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fix"
SAFE_CASES = ["rename_keeps_formatting.py", "super_init_with_arguments.py"]
NO_MYPY = Config(mypy=False)


def copy_case(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copyfile(FIXTURES / name, target)
    return target


def plan(path: Path, unsafe: bool = False) -> FixPlan:
    return plan_fixes(check_paths([path], NO_MYPY).findings, unsafe)


def run(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(path)], cwd=path.parent, capture_output=True, text=True, timeout=20)


def oocheck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "oocheck", "check", "--no-mypy", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", SAFE_CASES)
def test_fixed_case_runs_without_the_predicted_exception(name: str, tmp_path: Path) -> None:
    path = copy_case(name, tmp_path)
    assert "AttributeError" in run(path).stderr  # the fixture really fails before the fix
    fixes = plan(path)
    assert [f.path for f in fixes.files] == [path] and not fixes.skipped
    fixes.write()
    result = run(path)
    assert result.returncode == 0, result.stderr
    assert check_paths([path], NO_MYPY).findings == []


def test_only_the_fixed_names_change(tmp_path: Path) -> None:
    path = copy_case("rename_keeps_formatting.py", tmp_path)
    before = path.read_text().splitlines()
    plan(path).write()
    after = path.read_text().splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [
        ("        return len(self.itemz)  # expect: OO101", "        return len(self.items)  # expect: OO101"),
        ('        return f"{self.name}: {len(self.items)}/{Store.MAX_ITEM}"  # expect: OO102',
         '        return f"{self.name}: {len(self.items)}/{Store.MAX_ITEMS}"  # expect: OO102'),
        ("        return super().ad(item)  # expect: OO105", "        return super().add(item)  # expect: OO105"),
    ]


def test_super_init_goes_after_the_docstring_with_the_base_arguments(tmp_path: Path) -> None:
    path = copy_case("super_init_with_arguments.py", tmp_path)
    plan(path).write()
    lines = path.read_text().splitlines()
    docstring = lines.index('        """A savings account pays `rate` per year."""')
    assert lines[docstring + 1:docstring + 4] == ["        super().__init__(owner)",
                                                  "        # the rate is stored as a fraction",
                                                  "        self.rate = rate"]


def test_unsafe_fix_needs_unsafe_fixes(tmp_path: Path) -> None:
    path = copy_case("unsafe_two_close_matches.py", tmp_path)
    default = plan(path)
    assert default.files == [] and default.unsafe_left == 1
    unsafe = plan(path, unsafe=True)
    unsafe.write()
    assert "print(Valve().value)" in path.read_text()
    assert run(path).returncode == 0


def test_a_close_name_that_is_another_word_is_an_unsafe_fix(tmp_path: Path) -> None:
    path = tmp_path / "words.py"
    path.write_text("class Plot:\n    def __init__(self):\n        self.state_font_size = 9\n\n\n"
                    "print(Plot().title_font_size)\n")
    [finding] = check_paths([path], NO_MYPY).findings
    assert finding.fix is not None and not finding.fix.safe  # CPython suggests it; it is no typo
    assert "'state_font_size'" in finding.message


def test_crlf_and_non_ascii_columns(tmp_path: Path) -> None:
    path = tmp_path / "crlf.py"
    path.write_bytes("class Émile:\r\n    def __init__(self):\r\n        self.value = 1\r\n\r\n\r\n"
                     "print('é', Émile().valeu)  # café\r\n".encode())
    plan(path).write()
    assert path.read_bytes().endswith("print('é', Émile().value)  # café\r\n".encode())
    assert b"\n" not in path.read_bytes().replace(b"\r\n", b"")


def test_no_fix_when_the_base_needs_an_argument_the_subclass_lacks(tmp_path: Path) -> None:
    path = tmp_path / "mismatch.py"
    path.write_text("class Base:\n    def __init__(self, size):\n        self.size = size\n\n\n"
                    "class Child(Base):\n    def __init__(self, name):\n        self.name = name\n\n\n"
                    "print(Child('a').size)\n")
    findings = check_paths([path], NO_MYPY).findings
    assert [f.code for f in findings] == ["OO106"] and findings[0].fix is None


def test_super_init_unsafe_when_the_base_init_calls_an_overridden_method(tmp_path: Path) -> None:
    path = tmp_path / "template.py"
    path.write_text("class Base:\n    def __init__(self):\n        self.items = []\n        self.setup()\n\n"
                    "    def setup(self):\n        pass\n\n\n"
                    "class Child(Base):\n    def __init__(self):\n        self.extra = 1\n\n"
                    "    def setup(self):\n        self.items.append(self.extra)\n\n\n"
                    "print(Child().items)\n")
    fixes = [f.fix for f in check_paths([path], NO_MYPY).findings if f.fix is not None]
    assert fixes and not any(fix.safe for fix in fixes)
    assert plan(path).files == []


def test_file_changed_since_the_check_is_not_written(tmp_path: Path) -> None:
    path = copy_case("rename_keeps_formatting.py", tmp_path)
    findings = check_paths([path], NO_MYPY).findings
    path.write_text(path.read_text() + "# edited meanwhile\n")
    edited = path.read_bytes()
    fixes = plan_fixes(findings)
    fixes.write()
    assert fixes.files == [] and "changed since it was checked" in fixes.skipped[0]
    assert path.read_bytes() == edited


def test_cli_fix_is_idempotent_and_leaves_a_syntax_error_file_untouched(tmp_path: Path) -> None:
    copy_case("super_init_with_arguments.py", tmp_path)
    broken = tmp_path / "broken.py"
    broken.write_text("class A:\n    def f(self):\n        return self.valeu +\n")
    before = broken.read_bytes()
    first = oocheck("--fix", ".", cwd=tmp_path)
    assert first.returncode == 1 and "Applied 1 fix in 1 file; 1 remaining." in first.stderr
    assert "OO000" in first.stdout and "OO106" not in first.stdout  # what remains is reported
    fixed = (tmp_path / "super_init_with_arguments.py").read_text()
    second = oocheck("--fix", ".", cwd=tmp_path)
    assert "Applied" not in second.stderr
    assert (tmp_path / "super_init_with_arguments.py").read_text() == fixed
    assert broken.read_bytes() == before


def test_cli_diff_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    path = copy_case("rename_keeps_formatting.py", tmp_path)
    before = path.read_bytes()
    result = oocheck("--diff", path.name, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/rename_keeps_formatting.py\n+++ b/rename_keeps_formatting.py\n")
    assert "+        return super().add(item)  # expect: OO105" in result.stdout
    assert path.read_bytes() == before
    clean = oocheck("--diff", "--select", "OO106", path.name, cwd=tmp_path)
    assert clean.returncode == 0 and clean.stdout == ""


def test_a_file_that_cannot_be_written_is_reported_not_raised(tmp_path: Path) -> None:
    path = copy_case("rename_keeps_formatting.py", tmp_path)
    fixes = plan(path)
    path.unlink()
    path.mkdir()  # writing the fixed bytes now fails, whoever runs the test
    fixes.write()
    assert fixes.files == [] and "cannot write" in fixes.skipped[-1]


def test_cli_fix_in_project_fixes_only_the_reported_files(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.oocheck]\n")
    given = copy_case("rename_keeps_formatting.py", tmp_path)
    other = copy_case("super_init_with_arguments.py", tmp_path)
    untouched = other.read_bytes()
    result = oocheck("--fix", "--in-project", given.name, cwd=tmp_path)
    assert result.returncode == 0 and "Applied 3 fixes in 1 file; 0 remaining." in result.stderr, result.stderr
    assert "super().add(item)" in given.read_text() and other.read_bytes() == untouched
