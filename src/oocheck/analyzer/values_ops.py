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
import binascii
import collections
import copy
import datetime
import decimal
import fractions
import functools
import hashlib
import ipaddress
import json
import math
import operator
import os
import pathlib
import re
import shlex
import struct
import urllib.parse
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oocheck.analyzer.values import NO_CONST

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
    # Constructors of standard-library value classes: building one touches nothing else.
    pathlib.Path, pathlib.PurePath, pathlib.PurePosixPath, pathlib.PureWindowsPath, decimal.Decimal,
    fractions.Fraction, uuid.UUID, ipaddress.ip_address, ipaddress.ip_network, datetime.date, datetime.datetime,
    datetime.time, datetime.timedelta, datetime.datetime.fromisoformat, datetime.date.fromisoformat,
    datetime.datetime.fromtimestamp, collections.OrderedDict, collections.Counter, collections.deque,
    weakref.ref, struct.pack, struct.unpack, binascii.hexlify, binascii.unhexlify, bytearray, memoryview,
)
PURE_CALLABLES = frozenset(id(f) for f in _PURE_CALLABLES)
_BY_ID = {id(f): f for f in _PURE_CALLABLES}


@dataclass(frozen=True)
class Outcome:
    """What an operation does: the exception it raises (name and message), or the type of its result
    and, when every operand was a known constant, the result itself."""

    error: str | None
    result: type | None
    exception: str | None = None
    const: Any = NO_CONST


Operand = tuple[type, Any]  # a builtin type, and the constant value or NO_CONST


def _value(operand: Operand) -> Any:
    kind, const = operand
    return const if const is not NO_CONST else copy.copy(SAMPLES[kind])


def _too_big(operands: tuple[Operand, ...]) -> bool:
    """Constants whose combination could take long or much memory (`"a" * 10**9`, `9 ** 9 ** 9`)."""
    biggest_int, longest = 1, 1
    for _kind, const in operands:
        if const is NO_CONST:
            continue
        if isinstance(const, int) and abs(const) > 10_000:
            return True
        if isinstance(const, (str, bytes)) and len(const) > 10_000:
            return True
        if isinstance(const, int):
            biggest_int = max(biggest_int, abs(const))
        if isinstance(const, (str, bytes, tuple)):
            longest = max(longest, len(const))
    return biggest_int * longest > 100_000  # a repeated sequence could grow large


def evaluate(action: Callable[..., Any], operands: tuple[Operand, ...]) -> Outcome:
    """Run `action` on the operands. With every operand a known constant the outcome is exact, any
    exception included; otherwise sample values stand in and only a TypeError counts."""
    exact = all(const is not NO_CONST for _, const in operands) and not _too_big(operands)
    if not exact:
        return _evaluate_types(action, tuple(kind for kind, _ in operands))
    try:
        result = action(*[_value(o) for o in operands])
    except Exception as exc:
        return Outcome(str(exc), None, type(exc).__name__)
    kind = type(result)
    if kind not in LITERAL_TYPES:
        return Outcome(None, None)
    small = not isinstance(result, (str, bytes, tuple, frozenset)) or len(result) <= 10_000
    try:
        hash(result)
    except TypeError:
        small = False
    return Outcome(None, kind, None, result if small else NO_CONST)


@functools.cache
def _evaluate_types(action: Callable[..., Any], kinds: tuple[type, ...]) -> Outcome:
    outcome = _run(lambda: action(*[copy.copy(SAMPLES[k]) for k in kinds]))
    return Outcome(outcome.error, outcome.result, "TypeError" if outcome.error else None)


def _sample(kind: type) -> Any:
    return copy.copy(SAMPLES[kind])


def _run(action: Callable[[], Any]) -> Outcome:
    try:
        result = action()
    except TypeError as exc:
        return Outcome(str(exc), None, "TypeError")
    except Exception:
        return Outcome(None, None)
    kind = type(result)
    return Outcome(None, kind if kind in LITERAL_TYPES else None)


def binary(op: Callable[[Any, Any], Any], left: Operand, right: Operand) -> Outcome:
    if op is operator.mod and left[0] in (str, bytes) and NO_CONST in (left[1], right[1]):
        return Outcome(None, None)  # printf-style formatting depends on the format and the values
    return evaluate(op, (left, right))


def unary(op: Callable[[Any], Any], operand: Operand) -> Outcome:
    return evaluate(op, (operand,))


def compare(op: Callable[[Any, Any], Any], left: Operand, right: Operand) -> Outcome:
    return evaluate(op, (left, right))


def iterate(kind: Operand) -> Outcome:
    return evaluate(iter, (kind,))


def _unpack_two(value: Any) -> None:
    if not hasattr(value, "__iter__"):
        _a, _b = value  # raises CPython's "cannot unpack non-iterable X object"


def unpack(kind: Operand) -> Outcome:
    return _evaluate_types(_unpack_two, (kind[0],))


def _getitem(container: Any, key: Any) -> Any:
    return container[key]


def _getitem_any(container: Any) -> Any:
    return container[0]


def subscript(container: Operand, key: Operand | None) -> Outcome:
    if key is None:  # unknown key: only containers that cannot be subscripted at all are decided
        if container[0] in (list, tuple, str, bytes, dict):
            return Outcome(None, None)
        return _evaluate_types(_getitem_any, (container[0],))
    return evaluate(_getitem, (container, key))


def _call(value: Any) -> Any:
    return value()


def call_value(kind: Operand) -> Outcome:
    return _evaluate_types(_call, (kind[0],))


def call_pure(func_id: int, args: tuple[Operand, ...]) -> Outcome:
    return evaluate(_BY_ID[func_id], args)


def call_method(receiver: Operand, name: str, args: tuple[Operand, ...]) -> Outcome:
    """`value.name(*args)` on a builtin value: its methods touch nothing but the value itself."""
    if getattr(SAMPLES[receiver[0]], name, None) is None or not callable(getattr(SAMPLES[receiver[0]], name)):
        return Outcome(None, None)

    def action(value: Any, *rest: Any) -> Any:
        return getattr(value, name)(*rest)

    return evaluate(action, (receiver, *args)) if all(a[1] is not NO_CONST for a in (receiver, *args)) \
        else _method_types(receiver[0], name, tuple(a[0] for a in args))


@functools.cache
def _method_types(kind: type, name: str, args: tuple[type, ...]) -> Outcome:
    method = getattr(_sample(kind), name)
    outcome = _run(lambda: method(*[_sample(a) for a in args]))
    return Outcome(outcome.error, outcome.result, "TypeError" if outcome.error else None)


def pure_callable_id(obj: object) -> int | None:
    return id(obj) if id(obj) in PURE_CALLABLES and _BY_ID.get(id(obj)) is obj else None
