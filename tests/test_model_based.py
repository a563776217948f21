"""Model-based scenarios: exact initialisation, closed-form one-pool runs, mass balance, sink."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from soilsink.accounting.model_based import _LocalHeninDupuis, run_model_scenarios
from soilsink.accounting.sink import sink
from soilsink.io.errors import InputError

HD = {"humification": 0.2, "k_yr": 0.02}


def test_one_pool_by_hand():
    """C0 = 50, h = 0.2, k = 0.02: A0 = kC/h = 5; project input 6 gives C(t) = 60 - 10 e^(-0.02 t)."""
    r = run_model_scenarios("henin_dupuis", 50.0, scenarios={"baseline": "initial", "project": 6.0},
                            years=30, model_params=HD)
    assert r.initial_input_t_ha_yr == pytest.approx(5.0)
    assert r.soc("baseline") == pytest.approx(np.full(31, 50.0))
    t = np.arange(31)
    assert r.soc("project") == pytest.approx(60 - 10 * np.exp(-0.02 * t), rel=1e-12)
    s = sink(r.soc("baseline"), r.soc("project"), area_ha=2.0, years=20)
    assert s.sink_t_c == pytest.approx(2 * 10 * (1 - np.exp(-0.4)), rel=1e-12)


def test_vectorised_cells_and_relative_inputs():
    soc0 = np.array([[30.0, 40.0, 50.0], [60.0, 70.0, 80.0]])
    r = run_model_scenarios("henin_dupuis", soc0, years=10, model_params=HD,
                            scenarios={"bau": {"factor": 1.0}, "cover": {"factor": 1.1, "add_t_ha_yr": 0.5}})
    assert r.soc("bau").shape == (2, 3, 11)
    assert r.soc("bau")[..., -1] == pytest.approx(soc0)
    a0 = 0.02 * soc0 / 0.2
    eq = 0.2 * (1.1 * a0 + 0.5) / 0.02
    assert r.soc("cover")[..., -1] == pytest.approx(eq + (soc0 - eq) * np.exp(-0.2))


@pytest.mark.parametrize("model,params", [("henin_dupuis", HD), ("icbm", {})])
def test_mass_balance(model, params):
    if model == "icbm" and importlib.util.find_spec("soilsink.models.registry") is None:
        pytest.skip("ICBM comes with the models registry, not merged here yet")
    r = run_model_scenarios(model, np.array([40.0, 55.0]), years=15, model_params=params,
                            scenarios={"p": np.linspace(2, 4, 15)})
    run = r.runs["p"]
    assert run.inputs_t_ha[..., -1] == pytest.approx(run.soc_t_ha[..., -1] - run.soc_t_ha[..., 0]
                                                     + run.co2_t_ha[..., -1], rel=1e-10)
    assert np.all(run.stable_soc_t_ha <= run.soc_t_ha + 1e-9)


def test_local_fallback_matches_closed_form():
    m = _LocalHeninDupuis(0.3, 0.05)
    tr = m.simulate(m.equilibrium(np.array([2.0])), np.full((5, 1), 4.0))
    ce = 0.3 * 4 / 0.05
    assert tr.soc_t_ha[:, 0] == pytest.approx(ce + (12.0 - ce) * np.exp(-0.05 * np.arange(6)))


@pytest.mark.parametrize("kwargs", [
    dict(scenarios={}),
    dict(scenarios={"p": "double"}),
    dict(scenarios={"p": -1.0}),
    dict(scenarios={"p": {"factr": 2}}),
    dict(scenarios={"p": np.ones(7)}),
])
def test_bad_scenarios(kwargs):
    with pytest.raises(InputError):
        run_model_scenarios("henin_dupuis", 50.0, years=5, model_params=HD, **kwargs)


def test_unknown_model():
    with pytest.raises(InputError):
        run_model_scenarios("century", 50.0, scenarios={"p": 1.0}, years=5)


def test_icbm_initialisation_is_a_steady_state_by_hand():
    if importlib.util.find_spec("soilsink.models.registry") is None:
        pytest.skip("ICBM comes with the models registry")
    # Andrén & Kätterer 1997 Table 1 defaults: k1 0.8, k2 0.00605, h 0.125, r 1
    # steady state SOC = i/k1 (1 + h k1/k2)  =>  i = 50 / (1.25 (1 + 0.125*0.8/0.00605))
    i_hand = 50 / (1.25 * (1 + 0.125 * 0.8 / 0.00605))
    r = run_model_scenarios("icbm", 50.0, years=25, scenarios={"bau": "initial", "more": {"factor": 1.5}})
    assert r.initial_input_t_ha_yr == pytest.approx(i_hand, rel=1e-9)
    assert r.soc("bau") == pytest.approx(np.full(26, 50.0), rel=1e-9)
    assert r.soc("bau", "stable") == pytest.approx(np.full(26, 0.125 * i_hand / 0.00605), rel=1e-9)
    assert np.all(np.diff(r.soc("more")) > 0)
