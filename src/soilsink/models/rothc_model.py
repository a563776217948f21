"""RothC behind the shared annual :class:`~soilsink.models.base.SOMModel` interface.

The engine (:mod:`soilsink.models.rothc`) runs monthly; this adapter spreads each year's input
over the months with a fixed pattern and repeats a 12-month climatology, so accounting can swap
RothC for ICBM or the one-pool balance. Everything is exact: the equilibrium is the periodic
steady state ``(I − Φ) C = g`` of the engine, and since the RothC pools are affine in the plant
input, :meth:`RothCModel.inputs_for_target` solves for the input in closed form.

Climate: ``temp_c`` (°C), ``precip_mm`` (mm/month) and either ``evap_mm`` (open-pan
evaporation, mm/month) or ``pet_mm`` (potential evapotranspiration, mm/month), converted as
open pan = PET / 0.75 because RothC takes 0.75 × open-pan evaporation as the evapotranspiration
driving the topsoil moisture deficit (Coleman & Jenkinson, RothC model description, 2014
edition, §2.4; official RothC code ``RMF_Moist``). Shapes ``(12,)`` or ``(12, *cells)``.
Stable SOC is HUM + IOM (the humified and inert pools).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from soilsink.models.base import Trajectory
from soilsink.models.rothc import constants as K
from soilsink.models.rothc import core, kernel
from soilsink.models.rothc.api import _iom_for_active

POOLS = ("DPM", "RPM", "BIO", "HUM", "IOM")
PAN_TO_PET = 0.75


class RothCModel:
    """RothC with a monthly climatology and a fixed monthly input pattern (annual interface)."""

    name = "rothc"

    def __init__(self, clay_pct: Any, temp_c: Any, precip_mm: Any, evap_mm: Any = None, *,
                 pet_mm: Any = None, cover: Any = 1.0, input_pattern: Any = None,
                 depth_cm: float = 23.0, dpm_rpm: float = K.DPM_RPM_DEFAULT,
                 fym_t_ha_yr: Any = 0.0, iom_t_ha: Any = None, opt_rmmoist: int = 1,
                 opt_smdbare: int = 1, silt_pct: Any = np.nan, bd_g_cm3: Any = np.nan,
                 oc_pct: Any = np.nan) -> None:
        if (evap_mm is None) == (pet_mm is None):
            raise ValueError("give exactly one of evap_mm (open pan) or pet_mm")
        evap = np.asarray(evap_mm if evap_mm is not None else np.asarray(pet_mm, float) / PAN_TO_PET,
                          float)
        self._climate = {k: np.asarray(v, float) for k, v in
                         (("tas", temp_c), ("pr", precip_mm), ("evap", evap))}
        for k, v in self._climate.items():
            if v.shape[:1] != (12,):
                raise ValueError(f"{k}: need 12 monthly values first, got shape {v.shape}")
        self._cover = np.broadcast_to(np.asarray(cover, float), (12,)) if np.ndim(cover) <= 1 \
            else np.asarray(cover, float)
        pattern = np.full(12, 1 / 12) if input_pattern is None else np.asarray(input_pattern, float)
        if pattern.shape[0] != 12 or np.any(pattern < 0) or not np.isclose(pattern.sum(), 1.0):
            raise ValueError("input_pattern: 12 non-negative monthly fractions summing to 1")
        self._pattern = pattern
        self._fym = np.asarray(fym_t_ha_yr, float)
        self._dpm_rpm = float(dpm_rpm)
        self._iom = None if iom_t_ha is None else np.asarray(iom_t_ha, float)
        self._soil = dict(clay=np.asarray(clay_pct, float), depth=float(depth_cm), silt=silt_pct,
                          bd=bd_g_cm3, oc=oc_pct, opt_rmmoist=opt_rmmoist, opt_smdbare=opt_smdbare)

    # -- helpers ---------------------------------------------------------------------------
    def _cells(self, *arrays: np.ndarray) -> tuple[int, ...]:
        shapes = [np.shape(self._soil["clay"])] + [np.shape(a) for a in arrays]
        shapes += [v.shape[1:] for v in self._climate.values()]
        return np.broadcast_shapes(*shapes)

    def _params(self, cells: tuple[int, ...], iom: np.ndarray) -> core.CellParams:
        n = int(np.prod(cells)) if cells else 1
        s = self._soil

        def flat(x):
            return np.broadcast_to(np.asarray(x, float), cells).reshape(n)

        return core.cell_params(n, clay=flat(s["clay"]), depth=s["depth"], iom=flat(iom),
                                silt=flat(s["silt"]), bd=flat(s["bd"]), oc=flat(s["oc"]),
                                opt_rmmoist=s["opt_rmmoist"], opt_smdbare=s["opt_smdbare"])

    def _forcing(self, cells: tuple[int, ...], annual: np.ndarray, n_years: int) -> tuple:
        """Kernel forcing for ``n_years`` years; ``annual`` has shape (n_years, *cells)."""
        n = int(np.prod(cells)) if cells else 1
        nm = 12 * n_years

        def clim(v):  # (12,) or (12, *cells) -> (12 * n_years, 1 or n), tiled over years
            v2 = v[:, None] if v.ndim == 1 else np.broadcast_to(v, (12, *cells)).reshape(12, n)
            return np.tile(v2, (n_years, 1))

        cin = (annual.reshape(n_years, 1, n) * self._pattern[None, :, None]).reshape(nm, n)
        fym = np.broadcast_to(self._fym, cells).reshape(n)
        fym_m = np.broadcast_to((fym[None, :] * self._pattern[:, None]), (12, n))
        f = {"tas": clim(self._climate["tas"]), "pr": clim(self._climate["pr"]),
             "evap": clim(self._climate["evap"]), "cover": clim(np.asarray(self._cover, float)),
             "c_input": cin, "fym": np.tile(fym_m, (n_years, 1)), "dpm_rpm": self._dpm_rpm}
        return core.forcing_views(f, nm, n)

    def _equilibrium_state(self, c_input_t_ha_yr: np.ndarray, iom: np.ndarray | None):
        a = np.asarray(c_input_t_ha_yr, float)
        cells = self._cells(a) if iom is None else self._cells(a, iom)
        n = int(np.prod(cells)) if cells else 1
        params = self._params(cells, np.zeros(cells) if iom is None else iom)
        forcing = self._forcing(cells, np.broadcast_to(a, cells).reshape(1, *cells), 1)
        state, _ = core.equilibrium_state(forcing, params, mode="exact")
        return cells, n, state

    # -- SOMModel ----------------------------------------------------------------------------
    def equilibrium(self, c_input_t_ha_yr: np.ndarray) -> dict[str, np.ndarray]:
        """Pools (t C/ha) at the end of the periodic steady-state year (December)."""
        cells, n, state = self._equilibrium_state(c_input_t_ha_yr, self._iom)
        active = state[:, 0] + state[:, 1] + state[:, 2] + state[:, 3]
        iom = (np.broadcast_to(self._iom, cells).reshape(n) if self._iom is not None
               else _iom_for_active(active))
        out = {p: state[:, i].reshape(cells) for i, p in enumerate(POOLS[:4])}
        out["IOM"] = np.asarray(iom, float).reshape(cells)
        return out

    def inputs_for_target(self, soc_t_ha: np.ndarray) -> np.ndarray:
        """Annual plant input (t C/ha/yr) whose equilibrium SOC equals ``soc_t_ha`` (exact).

        Active pools are affine in the input, so two equilibria (input 0 and 1) give it; IOM is
        ``iom_t_ha`` or Falloon et al. (1998) of the target. NaN where the target is below the
        equilibrium reached without plant input.
        """
        target = np.asarray(soc_t_ha, float)
        iom = self._iom if self._iom is not None else K.FALLOON_A * np.maximum(target, 0) ** K.FALLOON_B
        cells = np.broadcast_shapes(target.shape, np.shape(iom), self._cells())

        def active(a):
            _, _, st = self._equilibrium_state(np.broadcast_to(a, cells), np.broadcast_to(iom, cells))
            return (st[:, 0] + st[:, 1] + st[:, 2] + st[:, 3]).reshape(cells)

        a0, a1 = active(0.0), active(1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            a = (np.broadcast_to(target - iom, cells) - a0) / (a1 - a0)
        return np.where(a >= 0, a, np.nan)

    def simulate(self, initial: dict[str, np.ndarray], c_input_t_ha_yr: np.ndarray) -> Trajectory:
        """Run monthly from ``initial`` pools; annual states (December) with year 0 = initial."""
        a = np.asarray(c_input_t_ha_yr, float)
        n_years = a.shape[0]
        init = {p: np.asarray(initial[p], float) for p in POOLS}
        cells = self._cells(a[0], *init.values())
        n = int(np.prod(cells)) if cells else 1
        params = self._params(cells, init["IOM"])
        state = np.zeros((n, kernel.N_STATE))
        for i, p in enumerate(POOLS[:4]):
            state[:, i] = np.broadcast_to(init[p], cells).reshape(n)
        # start from the periodic soil-moisture deficit of the climate (independent of the pools)
        _, _, eq = self._equilibrium_state(np.zeros(cells), np.zeros(cells))
        state[:, kernel.SMD] = eq[:, kernel.SMD]
        annual = np.broadcast_to(a, (n_years, *cells))
        res = core.run(self._forcing(cells, annual, n_years), params, state)
        dec = slice(11, None, 12)

        def yearly(x0, monthly):
            return np.concatenate([x0.reshape(1, n), monthly[dec]]).reshape(n_years + 1, *cells)

        pools = {p: yearly(np.broadcast_to(init[p], cells), res[p]) for p in POOLS[:4]}
        pools["IOM"] = np.broadcast_to(init["IOM"], (n_years + 1, *cells)).copy()
        soc = sum(pools[p] for p in POOLS)
        co2 = yearly(np.zeros(cells), res["CO2"])
        fym = np.broadcast_to(self._fym, cells)
        inputs = np.concatenate([np.zeros((1, *cells)), np.cumsum(annual + fym, axis=0)])
        return Trajectory(soc_t_ha=soc, stable_soc_t_ha=pools["HUM"] + pools["IOM"], co2_t_ha=co2,
                          inputs_t_ha=inputs, pools=pools)


def som_model(**params: Any) -> RothCModel:
    """Registry factory: ``get_model("rothc", clay_pct=..., temp_c=..., precip_mm=..., pet_mm=...)``."""
    return RothCModel(**params)
