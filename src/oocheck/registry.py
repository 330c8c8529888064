"""Find rules: walk each module of every `oocheck.rules` entry point for `Rule` subclasses (as Fixit does)."""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import pkgutil
import re
import sys
import types
from pathlib import Path

from oocheck.rule import Rule

ENTRY_POINT_GROUP = "oocheck.rules"
BUILTIN_PACKAGE = "oocheck_rules"


class RuleLoadError(Exception):
    """A rule pack that cannot be imported, or two rules claiming one code."""


def _walk(package: types.ModuleType) -> list[type[Rule]]:
    found: list[type[Rule]] = []
    modules = [package]
    if hasattr(package, "__path__"):
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            modules.append(importlib.import_module(info.name))
    for module in modules:
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Rule) and value is not Rule
                    and value.__module__ == module.__name__ and getattr(value, "code", None)):
                found.append(value)
    return found


class _Unusual(Exception):
    """An installation importlib.metadata might read otherwise than entry_point_values does."""


def entry_point_values(group: str) -> set[str]:
    """The values of the entry points of `group`, as `importlib.metadata.entry_points(group=group)`
    finds them, without importing it (email, zipfile, csv: 14 ms of every check's start-up).

    Its reading of an ordinary installation: each folder of sys.path in order, each `*.dist-info`
    and `*.egg-info` folder in it in listing order, the first one of each normalized name only, and
    in its entry_points.txt the `name = value` lines of the `[group]` section. Anything else (a zip
    or an egg on sys.path, another finder of distributions, an odd name or line) is left to it.
    """
    try:
        return _entry_point_values(group)
    except _Unusual:
        from importlib.metadata import entry_points

        return {ep.value for ep in entry_points(group=group)}


def _entry_point_values(group: str) -> set[str]:
    finders = [finder for finder in sys.meta_path if getattr(finder, "find_distributions", None) is not None]
    if finders != [importlib.machinery.PathFinder]:
        raise _Unusual
    seen: set[str] = set()
    values: set[str] = set()
    for entry in sys.path:
        folder = entry or "."
        if os.path.basename(folder).lower().endswith(".egg") or os.path.isfile(folder):
            raise _Unusual
        try:
            children = os.listdir(folder)
        except OSError:
            continue
        for child in children:
            stem, ext = os.path.splitext(child)
            if ext.lower() not in (".dist-info", ".egg-info"):
                continue
            if ext not in (".dist-info", ".egg-info"):
                raise _Unusual  # importlib.metadata names it from its METADATA
            name = re.sub(r"[-_.]+", "_", stem.partition("-")[0]).lower()
            if name in seen:
                continue
            seen.add(name)
            try:
                with open(os.path.join(folder, child, "entry_points.txt"), encoding="utf-8") as file:
                    text = file.read()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
                continue
            values |= _section_values(text, group)
    return values


def _section_values(text: str, group: str) -> set[str]:
    values = set()
    section = None
    for line in (line.strip() for line in text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
        elif section is not None:
            if "=" not in line:
                raise _Unusual  # importlib.metadata fails on it (in any section), in its own words
            if section == group:
                values.add(line.split("=", 1)[1].strip())
    return values


def load_rules(extra_dirs: list[Path] | None = None) -> list[type[Rule]]:
    """Every available rule class, sorted by code."""
    packages = {BUILTIN_PACKAGE, *entry_point_values(ENTRY_POINT_GROUP)}
    for folder in extra_dirs or []:
        if str(folder.parent) not in sys.path:
            sys.path.insert(0, str(folder.parent))
        packages.add(folder.name)
    by_code: dict[str, type[Rule]] = {}
    for name in sorted(packages):
        try:
            package = importlib.import_module(name)
        except Exception as exc:  # a broken rule pack is a configuration error, not a crash
            raise RuleLoadError(f"cannot import rule package {name!r}: {exc}") from exc
        for rule in _walk(package):
            other = by_code.get(rule.code)
            if other is not None and other is not rule:
                raise RuleLoadError(f"rule code {rule.code} is claimed by both {other.__qualname__} "
                                    f"and {rule.__qualname__}")
            by_code[rule.code] = rule
    return [by_code[code] for code in sorted(by_code)]
