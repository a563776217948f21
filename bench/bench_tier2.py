"""Throughput of the IPCC Tier 2 steady-state method (numba yearly update, parallel over cells).

Run: PYTHONPATH=src python bench/bench_tier2.py [n_cells] [n_years] [repeats]
Prints the machine load, then cell-years per second of simulate() (best of N, after one
warm-up call that compiles), the time to build the model (climate factors and rates of every
cell) and of the closed-form equilibrium.
"""

from __future__ import annotations

import sys

import numpy as np
from timing import best_of, load_line, timed

from soilsink.models.ipcc_tier2 import IPCCTier2


def main(n_cells: int = 1_000_000, n_years: int = 50, repeats: int = 5) -> None:
    rng = np.random.default_rng(0)
    tas = 10.0 + 8.0 * np.sin(np.linspace(0, 2 * np.pi, 12, endpoint=False))[:, None] \
        + rng.normal(0, 3, n_cells)
    pr = rng.uniform(20, 120, (12, n_cells))
    pet = rng.uniform(5, 150, (12, n_cells))
    tillage = rng.choice(["full", "reduced", "no"], n_cells)
    model, t_build = timed(lambda: IPCCTier2(tas=tas, pr=pr, pet=pet,
                                             sand_pct=rng.uniform(5, 80, n_cells), tillage=tillage))
    inputs = rng.uniform(0.5, 5.0, (n_years, n_cells))
    eq, t_eq = timed(lambda: model.equilibrium(inputs[0]))
    model.simulate(eq, inputs[:2])  # compile / load the cached kernel
    best = best_of(lambda: model.simulate(eq, inputs), repeats)
    print(load_line())
    print(f"ipcc_tier2 {n_cells} cells x {n_years} yr: simulate best of {repeats} {best:.3f} s "
          f"({n_cells * n_years / best / 1e6:.1f} M cell-years/s); building the model (climate "
          f"factors, rates) {t_build:.2f} s; equilibrium {1e3 * t_eq:.1f} ms")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
