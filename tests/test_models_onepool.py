"""Hénin–Dupuis one-pool balance: analytic solution vs numerical integration, invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from soilsink.io.errors import InputError
from soilsink.models import henin_dupuis as hd
from soilsink.models.base import SOMModel, Trajectory
from soilsink.models.henin_dupuis import HeninDupuis


def _ode_run(c0: float, inputs: np.ndarray, h: float, k: float) -> tuple[np.ndarray, np.ndarray]:
    """dC/dt = hA − kC with CO2' = (1−h)A + kC, integrated year by year with solve_ivp."""
    state = np.array([c0, 0.0])
    soc, co2 = [c0], [0.0]
    for a in inputs:
        sol = solve_ivp(lambda _t, x, a=a: [h * a - k * x[0], (1 - h) * a + k * x[0]],
                        (0.0, 1.0), state, method="DOP853", rtol=1e-12, atol=1e-12)
        state = sol.y[:, -1]
        soc.append(state[0])
        co2.append(state[1])
    return np.array(soc), np.array(co2)


def test_analytic_matches_numerical_integration() -> None:
    rng = np.random.default_rng(1)
    inputs = rng.uniform(0.0, 8.0, size=15)  # piecewise-constant annual inputs, t C/ha/yr
    for h, k, c0 in [(0.2, 0.02, 45.0), (0.6, 0.35, 3.0), (0.0, 1.5, 80.0)]:
        soc_ode, co2_ode = _ode_run(c0, inputs, h, k)
        traj = HeninDupuis(h, k).simulate({"humus": c0}, inputs)
        np.testing.assert_allclose(traj.soc_t_ha, soc_ode, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(traj.co2_t_ha, co2_ode, rtol=1e-9, atol=1e-9)


def test_fractional_step_matches_numerical_integration() -> None:
    c, _ = hd.step(30.0, 4.0, 0.3, 0.05, dt_yr=0.37)
    sol = solve_ivp(lambda _t, x: [0.3 * 4.0 - 0.05 * x[0]], (0, 0.37), [30.0], rtol=1e-12, atol=1e-12)
    assert c == pytest.approx(sol.y[0, -1], rel=1e-10)


def test_vectorised_over_cells_equals_cell_by_cell() -> None:
    rng = np.random.default_rng(2)
    inputs = rng.uniform(0, 6, size=(12, 3, 4))
    h = rng.uniform(0.05, 0.6, size=(3, 4))
    k = rng.uniform(0.005, 0.2, size=(4,))  # broadcasts along the last cell axis
    c0 = rng.uniform(10, 90, size=(3, 4))
    traj = HeninDupuis(h, k).simulate({"soc": c0}, inputs)
    assert traj.soc_t_ha.shape == (13, 3, 4)
    for i in range(3):
        for j in range(4):
            one = HeninDupuis(h[i, j], k[j]).simulate({"soc": c0[i, j]}, inputs[:, i, j])
            np.testing.assert_allclose(traj.soc_t_ha[:, i, j], one.soc_t_ha, rtol=1e-13)
            np.testing.assert_allclose(traj.co2_t_ha[:, i, j], one.co2_t_ha, rtol=1e-13)


def test_one_dimensional_inputs_broadcast_over_cells() -> None:
    """A shared input series (n_years,) with per-cell parameters keeps years on axis 0."""
    traj = HeninDupuis(np.array([0.1, 0.2, 0.3]), 0.03).simulate({"soc": 40.0}, np.full(7, 3.0))
    assert traj.soc_t_ha.shape == (8, 3)
    assert traj.inputs_t_ha[-1].tolist() == [21.0, 21.0, 21.0]


@settings(max_examples=60, deadline=None)
@given(
    h=st.floats(0.0, 1.0),
    k=st.floats(1e-4, 3.0),
    c0=st.floats(0.0, 300.0),
    inputs=st.lists(st.floats(0.0, 20.0), min_size=1, max_size=40),
)
def test_mass_balance_inputs_equal_delta_soc_plus_co2(h, k, c0, inputs) -> None:
    traj = HeninDupuis(h, k).simulate({"humus": c0}, np.array(inputs))
    lhs = traj.inputs_t_ha
    rhs = (traj.soc_t_ha - traj.soc_t_ha[0]) + traj.co2_t_ha
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-9 * (1 + c0 + sum(inputs)))
    assert np.all(np.diff(traj.co2_t_ha) >= -1e-12)  # CO2 release is never negative


