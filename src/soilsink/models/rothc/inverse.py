"""Inverse mode: the plant C input that puts the equilibrium SOC at a target (exact).

The RothC equilibrium is affine in the plant input: scaling the monthly input pattern by ``s``
gives active pools ``C(s) = C(0) + s (C(1) - C(0))`` (the moisture and temperature modifiers
do not depend on the pools). Two exact equilibrium solves give ``s`` directly, as in the usual
initialisation (e.g. FAO GSOCseq, 2020, which iterates for the same number).
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from soilsink.models.rothc import constants as K
from soilsink.models.rothc.api import TIME, equilibrium, falloon_iom


def inputs_for_target(
    ds: xr.Dataset, soc_t_ha, *, equilibrium_forcing: xr.Dataset | None = None,
    opt_rmmoist: int = 1, opt_smdbare: int = 1, min_rm_moist: float = K.MIN_RM_MOIST_DEFAULT,
) -> xr.DataArray:
    """Annual plant C input (t C/ha/yr) whose exact equilibrium SOC equals ``soc_t_ha``.

    The monthly distribution of the input is that of ``c_input`` in the equilibrium year (first
    12 months of ``ds`` or ``equilibrium_forcing``), or even (1/12 per month) where that is all
    zero or absent. FYM in the forcing is kept. ``iom`` from ``ds`` or, when absent, from
    Falloon et al. (1998) of the target SOC. Cells whose target is below the SOC reached
    without plant input get NaN (with a warning).
    """
    src = equilibrium_forcing if equilibrium_forcing is not None else ds.isel({TIME: slice(0, 12)})
    target = soc_t_ha if isinstance(soc_t_ha, xr.DataArray) else xr.DataArray(np.asarray(soc_t_ha, dtype=float))
    if "c_input" in src:
        pattern = src["c_input"].astype(float)
        total = pattern.sum(TIME)
        even = xr.full_like(pattern, 1.0 / 12.0)
        pattern = xr.where(total > 0, pattern / total.where(total > 0, 1.0), even)
    else:
        pattern = xr.DataArray(np.full(12, 1.0 / 12.0), dims=[TIME])
    base = ds.copy()
    if "iom" not in base:
        base["iom"] = falloon_iom(target)
    kw = dict(equilibrium="exact", opt_rmmoist=opt_rmmoist, opt_smdbare=opt_smdbare, min_rm_moist=min_rm_moist)

    def eq_with(c_input) -> xr.DataArray:
        ef = src.copy()
        ef["c_input"] = c_input
        return equilibrium(base, equilibrium_forcing=ef, **kw)["SOC"]

    soc0 = eq_with(pattern * 0.0)
    soc1 = eq_with(pattern)
    annual = (target - soc0) / (soc1 - soc0)
    bad = annual < 0
    if bool(bad.any()):
        warnings.warn(f"{int(bad.sum())} cell(s): target SOC below the equilibrium without plant input; NaN",
                      stacklevel=2)
    annual = annual.where(~bad)
    annual.attrs = {"units": "t ha-1 yr-1", "long_name": "annual plant carbon input for the target equilibrium SOC"}
    return annual.rename("c_input_annual")
