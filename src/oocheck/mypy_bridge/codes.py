"""Which mypy error codes predict which runtime exception, under which oocheck code, how surely.

mypy reports what the type system cannot prove; only some of it raises when the line runs. A code is
kept when its diagnostics name a runtime failure. The precision quoted per row is measured on the
csn split of RealClassEval with the options of `runner.py`: among the (non-xfail) test functions
holding a diagnostic of that kind, the share whose recorded outcome is the predicted exception.
Confidence stays below that raw precision: after the merge (see `__init__.py`) mypy speaks alone
only on values oocheck could not follow, where its inferred types are least sure. Codes with no
diagnostic inside a csn test are "unmeasured" and low. Every other code is dropped (`var-annotated`,
`assignment`, `return-value`, `name-defined` ... predict no AttributeError or TypeError).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oocheck.diagnostics import Confidence


@dataclass(frozen=True)
class MypyMapping:
    """One kind of mypy diagnostic reported as an oocheck finding."""

    code: str  # the oocheck code (OO18x predicts AttributeError, OO28x TypeError)
    name: str
    predicts: str
    confidence: Confidence
    # Only messages that match (`misc` mixes many kinds); None takes every message of the mypy code.
    message: re.Pattern[str] | None = None


def _m(code: str, name: str, predicts: str, confidence: Confidence, message: str | None = None) -> MypyMapping:
    return MypyMapping(code, name, predicts, confidence, re.compile(message) if message else None)


AE, TE = "AttributeError", "TypeError"
HIGH, MEDIUM, LOW = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW

# mypy error code -> the mappings tried in order (the first whose `message` matches wins).
MYPY_CODES: dict[str, tuple[MypyMapping, ...]] = {
    # `"C" has no attribute "x"` (85% of 2401 tests), `Module "m" has no attribute "X"` (71% of 474):
    # a read mypy finds on no class or module. `from m import X` lines are left to OO302 (ImportError).
    # Dunder attributes are dropped: mypy names `__iter__`, `__enter__` ... for `for x in None`,
    # `with 3:`, which raise TypeError, while an explicit `x.__len__()` raises AttributeError.
    "attr-defined": (_m("OO180", "mypy-attr-defined", AE, MEDIUM, r'^(?!.*has no attribute "__\w+__")'),),
    # `Item "None" of "X | None" has no attribute "y"` (unmeasured): raises only when the value is None
    # then (an attribute set to None in __init__ and filled by a method the test may not call).
    "union-attr": (_m("OO181", "mypy-union-attr", AE, LOW),),
    # `Cannot access instance-only attribute "x" on class object` (82% of 535): `C.x` where x is only
    # set through self. Other `misc` messages are dropped (generic variables via class: 6% of 94).
    "misc": (
        _m("OO182", "mypy-instance-only-on-class", AE, MEDIUM, r"^Cannot access instance-only attribute"),
        # `Cannot instantiate protocol class "P"` (unmeasured): typing.Protocol's __init__ always raises.
        _m("OO286", "mypy-protocol-instantiated", TE, MEDIUM, r"^Cannot instantiate protocol class"),
    ),
    # `Too many arguments for "C"`, `Missing positional argument`, `Unexpected keyword argument`
    # (100% of 252): the call does not bind to the signature.
    "call-arg": (_m("OO280", "mypy-call-arg", TE, MEDIUM),),
    # `Cannot instantiate abstract class "C" with abstract attributes ...` (95% of 329): raises under
    # ABCMeta only; mypy also says it for classes that merely use @abstractmethod.
    "abstract": (_m("OO281", "mypy-abstract", TE, MEDIUM),),
    # `Unsupported operand types for + ("int" and "str")`, `"int" not callable` (unmeasured): mypy
    # types an attribute from its first assignment (None in __init__) even when a method fills it first.
    "operator": (_m("OO282", "mypy-operator", TE, LOW),),
    # `Value of type "int" is not indexable`, `Unsupported target for indexed assignment` (unmeasured):
    # as for `operator`.
    "index": (_m("OO283", "mypy-index", TE, LOW),),
    # `No overload variant of "f" matches argument types` (unmeasured): C builtins check their
    # argument types, but overloads are often narrower than what runs.
    "call-overload": (_m("OO284", "mypy-call-overload", TE, LOW),),
    # `Argument 1 to "f" has incompatible type` (22% of 660; the estimate: a third): most wrong
    # types flow on and fail later, differently (419 of the 660 end in AttributeError), or not at all.
    "arg-type": (_m("OO285", "mypy-arg-type", TE, LOW),),
}

# Lines of these statements are judged by the import rules; mypy's attr-defined there is an ImportError.
IMPORT_MESSAGE = re.compile(r'^Module "[^"]+" has no attribute')


def mapping_for(mypy_code: str | None, message: str) -> MypyMapping | None:
    """The mapping of one mypy diagnostic, or None when it does not predict a runtime failure."""
    for mapping in MYPY_CODES.get(mypy_code or "", ()):
        if mapping.message is None or mapping.message.search(message):
            return mapping
    return None


def all_mappings() -> dict[str, MypyMapping]:
    """Every oocheck code the bridge can report, with its mapping."""
    return {m.code: m for mappings in MYPY_CODES.values() for m in mappings}
