"""ICBM (Andrén & Kätterer 1997): analytic solution vs numerical integration, published values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from soilsink.io.errors import InputError
from soilsink.models import icbm
from soilsink.models.base import SOMModel
from soilsink.models.calibrate import load_experiment
from soilsink.models.icbm import ICBM
from soilsink.models.registry import MODEL_NAMES, get_model

KG_M2_TO_T_HA = 10.0


def _ode_run(y0, ym0, o0, inputs, manure, k1, k2, h, hm, r):
    """Y, Y_m, O and cumulative CO2 integrated year by year (the model ODEs of the paper)."""

    def rhs(_t, x, i, m):
        y, ym, o, _ = x
        a, b = k1 * r, k2 * r
        return [i - a * y, m - a * ym, h * a * y + hm * a * ym - b * o,
                (1 - h) * a * y + (1 - hm) * a * ym + b * o]

    state = np.array([y0, ym0, o0, 0.0])
    rows = [state.copy()]
    for i, m in zip(inputs, manure, strict=True):
        sol = solve_ivp(rhs, (0.0, 1.0), state, args=(i, m), method="DOP853", rtol=1e-12, atol=1e-12)
        state = sol.y[:, -1]
        rows.append(state.copy())
    return np.array(rows)


@pytest.mark.parametrize(
    ("k1", "k2", "h", "hm", "r"),
    [(0.8, 0.00605, 0.125, 0.25, 1.0),   # Table 1 reference
     (0.8, 0.00605, 0.13, 0.25, 1.32),   # Table 1 bare fallow r
     (0.3, 0.3, 0.4, 0.5, 1.0),          # equal rates: the limit kernel
     (2.0, 0.05, 0.0, 1.0, 0.5)],
)
def test_analytic_matches_numerical_integration(k1, k2, h, hm, r) -> None:
    rng = np.random.default_rng(3)
    inputs = rng.uniform(0.0, 6.0, size=12)
    manure = rng.uniform(0.0, 3.0, size=12)
    ode = _ode_run(3.0, 1.0, 40.0, inputs, manure, k1, k2, h, hm, r)
    model = ICBM(k1_yr=k1, k2_yr=k2, h=h, r=r, h_manure=hm)
    traj = model.simulate({"young": 3.0, "young_manure": 1.0, "old": 40.0}, inputs,
                          manure_t_ha_yr=manure)
    np.testing.assert_allclose(traj.pools["young"], ode[:, 0], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(traj.pools["young_manure"], ode[:, 1], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(traj.pools["old"], ode[:, 2], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(traj.co2_t_ha, ode[:, 3], rtol=1e-9, atol=1e-9)


def test_nearly_equal_rates_are_continuous_with_the_equal_rate_limit() -> None:
    """a = k1·r and b = k2·r within 1e-12: the kernels must not lose precision (no 0/0)."""
    kwargs = {"young_manure_t_ha": 0.5, "manure_t_ha_yr": 1.0, "h": 0.3, "h_manure": 0.6}
    same = icbm.step(4.0, 30.0, 2.0, k1_yr=0.3, k2_yr=0.3, **kwargs)
    near = icbm.step(4.0, 30.0, 2.0, k1_yr=0.3, k2_yr=0.3 * (1 + 1e-12), **kwargs)
    for field in ("young", "young_manure", "old", "co2"):
        assert getattr(near, field) == pytest.approx(getattr(same, field), rel=1e-10)
    assert 4.0 + 0.5 + 30.0 + 3.0 == pytest.approx(same.young + same.young_manure + same.old + same.co2, rel=1e-13)


def test_missing_initial_pool_is_an_input_error() -> None:
    with pytest.raises(InputError, match="young and old"):
        ICBM().simulate({"soc": 40.0}, np.ones(3))


def test_matches_classical_closed_form() -> None:
    """O(t) = h i/(k2 r) + [O0 − h i/(k2 r) − h(k1 r Y0 − i)/(r(k2 − k1))] e^(−k2 r t)
    + h(k1 r Y0 − i)/(r(k2 − k1)) e^(−k1 r t), the paper's solution for constant input."""
    k1, k2, h, r, i, y0, o0 = 0.8, 0.00605, 0.125, 1.22, 2.48, 3.0, 40.5  # Table 1, −N +straw
    t = np.arange(0, 31.0)
    y_ref = i / (k1 * r) + (y0 - i / (k1 * r)) * np.exp(-k1 * r * t)
    c = h * (k1 * r * y0 - i) / (r * (k2 - k1))
    o_ref = h * i / (k2 * r) + (o0 - h * i / (k2 * r) - c) * np.exp(-k2 * r * t) + c * np.exp(-k1 * r * t)
    traj = ICBM(k1_yr=k1, k2_yr=k2, h=h, r=r).simulate({"young": y0, "old": o0}, np.full(30, i))
    np.testing.assert_allclose(traj.pools["young"], y_ref, rtol=1e-12)
    np.testing.assert_allclose(traj.pools["old"], o_ref, rtol=1e-12)


