"""The lazy index of a partial check: modules built from their summaries (analyzer/summary.py) resolve
exactly as parsed ones, only the modules something looks into are parsed, and a pre-commit hook
(`--in-project`) or an editor (`--stdin-filename`) gets for its files the findings a full check gives,
with a cold cache, a warm one, or a damaged one."""

from __future__ import annotations

import ast
import marshal
import shutil
from pathlib import Path

import pytest

from oocheck.analyzer.external import ExternalClass
from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.model import ClassInfo, ClassRef, ModuleInfo
from oocheck.cache import Cache
from oocheck.config import Config
from oocheck.diagnostics import Finding
from oocheck.discovery import DEFAULT_EXCLUDES, discover
from oocheck.engine import check_paths
from oocheck.incremental import SUMMARIES, SummaryCache

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# A project where values cross modules in every way a summary must keep: bases through aliases, a
# package re-export, a star import, a metaclass, nested and local classes, decorators, dataclasses,
# abstract methods, a name bound twice, a function called from elsewhere, stores from outside.
PROJECT = {
    "app/__init__.py": "from app.base import Base as Base\nfrom app.util import *\n",
    "app/base.py": """\
import abc
from dataclasses import dataclass


class Meta(type):
    pass


class Base(abc.ABC):
    kind = "base"

    def __init__(self, name):
        self.name = name

    @abc.abstractmethod
    def run(self): ...

    def describe(self):
        return self.name + self.label


@dataclass
class Point:
    x: int
    y: int = 0


class WithMeta(metaclass=Meta):
    pass


Alias = Base
Twice = 1
Twice = 2
""",
    "app/util.py": """\
__all__ = ["helper", "Helper"]


def helper(a, b):
    return a + b


class Helper:
    class Inner:
        size = 1

    def make(self):
        class Local:
            pass
        return Local()
""",
    "app/models.py": """\
from app import base
from app.base import Alias, Point, WithMeta
from app.util import Helper, helper


class Job(Alias):
    def run(self):
        return self.nme

    def other(self):
        return helper(1)


class Sub(base.Base):
    label = "sub"

    def run(self):
        return Point(1).z


class Meta2(WithMeta):
    pass


class Nested(Helper.Inner):
    pass


Job("x").missing_attribute
Helper().make()
""",
    "app/use.py": """\
from app.models import Job, Sub
from app import helper

Job("a").describe()
Sub("b").nope
helper(1, 2, 3)
Job.kind2
""",
    "app/stores.py": """\
from app.models import Job

Job.extra = 1


def touch(job):
    job.later = 2
""",
}


def make_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def config(cache: Path | None) -> Config:
    return Config(mypy=False, cache=cache is not None, cache_dir=cache)


def in_files(findings: list[Finding], files: set[Path]) -> list[Finding]:
    return [f for f in findings if Path(f.path).resolve() in files]


def projects(tmp_path: Path) -> list[tuple[Path, list[Path]]]:
    """(project, files to change) pairs: the project above and fixture folders with several modules."""
    own = make_project(tmp_path / "own", PROJECT)
    chosen = [(own, [own / "app" / "models.py", own / "app" / "base.py", own / "app" / "util.py"])]
    for folder in sorted(p for p in FIXTURES.glob("*/*/") if len(list(p.rglob("*.py"))) >= 2)[:6]:
        copy = tmp_path / "fixtures" / folder.parent.name / folder.name
        shutil.copytree(folder, copy)
        chosen.append((copy, sorted(copy.rglob("*.py"))[:2]))
    return chosen


@pytest.mark.parametrize("how", ["in-project", "stdin"])
def test_partial_checks_give_a_full_checks_findings_cold_warm_and_damaged(tmp_path: Path, how: str) -> None:
    for project, changed in projects(tmp_path):
        cache = tmp_path / f"cache-{project.name}-{how}"
        for path in changed:
            # The file changes as a hook or an editor sees it: a function appended.
            text = path.read_text() + "\n\ndef _added_by_the_test():\n    return 1\n"
            full_before = check_paths([project], config(None)).findings
            for state in ("cold", "warm", "damaged"):
                if state == "cold":
                    shutil.rmtree(cache, ignore_errors=True)
                elif state == "warm":
                    check_paths([project], config(cache))  # a full check fills the cache first
                else:
                    for entry in (cache / SUMMARIES).rglob("*"):
                        if entry.is_file():
                            entry.write_bytes(entry.read_bytes()[:-7] + b"garbage")
                if how == "stdin":
                    result = check_paths([project], config(cache), overrides={path: text}, only=[path])
                    path.write_text(text)
                    full = check_paths([project], config(None)).findings
                else:
                    path.write_text(text)
                    full = check_paths([project], config(None)).findings
                    result = check_paths([project], config(cache), only=[path])
                assert result.reported is not None and path.resolve() in result.reported
                assert result.findings == in_files(full, result.reported), (project, path, state)
                path.write_text(text[: -len("\n\ndef _added_by_the_test():\n    return 1\n")])
            assert check_paths([project], config(None)).findings == full_before


