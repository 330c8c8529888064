"""Random small programs of classes and their uses, for the soundness test (hypothesis strategies).

A program is a few classes — bases (0-3, a consistent MRO), abstract ones under `abc.ABC`,
dataclasses, `__slots__`, class attributes, properties, static and class methods, `__getattr__`,
`setattr` with a literal or a computed name, attributes bound in `__init__`, in other methods and in
subclasses, methods with every kind of parameter, overrides, `super()` calls — followed by uses:
instantiations with right and wrong arguments, attribute reads (right, misspelt, bound only in a
sibling), method calls with right and wrong arity and keywords, reads on the class object.

Every statement is on its own line, so a line identifies what raised. Each top-level use is one
self-contained statement, and each `def test_...():` builds its own objects: the runner
(`soundness_runner.py`) executes top-level statements one by one and calls each test function on
its own, so every use runs whatever the uses before it did. Nothing here knows what oocheck
reports; what raises is learnt by running the program.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

ATTRIBUTES = ("name", "size", "label", "items", "mode")
METHODS = ("run", "describe", "reset", "compute")
PARAMETERS = ("x", "y", "key", "data", "flag")
CLASS_NAMES = ("Alpha", "Beta", "Gamma", "Delta")
LITERALS = ("1", "'text'", "None", "[1, 2]", "2.5")
# What a parameter is used as in a body, and the literal that suits it.
PARAM_TYPES = {"int": "3", "str": "'abc'", "list": "[4, 5]", "any": "0"}


def misspell(name: str, how: int) -> str:
    """A near miss of `name`: a dropped, doubled or swapped letter (may hit another real name)."""
    if len(name) < 3:
        return name + "s"
    mode = how % 3
    if mode == 0:
        return name[:-1]
    if mode == 1:
        return name + name[-1]
    return name[0] + name[2] + name[1] + name[3:]


# -- signatures ----------------------------------------------------------------------------------

@dataclass
class Param:
    name: str
    kind: str  # pos, pos_default, varargs, kwonly, kwonly_default, varkw
    type: str = "any"

    def render(self) -> str:
        default = f"={LITERALS[0] if self.type in ('int', 'any') else PARAM_TYPES[self.type]}"
        return {"pos": self.name, "pos_default": self.name + default, "varargs": "*" + self.name,
                "kwonly": self.name, "kwonly_default": self.name + default, "varkw": "**" + self.name}[self.kind]


@dataclass
class Signature:
    params: list[Param] = field(default_factory=list)

    def render(self, first: str | None) -> str:
        parts = [first] if first else []
        star_done = False
        for param in self.params:
            if param.kind in ("kwonly", "kwonly_default") and not star_done:
                if not any(p.kind == "varargs" for p in self.params):
                    parts.append("*")
                star_done = True
            if param.kind == "varargs":
                star_done = True
            parts.append(param.render())
        return ", ".join(parts)

    def valid_parts(self) -> list[str]:
        """Arguments that bind: every required parameter, positionally or by keyword."""
        parts = [PARAM_TYPES[p.type] for p in self.params if p.kind == "pos"]
        return parts + [f"{p.name}={PARAM_TYPES[p.type]}" for p in self.params if p.kind == "kwonly"]

    def valid_arguments(self) -> str:
        return ", ".join(self.valid_parts())

    def usable(self, kinds: tuple[str, ...] = ("pos", "pos_default", "kwonly", "kwonly_default")) -> list[Param]:
        return [p for p in self.params if p.kind in kinds]


KIND_ORDER = ("pos", "pos_default", "varargs", "kwonly", "kwonly_default", "varkw")


@st.composite
def signatures(draw: st.DrawFn, max_params: int = 4) -> Signature:
    names = draw(st.lists(st.sampled_from(PARAMETERS), max_size=max_params, unique=True))
    kinds = [draw(st.sampled_from(KIND_ORDER)) for _ in names]
    # One *args and one **kwargs at most; order parameters as Python requires.
    seen: set[str] = set()
    params = []
    for name, kind in sorted(zip(names, kinds, strict=True), key=lambda nk: KIND_ORDER.index(nk[1])):
        if kind in ("varargs", "varkw") and kind in seen:
            kind = "kwonly_default"
        seen.add(kind)
        params.append(Param(name, kind, draw(st.sampled_from(tuple(PARAM_TYPES)))))
    params.sort(key=lambda p: KIND_ORDER.index(p.kind))
    return Signature(params)


@st.composite
def arguments(draw: st.DrawFn, signature: Signature) -> str:
    """Arguments for a call: usually the valid ones, often with one thing wrong."""
    mode = draw(st.sampled_from(("valid", "valid", "extra_positional", "drop", "bad_keyword", "twice", "random")))
    if mode == "valid":
        return signature.valid_arguments()
    parts = signature.valid_parts()
    if mode == "extra_positional":
        positional = [p for p in parts if "=" not in p]
        return ", ".join([*positional, draw(st.sampled_from(LITERALS)), *(p for p in parts if "=" in p)])
    if mode == "drop" and parts:
        index = draw(st.integers(0, len(parts) - 1))
        return ", ".join(parts[:index] + parts[index + 1:])
    if mode == "bad_keyword":
        # A keyword given twice does not compile: the program would not run at all.
        given = {p.split("=")[0] for p in parts if "=" in p}
        name = draw(st.sampled_from([n for n in (*PARAMETERS, "z", "misc") if n not in given]))
        return ", ".join([*parts, f"{name}={draw(st.sampled_from(LITERALS))}"])
    if mode == "twice" and signature.usable(("pos", "pos_default")):
        param = signature.usable(("pos", "pos_default"))[0]
        return ", ".join([*parts, f"{param.name}=1"]) if parts else f"1, {param.name}=2"
    count = draw(st.integers(0, 3))
    return ", ".join(draw(st.sampled_from(LITERALS)) for _ in range(count))


# -- classes -------------------------------------------------------------------------------------

@dataclass
class Method:
    name: str
    kind: str  # instance, static, class, property, abstract
    signature: Signature
    body: list[str]

    def render(self) -> list[str]:
        decorator = {"static": ["@staticmethod"], "class": ["@classmethod"], "property": ["@property"],
                     "abstract": ["@abc.abstractmethod"]}.get(self.kind, [])
        first = {"static": None, "class": "cls"}.get(self.kind, "self")
        signature = Signature() if self.kind == "property" else self.signature
        return [*decorator, f"def {self.name}({signature.render(first)}):", *("    " + s for s in self.body)]


@dataclass
class ClassSpec:
    name: str
    bases: list[str]
    abc_base: bool = False
    is_dataclass: bool = False
    fields: list[tuple[str, bool]] = field(default_factory=list)  # dataclass fields: (name, has default)
    slots: list[str] | None = None
    class_attributes: list[str] = field(default_factory=list)
    init: Method | None = None
    methods: list[Method] = field(default_factory=list)
    getattr_hook: bool = False

    def render(self) -> list[str]:
        bases = [*self.bases, *(["abc.ABC"] if self.abc_base else [])]
        head = f"class {self.name}({', '.join(bases)}):" if bases else f"class {self.name}:"
        body: list[str] = []
        if self.slots is not None:
            body.append(f"__slots__ = ({''.join(repr(s) + ', ' for s in self.slots)})")
        body += [f"{a} = {LITERALS[i % len(LITERALS)]}" for i, a in enumerate(self.class_attributes)]
        body += [f"{n}: int = 0" if default else f"{n}: int" for n, default in self.fields]
        for method in ([self.init] if self.init else []) + self.methods:
            body += ["", *method.render()]
        if self.getattr_hook:
            body += ["", "def __getattr__(self, attribute):",
                     "    if attribute.startswith('dyn_'):", "        return 0",
                     "    raise AttributeError(attribute)"]
        while body and not body[0]:
            body.pop(0)
        lines = ["@dataclasses.dataclass"] if self.is_dataclass else []
        return [*lines, head, *("    " + b if b else "" for b in (body or ["pass"]))]


@dataclass
class Use:
    statements: list[str]
    # A top-level statement (one only), or the body of its own `def test_use_N():`.
    in_function: bool = True


@dataclass
class Program:
    classes: list[ClassSpec]
    uses: list[Use]

    def source(self) -> str:
        lines = ["import abc", "import dataclasses", ""]
        for spec in self.classes:
            lines += ["", *spec.render(), ""]
        lines.append("")
        for number, use in enumerate(self.uses):
            if use.in_function:
                lines += ["", f"def test_use_{number}():", *("    " + s for s in use.statements), ""]
            else:
                lines += use.statements
        return "\n".join(lines) + "\n"


def _mro(name: str, classes: dict[str, ClassSpec]) -> list[str] | None:
    """C3 linearisation over the generated classes (`ABC` and `object` included), or None."""
    def linear(cls: str) -> list[str] | None:
        if cls == "object":
            return ["object"]
        if cls == "ABC":
            return ["ABC", "object"]
        spec = classes[cls]
        bases = [*spec.bases, *(["ABC"] if spec.abc_base else [])] or ["object"]
        sequences = []
        for base in bases:
            seq = linear(base)
            if seq is None:
                return None
            sequences.append(seq)
        sequences.append(list(bases))
        result = [cls]
        while any(sequences):
            for seq in sequences:
                if seq and not any(seq[0] in other[1:] for other in sequences):
                    head = seq[0]
                    break
            else:
                return None
            result.append(head)
            sequences = [s[1:] if s and s[0] == head else s for s in sequences]
        return result
    return linear(name)


class Model:
    """What the generator knows of the classes it made: enough to build instances and name members."""

    def __init__(self, classes: list[ClassSpec]) -> None:
        self.classes = {c.name: c for c in classes}
        self.order = [c.name for c in classes]

    def mro(self, name: str) -> list[ClassSpec]:
        return [self.classes[n] for n in (_mro(name, self.classes) or []) if n in self.classes]

    def constructor(self, name: str) -> Signature:
        """The signature `name(...)` binds against (own or inherited `__init__`, or the dataclass one)."""
        for spec in self.mro(name):
            if spec.is_dataclass:
                fields: dict[str, bool] = {}
                for base in reversed(self.mro(spec.name)):
                    if base.is_dataclass:
                        fields.update(dict(base.fields))
                return Signature([Param(n, "pos_default" if d else "pos", "int") for n, d in fields.items()])
            if spec.init is not None:
                return spec.init.signature
        return Signature()

    def method(self, cls: str, name: str) -> Method | None:
        for spec in self.mro(cls):
            for method in spec.methods:
                if method.name == name:
                    return method
        return None

    def abstract(self, name: str) -> bool:
        uses_abc = any(spec.abc_base for spec in self.mro(name))
        return uses_abc and any(self.method(name, m) is not None and self.method(name, m).kind == "abstract"
                                for m in METHODS)

    def instantiable(self) -> list[str]:
        return [n for n in self.order if not self.abstract(n)]


@st.composite
def _body(draw: st.DrawFn, signature: Signature, allow_super: bool, method: str) -> list[str]:
    """One to three one-line statements: bind, read, call, operate on a parameter, super().

    A method calls only methods named after it in METHODS (`__init__` any), so calls never recurse."""
    statements: list[str] = []
    in_init = method == "__init__"
    callable_methods = METHODS if in_init else METHODS[METHODS.index(method) + 1:]
    params = signature.usable()
    kinds = ["bind", "read", "call", "param_op", "setattr"] + (["super"] if allow_super else [])
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(kinds))
        attribute = draw(st.sampled_from(ATTRIBUTES))
        if kind == "bind":
            value = params[0].name if params and draw(st.booleans()) else draw(st.sampled_from(LITERALS))
            statements.append(f"self.{attribute} = {value}")
        elif kind == "read":
            target = attribute if draw(st.integers(0, 3)) else misspell(attribute, draw(st.integers(0, 2)))
            statements.append(f"value = self.{target}")
        elif kind == "call" and callable_methods:
            method = draw(st.sampled_from(callable_methods))
            statements.append(f"value = self.{method}({draw(st.sampled_from(('', '1', 'x=1', '1, 2')))})")
        elif kind == "param_op" and params:
            param = draw(st.sampled_from([p.name for p in params]))
            op = draw(st.sampled_from(("{} + 1", "len({})", "list({})", "{}.upper()", "{}[0]")))
            statements.append("value = " + op.format(param))
        elif kind == "setattr":
            if params and draw(st.integers(0, 3)) == 0:
                statements.append(f"setattr(self, str({params[0].name}), 1)")
            else:
                statements.append(f"setattr(self, {attribute!r}, 2)")
        elif kind == "super":
            statements.append(f"super().{method}({draw(st.sampled_from(('', '1', 'x=1', '1, 2')))})")
    return statements or ["pass"]


def _dataclass_fields(name: str, classes: dict[str, ClassSpec]) -> list[tuple[str, bool]]:
    """The fields a dataclass `name` gets: its dataclass ancestors' (base first), then its own."""
    fields: dict[str, bool] = {}
    for base in reversed(_mro(name, classes) or []):
        if base in classes and classes[base].is_dataclass:
            fields.update(dict(classes[base].fields))
    return list(fields.items())