def test_table1_steady_state_example() -> None:
    """Andrén & Kätterer (1997) Table 1, 'steady state' row: i = 0.2 kg C/m²/yr, h = 0.125, r = 1
    gives Y = 0.25 and O = 4.16 kg C/m² (O agrees to 1 %: 4.132 with k2 = 0.00605)."""
    table = load_experiment("icbm_andren_katterer_1997_table1").set_index("treatment")
    row = table.loc["steady_state"]
    eq = ICBM(k1_yr=row.k1_yr, k2_yr=row.k2_yr, h=row.h, r=row.r).equilibrium(
        np.array(row.i_kg_c_m2_yr * KG_M2_TO_T_HA))
    assert eq["young"] == pytest.approx(row.young0_kg_c_m2 * KG_M2_TO_T_HA, rel=1e-12)
    assert eq["old"] == pytest.approx(row.old0_kg_c_m2 * KG_M2_TO_T_HA, rel=0.01)


def test_defaults_are_table1_reference_treatment() -> None:
    table = load_experiment("icbm_andren_katterer_1997_table1").set_index("treatment")
    ref = table.loc["plus_N_plus_straw"]
    assert icbm.DEFAULTS["k1_yr"] == ref.k1_yr == 0.8
    assert icbm.DEFAULTS["k2_yr"] == ref.k2_yr == 0.00605
    assert icbm.DEFAULTS["h"] == ref.h == 0.125
    assert icbm.DEFAULTS["r"] == ref.r == 1.0
    assert icbm.DEFAULTS["h_manure"] == table.loc["farmyard_manure"].h == 0.25
    assert table.source.str.contains("Andren").all()


def test_table1_treatments_order_of_old_pool_change() -> None:
    """Run the seven Table 1 treatments 20 years from their initial pools (Fig. 1 of the paper):
    bare fallow loses most, manure and sludge gain; +N +straw ends above −N −straw."""
    table = load_experiment("icbm_andren_katterer_1997_table1").set_index("treatment")
    end = {}
    for name, row in table.drop(index="steady_state").iterrows():
        model = ICBM(k1_yr=row.k1_yr, k2_yr=row.k2_yr, h=row.h, r=row.r)
        traj = model.simulate({"young": row.young0_kg_c_m2, "old": row.old0_kg_c_m2},
                              np.full(20, row.i_kg_c_m2_yr))
        end[name] = traj.soc_t_ha[-1] - traj.soc_t_ha[0]
    assert min(end, key=end.get) == "bare_fallow"
    assert end["farmyard_manure"] > 0 and end["sewage_sludge"] > 0
    assert end["plus_N_plus_straw"] > end["minus_N_minus_straw"]


@settings(max_examples=60, deadline=None)
@given(
    k1=st.floats(0.05, 3.0), k2=st.floats(1e-4, 0.5), h=st.floats(0.0, 1.0),
    hm=st.floats(0.0, 1.0), r=st.floats(0.2, 3.0),
    y0=st.floats(0.0, 20.0), o0=st.floats(0.0, 300.0),
    inputs=st.lists(st.tuples(st.floats(0.0, 15.0), st.floats(0.0, 10.0)), min_size=1, max_size=30),
)
def test_mass_balance_inputs_equal_delta_soc_plus_co2(k1, k2, h, hm, r, y0, o0, inputs) -> None:
    arr = np.array(inputs)
    model = ICBM(k1_yr=k1, k2_yr=k2, h=h, r=r, h_manure=hm)
    traj = model.simulate({"young": y0, "old": o0}, arr[:, 0], manure_t_ha_yr=arr[:, 1])
    lhs = traj.inputs_t_ha
    rhs = (traj.soc_t_ha - traj.soc_t_ha[0]) + traj.co2_t_ha
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-9 * (1 + y0 + o0 + arr.sum()))
    np.testing.assert_array_equal(traj.stable_soc_t_ha, traj.pools["old"])
    assert np.all(np.diff(traj.co2_t_ha) >= -1e-12)


