"""Benchmark: empirical thresholds (bootstrap) and the cap on synthetic tables. Prints figures."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from soilsink.threshold import cap_trajectory, empirical_thresholds, sink_potential


def main() -> None:
    rng = np.random.default_rng(1)
    for n_sites, n_types in ((10_000, 50), (100_000, 200)):
        soc = rng.lognormal(4.0, 0.4, n_sites)
        sites = pd.DataFrame({
            "site_id": [f"s{i}" for i in range(n_sites)],
            "soil_type": [f"T{i}" for i in rng.integers(0, n_types, n_sites)],
            "land_use": np.where(rng.random(n_sites) < 0.3, "natural", "cropland"),
            "soc_stock_t_ha": soc,
            "stable_soc_t_ha": soc * rng.uniform(0.4, 0.8, n_sites),
        })
        t0 = time.perf_counter()
        thr = empirical_thresholds(sites, n_boot=2000, seed=0)
        t1 = time.perf_counter()
        pot = sink_potential(sites, thr)
        t2 = time.perf_counter()
        print(f"{n_sites:>7} sites, {n_types:>3} soil types: thresholds (2000 bootstrap) {t1 - t0:6.2f} s, "
              f"potential {t2 - t1:5.2f} s ({len(pot)} rows)")
    traj = rng.uniform(20, 80, (100_000, 101)).cumsum(axis=1) / 50
    t0 = time.perf_counter()
    cap_trajectory(traj, rng.uniform(30, 90, 100_000))
    print(f"cap: 100,000 sites x 101 years in {time.perf_counter() - t0:.3f} s")


if __name__ == "__main__":
    main()
