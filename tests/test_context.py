"""`oocheck context`: for every bad class of the attribute and call fixtures, the context gives the
model what it got wrong — the right name, the abstract methods, the constructor's parameters.

What each check expects is read from oocheck's own finding on the case (its "Did you mean" hint, its
evidence, the names CPython's message quotes), not written per fixture.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fixturelib import REPO, Case, check_case, discover_cases, expected_marks, hint_of
from oocheck.context import ContextError, build_context
from oocheck.context.model import ClassContext, Context
from oocheck.context.render import estimate_tokens, to_json, to_markdown
from oocheck.diagnostics import Finding

MAPPED = ("OO101", "OO102", "OO104", "OO105", "OO106", "OO201", "OO202", "OO203", "OO204", "OO205")
CASES = [c for c in discover_cases(groups=("attribute", "call"))
         if any(code in MAPPED for (_, _, code) in expected_marks(c))]
_MISSING = re.compile(r"has no attribute '(?P<name>[^']+)'")
_BASES_HAVE = re.compile(r"\(the base classes have '(?P<name>[^']+)'\)")
_ABSTRACT = re.compile(r"Can't instantiate abstract class (?P<cls>\w+) with abstract methods? (?P<names>.+)$")
_CALLABLE = re.compile(r"^(?P<cls>\w+)\.(?P<method>\w+)\(\)")
_NO_ARGUMENTS = re.compile(r"^(?P<cls>\w+)\(\) takes no arguments")
_QUOTED = re.compile(r"'([^']+)'")


def _enclosing_class(path: Path, line: int) -> str | None:
    """The qualname of the innermost class whose statement spans `line` of `path`."""
    found: str | None = None

    def visit(node: ast.AST, prefix: str) -> None:
        nonlocal found
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                qualname = f"{prefix}{child.name}"
                if child.lineno <= line <= (child.end_lineno or child.lineno):
                    found = qualname
                visit(child, f"{qualname}.")
            elif not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, prefix)

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def _class_named(case: Case, finding: Finding, name: str) -> tuple[Path, str] | None:
    """The top-level class `name`, looked for in the finding's file first, then in the case's files."""
    sources = [Path(finding.path), *case.sources]
    for source in sources:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.ClassDef) and n.name == name for n in tree.body):
            return source, name
    return None


def _context(path: Path, qualname: str) -> tuple[ClassContext, str]:
    context = build_context(f"{path}:{qualname}")
    assert len(context.classes) == 1
    return context.classes[0], to_markdown(context)


def _names(cls: ClassContext) -> dict[str, object]:
    return {a.name: a for a in [*cls.attributes, *cls.methods, *cls.abstract]}


def _check(case: Case, finding: Finding) -> str | None:
    """Check the context of the finding's bad class; what was checked, or None when not mapped."""
    evidence = {e.note: e for e in finding.evidence}
    missing = _MISSING.search(finding.message)
    defined = next((e for note, e in evidence.items() if re.fullmatch(r"class \w+ is defined here", note)), None)
    if finding.code in ("OO101", "OO102", "OO104") and missing and defined:
        qualname = _enclosing_class(Path(defined.path), defined.line)
        assert qualname is not None
        cls, text = _context(Path(defined.path), qualname)
        wrong, right = missing.group("name"), hint_of(finding.message)
        if right is not None:
            assert right in _names(cls), f"{qualname}: the right name {right!r} is not in the context"
            assert f"`{right}" in text
            return f"{qualname}: {right}"
        listed = _names(cls).get(wrong)
        # The wrong name is either absent, or listed with why it fails (instance-only, unassigned, ...).
        if finding.code == "OO102":
            assert listed is not None and listed.level == "instance", f"{qualname}.{wrong} not instance-level"
        elif listed is not None:
            assert listed.note, f"{qualname}.{wrong} is listed as available without a note"
        else:
            assert f"`{wrong}`" not in text and f"`{wrong}:" not in text
        return f"{qualname}: not {wrong}"
    if finding.code == "OO105" and (have := _BASES_HAVE.search(finding.message)):
        qualname = _enclosing_class(Path(finding.path), finding.line)
        assert qualname is not None
        cls, text = _context(Path(finding.path), qualname)
        right = have.group("name")
        assert right in {m.name for m in cls.methods}, f"{qualname}: base method {right!r} missing"
        assert f"`{right}(" in text
        return f"{qualname}: {right}"
    if finding.code == "OO106" and missing:
        init = next(e for note, e in evidence.items() if note.endswith(".__init__ is defined here"))
        qualname = _enclosing_class(Path(init.path), init.line)
        assert qualname is not None
        cls, text = _context(Path(init.path), qualname)
        attribute = _names(cls).get(missing.group("name"))
        assert attribute is not None and attribute.note and "does not run" in attribute.note
        assert "does not call super().__init__()" in text
        return f"{qualname}: {attribute.name} (not set)"
    if finding.code == "OO201" and (abstract := _ABSTRACT.search(finding.message)):
        located = _class_named(case, finding, abstract.group("cls"))
        assert located is not None
        cls, text = _context(*located)
        wanted = [n.strip() for n in re.split(r",| and ", abstract.group("names")) if n.strip()]
        assert {a.name for a in cls.abstract if a.abstract} == set(wanted)
        must = text.split("# Must implement", 1)[1].split("\n#", 1)[0]
        assert all(re.search(rf"\b{re.escape(n)}\b", must) for n in wanted)
        return f"{abstract.group('cls')}: {', '.join(wanted)}"
    if finding.code == "OO202" and (bare := _NO_ARGUMENTS.search(finding.message)):
        located = _class_named(case, finding, bare.group("cls"))
        assert located is not None
        cls, text = _context(*located)
        assert cls.constructor.call == f"{bare.group('cls')}()" and f"`{cls.constructor.call}`" in text
        return f"{cls.constructor.call}"
    if finding.code in ("OO202", "OO203", "OO204", "OO205") and (call := _CALLABLE.search(finding.message)):
        located = _class_named(case, finding, call.group("cls"))
        if located is None:
            return None
        cls, text = _context(*located)
        quoted = _QUOTED.findall(finding.message.split("()", 1)[1])
        if call.group("method") in ("__init__", "__new__"):
            signature = cls.constructor.call
            assert signature is not None and f"`{signature}`" in text
        else:
            method = _names(cls).get(call.group("method"))
            assert method is not None and method.signature is not None
            signature = method.signature
        for name in quoted:
            present = re.search(rf"\b{re.escape(name)}\b", signature) is not None
            assert present is (finding.code != "OO204"), f"{signature}: {name!r}"
        return f"{call.group('cls')}.{call.group('method')}{signature}"
    return None