@settings(max_examples=40, deadline=None)
@given(i=st.floats(0.0, 15.0), m=st.floats(0.0, 5.0), r=st.floats(0.3, 2.0), h=st.floats(0.0, 1.0))
def test_equilibrium_is_a_fixed_point(i, m, r, h) -> None:
    model = ICBM(r=r, h=h, manure_t_ha_yr=m)
    eq = model.equilibrium(np.array([i]))
    traj = model.simulate(eq, np.full((2, 1), i))
    for pool in icbm.POOLS:
        np.testing.assert_allclose(traj.pools[pool][-1], eq[pool], rtol=1e-11, atol=1e-11)


@settings(max_examples=40, deadline=None)
@given(soc=st.floats(0.0, 400.0), m=st.floats(0.0, 1.0), r=st.floats(0.3, 2.0))
def test_inputs_for_target_round_trips(soc, m, r) -> None:
    model = ICBM(r=r, manure_t_ha_yr=m)
    i = model.inputs_for_target(np.array([soc]))
    eq = model.equilibrium(i)
    total = eq["young"] + eq["young_manure"] + eq["old"]
    assert total[0] == pytest.approx(soc, rel=1e-11, abs=1e-9)


def test_steady_state_formulae() -> None:
    eq = icbm.equilibrium_pools(np.array([2.0, 4.0]), r=np.array([1.0, 2.0]), manure_t_ha_yr=1.0)
    np.testing.assert_allclose(eq["young"], [2.0 / 0.8, 4.0 / 1.6])
    np.testing.assert_allclose(eq["young_manure"], [1.0 / 0.8, 1.0 / 1.6])
    np.testing.assert_allclose(eq["old"], [(0.125 * 2 + 0.25) / 0.00605, (0.125 * 4 + 0.25) / 0.0121])


def test_initial_from_soc() -> None:
    model = ICBM()
    init = model.initial_from_soc(np.array([45.0, 60.0]), np.array([2.0, 3.0]))
    np.testing.assert_allclose(init["young"] + init["young_manure"] + init["old"], [45.0, 60.0])
    np.testing.assert_allclose(init["young"], [2.5, 3.75])
    with pytest.raises(InputError, match="below the steady-state young pool"):
        model.initial_from_soc(np.array([2.0]), np.array([2.0]))


def test_registry_and_protocol() -> None:
    assert set(MODEL_NAMES) == {"henin_dupuis", "icbm", "rothc"}
    model = get_model("icbm", r=1.1)
    assert isinstance(model, SOMModel) and model.name == "icbm"
    assert get_model("henin_dupuis", humification=0.2, k_yr=0.02).name == "henin_dupuis"
    with pytest.raises(InputError, match="unknown SOM-balance model"):
        get_model("century")
    with pytest.raises(InputError, match="bad parameters"):
        get_model("icbm", kk=1.0)


def test_registry_rothc_is_lazy() -> None:
    """'rothc' either builds the RothC adapter or says clearly that it is missing."""
    try:
        model = get_model("rothc")
    except InputError as exc:
        assert "RothC" in str(exc) or "rothc" in str(exc)
    else:
        assert isinstance(model, SOMModel)


def test_shared_interface_across_models() -> None:
    """Accounting can swap models: same calls, same Trajectory shapes, mass balance holds."""
    inputs = np.full((10, 3), 3.0)
    for model in (get_model("icbm"), get_model("henin_dupuis", humification=0.3, k_yr=0.02)):
        a = model.inputs_for_target(np.array([40.0, 50.0, 60.0]))
        eq = model.equilibrium(a)
        assert sum(eq.values()) == pytest.approx(np.array([40.0, 50.0, 60.0]))
        traj = model.simulate(eq, inputs)
        assert traj.soc_t_ha.shape == (11, 3)
        np.testing.assert_allclose(traj.inputs_t_ha, traj.soc_t_ha - traj.soc_t_ha[0] + traj.co2_t_ha)


@pytest.mark.parametrize("bad", [{"k1_yr": 0.0}, {"k2_yr": -0.1}, {"h": 1.5}, {"r": 0.0},
                                 {"h_manure": np.nan}, {"manure_t_ha_yr": -1.0}])
def test_bad_parameters_raise_input_error(bad) -> None:
    with pytest.raises(InputError):
        ICBM(**bad).equilibrium(np.array([1.0]))


def test_manure_series_length_must_match() -> None:
    with pytest.raises(InputError, match="differ in years"):
        ICBM().simulate({"young": 1.0, "old": 40.0}, np.ones(5), manure_t_ha_yr=np.ones(4))


def test_table1_csv_columns() -> None:
    table = load_experiment("icbm_andren_katterer_1997_table1")
    assert isinstance(table, pd.DataFrame) and len(table) == 8
    assert {"k1_yr", "k2_yr", "h", "r", "i_kg_c_m2_yr", "source"} <= set(table.columns)
