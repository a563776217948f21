"""IPCC Tier 2 steady-state method against the HESTIA engine, an independent implementation.

Cases and the engine's outputs (full precision) are in ``tests/data/tier2_hestia`` (made by
``tools/make_tier2_reference.py``; provenance in ``PROVENANCE.json``). Agreement required: 1e-6
relative per pool and year (observed: rounding level, ~1e-15).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from soilsink.models.ipcc_tier2 import POOLS, IPCCTier2

DATA = Path(__file__).parent / "data" / "tier2_hestia"
CASES = json.loads((DATA / "PROVENANCE.json").read_text())["cases"]
RTOL = 1e-6


def _climate(case: dict, years: slice | int) -> dict[str, np.ndarray]:
    """The case's monthly climate: one for all years, or (per-year cases) the given years."""
    out = {}
    for key in ("tas", "pr", "pet"):
        v = np.asarray(case[key], dtype=float)
        out[key] = v[years] if v.ndim == 2 else v
    return out


def yearly(case: dict) -> bool:
    return np.ndim(case["tas"]) == 2


def tier2_model(case: dict, tillage: str, year: int = 0) -> IPCCTier2:
    return IPCCTier2(**_climate(case, year), sand_pct=case["sand_pct"], tillage=tillage,
                     irrigated=case["irrigated"], lignin_frac=case["lignin_frac"],
                     nitrogen_frac=case["nitrogen_frac"])


def tier2_run(case: dict) -> dict[str, np.ndarray]:
    """Year 0 at its steady state, then one run per tillage regime, each continuing the last;
    a per-year climate enters as the yearly series of :meth:`IPCCTier2.simulate`."""
    till, c_in = case["tillage"], np.asarray(case["c_input"])
    state = tier2_model(case, till[0]).equilibrium(np.array(c_in[0]))
    out = {p: [float(state[p])] for p in POOLS}
    start = 1
    while start < len(till):
        end = start
        while end < len(till) and till[end] == till[start]:
            end += 1
        series = _climate(case, slice(start, end)) if yearly(case) else {}
        tr = tier2_model(case, till[start]).simulate(state, c_in[start:end], **series)
        for p in POOLS:
            out[p].extend(tr.pools[p][1:].tolist())
        state = {p: tr.pools[p][-1] for p in POOLS}
        start = end
    return {p: np.array(v) for p, v in out.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pools_every_year_match_hestia(name):
    ref = pd.read_csv(DATA / f"{name}.csv")
    ours = tier2_run(CASES[name])
    for p in POOLS:
        np.testing.assert_allclose(ours[p], ref[p].to_numpy(), rtol=RTOL, atol=0, err_msg=p)
    np.testing.assert_allclose(sum(ours.values()), ref["soc"].to_numpy(), rtol=RTOL, atol=0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rates_and_steady_states_match_hestia(name):
    case, ref = CASES[name], pd.read_csv(DATA / f"{name}.csv")
    for _, row in ref.iterrows():
        m = tier2_model(case, row["tillage"], int(row["year"]))
        r = m.rates
        np.testing.assert_allclose([r.k_active, r.k_slow, r.k_passive],
                                   row[["k_active", "k_slow", "k_passive"]].to_numpy(float),
                                   rtol=1e-12)
        eq = m.equilibrium(np.array(row["c_input"]))
        np.testing.assert_allclose([eq[p] for p in POOLS],
                                   row[["active_ss", "slow_ss", "passive_ss"]].to_numpy(float),
                                   rtol=1e-12)
