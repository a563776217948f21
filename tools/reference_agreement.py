"""Print how closely soilsink's Tier 2 and Millennial agree with their recorded references.

Run: PYTHONPATH=src:tests python tools/reference_agreement.py
For every recorded case (``tests/data/tier2_hestia``, ``tests/data/millennial_r``) it prints
the largest relative difference over pools and years, the figure the tests bound by 1e-6.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import test_ipcc_tier2_reference as tier2
import test_millennial_reference as mil
from soilsink.models.ipcc_tier2 import POOLS as T2_POOLS
from soilsink.models.millennial import POOLS as M_POOLS


def _rel(ours: np.ndarray, ref: np.ndarray) -> float:
    ours, ref = np.ravel(ours), np.ravel(ref)
    nz = ref != 0
    return float(np.max(np.abs(ours[nz] - ref[nz]) / np.abs(ref[nz]))) if nz.any() else 0.0


def main() -> None:
    print("IPCC Tier 2 vs HESTIA engine (pools active, slow, passive; every year)")
    for name in sorted(tier2.CASES):
        ref = pd.read_csv(tier2.DATA / f"{name}.csv")
        ours = tier2.tier2_run(tier2.CASES[name])
        worst = max(_rel(ours[p], ref[p].to_numpy()) for p in T2_POOLS)
        print(f"  {name:28s} {len(ref):3d} years  max rel diff {worst:.1e}")
    print("Millennial v2 vs official R code (pools POM, LMWC, AGG, MIC, MAOM and CO2; year ends)")
    for name in ("tutorial", "input_change", "input_change_prior"):
        params, site, f, init, out = mil.load_case(name)
        start = {p: init[p] / 100.0 for p in M_POOLS}
        if name == "tutorial":
            npp = f["forc_npp"].to_numpy()
            m = mil.millennial_model(params, site, f["forc_st"].to_numpy(), f["forc_sw"].to_numpy(),
                           npp / npp.sum())
            run = m.run(start, np.full((len(out) - 1, 1), npp.sum() / 100.0))
        else:
            years = (len(f) - 1) // 365
            m = mil.millennial_model(params, site, f["forc_st"].to_numpy()[:365], f["forc_sw"].to_numpy()[:365])
            run = m.run(start, f["forc_npp"].to_numpy()[:-1].reshape(years, 365)[:, 0] * 3.65)
        worst = max(_rel((run.co2_t_ha if p == "CO2" else run.pools[p]) * 100.0, out[p].to_numpy())
                    for p in (*M_POOLS, "CO2"))
        print(f"  {name:28s} {len(out) - 1:3d} years  max rel diff {worst:.1e}")
    for name in ("steady_tutorial", "steady_site"):
        params, site, f, init, out = mil.load_case(name)
        m = mil.millennial_model(params, site, float(f["forc_st"][0]), float(f["forc_sw"][0]))
        eq = m.equilibrium(np.array(f["forc_npp"][0] * 3.65))
        worst = max(_rel(eq[p] * 100.0, v) for p, v in zip(out["pool"], out["value"], strict=True))
        print(f"  {name:28s} steady state     max rel diff {worst:.1e} (R: nleqslv root)")


if __name__ == "__main__":
    main()
