"""What operations on values of builtin types do, decided by running them on sample values.

A TypeError such as `'NoneType' object is not iterable` or `unsupported operand type(s) for +:
'int' and 'str'` depends only on the types involved, so performing the operation on a
representative value of each type gives CPython's own verdict and message. Only operations whose
outcome is decided by type are asked (no `%` formatting of strings, whose result depends on the
format), only side-effect-free callables are run, and only a TypeError counts: any other exception
depends on the value, so it predicts nothing.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import json
import math
import operator
import os
import re
import shlex
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SAMPLES: dict[type, Any] = {
    type(None): None, bool: True, int: 7, float: 2.5, complex: 1j, str: "s", bytes: b"s",
    list: [], tuple: (), dict: {}, set: set(), frozenset: frozenset(),
}
LITERAL_TYPES = frozenset(SAMPLES)

_PURE_CALLABLES: tuple[Callable[..., Any], ...] = (
    len, iter, list, tuple, set, frozenset, sorted, sum, min, max, enumerate, zip, reversed, int, float,
    bytes, dict, abs, round, divmod, chr, ord, hex, oct, bin, hash, any, all, map, filter, next,
    os.path.join, os.path.basename, os.path.dirname, os.path.split, os.path.splitext, os.path.normpath,
    os.path.isabs, os.path.expanduser, os.fspath,
    json.loads, json.dumps, re.compile, re.match, re.search, re.fullmatch, re.findall, re.split, re.sub,
    re.escape, math.sqrt, math.floor, math.ceil, math.log, math.exp, math.isnan, math.isinf, math.fabs,
    base64.b64encode, base64.b64decode, base64.urlsafe_b64encode, base64.urlsafe_b64decode,
    hashlib.md5, hashlib.sha1, hashlib.sha256, urllib.parse.quote, urllib.parse.unquote,
    urllib.parse.urlparse, urllib.parse.urlencode, urllib.parse.urljoin, urllib.parse.parse_qs, shlex.split,
)
PURE_CALLABLES = frozenset(id(f) for f in _PURE_CALLABLES)
_BY_ID = {id(f): f for f in _PURE_CALLABLES}


@dataclass(frozen=True)
class Outcome:
    """A TypeError message, or the type of the result (None when unknown)."""

    error: str | None
    result: type | None


def _sample(kind: type) -> Any:
    return copy.copy(SAMPLES[kind])


def _run(action: Callable[[], Any]) -> Outcome:
    try:
        result = action()
    except TypeError as exc:
        return Outcome(str(exc), None)
    except Exception:
        return Outcome(None, None)
    kind = type(result)
    return Outcome(None, kind if kind in LITERAL_TYPES else None)


@functools.cache
def binary(op: Callable[[Any, Any], Any], left: type, right: type) -> Outcome:
    if op is operator.mod and left in (str, bytes):
        return Outcome(None, None)  # printf-style formatting depends on the format string
    return _run(lambda: op(_sample(left), _sample(right)))


@functools.cache
def unary(op: Callable[[Any], Any], operand: type) -> Outcome:
    return _run(lambda: op(_sample(operand)))


@functools.cache
def compare(op: Callable[[Any, Any], Any], left: type, right: type) -> Outcome:
    return _run(lambda: op(_sample(left), _sample(right)))


@functools.cache
def iterate(kind: type) -> Outcome:
    return _run(lambda: iter(_sample(kind)))


@functools.cache
def unpack(kind: type) -> Outcome:
    def action() -> None:
        value = _sample(kind)
        if not hasattr(value, "__iter__"):
            _a, _b = value  # raises CPython's "cannot unpack non-iterable X object"

    return _run(action)


@functools.cache
def subscript(container: type, key: type | None) -> Outcome:
    if key is None:  # unknown key: only containers that cannot be subscripted at all are decided
        if container in (list, tuple, str, bytes, dict):
            return Outcome(None, None)
        return _run(lambda: _sample(container)[0])
    return _run(lambda: _sample(container)[_sample(key)])


@functools.cache
def call_value(kind: type) -> Outcome:
    return _run(lambda: _sample(kind)())


@functools.cache
def call_pure(func_id: int, args: tuple[type, ...]) -> Outcome:
    func = _BY_ID[func_id]
    return _run(lambda: func(*[_sample(a) for a in args]))


@functools.cache
def call_method(kind: type, name: str, args: tuple[type, ...]) -> Outcome:
    """`value.name(*args)` on a builtin value: its methods touch nothing but the value itself."""
    method = getattr(_sample(kind), name, None)
    if method is None or not callable(method):
        return Outcome(None, None)
    return _run(lambda: method(*[_sample(a) for a in args]))


def pure_callable_id(obj: object) -> int | None:
    return id(obj) if id(obj) in PURE_CALLABLES and _BY_ID.get(id(obj)) is obj else None

