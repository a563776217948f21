"""Throughput of the annual one-pool and ICBM engines (numpy, analytic yearly step).

Run: PYTHONPATH=src python bench/bench_models_annual.py [n_cells] [n_years]
Prints cell-years per second for simulate() and the time of the closed-form equilibrium.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from soilsink.models.henin_dupuis import HeninDupuis
from soilsink.models.icbm import ICBM


def main(n_cells: int = 200_000, n_years: int = 100) -> None:
    rng = np.random.default_rng(0)
    inputs = rng.uniform(0.0, 5.0, (n_years, n_cells))
    models = {
        "henin_dupuis": HeninDupuis(rng.uniform(0.1, 0.4, n_cells), rng.uniform(0.01, 0.05, n_cells)),
        "icbm": ICBM(r=rng.uniform(0.7, 1.5, n_cells), manure_t_ha_yr=0.5),
    }
    for name, model in models.items():
        t0 = time.perf_counter()
        eq = model.equilibrium(inputs[0])
        t1 = time.perf_counter()
        model.simulate(eq, inputs)
        t2 = time.perf_counter()
        print(f"{name:13s} {n_cells} cells x {n_years} yr: simulate {t2 - t1:.3f} s "
              f"({n_cells * n_years / (t2 - t1) / 1e6:.1f} M cell-years/s), "
              f"equilibrium {1e3 * (t1 - t0):.1f} ms")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
