"""RothC behind the annual SOMModel interface: same numbers as the engine, exact, mass-conserving."""

from __future__ import annotations

import numpy as np
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from soilsink.models import rothc
from soilsink.models.base import SOMModel
from soilsink.models.registry import get_model

# Climate of the official RothC example (RothC_input.dat, Rothamsted): monthly means.
TEMP = [3.4, 3.6, 5.1, 7.3, 11.0, 13.8, 16.0, 15.7, 13.2, 9.6, 5.9, 4.2]
RAIN = [74, 59, 62, 51, 52, 57, 34, 55, 58, 56, 75, 71]
EVAP = [8, 10, 27, 49, 83, 99, 103, 91, 69, 34, 16, 8]


def model(clay=(20.0, 35.0), **kw):
    return get_model("rothc", clay_pct=np.asarray(clay), temp_c=TEMP, precip_mm=RAIN,
                     evap_mm=EVAP, **kw)


def test_is_a_som_model() -> None:
    assert isinstance(model(), SOMModel)


def test_equilibrium_matches_the_engine() -> None:
    m = model(iom_t_ha=3.0)
    eq = m.equilibrium(np.array([2.0, 3.0]))
    ds = xr.Dataset({
        "clay": ("cell", [20.0, 35.0]), "depth": 23.0, "iom": 3.0,
        "tas": ("time", TEMP), "pr": ("time", RAIN), "evap": ("time", EVAP), "cover": 1.0,
        "c_input": (("time", "cell"), np.outer(np.full(12, 1 / 12), [2.0, 3.0])),
    })
    ref = rothc.equilibrium(ds)
    for p in ("DPM", "RPM", "BIO", "HUM", "IOM"):
        np.testing.assert_allclose(eq[p], ref[p].values, rtol=1e-12)


def test_pet_is_open_pan_times_075() -> None:
    a = get_model("rothc", clay_pct=25.0, temp_c=TEMP, precip_mm=RAIN, evap_mm=EVAP)
    b = get_model("rothc", clay_pct=25.0, temp_c=TEMP, precip_mm=RAIN,
                  pet_mm=[0.75 * e for e in EVAP])
    np.testing.assert_allclose(a.equilibrium(np.array(2.0))["HUM"], b.equilibrium(np.array(2.0))["HUM"])


def test_equilibrium_is_a_fixed_point_and_inverse_round_trips() -> None:
    m = model()
    target = np.array([45.0, 80.0])
    a = m.inputs_for_target(target)
    eq = m.equilibrium(a)
    np.testing.assert_allclose(sum(eq.values()), target, rtol=1e-10)
    tr = m.simulate(eq, np.broadcast_to(a, (3, 2)))
    np.testing.assert_allclose(tr.soc_t_ha, np.broadcast_to(target, (4, 2)), rtol=1e-10)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(0.0, 8.0), min_size=1, max_size=12), st.floats(5, 60), st.floats(20, 120))
def test_mass_balance_inputs_equal_delta_soc_plus_co2(inputs, clay, soc0) -> None:
    m = get_model("rothc", clay_pct=clay, temp_c=TEMP, precip_mm=RAIN, evap_mm=EVAP)
    a0 = m.inputs_for_target(np.array(soc0))
    eq = m.equilibrium(np.nan_to_num(a0, nan=1.0))
    tr = m.simulate(eq, np.asarray(inputs)[:, None] * np.ones(1))
    balance = tr.inputs_t_ha - (tr.soc_t_ha - tr.soc_t_ha[0]) - tr.co2_t_ha
    np.testing.assert_allclose(balance, 0.0, atol=1e-9)
    assert np.all(tr.stable_soc_t_ha <= tr.soc_t_ha)


def test_more_input_more_carbon() -> None:
    m = model()
    a = m.inputs_for_target(np.array([50.0, 50.0]))
    eq = m.equilibrium(a)
    base = m.simulate(eq, np.broadcast_to(a, (20, 2)))
    more = m.simulate(eq, np.broadcast_to(a * 1.2, (20, 2)))
    assert np.all(more.soc_t_ha[-1] > base.soc_t_ha[-1])
