"""Millennial v2: protocol, steady states, variants and invariants (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soilsink.io.errors import InputError
from soilsink.models.millennial import POOLS, Millennial, parameter_table
from soilsink.models.millennial import kernel as k
from soilsink.models.millennial.forcing import (
    bucket_theta,
    daily_from_monthly,
    soil_forcing_from_monthly,
)

DAY = np.arange(365)
SEASONAL_T = 11.0 + 8.0 * np.sin(2 * np.pi * DAY / 365)
SEASONAL_W = 0.27 + 0.06 * np.cos(2 * np.pi * DAY / 365)


def model(**kw) -> Millennial:
    args = {"clay_pct": 20.0, "silt_pct": 30.0, "bd_g_cm3": 1.3, "ph": 6.5, "tsoil": 12.0,
            "theta": 0.28, "depth_cm": 30.0} | kw
    return Millennial(**args)


def _rows(m: Millennial) -> np.ndarray:
    return m.kernel_parameters.reshape(-1, k.N_ROW)[0]


def test_protocol_attributes_and_parameters():
    m = model()
    assert m.name == "millennial" and m.pools == POOLS and m.stable_pools == ("MAOM",)
    assert "MAOM" in m.stable_definition and "Abramoff" in m.stable_definition
    table = parameter_table()
    assert table["param_pc"].value == 0.86 and "Georgiou" in table["param_pc"].source
    assert m.parameter_values["cue_ref"] == 0.19
    # Eq. 11: Q_max = BD (kg/m3) * pc * (clay + silt) over the column depth, t C/ha
    assert m.qmax_t_ha == pytest.approx(1300 * 0.86 * 50 * 0.30 / 100)


def test_steady_state_is_a_root_of_the_official_equations():
    m = model()
    e = m.equilibrium(np.array(2.5))
    x = np.zeros(k.N_STATE)
    x[:5] = [e[p] * 100 for p in POOLS]
    d = np.empty(k.N_STATE)
    k.derivs(x, 12.0, 0.28, 2.5 * 100 / 365, _rows(m), True, d)
    np.testing.assert_allclose(d[:5], 0.0, atol=1e-12 * 2.5 * 100 / 365 * 1e3)
    assert d[5] + d[6] == pytest.approx(2.5 * 100 / 365, rel=1e-12)  # losses = input


def test_protocol_conformance():
    from soilsink.models.base import SOMModel

    assert isinstance(model(), SOMModel)


def test_hot_soil_without_microbial_growth_has_a_microbe_free_steady_state():
    m = model(tsoil=35.0)  # CUE = 0.19 - 0.012 (35 - 15) < 0
    e = m.equilibrium(np.array(2.5))
    assert e["MIC"] == 0.0
    x = np.zeros(k.N_STATE)
    x[:5] = [e[p] * 100 for p in POOLS]
    d = np.empty(k.N_STATE)
    k.derivs(x, 35.0, 0.28, 2.5 * 100 / 365, _rows(m), True, d)
    np.testing.assert_allclose(d[:5], 0.0, atol=1e-12)


def test_steady_state_matches_a_long_run():
    m = model()
    e = m.equilibrium(np.array([2.5]))
    start = {p: np.array([1.0 if p != "MIC" else 0.05]) for p in POOLS}
    r = m.run(start, np.full((1500, 1), 2.5))
    for p in POOLS:
        np.testing.assert_allclose(r.pools[p][-1], e[p], rtol=1e-9)


def test_periodic_steady_state_is_a_fixed_point_of_the_year_and_of_a_long_run():
    m = model(tsoil=SEASONAL_T, theta=SEASONAL_W)
    e = m.equilibrium(np.array([2.5]))
    mean = m.equilibrium_mean_forcing(np.array([2.5]))
    assert not np.isclose(e["MAOM"], mean["MAOM"], rtol=1e-6)  # seasonality matters
    one = m.run(e, np.full((3, 1), 2.5))
    long = m.run(mean, np.full((1500, 1), 2.5))
    for p in POOLS:
        np.testing.assert_allclose(one.pools[p][1:], np.broadcast_to(e[p], (3, 1)), rtol=1e-10)
        np.testing.assert_allclose(long.pools[p][-1], e[p], rtol=1e-8)


def test_inputs_for_target_inverts_equilibrium():
    m = model(tsoil=np.array([8.0, 14.0]), theta=0.3)
    target = np.array([35.0, 60.0])
    c = m.inputs_for_target(target)
    np.testing.assert_allclose(sum(m.equilibrium(c).values()), target, rtol=1e-10)


def test_linear_variant_differs_only_by_the_saturation_term():
    sat, lin = model(), model(saturating=False)
    x = np.array([300.0, 4.0, 900.0, 5.0, 2000.0, 0.0, 0.0, 0.0])
    ds, dl = np.empty(8), np.empty(8)
    k.derivs(x, 12.0, 0.28, 0.6, _rows(sat), True, ds)
    k.derivs(x, 12.0, 0.28, 0.6, _rows(lin), False, dl)
    p = _rows(sat)
    sorption = (0.28 / p[k.POR]) ** 0.5 * p[k.KLM] * x[1]
    saturation = sorption * x[4] / p[k.QMAX]
    np.testing.assert_allclose(dl[4] - ds[4], saturation, rtol=1e-12)
    np.testing.assert_allclose(ds[1] - dl[1], saturation, rtol=1e-12)
    np.testing.assert_allclose(np.delete(ds, [1, 4]), np.delete(dl, [1, 4]), rtol=0)


def test_maom_can_exceed_qmax_through_necromass_and_aggregate_breakdown():
    """Q_max caps sorption only: microbial necromass (param_pb) and aggregate breakdown
    (1 - param_pa) enter MAOM directly (Eqs. 19, 6, 16), so a small capacity under large
    inputs ends above Q_max, where the Langmuir term turns into net desorption."""
    m = model(clay_pct=5.0, silt_pct=0.0, depth_cm=10.0, tsoil=25.0, theta=0.3)
    e = m.equilibrium(np.array(20.0))
    assert e["MAOM"] > m.qmax_t_ha
    blocked = model(clay_pct=5.0, silt_pct=0.0, depth_cm=10.0, tsoil=25.0, theta=0.3,
                    parameters={"param_pb": 0.0, "param_pa": 1.0})
    assert blocked.equilibrium(np.array(20.0))["MAOM"] < blocked.qmax_t_ha


@pytest.mark.parametrize("kw", [{"theta": 0.7}, {"theta": -0.1}, {"theta": 0.0}, {"clay_pct": 80.0,
                                 "silt_pct": 40.0}, {"ph": 15.0}, {"bd_g_cm3": 0.0},
                                {"parameters": {"nope": 1.0}},
                                {"input_shape": np.full(365, 0.5)}])
def test_bad_input_is_a_clear_error(kw):
    with pytest.raises(InputError):
        model(**kw)


def test_forcing_from_monthly_climate():
    tas = np.linspace(0.0, 22.0, 12)
    assert daily_from_monthly(tas).shape == (365,)
    assert daily_from_monthly(tas)[31] == tas[1]  # 1 February
    wet = bucket_theta(np.full(12, 200.0), np.full(12, 20.0), 0.35, 0.12, 30.0)
    np.testing.assert_allclose(wet, 0.35)
    dry = bucket_theta(np.zeros(12), np.full(12, 80.0), 0.35, 0.12, 30.0)
    assert np.all(dry < 0.13) and np.all(dry >= 0.12)
    t, w = soil_forcing_from_monthly(tas, np.full(12, 50.0), np.linspace(10, 120, 12), 0.35, 0.12, 30)
    assert t.shape == w.shape == (365,) and np.all((w >= 0.12) & (w <= 0.35))
    with pytest.raises(InputError):
        bucket_theta(np.zeros(12), np.zeros(12), 0.1, 0.2, 30.0)
    m = Millennial.from_monthly_climate(tas=tas, pr=np.full(12, 50.0), pet=np.linspace(10, 120, 12),
                                        theta_fc=0.35, theta_wp=0.12, depth_cm=30.0,
                                        clay_pct=20.0, silt_pct=30.0, bd_g_cm3=1.3, ph=6.5)
    direct = model(tsoil=t, theta=w, depth_cm=30.0)
    np.testing.assert_array_equal(m.equilibrium_mean_forcing(np.array(2.0))["MAOM"],
                                  direct.equilibrium_mean_forcing(np.array(2.0))["MAOM"])


site = st.fixed_dictionaries({
    "clay_pct": st.floats(5.0, 50.0), "silt_pct": st.floats(0.0, 45.0),
    "bd_g_cm3": st.floats(0.8, 1.7), "ph": st.floats(4.0, 8.5),
    "tsoil": st.floats(-2.0, 28.0), "theta": st.floats(0.05, 0.55),
    "depth_cm": st.floats(10.0, 100.0)})


@settings(max_examples=40, deadline=None)
@given(s=site, c=st.floats(0.2, 12.0), inputs=st.lists(st.floats(0.0, 12.0), min_size=1,
                                                        max_size=6))
def test_mass_balance_fixed_point_and_non_negative(s, c, inputs):
    m = model(**(s | {"tsoil": s["tsoil"] + 6 * np.sin(2 * np.pi * DAY / 365)}))
    e = m.equilibrium_mean_forcing(np.array(c))
    tr = m.simulate(e, np.array(inputs))
    assert all(np.all(tr.pools[p] >= 0) for p in POOLS)
    np.testing.assert_allclose(tr.inputs_t_ha, tr.soc_t_ha - tr.soc_t_ha[0] + tr.co2_t_ha,
                               rtol=1e-10, atol=1e-10 * float(tr.soc_t_ha[0]))
    # the input is interpolated linearly across each year end, as the official driver's
    # approxfun does: the total differs from the annual sum by half a day of the change
    expected = sum(inputs) + (inputs[-1] - inputs[0]) / 365 / 2
    np.testing.assert_allclose(tr.inputs_t_ha[-1], expected, rtol=1e-9, atol=1e-12)
    const = model(**s)
    ec = const.equilibrium(np.array(c))
    fixed = const.simulate(ec, np.full((2,), c))
    for p in POOLS:
        np.testing.assert_allclose(fixed.pools[p], np.broadcast_to(ec[p], (3,)), rtol=1e-9)


@settings(max_examples=40, deadline=None)
@given(s=site, c=st.floats(0.2, 12.0))
def test_saturation_only_lowers_maom_and_caps_sorbed_carbon(s, c):
    sat, lin = model(**s), model(**s, saturating=False)
    assert sat.equilibrium(np.array(c))["MAOM"] <= lin.equilibrium(np.array(c))["MAOM"] * (1 + 1e-12)
    # with sorption the only route into MAOM, MAOM never exceeds Q_max
    only = {"param_pb": 0.0, "param_pa": 1.0}
    m = model(**s, parameters=only)
    start = {p: np.array(0.01) for p in POOLS}
    r = m.run(start, np.full((30,), 4 * c))
    assert np.all(r.pools["MAOM"] <= m.qmax_t_ha * (1 + 1e-12))


def test_parameter_draws_vectorise_like_separate_models():
    draws = np.array([0.15, 0.19, 0.25])
    m = model(parameters={"cue_ref": draws})
    e = m.equilibrium(np.array(2.0))
    assert e["MAOM"].shape == (3,)
    for j, v in enumerate(draws):
        one = model(parameters={"cue_ref": float(v)}).equilibrium(np.array(2.0))
        for p in POOLS:
            assert e[p][j] == one[p]
