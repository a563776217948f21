"""Checks and broadcasting shared by the annual balance models (one-pool, ICBM).

Bad parameters or inputs raise :class:`soilsink.io.errors.InputError` naming the
parameter, the value and what is allowed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from soilsink.io.errors import InputError, Problem

SOURCE = "<model parameters>"


def as_param(
    name: str,
    value: ArrayLike,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    source: str = SOURCE,
) -> np.ndarray:
    """``value`` as a float64 array, checked to be finite and within ``[low, high]``.

    ``low_open=True`` makes the lower bound strict (``value > low``).
    """
    arr = np.asarray(value, dtype=np.float64)
    bad = ~np.isfinite(arr)
    allowed = []
    if low is not None:
        bad |= (arr <= low) if low_open else (arr < low)
        allowed.append(f"{'>' if low_open else '>='} {low}")
    if high is not None:
        bad |= arr > high
        allowed.append(f"<= {high}")
    if np.any(bad):
        first = arr[bad].flat[0] if arr.ndim else float(arr)
        raise InputError(
            Problem(
                file=source,
                message=f"parameter '{name}' out of range ({int(np.sum(bad))} bad value(s))",
                column=name,
                value=float(first),
                allowed="finite " + " and ".join(allowed) if allowed else "finite",
            )
        )
    return arr


def as_inputs(name: str, value: ArrayLike, *, source: str = "<model inputs>") -> np.ndarray:
    """Annual inputs (t C/ha/yr) as a float64 array of at least one dimension (years first)."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        raise InputError(
            Problem(
                file=source,
                message=f"'{name}' needs a leading year axis (shape (n_years, *cells))",
                column=name,
                value=float(arr),
                allowed="array with at least one dimension",
            )
        )
    return as_param(name, arr, low=0.0, source=source)


def cumulative_from_zero(per_year: np.ndarray) -> np.ndarray:
    """``(n, *cells)`` annual amounts -> ``(n + 1, *cells)`` running totals starting at 0."""
    out = np.zeros((per_year.shape[0] + 1, *per_year.shape[1:]), dtype=np.float64)
    np.cumsum(per_year, axis=0, out=out[1:])
    return out


def broadcast_years(per_year: np.ndarray, cells: tuple[int, ...]) -> np.ndarray:
    """View ``(n_years, *c)`` as ``(n_years, *cells)`` (``c`` broadcasting to ``cells``, aligned
    on the right as numpy does; the year axis always stays first)."""
    n, c = per_year.shape[0], per_year.shape[1:]
    pad = (1,) * (len(cells) - len(c))
    return np.broadcast_to(per_year.reshape((n, *pad, *c)), (n, *cells))
