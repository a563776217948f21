"""RothC behind the shared annual :class:`~soilsink.models.base.SOMModel` interface.

RothC runs monthly inside: the annual plant input is spread over the months by
``input_fractions`` (even by default) and the same 12-month climate repeats every year.
Defaults are the official example site of the RothC release (Rothamsted-Models/RothC_Code,
``RothC_input.dat``: clay 23.4 %, depth 23 cm, rows 1-12 for temperature, rain, open-pan
evaporation and plant cover, DPM/RPM 1.44); pass your own site values for real use.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from soilsink.models.base import Trajectory
from soilsink.models.rothc import constants as K
from soilsink.models.rothc import core
from soilsink.models.rothc.api import _iom_for_active, falloon_iom

#: rows 1-12 of the official example input (RothC 2.0.0 ``RothC_input.dat``)
EXAMPLE_TAS_C = (3.73, 3.08, 5.49, 7.4, 10.94, 14.4, 16.28, 16.24, 13.78, 9.51, 6.22, 4.09)
EXAMPLE_RAIN_MM = (52.2, 42.9, 35.2, 52.0, 64.9, 46.3, 63.5, 60.6, 58.8, 63.4, 72.5, 60.9)
EXAMPLE_EVAP_MM = (6.6, 17.3, 40.7, 70.5, 103.5, 117.3, 130.1, 106.9, 61.9, 29.5, 8.8, 3.9)
EXAMPLE_COVER = (1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1)
POOLS = ("DPM", "RPM", "BIO", "HUM", "IOM")


class RothCModel:
    """RothC (official 2.0.0 equations) with an annual input, one climate year repeated.

    Parameters broadcast over the cell shape of the inputs: ``clay`` (%), ``depth`` (cm),
    ``iom`` (t C/ha; None: Falloon et al. 1998 from the equilibrium or target SOC). Climate:
    12 monthly values ``tas_c``, ``rain_mm``, ``evap_mm`` (open pan), ``cover`` (0/1);
    ``input_fractions``: share of the annual input in each month (sums to 1).
    """

    name = "rothc"

    def __init__(
        self, *, clay=23.4, depth=23.0, iom=None, tas_c: Sequence[float] = EXAMPLE_TAS_C,
        rain_mm: Sequence[float] = EXAMPLE_RAIN_MM, evap_mm: Sequence[float] = EXAMPLE_EVAP_MM,
        cover: Sequence[float] = EXAMPLE_COVER, input_fractions: Sequence[float] | None = None,
        dpm_rpm: float = K.DPM_RPM_DEFAULT, opt_rmmoist: int = 1, opt_smdbare: int = 1,
        silt=np.nan, bd=np.nan, oc=np.nan, min_rm_moist: float = K.MIN_RM_MOIST_DEFAULT,
    ):
        self.clay, self.depth, self.iom = clay, depth, iom
        self.silt, self.bd, self.oc = silt, bd, oc
        self.climate = {k: np.asarray(v, dtype=float).reshape(12, 1) for k, v in
                        (("tas", tas_c), ("pr", rain_mm), ("evap", evap_mm), ("cover", cover))}
        fr = np.full(12, 1.0 / 12.0) if input_fractions is None else np.asarray(input_fractions, dtype=float)
        if fr.shape != (12,) or np.any(fr < 0) or not np.isclose(fr.sum(), 1.0):
            raise ValueError("input_fractions must be 12 non-negative numbers summing to 1")
        self.fractions = fr
        self.dpm_rpm = dpm_rpm
        self.opts = dict(opt_rmmoist=opt_rmmoist, opt_smdbare=opt_smdbare, min_rm_moist=min_rm_moist)

    def _params(self, shape, iom):
        n = int(np.prod(shape)) if shape else 1

        def b(x):
            return np.broadcast_to(np.asarray(x, dtype=float), shape).reshape(n)

        return core.cell_params(n, clay=b(self.clay), depth=b(self.depth), iom=b(iom), silt=b(self.silt),
                                bd=b(self.bd), oc=b(self.oc), **self.opts)

    def _forcing(self, monthly_input: np.ndarray, n_years: int):
        nt = 12 * n_years
        f = {k: np.tile(v, (n_years, 1)) for k, v in self.climate.items()}
        f["c_input"] = monthly_input
        f["dpm_rpm"] = self.dpm_rpm
        return core.forcing_views(f, nt, monthly_input.shape[1])

    def _active_eq(self, c: np.ndarray, params) -> np.ndarray:
        f = self._forcing(self.fractions[:, None] * c[None, :], 1)
        state, _ = core.equilibrium_state(f, params, mode="exact")
        return state

    def equilibrium(self, c_input_t_ha_yr) -> dict[str, np.ndarray]:
        """Pools (t C/ha) of the periodic steady state (end of December) under the annual input."""
        c = np.asarray(c_input_t_ha_yr, dtype=float)
        shape = np.broadcast_shapes(c.shape, np.shape(self.clay), np.shape(self.depth))
        params = self._params(shape, 0.0 if self.iom is None else self.iom)
        state = self._active_eq(np.broadcast_to(c, shape).reshape(-1), params)
        active = state[:, :4].sum(axis=1)
        iom = _iom_for_active(active) if self.iom is None else params.iom
        out = {p: state[:, i].reshape(shape) for i, p in enumerate(POOLS[:4])}
        out["IOM"] = np.asarray(iom, dtype=float).reshape(shape)
        return out

    def inputs_for_target(self, soc_t_ha) -> np.ndarray:
        """Annual plant input (t C/ha/yr) whose equilibrium SOC is ``soc_t_ha`` (exact: the active
        pools are linear in the input)."""
        soc = np.asarray(soc_t_ha, dtype=float)
        shape = np.broadcast_shapes(soc.shape, np.shape(self.clay), np.shape(self.depth))
        iom = falloon_iom(soc) if self.iom is None else self.iom
        params = self._params(shape, iom)
        unit = self._active_eq(np.ones(int(np.prod(shape)) if shape else 1), params)[:, :4].sum(axis=1)
        return ((np.broadcast_to(soc, shape).reshape(-1) - params.iom) / unit).reshape(shape)

    def simulate(self, initial: dict[str, np.ndarray], c_input_t_ha_yr) -> Trajectory:
        """Annual states from ``initial`` pools (DPM, RPM, BIO, HUM, IOM) under annual inputs
        ``(n_years, *cells)``; the soil water deficit starts from its periodic state."""
        c = np.asarray(c_input_t_ha_yr, dtype=float)
        n_years = c.shape[0]
        shape = np.broadcast_shapes(c.shape[1:], *(np.shape(initial[p]) for p in POOLS),
                                    np.shape(self.clay), np.shape(self.depth))
        n = int(np.prod(shape)) if shape else 1
        init = {p: np.broadcast_to(np.asarray(initial[p], dtype=float), shape).reshape(n) for p in POOLS}
        params = self._params(shape, init["IOM"].reshape(shape))
        cc = np.broadcast_to(c, (n_years, *shape)).reshape(n_years, n)
        # periodic soil water deficit of the climate year (no input needed for it)
        smd_state, _ = core.equilibrium_state(self._forcing(np.zeros((12, n)), 1), params, mode="exact")
        state = np.zeros((n, 10))
        for i, p in enumerate(POOLS[:4]):
            state[:, i] = init[p]
        state[:, 4] = smd_state[:, 4]
        monthly = (cc[:, None, :] * self.fractions[None, :, None]).reshape(12 * n_years, n)
        res = core.run(self._forcing(monthly, n_years), params, state)
        dec = slice(11, None, 12)
        pools = {p: np.concatenate([init[p][None], res[p][dec]]).reshape(n_years + 1, *shape) for p in POOLS[:4]}
        pools["IOM"] = np.broadcast_to(init["IOM"].reshape(shape), (n_years + 1, *shape)).copy()
        soc = sum(pools[p] for p in POOLS)
        co2 = np.concatenate([np.zeros((1, n)), res["CO2"][dec]]).reshape(n_years + 1, *shape)
        inputs = np.concatenate([np.zeros((1, n)), np.cumsum(cc, axis=0)]).reshape(n_years + 1, *shape)
        return Trajectory(soc_t_ha=soc, stable_soc_t_ha=pools["HUM"] + pools["IOM"], co2_t_ha=co2,
                          inputs_t_ha=inputs, pools=pools)


def som_model(**params) -> RothCModel:
    """Factory used by ``soilsink.models.registry.get_model("rothc", **params)``."""
    return RothCModel(**params)
