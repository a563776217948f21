"""Timing helpers shared by the bench scripts: best-of-N wall time and the machine's load."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numba


def best_of(fn: Callable[[], object], repeats: int) -> float:
    """Smallest wall time (s) of ``repeats`` calls of ``fn`` (call it once before to compile)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """``(fn(), wall time in s)``."""
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def load_line() -> str:
    """One line: 1-minute load average, cores, numba threads."""
    return (f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores, "
            f"numba threads {numba.get_num_threads()}")
