"""The binding logic of `oocheck.analyzer.signatures` against CPython itself: every call is also made
for real, and the message oocheck predicts must be the one Python raises (or None when it binds)."""

from __future__ import annotations

import ast
import itertools
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oocheck.analyzer.index import RepoIndex
from oocheck.analyzer.model import ClassInfo
from oocheck.analyzer.signatures import CallShape, Signature, bind, bind_call
from oocheck.calls import constructor
from oocheck.discovery import discover

pytestmark = pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="messages are CPython 3.11's")

DEFS = [
    "def f(): pass",
    "def f(a): pass",
    "def f(a, b, c, d): pass",
    "def f(a, b=1): pass",
    "def f(a, b, /, c, d=1, *, k, m=2): pass",
    "def f(*, k): pass",
    "def f(a, *args, k=1, **kw): pass",
    "def f(a, /, **kw): pass",
    "def f(a, b, /): pass",
    "def f(self, x, y=2, *rest): pass",
    "def f(a=1, b=2, *, c): pass",
]
CALLS = [
    "f()", "f(1)", "f(1, 2)", "f(1, 2, 3)", "f(1, 2, 3, 4)", "f(1, 2, 3, 4, 5)", "f(1, 2, 3, k=1)",
    "f(1, 2, 3, k=1, z=2)", "f(1, 2, 3, c=3, k=1)", "f(1, b=2, c=3, k=1)", "f(a=1)", "f(1, a=1)", "f(k=1)",
    "f(1, 2, 3, 4, 5, k=1, m=3)", "f(x=1)", "f(1, y=2, x=3)", "f(b=1, a=2)", "f(z=1, a=2, b=3)",
    "f(1, 2, 3, 4, 5, 6, 7)", "f(c=1)", "f(1, 2, c=3)",
]


def run(source: str, namespace: dict[str, Any]) -> None:
    # dont_inherit: this module's `from __future__ import annotations` must not leak into the source.
    exec(compile(source, "<test>", "exec", dont_inherit=True), namespace)


def real_error(source: str, call: str) -> str | None:
    namespace: dict[str, Any] = {"__name__": "test_source"}
    run(source, namespace)
    try:
        eval(call, namespace)
    except TypeError as exc:
        return str(exc)
    return None


def parse_call(text: str) -> ast.Call:
    node = ast.parse(text, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


def parse_def(source: str) -> ast.FunctionDef:
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


@pytest.mark.parametrize(("source", "call"), list(itertools.product(DEFS, CALLS)))
def test_function_calls_match_cpython(source: str, call: str) -> None:
    expected = real_error(source, call)
    assert bind_call(parse_def(source).args, parse_call(call), "f") == expected


@pytest.mark.parametrize("call", ["c.m()", "c.m(1)", "c.m(1, 2)", "c.m(1, 2, 3)", "c.m(x=1)", "c.m(1, self=2)",
                                  "c.s()", "c.s(1, 2)", "C.s(1)", "c.k()", "c.k(1, 2)", "C.k(1, cls=2)",
                                  "C.m(c, 1)", "C.m(1)", "C.m()"])
def test_method_calls_match_cpython(call: str) -> None:
    source = ("class C:\n"
              "    def m(self, x, y=0): pass\n"
              "    @staticmethod\n"
              "    def s(a): pass\n"
              "    @classmethod\n"
              "    def k(cls, a): pass\n"
              "c = C()\n")
    defs = {d.name: d for d in ast.parse(source).body[0].body if isinstance(d, ast.FunctionDef)}  # type: ignore[attr-defined]
    node = parse_call(call)
    assert isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
    on_class = node.func.value.id == "C"
    name = node.func.attr
    bound = {"m": 0 if on_class else 1, "s": 0, "k": 1}[name]
    assert bind_call(defs[name].args, node, f"C.{name}", bound) == real_error(source, call)


def test_messages_quoted_as_cpython() -> None:
    """The exact wordings the rules promise, each checked against a real call."""
    cases = {
        ("def f(a, b, c): pass", "f()"): "f() missing 3 required positional arguments: 'a', 'b', and 'c'",
        ("def f(a, b): pass", "f()"): "f() missing 2 required positional arguments: 'a' and 'b'",
        ("def f(*, k): pass", "f()"): "f() missing 1 required keyword-only argument: 'k'",
        ("def f(a): pass", "f(1, a=2)"): "f() got multiple values for argument 'a'",
        ("def f(a): pass", "f(1, 2)"): "f() takes 1 positional argument but 2 were given",
        ("def f(): pass", "f(1)"): "f() takes 0 positional arguments but 1 was given",
    }
    for (source, call), message in cases.items():
        assert real_error(source, call) == message
        assert bind_call(parse_def(source).args, parse_call(call), "f") == message


# -- calls with *args / **kwargs: a reported error must happen whatever is unpacked ------------------

STAR_CALLS = ["f(*xs)", "f(1, *xs)", "f(*xs, k=1)", "f(**kw)", "f(1, **kw)", "f(1, 2, 3, 4, 5, *xs)",
              "f(*xs, z=1)", "f(1, *xs, a=1)", "f(*xs, **kw)", "f(1, 2, *xs, 3)"]
UNPACKED = [([], {}), ([1], {}), ([1, 2, 3], {}), ([], {"k": 1}), ([1, 2], {"c": 3, "k": 4}), ([], {"b": 1}),
            ([1, 2, 3, 4, 5, 6], {"z": 0})]


@pytest.mark.parametrize(("source", "call"), list(itertools.product(DEFS, STAR_CALLS)))
def test_unpacking_calls_only_report_certain_errors(source: str, call: str) -> None:
    error = bind(Signature.from_arguments(parse_def(source).args, "f"), CallShape.from_call(parse_call(call)))
    if error is None:
        return
    assert not error.exact
    for xs, kw in UNPACKED:
        namespace: dict[str, Any] = {"xs": xs, "kw": kw}
        run(source, namespace)
        with pytest.raises(TypeError):
            eval(call, namespace)


# -- random signatures and calls ------------------------------------------------------------------

@st.composite
def signatures(draw: st.DrawFn) -> str:
    names = iter(["a", "b", "c", "d", "e", "g", "h"])
    posonly = [next(names) for _ in range(draw(st.integers(0, 2)))]
    normal = [next(names) for _ in range(draw(st.integers(0, 3)))]
    kwonly = [next(names) for _ in range(draw(st.integers(0, 2)))]
    positional = posonly + normal
    defaults = draw(st.integers(0, len(positional)))
    parts = [p + ("=0" if i >= len(positional) - defaults else "") for i, p in enumerate(positional)]
    if posonly:
        parts.insert(len(posonly), "/")
    vararg = draw(st.booleans())
    if vararg:
        parts.append("*args")
    elif kwonly:
        parts.append("*")
    parts += [k + ("=0" if draw(st.booleans()) else "") for k in kwonly]
    if draw(st.booleans()):
        parts.append("**kwargs")
    return f"def f({', '.join(parts)}): pass"


@st.composite
def calls(draw: st.DrawFn) -> str:
    positional = [str(i) for i in range(draw(st.integers(0, 6)))]
    keywords = draw(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "g", "h", "z"]), max_size=4, unique=True))
    return f"f({', '.join(positional + [f'{k}=1' for k in keywords])})"