@pytest.mark.parametrize("case", CASES, ids=str)
def test_context_names_what_the_bad_class_gets_wrong(case: Case) -> None:
    findings = [f for f in check_case(case, mypy=False).findings if f.code in MAPPED]
    checked = [c for f in findings if (c := _check(case, f)) is not None]
    assert checked, f"no finding of {case} could be mapped to a class: {[f.message for f in findings]}"


def test_attribute_places_types_and_owners(tmp_path: Path) -> None:
    (tmp_path / "shapes.py").write_text(
        "class Shape:\n"
        "    sides: int = 0\n"
        "    def __init__(self, name: str) -> None:\n"
        "        self.name = name\n"
        "        self.tags = []\n"
        "    @property\n"
        "    def label(self) -> str:\n"
        "        return self.name\n"
        "    def area(self) -> float:\n"
        "        raise NotImplementedError\n\n"
        "class Square(Shape):\n"
        "    def __init__(self, side: float) -> None:\n"
        "        super().__init__('square')\n"
        "        self.side = side\n"
        "    def area(self) -> float:\n"
        "        return self.side ** 2\n",
        encoding="utf-8")
    (tmp_path / "use.py").write_text("from shapes import Square\n\nclass Big(Square):\n    pass\n", encoding="utf-8")
    context = build_context(f"{tmp_path / 'shapes.py'}:Square")
    cls = context.classes[0]
    attributes = {a.name: a for a in cls.attributes}
    assert (attributes["name"].type, attributes["name"].owner, attributes["name"].inherited) == ("str", "shapes:Shape",
                                                                                                 True)
    assert attributes["name"].bound_at[0].line == 4 and attributes["name"].bound_in == ["__init__"]
    assert (attributes["side"].type, attributes["side"].inherited) == ("float", False)
    assert (attributes["sides"].level, attributes["sides"].type) == ("class", "int")
    assert attributes["tags"].type == "list" and attributes["label"].kind == "property"
    assert attributes["label"].type == "str"
    area = next(m for m in cls.methods if m.name == "area")
    assert cls.abstract == []  # Square implements the stub
    (tmp_path / "circle.py").write_text("from shapes import Shape\n\nclass Circle(Shape):\n    pass\n",
                                        encoding="utf-8")
    circle = build_context(f"{tmp_path / 'circle.py'}:Circle")
    assert [(a.name, a.abstract, a.note) for a in circle.classes[0].abstract] == [
        ("area", False, "Shape.area raises NotImplementedError")]
    assert "- `area(self) -> float` — raises NotImplementedError in `Shape`" in to_markdown(circle)
    assert area.overrides == "Shape.area(self) -> float" and not area.inherited
    assert [s.name for s in cls.subclasses] == ["use:Big"]
    assert cls.mro_classes == ["shapes:Square", "shapes:Shape", "object"]
    assert cls.constructor.call == "Square(side: float)"
    assert [i.module for i in context.importable] == ["use"]