def test_a_warm_partial_check_parses_only_what_it_looks_into(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", PROJECT)
    for number in range(20):  # modules nothing changed imports: never parsed
        idle = f"class Idle{number}:\n    def f(self):\n        self.x = 1\n"
        (project / "app" / f"idle{number}.py").write_text(idle)
    cache = tmp_path / "c"
    check_paths([project], config(cache))
    changed = project / "app" / "stores.py"
    changed.write_text(changed.read_text() + "\nJob.more = 3\n")
    result = check_paths([project], config(cache), only=[changed])
    assert result.index is not None
    parsed = sorted(m.display_path for m in result.index.modules if m.is_parsed)
    assert not [p for p in parsed if "idle" in p], parsed
    assert len(parsed) < len(result.index.modules) / 2


def _ref(ref: ClassRef) -> str:
    return ref.qualname if isinstance(ref, ExternalClass) else f"{ref.module.name}.{ref.qualname}"


def _class_state(info: ClassInfo) -> tuple[object, ...]:
    return (info.module.name, info.qualname, info.line, info.col, [_ref(b) for b in info.bases],
            [_ref(k) for k in info.mro], _ref(info.metaclass) if info.metaclass is not None else None,
            sorted(info.open_reasons), {n: list(b) for n, b in info.bindings.items()}, info.decorators,
            info.is_dataclass, info.is_attrs, info.is_namedtuple, info.is_enum, info.is_typeddict,
            info.is_protocol, info.is_abc, sorted(info.abstract_methods), sorted(info.init_calls),
            info.init_calls_super, info.init_is_dynamic, sorted(_ref(s) for s in info.subclasses))


def _module_state(module: ModuleInfo) -> tuple[object, ...]:
    return (module.name, list(module.names), module.imports, module.open_reasons)


def test_modules_built_from_summaries_resolve_as_parsed_ones(tmp_path: Path) -> None:
    files = discover([FIXTURES], DEFAULT_EXCLUDES)
    parsed = RepoIndex.collect(files)
    cache = Cache.open(tmp_path / "c", [])
    writer = SummaryCache(cache, use=False)
    written = RepoIndex.collect(files, summaries=writer)
    writer.flush({m.stable_path for m in written.modules})
    lazy = RepoIndex.collect(files, summaries=SummaryCache(cache, use=True))
    assert not any(m.is_parsed for m in lazy.modules)  # resolution needs no statement
    assert [_module_state(m) for m in lazy.modules] == [_module_state(m) for m in parsed.modules]
    assert [_class_state(c) for c in lazy.classes] == [_class_state(c) for c in parsed.classes]
    for module in lazy.modules:  # parsed on demand: the same statements
        twin = next(m for m in parsed.modules if m.path == module.path)
        assert [type(n).__name__ for n in module.names.values()] == [type(n).__name__ for n in twin.names.values()]
        assert ast.dump(module.tree) == ast.dump(twin.tree)
        assert all(lazy.by_node[id(c.node)] is c for c in module.classes)


def test_a_summary_of_another_shape_is_not_trusted(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", PROJECT)
    cache_dir = tmp_path / "c"
    check_paths([project], config(cache_dir))
    cache = Cache.open(cache_dir, [])
    reader = SummaryCache(cache, use=True)
    assert reader._entries()
    # Intact on disk (its checksum holds), but not what a summary is: each module is parsed instead.
    broken = {path: (*entry[:3], ("not", "a", "summary")) for path, entry in reader._entries().items()}
    cache.put(SUMMARIES, reader.key, marshal.dumps(broken))
    changed = project / "app" / "use.py"
    result = check_paths([project], config(cache_dir), only=[changed])
    assert result.reported is not None and result.index is not None
    assert all(m.is_parsed for m in result.index.modules)
    assert result.findings == in_files(check_paths([project], config(None)).findings, result.reported)
    assert result.findings


def test_an_editor_buffer_leaves_the_files_summary_in_place(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", PROJECT)
    cache_dir = tmp_path / "c"
    check_paths([project], config(cache_dir))
    path = project / "app" / "use.py"
    before = SummaryCache(Cache.open(cache_dir, []), use=True)._entries()[str(path)]
    buffer = path.read_text() + "\nJob('c').unsaved_attribute\n"
    result = check_paths([project], config(cache_dir), overrides={path: buffer}, only=[path])
    assert any("unsaved_attribute" in f.message for f in result.findings)
    assert SummaryCache(Cache.open(cache_dir, []), use=True)._entries()[str(path)] == before


def test_a_rule_does_not_parse_subclasses_whose_findings_would_not_be_reported(tmp_path: Path) -> None:
    # OO207 judges a base's `self.handle(...)` against every subclass's override: in a hook run that
    # reports one subclass's file, the other subclasses' modules are neither reported nor parsed.
    files = {
        "handlers/__init__.py": "",
        "handlers/base.py": ("class Handler:\n    def run(self, event, context):\n"
                             "        return self.handle(event, context)\n\n"
                             "    def handle(self, event, context):\n        raise NotImplementedError\n"),
        "handlers/printer.py": ("from handlers.base import Handler\n\n\nclass PrintHandler(Handler):\n"
                                "    def handle(self, event):\n        print(event)\n"),
    }
    for number in range(10):
        files[f"handlers/other{number}.py"] = (f"from handlers.base import Handler\n\n\nclass Other{number}(Handler):\n"
                                               "    def handle(self, event, context=None):\n        return event\n")
    project = make_project(tmp_path / "p", files)
    full = check_paths([project], config(None)).findings
    assert [(Path(f.path).name, f.code) for f in full] == [("printer.py", "OO207")]
    cache = tmp_path / "c"
    check_paths([project], config(cache))
    for changed in (project / "handlers" / "printer.py", project / "handlers" / "base.py"):
        changed.write_text(changed.read_text() + "\n\ndef _added():\n    return 1\n")
        result = check_paths([project], config(cache), only=[changed])
        assert result.reported is not None and result.index is not None
        assert result.findings == in_files(full, result.reported)
        parsed = {m.path.name for m in result.index.modules if m.is_parsed}
        if changed.name == "printer.py":
            assert not [name for name in parsed if name.startswith("other")], sorted(parsed)
