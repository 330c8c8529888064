"""Signatures of Python callables and binding a call to one, as CPython does.

Pure: a `Signature` is built from an `ast.arguments` (or from generated parameters, for dataclasses and
named tuples) and a `CallShape` from an `ast.Call`; `bind` returns the `TypeError` CPython raises when
the call cannot bind, with CPython's own message, or None when the call binds. The order of the checks
and the text of each message follow `initialize_locals` in CPython 3.11 (`Python/ceval.c`): keywords
first, then too many positional arguments, then missing positional, then missing keyword-only ones.

A call with `*iterable` or `**mapping` cannot be bound exactly. `bind` then reports only what fails
whatever the unpacked values are (`BindError.exact` is False: the exception is certain, the message may
differ).
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class ParamKind(enum.Enum):
    POSITIONAL_ONLY = "positional-only"
    POSITIONAL_OR_KEYWORD = "positional or keyword"
    VAR_POSITIONAL = "*args"
    KEYWORD_ONLY = "keyword-only"
    VAR_KEYWORD = "**kwargs"


@dataclass(frozen=True)
class Param:
    name: str
    kind: ParamKind
    has_default: bool = False


@dataclass(frozen=True)
class Signature:
    """What a callable accepts. `qualname` is the function's `__qualname__`, which CPython puts in
    its messages; `bound` counts the leading parameters filled before the call's own arguments (the
    instance of a bound method, the class of a classmethod or of `__new__`)."""

    qualname: str
    params: tuple[Param, ...]
    bound: int = 0

    @classmethod
    def from_arguments(cls, args: ast.arguments, qualname: str, bound: int = 0) -> Signature:
        positional = [*args.posonlyargs, *args.args]
        first_default = len(positional) - len(args.defaults)
        params: list[Param] = []
        for i, arg in enumerate(positional):
            kind = ParamKind.POSITIONAL_ONLY if i < len(args.posonlyargs) else ParamKind.POSITIONAL_OR_KEYWORD
            params.append(Param(arg.arg, kind, i >= first_default))
        if args.vararg is not None:
            params.append(Param(args.vararg.arg, ParamKind.VAR_POSITIONAL))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=False):
            params.append(Param(arg.arg, ParamKind.KEYWORD_ONLY, default is not None))
        if args.kwarg is not None:
            params.append(Param(args.kwarg.arg, ParamKind.VAR_KEYWORD))
        return cls(qualname, tuple(params), bound)

    def with_bound(self, bound: int) -> Signature:
        return Signature(self.qualname, self.params, bound)

    @property
    def positional(self) -> list[Param]:
        return [p for p in self.params if p.kind in (ParamKind.POSITIONAL_ONLY, ParamKind.POSITIONAL_OR_KEYWORD)]

    @property
    def keyword_only(self) -> list[Param]:
        return [p for p in self.params if p.kind is ParamKind.KEYWORD_ONLY]

    @property
    def has_varargs(self) -> bool:
        return any(p.kind is ParamKind.VAR_POSITIONAL for p in self.params)

    @property
    def has_varkw(self) -> bool:
        return any(p.kind is ParamKind.VAR_KEYWORD for p in self.params)

    def render(self) -> str:
        """`(self, a, b=..., *, k)`, for evidence notes."""
        parts: list[str] = []
        star_done = False
        for i, p in enumerate(self.params):
            if p.kind is ParamKind.KEYWORD_ONLY and not star_done:
                parts.append("*")
                star_done = True
            if p.kind is ParamKind.VAR_POSITIONAL:
                parts.append(f"*{p.name}")
                star_done = True
            elif p.kind is ParamKind.VAR_KEYWORD:
                parts.append(f"**{p.name}")
            else:
                parts.append(f"{p.name}=..." if p.has_default else p.name)
            following = self.params[i + 1] if i + 1 < len(self.params) else None
            if p.kind is ParamKind.POSITIONAL_ONLY and (following is None
                                                         or following.kind is not ParamKind.POSITIONAL_ONLY):
                parts.append("/")
        return f"({', '.join(parts)})"


@dataclass(frozen=True)
class CallShape:
    """The arguments of a call, as far as they are known statically."""

    positional: int  # explicit (non-starred) positional arguments
    keywords: tuple[str, ...]  # explicit keyword names, in call order
    star: bool = False  # some `*iterable`
    double_star: bool = False  # some `**mapping`

    @classmethod
    def from_call(cls, call: ast.Call) -> CallShape:
        return cls(
            positional=sum(1 for a in call.args if not isinstance(a, ast.Starred)),
            keywords=tuple(k.arg for k in call.keywords if k.arg is not None),
            star=any(isinstance(a, ast.Starred) for a in call.args),
            double_star=any(k.arg is None for k in call.keywords),
        )

    @property
    def exact(self) -> bool:
        return not (self.star or self.double_star)

    @property
    def has_arguments(self) -> bool | None:
        """True when the call surely passes arguments, False when surely none, None when unknown."""
        if self.positional or self.keywords:
            return True
        return None if not self.exact else False


class BindErrorKind(enum.Enum):
    TOO_MANY_POSITIONAL = "too many positional arguments"
    MISSING_ARGUMENT = "missing required argument"
    UNEXPECTED_KEYWORD = "unexpected keyword argument"
    MULTIPLE_VALUES = "argument given twice"


@dataclass(frozen=True)
class BindError:
    kind: BindErrorKind
    message: str  # the text of CPython's TypeError
    exact: bool = True  # False when `*`/`**` at the call site may make CPython report another TypeError


def _quoted_list(names: Sequence[str]) -> str:
    """CPython's `format_missing`: 'a'; 'a' and 'b'; 'a', 'b', and 'c'."""
    quoted = [repr(n) for n in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return f"{quoted[0]} and {quoted[1]}"
    return f"{', '.join(quoted[:-2])}, {quoted[-2]}, and {quoted[-1]}"


def _missing(qualname: str, names: Sequence[str], kind: str) -> str:
    plural = "" if len(names) == 1 else "s"
    return f"{qualname}() missing {len(names)} required {kind} argument{plural}: {_quoted_list(names)}"


def _too_many(sig: Signature, given: int, kwonly_given: int) -> str:
    argcount = len(sig.positional)
    defaults = sum(1 for p in sig.positional if p.has_default)
    if defaults:
        takes = f"from {argcount - defaults} to {argcount}"
        plural = True
    else:
        takes = str(argcount)
        plural = argcount != 1
    kwonly = ""
    if kwonly_given:
        kwonly = (f" positional argument{'s' if given != 1 else ''} (and {kwonly_given} keyword-only "
                  f"argument{'s' if kwonly_given != 1 else ''})")
    verb = "was" if given == 1 and not kwonly_given else "were"
    return (f"{sig.qualname}() takes {takes} positional argument{'s' if plural else ''} "
            f"but {given}{kwonly} {verb} given")


def bind(sig: Signature, call: CallShape) -> BindError | None:
    """The TypeError CPython raises when `call` is made to `sig`, or None when it binds.

    With `*`/`**` at the call site, only failures that no unpacked value can avoid are returned.
    """
    positional = sig.positional
    argcount = len(positional)
    kwonly = sig.keyword_only
    given = sig.bound + call.positional
    filled: set[str] = {p.name for p in positional[:given]}
    by_name = {p.name: p for p in [*positional, *kwonly] if p.kind is not ParamKind.POSITIONAL_ONLY}
    exact = call.exact

    for keyword in call.keywords:
        param = by_name.get(keyword)
        if param is None:
            if sig.has_varkw:
                continue
            posonly = [p.name for p in positional if p.kind is ParamKind.POSITIONAL_ONLY and p.name in call.keywords]
            if posonly:
                return BindError(BindErrorKind.UNEXPECTED_KEYWORD,
                                 f"{sig.qualname}() got some positional-only arguments passed as keyword "
                                 f"arguments: '{', '.join(posonly)}'", exact)
            return BindError(BindErrorKind.UNEXPECTED_KEYWORD,
                             f"{sig.qualname}() got an unexpected keyword argument '{keyword}'", exact)
        if param.name in filled:
            # Positions below `given` are filled whatever a `*iterable` holds: this is certain.
            return BindError(BindErrorKind.MULTIPLE_VALUES,
                             f"{sig.qualname}() got multiple values for argument '{keyword}'", exact)
        filled.add(param.name)

    if given > argcount and not sig.has_varargs:
        kwonly_given = sum(1 for p in kwonly if p.name in filled)
        return BindError(BindErrorKind.TOO_MANY_POSITIONAL, _too_many(sig, given, kwonly_given), exact)

    missing = [p for p in positional if not p.has_default and p.name not in filled]
    # `*iterable` may fill any of them; `**mapping` any that is not positional-only.
    certain = [p for p in missing if not call.star
               and not (call.double_star and p.kind is ParamKind.POSITIONAL_OR_KEYWORD)]
    if missing and (exact or certain):
        return BindError(BindErrorKind.MISSING_ARGUMENT,
                         _missing(sig.qualname, [p.name for p in missing], "positional"), exact)

    missing_kw = [p.name for p in kwonly if not p.has_default and p.name not in filled]
    if missing_kw and not call.double_star:
        return BindError(BindErrorKind.MISSING_ARGUMENT, _missing(sig.qualname, missing_kw, "keyword-only"), exact)
    return None


def bind_call(args: ast.arguments, call: ast.Call, qualname: str, bound: int = 0) -> str | None:
    """Convenience: the CPython message for `call` made to a `def` with `args`, or None."""
    error = bind(Signature.from_arguments(args, qualname, bound), CallShape.from_call(call))
    return error.message if error is not None else None


def generated_signature(qualname: str, bound_name: str, fields: Iterable[Param]) -> Signature:
    """A generated `__init__`/`__new__` (dataclass, named tuple): `bound_name` first, then `fields`."""
    return Signature(qualname, (Param(bound_name, ParamKind.POSITIONAL_OR_KEYWORD), *fields), bound=1)