@settings(max_examples=40, deadline=None)
@given(h=st.floats(0.01, 1.0), k=st.floats(1e-3, 2.0), a=st.floats(0.0, 20.0))
def test_equilibrium_is_a_fixed_point(h, k, a) -> None:
    model = HeninDupuis(h, k)
    eq = model.equilibrium(np.array([a]))
    assert eq["humus"][0] == pytest.approx(h * a / k, rel=1e-12)
    traj = model.simulate(eq, np.full((3, 1), a))
    np.testing.assert_allclose(traj.soc_t_ha, np.broadcast_to(eq["humus"], (4, 1)), rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(h=st.floats(0.01, 1.0), k=st.floats(1e-3, 2.0), soc=st.floats(0.0, 500.0))
def test_inputs_for_target_round_trips(h, k, soc) -> None:
    model = HeninDupuis(h, k)
    a = model.inputs_for_target(np.array([soc]))
    assert model.equilibrium(a)["humus"][0] == pytest.approx(soc, rel=1e-12, abs=1e-12)


def test_years_to_fraction_and_half_life() -> None:
    k = np.array([0.01, 0.1])
    np.testing.assert_allclose(hd.years_to_fraction(k, 0.5), np.log(2) / k)
    t95 = hd.years_to_fraction(0.02, 0.95)
    # after t95 years, 95 % of the gap to equilibrium is closed, whatever the start
    c0, a, h = 10.0, 5.0, 0.2
    ce = hd.equilibrium_soc(a, h, 0.02)
    c = hd.soc_at(t95, c0, a, h, 0.02)
    assert (c - c0) / (ce - c0) == pytest.approx(0.95, rel=1e-12)


def test_years_to_reach() -> None:
    h, k, a = 0.25, 0.04, 6.0  # equilibrium 37.5 t C/ha
    t = hd.years_to_reach(20.0, 30.0, a, h, k)
    assert hd.soc_at(t, 20.0, a, h, k) == pytest.approx(30.0, rel=1e-12)
    assert np.isinf(hd.years_to_reach(20.0, 37.5, a, h, k))  # equilibrium: asymptote
    assert np.isinf(hd.years_to_reach(20.0, 40.0, a, h, k))  # beyond equilibrium
    assert np.isnan(hd.years_to_reach(20.0, 10.0, a, h, k))  # SOC moves away from it
    assert hd.years_to_reach(20.0, 20.0, a, h, k) == 0.0
    # decline toward a lower equilibrium
    t = hd.years_to_reach(60.0, 45.0, a, h, k)
    assert hd.soc_at(t, 60.0, a, h, k) == pytest.approx(45.0, rel=1e-12)


def test_protocol_and_trajectory_contract() -> None:
    model = HeninDupuis(0.2, 0.02)
    assert isinstance(model, SOMModel)
    traj = model.simulate({"humus": np.array([40.0, 50.0])}, np.full((5, 2), 3.0))
    assert isinstance(traj, Trajectory)
    assert traj.co2_t_ha[0].tolist() == [0.0, 0.0] and traj.inputs_t_ha[0].tolist() == [0.0, 0.0]
    np.testing.assert_array_equal(traj.stable_soc_t_ha, traj.soc_t_ha)  # one pool: all stable


@pytest.mark.parametrize(
    ("h", "k"), [(1.2, 0.02), (-0.1, 0.02), (0.2, 0.0), (0.2, -1.0), (0.2, np.nan)]
)
def test_bad_parameters_raise_input_error(h, k) -> None:
    with pytest.raises(InputError, match="out of range"):
        HeninDupuis(h, k)


def test_negative_inputs_raise_input_error() -> None:
    with pytest.raises(InputError, match="c_input_t_ha_yr"):
        HeninDupuis(0.2, 0.02).simulate({"humus": 40.0}, np.array([1.0, -2.0]))


def test_missing_initial_pool_is_an_input_error() -> None:
    with pytest.raises(InputError, match="humus pool"):
        HeninDupuis(0.2, 0.02).simulate({"young": 40.0}, np.ones(3))