def _fields_in_order(fields: list[tuple[str, bool]]) -> bool:
    """No required field after one with a default (else defining the dataclass raises TypeError)."""
    defaults = [default for _, default in fields]
    return defaults == sorted(defaults)


@st.composite
def class_specs(draw: st.DrawFn) -> list[ClassSpec]:
    count = draw(st.integers(1, 4))
    classes: dict[str, ClassSpec] = {}
    for index in range(count):
        name = CLASS_NAMES[index]
        bases = draw(st.lists(st.sampled_from(list(classes)), max_size=3, unique=True)) if classes else []
        spec = ClassSpec(name, bases)
        classes[name] = spec
        if _mro(name, classes) is None:
            spec.bases = bases[:1]
        ancestors = (_mro(name, classes) or [])[1:]
        spec.abc_base = draw(st.integers(0, 3)) == 0 and "ABC" not in ancestors
        style = draw(st.sampled_from(("plain", "plain", "plain", "dataclass", "slots")))
        if style == "dataclass":
            spec.is_dataclass = True
            own = draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=3, unique=True))
            spec.fields = [(f, i >= len(own) // 2) for i, f in enumerate(own)]
            if not _fields_in_order(_dataclass_fields(name, classes)):
                spec.fields = [(f, True) for f in own]
            if not _fields_in_order(_dataclass_fields(name, classes)):
                spec.is_dataclass, spec.fields = False, []
        elif style == "slots" and len(spec.bases) <= 1 and not any(
                classes[a].slots for a in ancestors if a in classes):
            spec.slots = draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=3, unique=True))
        taken = {*(spec.slots or []), *(f for f, _ in spec.fields)}
        spec.class_attributes = [a for a in draw(st.lists(st.sampled_from(ATTRIBUTES[2:]), max_size=1))
                                 if a not in taken]
        if not spec.is_dataclass and draw(st.booleans()):
            signature = draw(signatures())
            spec.init = Method("__init__", "instance", signature,
                               draw(_body(signature, bool(spec.bases), "__init__")))
        for method_name in draw(st.lists(st.sampled_from(METHODS), max_size=3, unique=True)):
            spec.methods.append(draw(_method(method_name, bool(spec.bases))))
        spec.getattr_hook = draw(st.integers(0, 7)) == 0
    return list(classes.values())


