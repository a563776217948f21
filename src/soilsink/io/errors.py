"""One place for input and output errors.

Every input problem names file, row, column, value and what is allowed (:class:`Problem`,
raised as :class:`InputError`); an output that cannot be written (no permission, read-only or
full disk, a file where a folder is needed) is an :class:`OutputError` naming the path, what
failed and what to do. The CLI turns both into a readable message and exit status 2, with no
traceback. Numbers are echoed with at most 12 significant digits.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import shutil
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from numbers import Real
from pathlib import Path
from typing import Any

from soilsink.io.temporaries import is_temporary

#: Significant digits of numbers echoed in messages.
ECHO_DIGITS = 12
#: Longest text value echoed in a message (longer values are cut with an ellipsis).
ECHO_CHARS = 80
#: At most this many problems are listed; the rest are counted.
MAX_LISTED = 25


def echo(value: Any) -> str:
    """A value as a message shows it: numbers with at most 12 significant digits, text quoted
    and cut at 80 characters, sequences element by element."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, Real):
        x = float(value)
        if math.isfinite(x) and x.is_integer() and abs(x) < 1e15:
            return str(int(x))
        return format(x, f".{ECHO_DIGITS}g")
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalar
        try:
            return echo(value.item())
        except (TypeError, ValueError):
            pass
    if isinstance(value, tuple | list):
        inner = ", ".join(echo(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    text = str(value)
    if len(text) > ECHO_CHARS:
        text = text[: ECHO_CHARS - 1] + "…"
    return repr(text)


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
            text += f" (value: {echo(self.value)})"
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
        lines += [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if len(self.problems) > MAX_LISTED:
            lines.append(f"  ... and {len(self.problems) - MAX_LISTED} more")
        return "\n".join(lines)


#: What to do about an operating-system error, by errno.
OS_ERROR_HINTS: dict[int, str] = {
    errno.EACCES: "no permission: check the permissions, or write to a folder you may write to",
    errno.EPERM: "the operation is not permitted there: check the permissions, or choose another folder",
    errno.EROFS: "the file system is read-only: write to a folder on a writable disk",
    errno.ENOSPC: "the disk is full: free some space or choose another disk",
    errno.EDQUOT: "your disk quota is used up: free some space or choose another disk",
    errno.ENOTDIR: "a part of the path is a file, not a folder: choose another path",
    errno.EISDIR: "a folder is in the way: give a file name",
    errno.ENAMETOOLONG: "the name is too long: choose a shorter path",
    errno.ENOENT: "a folder on the path does not exist: check the path",
    errno.EEXIST: "something is in the way: choose another name",
    errno.EXDEV: "the output and its temporary copy are on different disks: choose another folder",
    errno.EMFILE: "too many open files: close other programs or raise the limit (ulimit -n)",
    errno.EIO: "the disk reported an input/output error: check the disk",
}


#: What some writers (HDF5, GDAL) report when the disk is full; with little free space left,
#: :class:`OutputError` names the full disk instead.
MISLEADING_ERRNOS = frozenset({None, 0, errno.EACCES, errno.EPERM, errno.EIO, errno.EFBIG})


def os_error_hint(exc: OSError) -> str:
    """A one-line 'what to do' for an :class:`OSError`."""
    return OS_ERROR_HINTS.get(exc.errno or -1, "check the path and try again")


def os_error_reason(exc: OSError) -> str:
    """The system's reason with its errno name, e.g. ``Read-only file system (EROFS)``."""
    name = errno.errorcode.get(exc.errno or -1)
    reason = exc.strerror or str(exc)
    return f"{reason} ({name})" if name else reason


class OutputError(Exception):
    """An output could not be written: ``path``, what failed (``action``) and the system's
    reason (``cause``, an :class:`OSError`). ``str()`` says what to do."""

    def __init__(self, path: str | os.PathLike, action: str, cause: OSError,
                 where: str | os.PathLike | None = None, free_bytes: int | None = None):
        self.path = str(path)
        self.action = action
        self.cause = cause
        self.where = None if where is None else str(where)
        self.free_bytes = free_bytes
        super().__init__(str(self))

    def __str__(self) -> str:
        at = f" (at {self.where})" if self.where and self.where != self.path else ""
        if self.free_bytes is not None and self.cause.errno in MISLEADING_ERRNOS:
            return (f"cannot {self.action} {self.path}{at}: the disk is full ({self.free_bytes} bytes free; the "
                    f"writer reported: {os_error_reason(self.cause)}); {OS_ERROR_HINTS[errno.ENOSPC]}")
        return f"cannot {self.action} {self.path}{at}: {os_error_reason(self.cause)}; {os_error_hint(self.cause)}"


def _owned_error(exc: BaseException, target: Path, paths: tuple[Path, ...]) -> bool:
    """True when ``exc`` is an OS error about the output: no file named, ``target`` or one of
    its folders, or something at or under one of ``paths`` (its temporaries)."""
    if not isinstance(exc, OSError):
        return False
    if exc.filename is None:
        return True
    p = Path(os.fsdecode(exc.filename))
    return p == target or p in target.parents or any(p == q or q in p.parents for q in paths)


@contextlib.contextmanager
def output_errors(target: Path, action: str, *paths: Path) -> Iterator[None]:
    """Turn OS errors about the output ``target`` (or ``paths``, its temporaries) into
    :class:`OutputError` saying ``action`` failed; others pass unchanged."""
    try:
        yield
    except OSError as exc:
        if _owned_error(exc, target, paths):
            where = Path(os.fsdecode(exc.filename)) if exc.filename is not None else None
            if where is not None and (where == target or is_temporary(where.name)):
                where = None
            raise OutputError(target, action, exc, where=where, free_bytes=_low_space(target)) from exc
        raise


#: Below this many free bytes a failed write is reported as a probably full disk (some
#: writers, e.g. HDF5 and GDAL, report a full disk as another error).
LOW_SPACE_BYTES = 1 << 20


def _low_space(target: Path) -> int | None:
    """Free bytes of the disk of ``target`` when below :data:`LOW_SPACE_BYTES`, else None."""
    where = next((p for p in (target, *target.parents) if p.exists()), None)
    try:
        free = shutil.disk_usage(where).free if where is not None else None
    except OSError:
        return None
    return free if free is not None and free < LOW_SPACE_BYTES else None


class InputWarning(UserWarning):
    """A suspicious but usable input (e.g. a gap between sampled layers)."""


def warn_input(problem: Problem) -> None:
    """Emit an :class:`InputWarning` for ``problem`` (shown by the CLI, collectable in tests)."""
    warnings.warn(str(problem), InputWarning, stacklevel=2)


def raise_if(problems: list[Problem]) -> None:
    """Raise :class:`InputError` when ``problems`` is not empty."""
    if problems:
        raise InputError(problems)
