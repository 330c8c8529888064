"""The built wheel is what users install: it must carry the rules of `rules/` and the `oocheck` command."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    (found,) = out.glob("oocheck-*.whl")
    return found


def test_wheel_contains_every_rule_module(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    rule_files = sorted(p.relative_to(ROOT / "rules") for p in (ROOT / "rules").rglob("*.py"))
    assert rule_files, "no rule modules in rules/"
    missing = [str(p) for p in rule_files if f"oocheck_rules/{p.as_posix()}" not in names]
    assert not missing, f"rule modules missing from the wheel: {missing}"
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_lists_every_rule(wheel: Path, tmp_path: Path) -> None:
    # A fresh venv that borrows the already installed dependencies, so the test needs no network.
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, text=True)
    listing = subprocess.run([str(env_dir / "bin" / "oocheck"), "rules"], capture_output=True, text=True,
                             cwd=tmp_path, check=True).stdout
    # Imported from the venv, not from the source tree.
    where = subprocess.run([str(python), "-c", "import oocheck_rules; print(oocheck_rules.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert str(env_dir) in where
    codes = {p.name[:5].upper() for p in (ROOT / "rules").rglob("oo[0-9][0-9][0-9]_*.py")}
    missing = sorted(c for c in codes if c not in listing)
    assert not missing, f"`oocheck rules` from the wheel lacks {missing}:\n{listing}"
    explain = subprocess.run([str(env_dir / "bin" / "oocheck"), "explain", "OO101"], capture_output=True,
                             text=True, cwd=tmp_path)
    assert explain.returncode == 0 and "## Why it fails at runtime" in explain.stdout
