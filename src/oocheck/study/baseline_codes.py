"""Which diagnostics of the peer tools predict which runtime exception: the study's one mapping table.

`oocheck study --baseline TOOL` scores a peer (mypy, pylint, pyright, ty, pyrefly) exactly as it
scores oocheck, so each of its diagnostics must name the exception the line would raise. A code is
mapped when its message describes something Python refuses at run time: an attribute no class has
(AttributeError), a call that does not bind or an operation the type does not support (TypeError),
an unknown name (NameError), an index out of range (IndexError). Codes about annotations, style
or what a checker cannot prove (`assignment`, `return-value`, `possibly-unbound`) are not mapped
and predict nothing. Access to a
value typed Optional (`union-attr`, `reportOptionalMemberAccess`) is mapped, as a user reads it,
although it raises only when the value is None there. A row with a `message` pattern applies only to
messages it matches; the first matching row of a code wins.

Import diagnostics map to ImportError but are marked `environment`: whether an import resolves
depends on the packages installed on the machine that runs the tool, and the recorded outcomes come
from another machine. The study leaves them out for every tool, as it leaves out oocheck's own
import rules (`needs_environment`), so all tools are judged on the same ground.

The rows follow each tool's documentation of its codes (mypy `error_code_list`, pylint's message
list, pyright's `configuration.md`, ty's and pyrefly's rule lists) and their messages on small
examples; nothing here is tuned to a data set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AE, TE, NE, IE, IMPORT = "AttributeError", "TypeError", "NameError", "IndexError", "ImportError"


@dataclass(frozen=True)
class PeerCode:
    """One kind of a peer tool's diagnostic and the exception it predicts."""

    code: str  # the tool's own code: `attr-defined`, `E1101`, `reportCallIssue`, `missing-attribute`
    predicts: str
    message: re.Pattern[str] | None = None  # None: every message of the code
    environment: bool = False  # depends on the installed packages (imports): left out by the study


def _c(code: str, predicts: str, message: str | None = None, environment: bool = False) -> PeerCode:
    return PeerCode(code, predicts, re.compile(message) if message else None, environment)


# Dunder lookups that Python makes implicitly (`for x in 3`, `with 3:`, `3[0]`) raise TypeError.
_IMPLICIT_DUNDER = r'has no attribute "__\w+__"'

