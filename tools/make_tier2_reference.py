"""Record reference runs of the IPCC 2019 Tier 2 steady-state method by the HESTIA engine.

The HESTIA engine (``hestia-earth-models`` on PyPI, module
``hestia_earth.models.ipcc2019.organicCarbonPerHa_tier_2``) is an independent open
implementation of the method. This script calls its equation functions with their default
(Table 5.5a) parameters on the cases below and writes inputs and outputs at full precision to
``tests/data/tier2_hestia/<case>.csv`` plus ``PROVENANCE.json``. It needs an environment of
its own (the engine pins numpy < 2)::

    python -m venv /tmp/hestia && /tmp/hestia/bin/pip install hestia-earth-models==0.74.17
    /tmp/hestia/bin/python tools/make_tier2_reference.py

Each case: a site (monthly climate, one for all years or one per year; irrigation; sand), a
tillage regime per year and a yearly C input with its lignin and N fractions. Year 0's pools are its steady state (the engine's start
after its run-in); every later year is the engine's yearly update. Stocks are t C/ha (the
equations are linear in the input; the engine's kg C/ha are used as t C/ha).
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import numpy as np
from hestia_earth.models.ipcc2019 import organicCarbonPerHa_tier_2 as t2
from hestia_earth.models.ipcc2019.organicCarbonPerHa_utils import IpccManagementCategory as Cat

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "tier2_hestia"
TILL = {"full": Cat.FULL_TILLAGE, "reduced": Cat.REDUCED_TILLAGE, "no": Cat.NO_TILLAGE,
        "unknown": Cat.UNKNOWN}

CASES = {
    "temperate_tillage_change": {
        "tas": [1.5, 2.5, 5.8, 9.1, 13.0, 16.2, 18.4, 18.0, 14.9, 10.6, 5.9, 2.7],
        "pr": [62.0, 48.0, 55.0, 52.0, 61.0, 66.0, 70.0, 68.0, 57.0, 66.0, 67.0, 70.0],
        "pet": [8.0, 14.0, 33.0, 58.0, 89.0, 108.0, 118.0, 100.0, 66.0, 36.0, 14.0, 7.0],
        "irrigated": [False] * 12, "sand_pct": 25.0,
        "tillage": ["full"] * 6 + ["no"] * 14,
        "c_input": [2.1, 2.3, 1.9, 2.2, 2.0, 2.4] + [3.0] * 14,
        "lignin_frac": 0.073, "nitrogen_frac": 0.0083},
    "warm_irrigated_reduced": {
        "tas": [12.0, 13.5, 16.0, 19.5, 24.0, 28.5, 31.0, 30.5, 27.0, 22.0, 16.5, 12.5],
        "pr": [40.0, 35.0, 30.0, 20.0, 10.0, 2.0, 0.0, 0.0, 8.0, 30.0, 45.0, 50.0],
        "pet": [30.0, 40.0, 70.0, 100.0, 140.0, 180.0, 200.0, 185.0, 130.0, 80.0, 40.0, 28.0],
        "irrigated": [False] * 4 + [True] * 5 + [False] * 3, "sand_pct": 55.0,
        "tillage": ["reduced"] * 12, "c_input": [1.5 + 0.1 * i for i in range(12)],
        "lignin_frac": 0.12, "nitrogen_frac": 0.01},
    "hot_dry_edges": {  # a month above tmax (no decomposition) and a month with PET = 0
        "tas": [20.0, 24.0, 29.0, 34.0, 40.0, 46.0, 44.0, 41.0, 36.0, 30.0, 25.0, 21.0],
        "pr": [5.0, 0.0, 3.0, 0.0, 0.0, 0.0, 10.0, 30.0, 10.0, 2.0, 0.0, 6.0],
        "pet": [60.0, 80.0, 120.0, 170.0, 210.0, 240.0, 230.0, 200.0, 160.0, 110.0, 70.0, 0.0],
        "irrigated": [False] * 12, "sand_pct": 80.0,
        "tillage": ["unknown"] * 5 + ["full"] * 5, "c_input": [0.8] * 5 + [1.6] * 5,
        "lignin_frac": 0.2, "nitrogen_frac": 0.006},
}
_rng = np.random.default_rng(2019)
_TAS = np.array(CASES["temperate_tillage_change"]["tas"])
_PR = np.array(CASES["temperate_tillage_change"]["pr"])
CASES["yearly_climate"] = {  # the factors change every year with that year's weather
    "tas": [list(np.round(_TAS + _rng.normal(0.0, 1.5), 2)) for _ in range(15)],
    "pr": [list(np.round(_PR * _rng.uniform(0.6, 1.4, 12), 1)) for _ in range(15)],
    "pet": [CASES["temperate_tillage_change"]["pet"]] * 15,
    "irrigated": [False] * 12, "sand_pct": 40.0,
    "tillage": ["full"] * 5 + ["reduced"] * 10, "c_input": [2.0] * 5 + [2.6] * 10,
    "lignin_frac": 0.09, "nitrogen_frac": 0.012}
COLUMNS = ("year", "c_input", "tillage", "tfac", "wfac", "k_active", "k_slow", "k_passive",
           "active_ss", "slow_ss", "passive_ss", "active", "slow", "passive", "soc")


def _climate(case: dict, year: int) -> tuple[np.ndarray, ...]:
    """The year's monthly climate as (12, 1) columns (one climate for all years, or per year)."""
    def col(key):
        v = np.array(case[key], dtype=float)
        return (v[year] if v.ndim == 2 else v).reshape(12, 1)
    return col("tas"), col("pr"), col("pet"), np.array(case["irrigated"]).reshape(12, 1)


