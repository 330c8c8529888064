"""The values of the command line's options, converted without pydantic where typer would import it.

typer 0.29 converts every option through a pydantic `TypeAdapter`, built the first time the option
is processed, and an option is processed on every run, given or not (an absent `--select` builds
its adapter, then `None` bypasses it). The adapters are cheap (13 of them: 2 ms); the first one
imports pydantic (60-70 ms of CPU), a tenth of a warm pre-commit run (issue #5). Here the options
that a check run gives as text (`str`, `Path`, and lists of them) are converted as typer's adapters
convert them, with typer's own path checks; an option left out is `None` (or `()`) before any
conversion. Every other value (`--jobs 2`, `--mypy-timeout 5`), and every value whose conversion
fails, goes to typer's own adapter, so its errors keep typer's words.

Alternatives measured and rejected (see README, "Start-up"): `typer<0.29` saves the same but
changes `--help` (`<list[Path]>` and the like) and every error message of a bad number, and
would keep oocheck out of any environment that needs a newer typer; no annotation or `parser=`
avoids the adapter in 0.29; building the click command once per run is what typer does already.

typer before 0.29 has no such adapters: there nothing is changed. A typer whose internals moved
(the names imported below, `_runtime_param`) is left alone too, only slower: tests/test_startup.py
fails on a typer 0.29 where that happens, and compares every conversion here with typer's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

try:
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_path
except ImportError:  # typer < 0.29 (click's types, no pydantic), or internals that moved
    TEXT_VALUES = False
else:
    TEXT_VALUES = True

    class _TextValue(RuntimeParam):
        """typer's RuntimeParam (absent values, the multi-value checks), converting text as below."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return _convert(self.annotation, self.parameter_info, value, param, ctx)
            except Exception:  # _Unconverted, or a value typer rejects: typer decides, in its words
                pass
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)


class _Unconverted(Exception):
    """This value is typer's to convert."""


def _convert(annotation: Any, parameter_info: Any, value: Any, param: Any, ctx: Any) -> Any:
    """What typer's adapter gives for `value`; _Unconverted for anything else."""
    if annotation is str and isinstance(value, str):
        return value
    if annotation is Path and isinstance(value, str) and parameter_info.path_type is None:
        # The adapter hands pydantic's Path(value) to coerce_cli_path (typer's checks of a path).
        return coerce_cli_path(Path(value), parameter_info, path_type=Path, param=param, ctx=ctx)
    if annotation in (list[str], list[Path]) and isinstance(value, (list, tuple)):
        item = annotation.__args__[0]
        return [_convert(item, parameter_info, v, param, ctx) for v in value]
    raise _Unconverted


def _install(params: list[Any]) -> None:
    if not TEXT_VALUES:
        return
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", False) is not None:
            continue  # not typer's parameter (--help), or one typer has already built
        if descriptor.file_annotation is not None or descriptor.parameter_info.parser is not None:
            continue
        try:
            param._runtime_param = _TextValue(annotation=descriptor.annotation,
                                              parameter_info=descriptor.parameter_info)
        except Exception:  # a RuntimeParam of another shape: typer's own conversion, only slower
            return


class _Converting:
    """Installs the conversion above on a command's parameters, and on its --help option, which
    click makes when a run parses its options."""

    params: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _install(self.params)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        _install([option])
        return option


class Command(_Converting, typer.core.TyperCommand):
    """A command of oocheck: typer's, converting text values as above."""


class Group(_Converting, typer.core.TyperGroup):
    """The `oocheck` group (its --version option): typer's, converting text values as above."""
