"""IPCC 2019 Tier 2 steady-state method: equations, protocol, invariants (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soilsink.io.errors import InputError
from soilsink.models.ipcc_tier2 import POOLS, IPCCTier2, parameter_table
from soilsink.models.ipcc_tier2 import equations as eq

TAS = [1.5, 2.5, 5.8, 9.1, 13.0, 16.2, 18.4, 18.0, 14.9, 10.6, 5.9, 2.7]
PR = [62.0, 48.0, 55.0, 52.0, 61.0, 66.0, 70.0, 68.0, 57.0, 66.0, 67.0, 70.0]
PET = [8.0, 14.0, 33.0, 58.0, 89.0, 108.0, 118.0, 100.0, 66.0, 36.0, 14.0, 7.0]
P = {k: v.value for k, v in parameter_table().items()}


def model(**kw) -> IPCCTier2:
    args = {"tas": TAS, "pr": PR, "pet": PET, "sand_pct": 25.0, "tillage": "full"} | kw
    return IPCCTier2(**args)


def test_protocol_attributes():
    m = model()
    assert m.name == "ipcc_tier2" and m.pools == POOLS and m.stable_pools == ("passive",)
    assert "passive" in m.stable_definition and "IPCC 2019" in m.stable_definition


def test_protocol_conformance():
    from soilsink.models.base import SOMModel

    assert isinstance(model(), SOMModel)


def test_f4_matches_the_ipcc_workbook_value():
    # the IPCC parameter workbook lists f4 = 0.5745 for its default sand fraction 0.25
    assert eq.f4_active_to_slow(0.25, P["f5"], P["f4par1"], P["f4par2"]) == pytest.approx(0.5745)


def test_temperature_factor_is_one_at_optimum_zero_above_maximum():
    t = eq.temperature_factor_monthly(np.array([P["topt"], P["tmax"], 50.0, 10.0]), P["tmax"],
                                      P["topt"])
    assert t[0] == pytest.approx(1.0) and t[1] == 0.0 and t[2] == 0.0 and 0 < t[3] < 1


def test_water_factor_limits():
    w = eq.water_factor_monthly(np.array([100.0, 0.0, 5.0]), np.array([10.0, 50.0, 0.0]),
                                np.array([False, False, False]), P["wfacpar1"], P["wfacpar2"],
                                P["wfacpar3"], P["wfac_irrigated"])
    top = P["wfacpar1"] + P["wfacpar2"] * 1.25 - P["wfacpar3"] * 1.25 ** 2  # MAPPET capped at 1.25
    np.testing.assert_allclose(w, [top, P["wfacpar1"], top])
    irr = eq.water_factor_monthly(0.0, 50.0, True, P["wfacpar1"], P["wfacpar2"], P["wfacpar3"],
                                  P["wfac_irrigated"])
    assert irr == P["wfac_irrigated"]


def test_metabolic_fraction_floored_at_zero():
    assert eq.metabolic_input(2.0, 0.5, 0.005) == 0.0  # L/N = 100 > 47.2
    assert eq.metabolic_input(2.0, 0.073, 0.0083) == pytest.approx(2.0 * (0.85 - 0.018 * 0.073 / 0.0083))


def test_steady_state_closes_the_century_flux_balance():
    """The closed-form steady states satisfy every pool balance of the underlying three-pool
    structure, and the total of the losses equals the input."""
    m, c = model(tillage="reduced", sand_pct=40.0), 3.0
    lc, nc, r = P["lignin_frac"], P["nitrogen_frac"], m.rates
    f2 = P["f2_reduced"]
    f4 = eq.f4_active_to_slow(0.40, P["f5"])
    s = m.equilibrium(np.array(c))
    beta = eq.metabolic_input(c, lc, nc)
    out_a, out_s, out_p = (s["active"] * r.k_active, s["slow"] * r.k_slow, s["passive"] * r.k_passive)
    into_a = beta * P["f1"] + (c * (1 - lc) - beta) * f2 + out_s * P["f7"] + out_p * P["f8"]
    into_s = c * lc * P["f3"] + out_a * f4
    into_p = out_a * P["f5"] + out_s * P["f6"]
    np.testing.assert_allclose([into_a, into_s, into_p], [out_a, out_s, out_p], rtol=1e-12)
    losses = (beta * (1 - P["f1"]) + (c * (1 - lc) - beta) * (1 - f2) + c * lc * (1 - P["f3"])
              + out_a * (1 - f4 - P["f5"]) + out_s * (1 - P["f6"] - P["f7"]) + out_p * (1 - P["f8"]))
    assert losses == pytest.approx(c, rel=1e-12)


def test_long_run_converges_to_equilibrium_after_a_management_change():
    before, after = model(tillage="full"), model(tillage="no")
    tr = after.simulate(before.equilibrium(np.array(2.0)), np.full((6000,), 2.0)[:, None])
    target = after.equilibrium(np.array([2.0]))
    for p in POOLS:
        np.testing.assert_allclose(tr.pools[p][-1], target[p], rtol=1e-9)
    assert tr.soc_t_ha[-1, 0] > tr.soc_t_ha[0, 0]  # no-till gains carbon


def test_cells_vectorise_like_separate_runs():
    both = model(tillage=["full", "no"], sand_pct=[10.0, 60.0])
    inputs = np.linspace(1.0, 3.0, 24).reshape(12, 2)
    tr = both.simulate(both.equilibrium(np.array([1.5, 2.5])), inputs)
    for j, (till, sand) in enumerate([("full", 10.0), ("no", 60.0)]):
        one = model(tillage=till, sand_pct=sand)
        t1 = one.simulate(one.equilibrium(np.array([1.5, 2.5])[j]), inputs[:, j])
        np.testing.assert_allclose(tr.soc_t_ha[:, j], t1.soc_t_ha, rtol=1e-14)


def test_parameter_overrides_and_draws():
    draws = np.array([0.15, 0.209, 0.28])
    m = model(parameters={"kfac_slow": draws})
    assert m.rates.k_slow.shape == (3,)
    np.testing.assert_allclose(m.rates.k_slow / draws, m.rates.k_slow[1] / 0.209)
    with pytest.raises(InputError):
        model(parameters={"no_such": 1.0})


@pytest.mark.parametrize("kw", [{"tillage": "ploughed"}, {"tas": TAS[:11]}, {"sand_pct": 120.0},
                                {"pr": [-1.0] * 12}, {"tas": [50.0] * 12},
                                {"nitrogen_frac": 0.0}])
def test_bad_input_is_a_clear_error(kw):
    with pytest.raises(InputError):
        model(**kw)


sites = st.fixed_dictionaries({
    "sand_pct": st.floats(0.0, 100.0),
    "tillage": st.sampled_from(["full", "reduced", "no", "unknown"]),
    "warm": st.floats(-10.0, 20.0),
    "wet": st.floats(0.0, 3.0),
})


def _site_model(s) -> IPCCTier2:
    tas = np.array(TAS) + s["warm"]
    return model(tas=tas, pr=np.array(PR) * s["wet"], sand_pct=s["sand_pct"], tillage=s["tillage"])


@settings(max_examples=60, deadline=None)
@given(s=sites, c=st.floats(0.0, 20.0))
def test_equilibrium_is_a_fixed_point_and_inverts(s, c):
    m = _site_model(s)
    e = m.equilibrium(np.array([c]))
    tr = m.simulate(e, np.full((5, 1), c))
    for p in POOLS:
        np.testing.assert_allclose(tr.pools[p], np.broadcast_to(e[p], tr.pools[p].shape),
                                   rtol=1e-12, atol=1e-12)
    if c > 0:
        np.testing.assert_allclose(m.inputs_for_target(tr.soc_t_ha[0]), c, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(s=sites, start=st.floats(0.1, 10.0), inputs=st.lists(st.floats(0.0, 15.0), min_size=1,
                                                            max_size=30))
def test_yearly_update_follows_part_1_and_pools_stay_non_negative(s, start, inputs):
    """The numba yearly run equals Eqs. 5.0B-D part 1 applied with the numpy equations, year by
    year; pools stay non-negative. (CO2 is defined as input - dSOC, so mass balance holds by
    construction and is not tested as a property here.)"""
    m = _site_model(s)
    tr = m.simulate(m.equilibrium(np.array(start)), np.array(inputs)[:, None])
    r = m.rates
    k = {"active": r.k_active, "slow": r.k_slow, "passive": r.k_passive}
    for y, c in enumerate(inputs):
        target = m.equilibrium(np.array(c))
        for p in POOLS:
            expected = eq.pool_step(tr.pools[p][y], target[p], k[p])
            np.testing.assert_allclose(tr.pools[p][y + 1], expected, rtol=1e-13, atol=1e-13)
    assert all(np.all(tr.pools[p] >= 0) for p in POOLS)
    np.testing.assert_allclose(tr.soc_t_ha, sum(tr.pools[p] for p in POOLS), rtol=1e-14)
    np.testing.assert_allclose(tr.inputs_t_ha[-1], sum(inputs), rtol=1e-12, atol=1e-12)


def test_yearly_climate_series_equals_year_by_year_models():
    """A yearly climate series gives each year the factors of that year's climate: the same
    as chaining one-year runs of models built for each year's climate."""
    rng = np.random.default_rng(1)
    n, sand = 6, np.array([15.0, 45.0, 70.0])
    tas = np.array(TAS)[None, :, None] + rng.normal(0, 2, (n, 1, 3))
    pr = np.array(PR)[None, :, None] * rng.uniform(0.5, 1.5, (n, 1, 3))
    pet = np.broadcast_to(np.array(PET)[None, :, None], (n, 12, 3))
    irrigated = np.zeros(12, dtype=bool)
    irrigated[5:8] = True
    base = model(sand_pct=sand, irrigated=irrigated)
    inputs = rng.uniform(1, 4, (n, 3))
    start = base.equilibrium(np.array([2.0, 2.0, 2.0]))
    tr = base.simulate(start, inputs, tas=tas, pr=pr, pet=pet)
    state = start
    for y in range(n):
        one = model(sand_pct=sand, irrigated=irrigated, tas=tas[y], pr=pr[y], pet=pet[y])
        state = {p: v[-1] for p, v in one.simulate(state, inputs[y:y + 1]).pools.items()}
        for p in POOLS:
            np.testing.assert_allclose(tr.pools[p][y + 1], state[p], rtol=1e-14)
    # one climate for every cell broadcasts over the model's cells
    same = base.simulate(start, inputs, tas=tas[:, :, :1], pr=pr[:, :, :1], pet=pet[:, :, :1])
    assert same.soc_t_ha.shape == (n + 1, 3)
    with pytest.raises(InputError):
        base.simulate(start, inputs, tas=tas[:3], pr=pr[:3], pet=pet[:3])
    with pytest.raises(InputError):
        base.simulate(start, inputs, tas=tas)