def run_case(case: dict) -> list[dict]:
    sand = case["sand_pct"] / 100.0
    lc, nc = np.array([[case["lignin_frac"]]]), np.array([[case["nitrogen_frac"]]])
    f4 = t2._calc_f_4(sand)
    rows, prev = [], None
    for year, (c, till) in enumerate(zip(case["c_input"], case["tillage"], strict=True)):
        tas, pr, pet, irr = _climate(case, year)
        tfac = t2._calc_temperature_factor_annual(tas)
        wfac = t2._calc_water_factor_annual(pr, pet, irr)
        ci = np.array([[c]])
        f2 = t2._get_f_2_annual([TILL[till]])
        tillfac = t2._get_tillage_factor_annual([TILL[till]])
        alpha = t2._calc_alpha(ci, f2, f4, lc, nc)
        ka = t2._calc_active_pool_decay_rate(tfac, wfac, tillfac, sand)
        ks = t2._calc_slow_pool_decay_rate(tfac, wfac, tillfac)
        kp = t2._calc_passive_pool_decay_rate(tfac, wfac)
        a_ss = t2._calc_active_pool_steady_state(alpha, ka)
        s_ss = t2._calc_slow_pool_steady_state(ci, f4, a_ss, ka, ks, lc)
        p_ss = t2._calc_passive_pool_steady_state(a_ss, s_ss, ka, ks, kp)
        if prev is None:
            a, s, p = a_ss, s_ss, p_ss
        else:
            a = t2._calc_sub_pool_soc_stock(a_ss, prev[0], ka)
            s = t2._calc_sub_pool_soc_stock(s_ss, prev[1], ks)
            p = t2._calc_sub_pool_soc_stock(p_ss, prev[2], kp)
        prev = (a, s, p)
        vals = [tfac, wfac, ka, ks, kp, a_ss, s_ss, p_ss, a, s, p, a + s + p]
        rows.append({"year": year, "c_input": c, "tillage": till,
                     **{k: float(np.ravel(v)[0]) for k, v in zip(COLUMNS[3:], vals, strict=True)}})
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, case in CASES.items():
        rows = run_case(case)
        with open(OUT / f"{name}.csv", "w") as fh:
            fh.write(",".join(COLUMNS) + "\n")
            for r in rows:
                fh.write(",".join(repr(r[c]) if isinstance(r[c], float) else str(r[c])
                                  for c in COLUMNS) + "\n")
        print(f"{name}: {len(rows)} years")
    prov = {"engine": "hestia-earth-models", "version": metadata.version("hestia-earth-models"),
            "module": "hestia_earth.models.ipcc2019.organicCarbonPerHa_tier_2",
            "functions": "_calc_temperature_factor_annual, _calc_water_factor_annual, _calc_f_4, "
                         "_get_f_2_annual, _get_tillage_factor_annual, _calc_alpha, "
                         "_calc_*_pool_decay_rate, _calc_*_pool_steady_state, "
                         "_calc_sub_pool_soc_stock (default parameters)",
            "command": "python tools/make_tier2_reference.py (in an environment with "
                       "hestia-earth-models installed)",
            "numpy": np.__version__, "cases": CASES,
            "year0": "steady state of year 0's input and tillage; later years: yearly update"}
    (OUT / "PROVENANCE.json").write_text(json.dumps(prov, indent=2) + "\n")


if __name__ == "__main__":
    main()