def test_constructors_of_used_classes_and_importable_names(tmp_path: Path) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("from app.models import User\n", encoding="utf-8")
    (package / "models.py").write_text(
        "class User:\n    def __init__(self, name, email=None):\n        self.name = name\n\n"
        "def load(): ...\n", encoding="utf-8")
    (package / "service.py").write_text(
        "from app.models import User\n\nclass Service:\n    owner: User\n"
        "    def make(self) -> User:\n        return User('x')\n", encoding="utf-8")
    context = build_context("app.service:Service", root=str(tmp_path))
    uses = context.classes[0].uses
    assert [(u.cls.name, u.call) for u in uses] == [("app.models:User", "User(name, email=None)")]
    importable = {i.module: i for i in context.importable}
    assert importable["app.models"].classes == ["User"] and importable["app.models"].functions == ["load"]
    assert importable["app"].other == ["User"]  # a package's re-export
    new = build_context(str(package / "billing.py"))
    assert new.kind == "new-file" and {c.name for c in new.neighbours} == {"app.models:User", "app.service:Service"}


def test_enums_exceptions_and_reexported_classes(tmp_path: Path) -> None:
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("from .errors import OutOfStock\n", encoding="utf-8")
    (package / "errors.py").write_text(
        "import enum\n\nclass Level(enum.Enum):\n    LOW = 1\n    HIGH = 2\n\n"
        "class OutOfStock(Exception):\n    level = Level.HIGH\n", encoding="utf-8")
    context = build_context("shop:OutOfStock", root=str(tmp_path))
    cls = context.classes[0]
    assert cls.name == "shop.errors:OutOfStock" and cls.constructor.call == "OutOfStock(*args)"
    assert any("with_traceback" in e.names for e in cls.external)
    level = build_context("shop.errors:Level", root=str(tmp_path)).classes[0]
    assert {(a.name, a.kind, a.type) for a in level.attributes} == {("LOW", "enum member", "Level"),
                                                                    ("HIGH", "enum member", "Level")}
    assert level.constructor.call == "Level(value)"


