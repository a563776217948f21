"""RothC behind the shared annual SOMModel interface."""

from __future__ import annotations

import numpy as np
import xarray as xr

from soilsink.models import rothc
from soilsink.models.base import SOMModel
from soilsink.models.rothc import RothCModel, som_model
from soilsink.models.rothc.model import (
    EXAMPLE_COVER,
    EXAMPLE_EVAP_MM,
    EXAMPLE_RAIN_MM,
    EXAMPLE_TAS_C,
)


def test_is_som_model_and_factory():
    m = som_model(clay=30.0)
    assert isinstance(m, SOMModel) and m.name == "rothc"


def test_equilibrium_matches_xarray_api_and_is_a_fixed_point():
    m = RothCModel(clay=np.array([10.0, 23.4, 50.0]), iom=3.0)
    eq = m.equilibrium(np.array([1.0, 2.0, 3.5]))
    ds = xr.Dataset({"tas": ("time", list(EXAMPLE_TAS_C)), "pr": ("time", list(EXAMPLE_RAIN_MM)),
                     "evap": ("time", list(EXAMPLE_EVAP_MM)), "cover": ("time", list(map(float, EXAMPLE_COVER))),
                     "c_input": (("time", "cell"), np.outer(np.full(12, 1 / 12), [1.0, 2.0, 3.5])),
                     "clay": ("cell", [10.0, 23.4, 50.0]), "depth": 23.0, "iom": 3.0})
    ref = rothc.equilibrium(ds)
    for p in ("DPM", "RPM", "BIO", "HUM", "IOM"):
        np.testing.assert_allclose(eq[p], ref[p].values, rtol=1e-12)
    traj = m.simulate(eq, np.tile([1.0, 2.0, 3.5], (5, 1)))
    np.testing.assert_allclose(traj.soc_t_ha[-1], traj.soc_t_ha[0], rtol=1e-10)


def test_inverse_round_trip_and_mass_balance():
    m = RothCModel(clay=23.4)  # IOM from Falloon et al. (1998)
    target = np.array([30.0, 45.0, 80.0])
    a = m.inputs_for_target(target)
    eq = m.equilibrium(a)
    np.testing.assert_allclose(sum(eq.values()), target, rtol=1e-10)
    inputs = np.linspace(0.5, 4.0, 20)[:, None] * np.ones((1, 3))
    traj = m.simulate(eq, inputs)
    assert traj.soc_t_ha.shape == (21, 3)
    np.testing.assert_allclose(traj.inputs_t_ha, traj.soc_t_ha - traj.soc_t_ha[0] + traj.co2_t_ha, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(traj.stable_soc_t_ha, traj.pools["HUM"] + traj.pools["IOM"])
