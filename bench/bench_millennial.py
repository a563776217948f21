"""Throughput of Millennial v2 (numba daily RK4, parallel over cells) and of its steady states.

Run: PYTHONPATH=src python bench/bench_millennial.py [n_cells] [n_years] [repeats]
Prints the machine load, then cell-days per second of the daily run (best of N, after a
warm-up call that compiles), and the time of the exact and periodic steady states.
"""

from __future__ import annotations

import sys

import numpy as np
from timing import best_of, load_line, timed

from soilsink.models.millennial import Millennial


def main(n_cells: int = 2000, n_years: int = 20, repeats: int = 3) -> None:
    rng = np.random.default_rng(0)
    day = np.arange(365)[:, None]
    tsoil = 11.0 + 8.0 * np.sin(2 * np.pi * day / 365) + rng.normal(0, 3, n_cells)
    theta = np.clip(0.28 + 0.05 * np.cos(2 * np.pi * day / 365) + rng.normal(0, 0.04, n_cells),
                    0.05, 0.55)
    model = Millennial(clay_pct=rng.uniform(5, 45, n_cells), silt_pct=rng.uniform(5, 45, n_cells),
                       bd_g_cm3=rng.uniform(1.0, 1.6, n_cells), ph=rng.uniform(4.5, 8.0, n_cells),
                       tsoil=tsoil, theta=theta, depth_cm=30.0)
    inputs = rng.uniform(0.5, 5.0, (n_years, n_cells))
    model.equilibrium_mean_forcing(inputs[:1, :1])  # compile / load the cached kernels
    eq, t_root = timed(lambda: model.equilibrium_mean_forcing(inputs[0]))
    model.simulate(eq, inputs[:1])
    best = best_of(lambda: model.simulate(eq, inputs), repeats)
    _, t_periodic = timed(lambda: model.equilibrium(inputs[0]))
    print(load_line())
    days = n_cells * n_years * 365
    print(f"millennial {n_cells} cells x {n_years} yr: daily run best of {repeats} {best:.3f} s "
          f"({days / best / 1e6:.2f} M cell-days/s); exact steady state {1e3 * t_root:.1f} ms; "
          f"periodic steady state {t_periodic:.2f} s")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
