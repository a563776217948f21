"""One place for input errors: every problem names file, row, column, value and what is allowed.

The CLI turns :class:`InputError` into a readable message and exit status 2, with no traceback.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One bad value (or a file-level problem when ``row``/``column`` are None).

    ``row`` is the row number as a person sees it in the file: for a table with a header
    line, the first data row is row 2 (the header is row 1), as in a spreadsheet.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: Any = None
    allowed: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = ", ".join(where) + f": {self.message}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text


class InputError(ValueError):
    """Bad input. Carries one or more :class:`Problem` records."""

    def __init__(self, problems: Problem | Iterable[Problem]):
        self.problems: list[Problem] = (
            [problems] if isinstance(problems, Problem) else list(problems)
        )
        if not self.problems:
            raise ValueError("InputError needs at least one Problem")
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems in the input:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class InputWarning(UserWarning):
    """A suspicious but usable input (e.g. a gap between sampled layers)."""


def warn_input(problem: Problem) -> None:
    """Emit an :class:`InputWarning` for ``problem`` (shown by the CLI, collectable in tests)."""
    warnings.warn(str(problem), InputWarning, stacklevel=2)


def raise_if(problems: list[Problem]) -> None:
    """Raise :class:`InputError` when ``problems`` is not empty."""
    if problems:
        raise InputError(problems)
