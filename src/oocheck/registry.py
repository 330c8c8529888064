"""Find rules: walk each module of every `oocheck.rules` entry point for `Rule` subclasses (as Fixit does)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import types
from importlib.metadata import entry_points
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


def load_rules(extra_dirs: list[Path] | None = None) -> list[type[Rule]]:
    """Every available rule class, sorted by code."""
    packages = {BUILTIN_PACKAGE}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        packages.add(ep.value)
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
