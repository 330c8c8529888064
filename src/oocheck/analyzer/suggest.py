"""The "Did you mean" of CPython's AttributeError, computed the same way as the running CPython."""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable

_MAX_CANDIDATE_ITEMS = 750
_MAX_STRING_SIZE = 40
_MOVE_COST = 2
_CASE_COST = 1


def _substitution_cost(a: str, b: str) -> int:
    if a == b:
        return 0
    if a.lower() == b.lower():
        return _CASE_COST
    return _MOVE_COST


def levenshtein(a: str, b: str, max_cost: int) -> int:
    """Edit distance with CPython's costs; anything above `max_cost` returns `max_cost + 1`."""
    if a == b:
        return 0
    pre = 0
    while a[pre:] and b[pre:] and a[pre] == b[pre]:
        pre += 1
    a, b = a[pre:], b[pre:]
    post = 0
    while a[: post or None] and b[: post or None] and a[post - 1] == b[post - 1]:
        post -= 1
    a, b = a[: post or None], b[: post or None]
    if not a or not b:
        return _MOVE_COST * (len(a) + len(b))
    if len(a) > _MAX_STRING_SIZE or len(b) > _MAX_STRING_SIZE:
        return max_cost + 1
    if len(b) < len(a):
        a, b = b, a
    if (len(b) - len(a)) * _MOVE_COST > max_cost:
        return max_cost + 1
    row = list(range(_MOVE_COST, _MOVE_COST * (len(a) + 1), _MOVE_COST))
    result = 0
    for bindex in range(len(b)):
        bchar = b[bindex]
        distance = result = bindex * _MOVE_COST
        minimum = len(a) * _MOVE_COST + len(b) * _MOVE_COST + 1  # effectively infinity
        for index in range(len(a)):
            substitute = distance + _substitution_cost(bchar, a[index])
            distance = row[index]
            insert_delete = min(result, distance) + _MOVE_COST
            result = min(insert_delete, substitute)
            row[index] = result
            minimum = min(minimum, result)
        if minimum > max_cost:
            return max_cost + 1
    return result


def did_you_mean(name: str, candidates: Iterable[str], version: tuple[int, int] | None = None) -> str | None:
    """The name CPython `version` (default: the running one) would suggest for a missing attribute.

    The distance and its bounds are those of Python/suggestions.c (3.10 to 3.13 print the same hints,
    tested against each interpreter found); 3.13 also hides `_private` names unless the missing one is
    private too.
    """
    names = sorted(set(candidates))
    if (version or sys.version_info[:2]) >= (3, 13) and not name.startswith("_"):
        names = [n for n in names if not n.startswith("_")]
    return _did_you_mean(name, tuple(names))


@functools.lru_cache(maxsize=4096)
def _did_you_mean(name: str, names: tuple[str, ...]) -> str | None:
    if len(names) > _MAX_CANDIDATE_ITEMS:
        return None
    best: str | None = None
    best_distance = sys.maxsize
    for candidate in names:
        if candidate == name:
            continue
        # No more than 1/3 of the involved characters should need changing; never worse than the best.
        max_distance = min((len(candidate) + len(name) + 3) * _MOVE_COST // 6, best_distance - 1)
        if abs(len(candidate) - len(name)) * _MOVE_COST > max_distance:
            continue  # the length difference alone costs too much (levenshtein would say so, slower)
        distance = levenshtein(name, candidate, max_distance)
        if distance > max_distance:
            continue
        if best is None or distance < best_distance:
            best, best_distance = candidate, distance
    return best