TABLE: dict[str, tuple[PeerCode, ...]] = {
    "mypy": (
        # `Module "m" has no attribute "X"` is `from m import X`; `Module has no attribute "X"` is `m.X`.
        _c("attr-defined", IMPORT, r'^Module "[^"]+" has no attribute', environment=True),
        _c("attr-defined", TE, _IMPLICIT_DUNDER),
        _c("attr-defined", AE),
        _c("union-attr", AE),  # `Item "None" of "X | None" has no attribute "y"`
        _c("call-arg", TE),  # too many / missing / unexpected arguments
        _c("arg-type", TE),
        _c("call-overload", TE),
        _c("operator", TE),  # unsupported operand types, `"int" not callable`
        _c("index", TE),  # `Value of type "int" is not indexable`
        _c("abstract", TE),  # `Cannot instantiate abstract class`
        _c("misc", AE, r"^Cannot access instance-only attribute"),
        _c("misc", TE, r"gets multiple values for keyword argument|^Cannot instantiate protocol class"),
        _c("misc", IE, r"index out of range"),
        _c("name-defined", NE),
        _c("import-not-found", IMPORT, environment=True),
        _c("import", IMPORT, environment=True),
    ),
    "pylint": (
        _c("E1101", AE),  # no-member
        _c("E0237", AE),  # assigning-non-slot
        _c("E1102", TE),  # not-callable
        _c("E1120", TE),  # no-value-for-parameter
        _c("E1121", TE),  # too-many-function-args
        _c("E1123", TE),  # unexpected-keyword-arg
        _c("E1124", TE),  # redundant-keyword-arg
        _c("E0110", TE),  # abstract-class-instantiated
        _c("E1129", TE),  # not-context-manager
        _c("E1130", TE),  # invalid-unary-operand-type
        _c("E1131", TE),  # unsupported-binary-operation
        _c("E1133", TE),  # not-an-iterable
        _c("E1134", TE),  # not-a-mapping
        _c("E1135", TE),  # unsupported-membership-test
        _c("E1136", TE),  # unsubscriptable-object
        _c("E1137", TE),  # unsupported-assignment-operation
        _c("E1138", TE),  # unsupported-delete-operation
        _c("E0643", IE),  # potential-index-error
        _c("E0602", NE),  # undefined-variable
        _c("E0401", IMPORT, environment=True),  # import-error
        _c("E0611", IMPORT, environment=True),  # no-name-in-module
    ),
    "pyright": (
        _c("reportAttributeAccessIssue", IMPORT, r"is unknown import symbol", environment=True),
        _c("reportAttributeAccessIssue", AE),
        _c("reportOptionalMemberAccess", AE),
        _c("reportFunctionMemberAccess", AE),
        _c("reportCallIssue", TE),
        _c("reportArgumentType", TE),
        _c("reportAbstractUsage", TE),
        _c("reportIndexIssue", TE),
        _c("reportOperatorIssue", TE),
        _c("reportOptionalSubscript", TE),
        _c("reportOptionalIterable", TE),
        _c("reportOptionalCall", TE),
        _c("reportOptionalOperand", TE),
        _c("reportOptionalContextManager", TE),
        _c("reportGeneralTypeIssues", TE, r"is not iterable|cannot be used with \"with\""),
        _c("reportGeneralTypeIssues", IE, r"^Index -?\d+ is out of range"),
        _c("reportUndefinedVariable", NE),
        _c("reportMissingImports", IMPORT, environment=True),
        _c("reportMissingModuleSource", IMPORT, environment=True),
    ),
    "ty": (
        _c("unresolved-attribute", AE),  # the name in earlier ty versions
        _c("missing-attribute", AE),
        _c("missing-union-attribute", AE),  # `Attribute x is not defined on None in union None | C`
        _c("invalid-attribute-access", AE),  # `Cannot access generic instance attribute x through a class`
        _c("missing-argument", TE),
        _c("too-many-positional-arguments", TE),
        _c("unknown-argument", TE),
        _c("parameter-already-assigned", TE),
        _c("invalid-argument-type", TE),
        _c("no-matching-overload", TE),
        _c("call-non-callable", TE),
        _c("not-callable", TE),
        _c("abstract-class-instantiation", TE),
        _c("not-iterable", TE),
        _c("not-subscriptable", TE),
        _c("non-subscriptable", TE),
        _c("unsupported-operator", TE),
        _c("invalid-context-manager", TE),
        _c("index-out-of-bounds", IE),
        _c("unresolved-reference", NE),
        _c("unresolved-import", IMPORT, environment=True),
        _c("import-not-found", IMPORT, environment=True),
        _c("missing-module-member", IMPORT, environment=True),
    ),
    "pyrefly": (
        _c("missing-attribute", AE),
        _c("missing-argument", TE),
        _c("bad-argument-count", TE),
        _c("bad-argument-type", TE),
        _c("unexpected-keyword", TE),
        _c("bad-keyword-argument", TE),
        _c("no-matching-overload", TE),
        _c("not-callable", TE),
        _c("bad-instantiation", TE),
        _c("not-iterable", TE),
        _c("unsupported-operation", TE),
        _c("bad-context-manager", TE),
        _c("unknown-name", NE),
        _c("missing-import", IMPORT, environment=True),
        _c("missing-module-attribute", IMPORT, environment=True),
        _c("missing-source-for-stubs", IMPORT, environment=True),
    ),
}

TOOLS = tuple(TABLE)


def mapping_for(tool: str, code: str | None, message: str) -> PeerCode | None:
    """The row of one diagnostic, or None when it predicts no runtime failure."""
    for row in TABLE.get(tool, ()):
        if row.code == code and (row.message is None or row.message.search(message)):
            return row
    return None


def environment_codes(tool: str) -> tuple[str, ...]:
    """The tool's codes that are left out of the study wholesale (every row of the code is an import)."""
    rows = TABLE.get(tool, ())
    return tuple(sorted({r.code for r in rows if all(o.environment for o in rows if o.code == r.code)}))
