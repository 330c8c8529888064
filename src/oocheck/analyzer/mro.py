"""C3 linearisation, as CPython computes `__mro__`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class MROError(Exception):
    """The bases admit no consistent method resolution order (CPython raises TypeError)."""


def c3_merge(sequences: Sequence[Sequence[T]]) -> list[T]:
    seqs = [list(s) for s in sequences if s]
    result: list[T] = []
    while seqs:
        for seq in seqs:
            head = seq[0]
            if not any(head in other[1:] for other in seqs):
                break
        else:
            raise MROError("Cannot create a consistent method resolution order (MRO)")
        result.append(head)
        for seq in seqs:
            if seq and seq[0] is head:
                del seq[0]
        seqs = [s for s in seqs if s]
    return result


def c3_linearize(cls: T, bases: Sequence[T], base_mros: Sequence[Sequence[T]]) -> list[T]:
    return [cls, *c3_merge([*base_mros, list(bases)])]
