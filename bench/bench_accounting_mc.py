"""Benchmark: Monte Carlo sink accounting, 100 fields x 5000 draws x 20 years.

Prints wall times of (1) IPCC Tier 1 draws with shared table cells, (2) the linear 20-year
trajectories, (3) the capped sink and its summary, (4) a model-based (one-pool) run over the
same fields x draws cells. Run: PYTHONPATH=src python bench/bench_accounting_mc.py
"""

from __future__ import annotations

import time

import numpy as np

from soilsink.accounting.ipcc import lookup, tier1_stock_draws, tier1_trajectory
from soilsink.accounting.model_based import run_model_scenarios
from soilsink.accounting.sink import sink
from soilsink.accounting.uncertainty import Normal, draw, summarize

N_FIELDS, N_DRAWS, YEARS, SEED = 100, 5000, 20, 2026


def main() -> None:
    rng = np.random.default_rng(0)
    zones = ["warm_temperate_moist", "cool_temperate_moist", "tropical_moist", "warm_temperate_dry"]
    soils = ["HAC", "LAC", "SAN"]
    fields = [(zones[rng.integers(4)], soils[rng.integers(3)]) for _ in range(N_FIELDS)]
    t0 = time.perf_counter()
    base = [lookup("2019", z, s, "cropland", "full_tillage", "low") for z, s in fields]
    proj = [lookup("2019", z, s, "cropland", "no_till", "high_without_manure") for z, s in fields]
    t1 = time.perf_counter()
    eq = tier1_stock_draws(base + proj, N_DRAWS, SEED)          # (200, draws)
    t2 = time.perf_counter()
    b_eq, p_eq = eq[:N_FIELDS], eq[N_FIELDS:]
    baseline = tier1_trajectory(b_eq, b_eq, YEARS)              # steady baseline
    project = tier1_trajectory(b_eq, p_eq, YEARS)               # (100, 5000, 21)
    t3 = time.perf_counter()
    area = rng.uniform(1, 50, N_FIELDS)
    thr = draw({"thr": Normal(mean=60, sd=5)}, N_FIELDS, SEED)["thr"]
    res = sink(baseline, project, area_ha=area, threshold_t_ha=thr)
    total = res.sink_t_co2e.sum(axis=0)                         # project total per draw
    summ = summarize(total)
    t4 = time.perf_counter()
    mb = run_model_scenarios("henin_dupuis", b_eq, years=YEARS,
                             model_params={"humification": 0.15, "k_yr": 0.02},
                             scenarios={"baseline": "initial", "project": {"factor": 1.2}})
    res2 = sink(mb.soc("baseline"), mb.soc("project"), area_ha=area, threshold_t_ha=thr)
    t5 = time.perf_counter()
    print(f"fields x draws x years     : {N_FIELDS} x {N_DRAWS} x {YEARS}")
    print(f"lookup 200 strata          : {t1 - t0:8.3f} s")
    print(f"Tier 1 draws (shared cells): {t2 - t1:8.3f} s")
    print(f"trajectories               : {t3 - t2:8.3f} s")
    print(f"sink + cap + summary       : {t4 - t3:8.3f} s")
    print(f"model-based one-pool + sink: {t5 - t4:8.3f} s  (cells {mb.soc('project').shape})")
    print(f"total                      : {t5 - t0:8.3f} s")
    print(f"Tier 1 project sink, t CO2e: mean {summ.mean:,.0f}, 95 % [{summ.lo95:,.0f}, {summ.hi95:,.0f}]")
    print(f"model-based sink, t CO2e   : mean {res2.sink_t_co2e.sum(axis=0).mean():,.0f}")


if __name__ == "__main__":
    main()
