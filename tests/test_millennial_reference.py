"""Millennial v2 against the official R code (rabramoff/Millennial) run on recorded cases.

The cases, their inputs and the R outputs (full precision) are in ``tests/data/millennial_r``,
made by ``tools/make_millennial_reference.py`` (provenance in each ``PROVENANCE.json``).
Agreement required: 1e-6 relative per pool and year (observed: about 1e-12).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from soilsink.models.millennial import POOLS, Millennial

DATA = Path(__file__).parent / "data" / "millennial_r"
RTOL = 1e-6


def read_pairs(path: Path) -> dict[str, float]:
    return {k: float(v) for k, v in (line.split() for line in path.read_text().splitlines()
                                     if line.strip())}


def load_case(name: str):
    d = DATA / name
    params = read_pairs(d / "params.txt")
    site = read_pairs(d / "site.txt")
    forcing = pd.read_csv(d / "forcing.csv")
    init = pd.read_csv(d / "init.csv").iloc[0]
    out = pd.read_csv(d / "r_output.csv")
    return params, site, forcing, init, out


def millennial_model(params, site, tsoil, theta, shape=None) -> Millennial:
    # the official site: bulk density in kg/m3, clay + silt in %; Q_max of a 1 m column
    return Millennial(clay_pct=site["param_claysilt"], silt_pct=0.0,
                      bd_g_cm3=site["param_bulkd"] / 1000.0, ph=site["param_pH"],
                      tsoil=tsoil, theta=theta, input_shape=shape,
                      parameters={**params, "param_pc": site["param_pc"]})


def compare(run, out, years):
    for p in (*POOLS, "CO2"):
        ours = run.co2_t_ha if p == "CO2" else run.pools[p]
        ref = out[p].to_numpy()[: years + 1] / 100.0  # g C/m2 -> t C/ha
        np.testing.assert_allclose(ours[: years + 1].ravel(), ref, rtol=RTOL, atol=0, err_msg=p)


def test_official_tutorial_run():
    params, site, f, init, out = load_case("tutorial")
    npp = f["forc_npp"].to_numpy()
    total = npp.sum()
    m = millennial_model(params, site, f["forc_st"].to_numpy(), f["forc_sw"].to_numpy(), npp / total)
    years = len(out) - 1
    run = m.run({p: init[p] / 100.0 for p in POOLS}, np.full((years,), total / 100.0)[:, None])
    compare(run, out, years)


@pytest.mark.parametrize("name", ["input_change", "input_change_prior"])
def test_input_change_runs(name):
    params, site, f, init, out = load_case(name)
    years = (len(f) - 1) // 365
    st, sw = f["forc_st"].to_numpy()[:365], f["forc_sw"].to_numpy()[:365]
    c_input = f["forc_npp"].to_numpy()[:-1].reshape(years, 365)[:, 0] * 365 / 100.0
    m = millennial_model(params, site, st, sw)
    run = m.run({p: init[p] / 100.0 for p in POOLS}, c_input)
    compare(run, out, years)


@pytest.mark.parametrize("name", ["steady_tutorial", "steady_site"])
def test_steady_state_matches_r_root(name):
    params, site, f, init, out = load_case(name)
    m = millennial_model(params, site, float(f["forc_st"][0]), float(f["forc_sw"][0]))
    eq = m.equilibrium(np.array(f["forc_npp"][0] * 365 / 100.0))
    assert (out["termcd"] == 1).all()
    for p, v in zip(out["pool"], out["value"], strict=True):
        np.testing.assert_allclose(eq[p] * 100.0, v, rtol=1e-9, err_msg=p)