@st.composite
def _method(draw: st.DrawFn, name: str, has_bases: bool) -> Method:
    kind = draw(st.sampled_from(("instance", "instance", "instance", "static", "class", "property", "abstract")))
    signature = Signature() if kind == "property" else draw(signatures(3))
    if kind == "abstract":
        return Method(name, kind, signature, ["..."])
    if kind in ("static", "class"):
        return Method(name, kind, signature, ["return 0"])
    body = draw(_body(signature, has_bases, name))
    return Method(name, kind, signature, [*body, "return value" if any(
        s.startswith("value") for s in body) else "return None"])


@st.composite
def _use(draw: st.DrawFn, model: Model) -> list[str]:
    names = model.order
    instantiable = model.instantiable()
    kind = draw(st.sampled_from(("instantiate", "read", "call", "class_read", "class_call", "sequence",
                                 "sequence")))
    cls = draw(st.sampled_from(names))
    attribute = draw(st.sampled_from(ATTRIBUTES + METHODS))
    if draw(st.integers(0, 2)) == 0:
        attribute = misspell(attribute, draw(st.integers(0, 2)))
    if kind == "instantiate":
        return [f"{cls}({draw(arguments(model.constructor(cls)))})"]
    if kind == "class_read":
        return [f"value = {cls}.{attribute}"]
    if kind == "class_call":  # a static or class method, or an instance method called unbound
        return [f"value = {cls}.{draw(_call(model, cls))}"]
    if not instantiable:
        return [f"{cls}({model.constructor(cls).valid_arguments()})"]
    cls = draw(st.sampled_from(instantiable))
    make = f"{cls}({model.constructor(cls).valid_arguments()})"
    if kind == "read":
        return [f"value = {make}.{attribute}"]
    if kind == "call":
        return [f"{make}.{draw(_call(model, cls))}"]
    # Set-up steps that change the object (and seldom fail), then one probe: a probe that raises
    # ends the function, so it comes last and every line before it runs.
    statements = [f"obj = {make}"]
    for _ in range(draw(st.integers(0, 2))):
        step = draw(st.sampled_from(("call", "assign", "setattr")))
        attribute = draw(st.sampled_from(ATTRIBUTES))
        if step == "call":
            method = model.method(cls, draw(st.sampled_from(METHODS)))
            if method is not None and method.kind not in ("property", "abstract"):
                statements.append(f"obj.{method.name}({method.signature.valid_arguments()})")
        elif step == "assign":
            statements.append(f"obj.{attribute} = 1")
        else:
            statements.append(f"setattr(obj, {attribute!r}, 1)")
    attribute = draw(st.sampled_from(ATTRIBUTES))
    if draw(st.integers(0, 2)) == 0:
        attribute = misspell(attribute, draw(st.integers(0, 2)))
    if draw(st.booleans()):
        statements.append(f"value = obj.{attribute}")
    else:
        statements.append(f"value = obj.{draw(_call(model, cls))}")
    return statements