def test_unknown_targets_say_what_exists(tmp_path: Path) -> None:
    (tmp_path / "shapes.py").write_text("class Square:\n    pass\n", encoding="utf-8")
    with pytest.raises(ContextError, match=r"no class 'Sqare'\. Did you mean: 'Square'"):
        build_context(f"{tmp_path / 'shapes.py'}:Sqare")
    with pytest.raises(ContextError, match=r"no module 'shapse'.*Did you mean: 'shapes'"):
        build_context("shapse:Square", root=str(tmp_path))
    with pytest.raises(ContextError, match="no such file"):
        build_context(f"{tmp_path / 'gone.py'}:Square")
    (tmp_path / "broken.py").write_text("class Half(:\n", encoding="utf-8")
    with pytest.raises(ContextError, match="cannot be read"):
        build_context(f"{tmp_path / 'broken.py'}:Half")
    # A module being written may not parse yet: its package is described instead.
    assert build_context(str(tmp_path / "broken.py")).kind == "new-file"


def test_max_tokens_drops_the_least_useful_sections_and_says_so() -> None:
    context = build_context(str(REPO / "fixtures/call/oo201_abstract_methods_listed.py") + ":Square")
    full = to_markdown(context)
    small = to_markdown(context, max_tokens=120)
    assert estimate_tokens(small) < estimate_tokens(full)
    assert "Left out to fit --max-tokens 120" in small and "importable modules" in small
    assert "from_dict" in small and "geojson" in small  # what it must implement is never dropped
    assert to_markdown(context) == full  # stable
    tiny = to_markdown(context, max_tokens=10)
    assert "over --max-tokens 10" in tiny and "from_dict" in tiny


def test_json_is_the_documented_schema() -> None:
    context = build_context(str(REPO / "examples/transport/transport.py"))
    data = json.loads(to_json(context))
    assert data["schema"] == 1 and data["kind"] == "module"
    assert set(data) == set(Context.__dataclass_fields__)
    assert [c["name"] for c in data["classes"]] == ["transport:TransportError", "transport:Transport",
                                                    "transport:HttpTransport"]


def test_cli_exit_codes() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "oocheck", "context", *args], cwd=REPO / "examples/transport",
                              capture_output=True, text=True, timeout=60)

    ok = run("transport:HttpTransport")
    assert ok.returncode == 0 and "## class `transport:HttpTransport`" in ok.stdout
    unknown = run("transport:HttpTransprt")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.strip().splitlines() == [
        "oocheck: module 'transport' has no class 'HttpTransprt'. Did you mean: 'HttpTransport'?"]
    assert run("transport", "--format", "yaml").returncode == 2


_RUNTIME_NAMES = r"""
import contextlib, io, json, sys
result = {}
for path in sys.argv[1:]:
    namespace = {"__name__": "fixture_under_test"}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            exec(compile(open(path, encoding="utf-8").read(), path, "exec"), namespace)
        except BaseException:
            pass  # a bad fixture raises where it is bad; the classes above that line exist
    classes = {}
    for value in list(namespace.values()):
        if isinstance(value, type) and value.__module__ == "fixture_under_test":
            names = set()
            for klass in value.__mro__:
                if klass.__module__ == "fixture_under_test":
                    names |= {n for n in vars(klass) if not n.startswith("_")}
            classes[value.__qualname__] = sorted(names)
    result[path] = classes
print(json.dumps(result))
"""


def test_every_public_class_level_name_python_sees_is_in_the_context() -> None:
    """Run the one-file fixtures; every public name in the `vars()` of their classes (and of the repo
    classes of their MRO) must be in the context, unless the context says it is incomplete."""
    paths = [c.path for c in discover_cases(groups=("attribute", "call")) if c.path.is_file()]
    proc = subprocess.run([sys.executable, "-c", _RUNTIME_NAMES, *map(str, paths)], capture_output=True,
                          text=True, timeout=120, cwd=REPO)
    runtime: dict[str, dict[str, list[str]]] = json.loads(proc.stdout)
    compared = 0
    for path, classes in runtime.items():
        context = build_context(path)
        described = {c.name.split(":", 1)[1]: c for c in context.classes}
        for qualname, names in classes.items():
            cls = described.get(qualname)
            if cls is None or cls.open_reasons:
                continue
            missing = set(names) - set(_names(cls))
            assert not missing, f"{path}:{qualname}: {sorted(missing)} exist at runtime but not in the context"
            compared += 1
    assert compared >= 50, compared