@settings(max_examples=400, deadline=None)
@given(signatures(), calls())
def test_random_calls_match_cpython(source: str, call: str) -> None:
    assert bind_call(parse_def(source).args, parse_call(call), "f") == real_error(source, call)


# -- generated constructors: dataclasses and named tuples ---------------------------------------------

GENERATED = '''
from dataclasses import KW_ONLY, dataclass, field
from typing import NamedTuple


@dataclass
class Item:
    name: str
    price: float = 0.0
    tags: list = field(default_factory=list)
    total: float = field(init=False, default=0.0)


@dataclass
class Discounted(Item):
    discount: float = 0.1
    _: KW_ONLY
    currency: str = "EUR"
    source: str = field(kw_only=False, default="shop")
    code: str


@dataclass(kw_only=True)
class Options:
    verbose: bool = False
    level: int


class Plain(Item):
    pass


class Point(NamedTuple):
    x: int
    y: int = 0


class Point3(Point):
    pass
'''

CONSTRUCTOR_CALLS = ["Item()", "Item('a')", "Item('a', 1, [], 2)", "Item('a', total=1)", "Item(name='a', price=2)",
                     "Discounted('a', code='c')", "Discounted('a')", "Discounted('a', 1, [], 0.2, 'x', code='c')",
                     "Discounted('a', 1, [], 0.2, code='c', name='b')", "Options(level=1)", "Options()",
                     "Options(True, 1)", "Plain()", "Plain('a', price=1)", "Point()", "Point(1)", "Point(1, 2, 3)",
                     "Point(y=1)", "Point3(x=1, z=2)", "Point3(1, x=1)"]


@pytest.fixture(scope="module")
def generated_index(tmp_path_factory: pytest.TempPathFactory) -> RepoIndex:
    folder: Path = tmp_path_factory.mktemp("generated")
    (folder / "models.py").write_text(GENERATED, encoding="utf-8")
    return RepoIndex.build(discover([folder], ()))


@pytest.mark.parametrize("call", CONSTRUCTOR_CALLS)
def test_generated_constructors_match_cpython(call: str, generated_index: RepoIndex) -> None:
    node = parse_call(call)
    assert isinstance(node.func, ast.Name)
    cls = next(c for c in generated_index.classes if c.name == node.func.id)
    assert isinstance(cls, ClassInfo)
    ctor = constructor(cls)
    assert ctor is not None, f"{cls.name}: constructor not resolved"
    predicted = None
    for sig in (ctor.new, ctor.init):
        error = bind(sig, CallShape.from_call(node)) if sig is not None else None
        if error is not None:
            predicted = error.message
            break
    assert predicted == real_error(GENERATED, call)
