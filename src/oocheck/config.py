"""`[tool.oocheck]` in pyproject.toml, merged with command-line options."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from oocheck.diagnostics import Confidence

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(Exception):
    """A configuration value that cannot be used (exit code 2)."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_confidence: Confidence = Confidence.MEDIUM
    exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra_rule_dirs: tuple[Path, ...] = ()
    source: Path | None = None
    # The interpreter the checked code runs under (`--python`); None: $VIRTUAL_ENV, .venv, the running one.
    python: Path | None = None
    # The mypy bridge (`--no-mypy`, `mypy = false`); see oocheck.mypy_bridge for why it is on by default.
    mypy: bool = True
    mypy_timeout: float = 120.0
    # `--baseline FILE`: findings recorded there are left out (oocheck.baseline).
    baseline: Path | None = None
    # The cache (`--no-cache`, `--cache-dir`); default folder: `.oocheck_cache` of the project folder.
    cache: bool = True
    cache_dir: Path | None = None
    # Processes the work after inference may use (`--jobs`, `jobs`); None: two when it pays (parallel.py).
    jobs: int | None = None

    def wants(self, code: str) -> bool:
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)

    def with_options(self, **options: Any) -> Config:
        return replace(self, **{k: v for k, v in options.items() if v is not None})


def find_pyproject(start: Path) -> Path | None:
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in [folder, *folder.parents]:
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            return pyproject
    return None


def _codes(value: Any, key: str) -> tuple[str, ...]:
    # A string is split at commas, as `--select OO2,OO105` is on the command line.
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"[tool.oocheck] {key} must be a list of rule codes")
    return tuple(code.strip().upper() for v in value for code in v.split(",") if code.strip())


def load_config(start: Path) -> Config:
    """The `[tool.oocheck]` table of the nearest pyproject.toml above `start`, or the defaults."""
    pyproject = find_pyproject(start)
    if pyproject is None:
        return Config()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read configuration: {exc}") from exc
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{pyproject}: [tool] must be a table")
    table = tool.get("oocheck")
    if table is None:
        return Config()
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.oocheck] must be a table")
    known = {"select", "ignore", "min-confidence", "exclude", "per-file-ignores", "extra-rule-dirs", "mypy",
             "mypy-timeout", "baseline", "python", "jobs"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{pyproject}: unknown [tool.oocheck] key(s): {', '.join(unknown)}")
    config = Config(source=pyproject)
    try:
        if "select" in table:
            config = replace(config, select=_codes(table["select"], "select"))
        if "ignore" in table:
            config = replace(config, ignore=_codes(table["ignore"], "ignore"))
        if "min-confidence" in table:
            config = replace(config, min_confidence=Confidence.parse(str(table["min-confidence"])))
        if "exclude" in table:
            exclude = table["exclude"]
            if not isinstance(exclude, list) or not all(isinstance(v, str) for v in exclude):
                raise ConfigError("[tool.oocheck] exclude must be a list of glob patterns")
            config = replace(config, exclude=tuple(exclude))
        if "per-file-ignores" in table:
            pfi = table["per-file-ignores"]
            if not isinstance(pfi, dict):
                raise ConfigError("[tool.oocheck] per-file-ignores must be a table of glob = [codes]")
            config = replace(config, per_file_ignores={k: _codes(v, "per-file-ignores") for k, v in pfi.items()})
        if "mypy" in table:
            if not isinstance(table["mypy"], bool):
                raise ConfigError("[tool.oocheck] mypy must be true or false")
            config = replace(config, mypy=table["mypy"])
        if "mypy-timeout" in table:
            timeout = table["mypy-timeout"]
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
                raise ConfigError("[tool.oocheck] mypy-timeout must be a positive number of seconds")
            config = replace(config, mypy_timeout=float(timeout))
        if "jobs" in table:
            jobs = table["jobs"]
            if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
                raise ConfigError("[tool.oocheck] jobs must be a whole number of processes, 1 or more")
            config = replace(config, jobs=jobs)
        if "baseline" in table:
            if not isinstance(table["baseline"], str):
                raise ConfigError("[tool.oocheck] baseline must be a file path")
            config = replace(config, baseline=pyproject.parent / table["baseline"])
        if "extra-rule-dirs" in table:
            dirs = table["extra-rule-dirs"]
            if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
                raise ConfigError("[tool.oocheck] extra-rule-dirs must be a list of folders")
            config = replace(config, extra_rule_dirs=tuple(pyproject.parent / d for d in dirs))
        if "python" in table:
            if not isinstance(table["python"], str) or not table["python"]:
                raise ConfigError("[tool.oocheck] python must be the path of an interpreter or environment")
            # Relative to the pyproject.toml folder, as every path of the table; a bare name is looked up on PATH.
            given = Path(table["python"]).expanduser()
            found = shutil.which(table["python"]) if len(given.parts) == 1 and not given.is_absolute() else None
            config = replace(config, python=Path(found) if found else pyproject.parent / given)
    except ValueError as exc:
        raise ConfigError(f"{pyproject}: {exc}") from exc
    return config
