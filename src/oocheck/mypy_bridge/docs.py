"""The documentation of each code the mypy bridge reports, under the rules' headings.

`oocheck explain OO280` prints it, `oocheck rules` lists it. These codes are not `Rule`s: the bridge
makes their findings from `codes.MYPY_CODES`, and a rule whose `check` yields nothing would only
pretend. The examples are proved by tests/test_mypy_bridge.py, with mypy on.
"""

from __future__ import annotations

_NOT_FLAGGED_COMMON = """\
Lines under `# type: ignore`; places oocheck's own analysis judged and left silent (a resolved
receiver or a call of a repo function or class: the rules know dynamics mypy does not); a finding
of a rule on the same line and exception absorbs mypy's (its message joins the evidence and
raises the rule's confidence one level); everything when `--no-mypy` or `mypy = false`."""

DOCS: dict[str, str] = {
    "OO180": f"""\
An attribute mypy finds on no class or module of the value's type (mypy `attr-defined`).

## What it finds
`value.name` where mypy knows the type of `value` (from annotations, or inferred) and that type has
no attribute `name`. Reported where oocheck's own inference cannot follow the value (an item of a
list, a value returned by an annotated function).

## Why it fails at runtime
Attribute lookup finds nothing on the instance, its class or the MRO and raises `AttributeError`.

## Example
```python
class Box:
    def __init__(self) -> None:
        self.size = 1


boxes: list[Box] = [Box()]
print(boxes[0].weight)
```

## Use instead
```python
class Box:
    def __init__(self) -> None:
        self.size = 1


boxes: list[Box] = [Box()]
print(boxes[0].size)
```

## Not flagged
`from m import name` lines (an ImportError: OO302); classes oocheck knows to be open (a
metaclass, `__getattr__`, attributes set from outside). {_NOT_FLAGGED_COMMON}
""",
    "OO181": f"""\
An attribute read on a value that may be None (mypy `union-attr`).

## What it finds
`value.name` where mypy infers `value` as `T | None` (`os.environ.get`, `re.match`, an attribute
set to None in `__init__`) and None has no `name`.

## Why it fails at runtime
When the value is None at that moment, `AttributeError: 'NoneType' object has no attribute
'name'`. Low confidence: it raises only on the paths where the value is None.

## Example
```python
import os

print(os.environ.get("OOCHECK_EXAMPLE_UNSET").lower())
```

## Use instead
```python
import os

print(os.environ.get("OOCHECK_EXAMPLE_UNSET", "").lower())
```

## Not flagged
{_NOT_FLAGGED_COMMON}
""",
    "OO182": f"""\
An instance attribute read on the class object (mypy `Cannot access instance-only attribute`).

## What it finds
`Cls.name` (or a `type[Cls]` value's `.name`) where `name` is only assigned through `self` in
methods, never in the class body.

## Why it fails at runtime
The class object has no such attribute until an instance sets it, and then only on that instance:
`AttributeError: type object 'Cls' has no attribute 'name'`.

## Example
```python
class Box:
    def __init__(self) -> None:
        self.size = 1


kinds: list[type[Box]] = [Box]
print(kinds[0].size)
```

## Use instead
```python
class Box:
    size = 1


kinds: list[type[Box]] = [Box]
print(kinds[0].size)
```

## Not flagged
{_NOT_FLAGGED_COMMON}
""",
    "OO280": f"""\
A call that does not bind to the signature mypy knows (mypy `call-arg`).

## What it finds
Too many positional arguments, a missing required argument, an unexpected keyword, for a callee
mypy resolves and oocheck does not (a method of a list item, of an annotated return value).

## Why it fails at runtime
Binding the arguments fails before the body runs: `TypeError: f() takes 2 positional arguments
but 3 were given`, `missing 1 required positional argument`, `got an unexpected keyword argument`.

## Example
```python
class Box:
    def resize(self, size: int) -> None:
        self.size = size


boxes: list[Box] = [Box()]
boxes[0].resize(1, 2)
```

## Use instead
```python
class Box:
    def resize(self, size: int) -> None:
        self.size = size


boxes: list[Box] = [Box()]
boxes[0].resize(1)
```

## Not flagged
Calls of functions and classes of the repo that oocheck resolves (its call rules judge them, with
decorators, `*args` pass-through and metaclasses in view). {_NOT_FLAGGED_COMMON}
""",
    "OO281": f"""\
An abstract class instantiated (mypy `abstract`).

## What it finds
`Cls()` where mypy sees abstract methods of `Cls` left unimplemented, for classes oocheck's call
rules do not judge (standard-library ABCs, classes reached through annotations).

## Why it fails at runtime
Under `ABCMeta`, `object.__new__` refuses a class with abstract methods: `TypeError: Can't
instantiate abstract class Cls with abstract methods a, b`.

## Example
```python
import numbers

numbers.Integral()
```

## Use instead
```python
import numbers

print(isinstance(3, numbers.Integral))
```

## Not flagged
Classes of the repo (OO201 judges them, and knows that `@abstractmethod` without `ABCMeta` does
not stop instantiation, which mypy reports anyway). {_NOT_FLAGGED_COMMON}
""",
    "OO282": f"""\
An operator applied to types that do not support it (mypy `operator`).

## What it finds
`a + b`, `a < b`, `f()` where mypy finds no method of the operand types for the operator
(`Unsupported operand types for + ("int" and "str")`, `"int" not callable`).

## Why it fails at runtime
Both operands decline the operation: `TypeError: unsupported operand type(s) for +: 'int' and
'str'`. Low confidence: mypy often types an attribute from its first assignment (`None` in
`__init__`) when another method fills it before the operation runs.

## Example
```python
values: list[int] = [1]
print(values[0] + "a")
```

## Use instead
```python
values: list[int] = [1]
print(str(values[0]) + "a")
```

## Not flagged
{_NOT_FLAGGED_COMMON}
""",
    "OO283": f"""\
A subscript on a type that does not support it (mypy `index`).

## What it finds
`value[key]` or `value[key] = x` where mypy knows the type of `value` has no `__getitem__` /
`__setitem__` (`Value of type "int" is not indexable`).

## Why it fails at runtime
`TypeError: 'int' object is not subscriptable`. Low confidence, for the reason given under OO282.

## Example
```python
values: list[int] = [1]
print(values[0][0])
```

## Use instead
```python
values: list[int] = [1]
print(values[0])
```

## Not flagged
{_NOT_FLAGGED_COMMON}
""",
    "OO284": f"""\
A call matching no overload of the callee (mypy `call-overload`).

## What it finds
A call of an overloaded function (most builtins) whose argument types fit none of its overloads.

## Why it fails at runtime
Builtins written in C check their argument types: `TypeError: 'NoneType' object cannot be
interpreted as an integer`. Low confidence: overloads are often narrower than what runs.

## Example
```python
print(int("1", base=None))
```

## Use instead
```python
print(int("1", base=10))
```

## Not flagged
{_NOT_FLAGGED_COMMON}
""",
    "OO285": f"""\
An argument of a type the parameter does not accept (mypy `arg-type`).

## What it finds
A call passing a value whose type does not match the parameter's annotation.

## Why it fails at runtime
Only when the callee uses the value in a way the type does not support (`len(3)`: `TypeError:
object of type 'int' has no len()`). Low confidence: on the csn split of RealClassEval mypy's
`arg-type` diagnostics are right about a TypeError in a test only about one time in three (22% in
our measure); most wrong types flow on and fail later, differently, or not at all.

## Example
```python
values: list[int] = [1]
len(values[0])
```

## Use instead
```python
values: list[int] = [1]
len(values)
```

## Not flagged
{_NOT_FLAGGED_COMMON}
""",
    "OO286": f"""\
A `typing.Protocol` class instantiated (mypy `Cannot instantiate protocol class`).

## What it finds
`P()` where `P` is a class whose bases include `typing.Protocol` (and that is not itself a
concrete subclass).

## Why it fails at runtime
`Protocol.__init__` is replaced by one that refuses: `TypeError: Protocols cannot be
instantiated`.

## Example
```python
from typing import Protocol


class Shape(Protocol):
    def area(self) -> float: ...


Shape()
```

## Use instead
```python
from typing import Protocol


class Shape(Protocol):
    def area(self) -> float: ...


class Square:
    def area(self) -> float:
        return 1.0


shape: Shape = Square()
```

## Not flagged
{_NOT_FLAGGED_COMMON}
""",
}
