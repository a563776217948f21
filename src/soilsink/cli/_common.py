"""Shared CLI helpers: friendly errors (exit 2, no traceback), warnings, depth parsing."""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from soilsink.io.errors import InputError, InputWarning, OutputError, os_error_hint, os_error_reason

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)

EXIT_BAD_INPUT = 2


def friendly_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command: bad input or an output that cannot be written -> a clear message on
    stderr and exit status 2, no traceback.

    Catches :class:`~soilsink.io.errors.InputError`, :class:`~soilsink.io.errors.OutputError`,
    pydantic ``ValidationError`` and every ``OSError`` (path, the system's reason, what to do);
    prints :class:`~soilsink.io.errors.InputWarning` as warnings.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InputWarning)
            try:
                result = func(*args, **kwargs)
            except (InputError, OutputError) as exc:
                _fail(caught, str(exc))
            except FileNotFoundError as exc:
                _fail(caught, f"file not found: {exc.filename or exc}")
            except OSError as exc:
                where = f"cannot access {exc.filename}: " if exc.filename else ""
                _fail(caught, f"{where}{os_error_reason(exc)}; {os_error_hint(exc)}")
            except Exception as exc:  # pydantic without importing it eagerly
                if type(exc).__name__ == "ValidationError" and "pydantic" in type(exc).__module__:
                    _fail(caught, str(exc))
                raise
        _show_warnings(caught)
        return result

    return wrapper


def _fail(caught: list[warnings.WarningMessage], message: str) -> None:
    """Show the warnings so far and ``message``; exit with status 2."""
    _show_warnings(caught)
    err_console.print(f"[bold red]error:[/] {escape(message)}", markup=True)
    raise typer.Exit(EXIT_BAD_INPUT) from None


def _show_warnings(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        if issubclass(w.category, InputWarning):
            err_console.print(f"[yellow]warning:[/] {escape(str(w.message))}", markup=True)
        else:
            print(f"warning: {w.message}", file=sys.stderr)


def parse_depth(text: str, option: str = "--depth") -> tuple[float, float]:
    """Parse ``"0-30"`` into ``(0.0, 30.0)`` cm; a bad value is an :class:`InputError`."""
    from soilsink.io.errors import Problem

    try:
        top, bottom = (float(x) for x in text.split("-"))
    except ValueError:
        raise InputError(
            Problem(option, "cannot read the depth interval", value=text, allowed="TOP-BOTTOM in cm, e.g. 0-30")
        ) from None
    if not (0 <= top < bottom):
        raise InputError(
            Problem(option, "top must be >= 0 and less than bottom", value=text, allowed="0 <= TOP < BOTTOM")
        )
    return top, bottom