@st.composite
def _call(draw: st.DrawFn, model: Model, cls: str) -> str:
    """`method(arguments)` for a method of `cls` (or a misspelt one)."""
    name = draw(st.sampled_from(METHODS))
    if draw(st.integers(0, 4)) == 0:
        name = misspell(name, draw(st.integers(0, 2)))
    method = model.method(cls, name)
    signature = method.signature if method is not None and method.kind != "property" else Signature()
    return f"{name}({draw(arguments(signature))})"


def _exercise(model: Model) -> list[list[str]]:
    """One valid call of every method of every class, on an instance of it or of a subclass, so the
    lines of every body run."""
    uses = []
    for name in model.order:
        owners = [n for n in model.instantiable() if name in [s.name for s in model.mro(n)]]
        if not owners:
            continue
        owner = owners[0]
        make = f"{owner}({model.constructor(owner).valid_arguments()})"
        for method in model.classes[name].methods:
            if method.kind == "property":
                uses.append([f"obj = {make}", f"value = obj.{method.name}"])
            elif method.kind != "abstract":
                uses.append([f"obj = {make}", f"value = obj.{method.name}({method.signature.valid_arguments()})"])
        uses.append([f"obj = {make}"])
    return uses


@st.composite
def programs(draw: st.DrawFn) -> Program:
    classes = draw(class_specs())
    model = Model(classes)
    uses = []
    for statements in draw(st.lists(_use(model), min_size=1, max_size=6)):
        # One statement may run at module level; a sequence sharing `obj` needs its own function.
        uses.append(Use(statements, in_function=len(statements) > 1 or draw(st.booleans())))
    return Program(classes, [*uses, *(Use(s) for s in _exercise(model))])
