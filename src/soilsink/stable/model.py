"""Stable carbon estimated from model pools: RothC humified (HUM) + inert (IOM) organic matter.

In RothC-26.3 (Coleman & Jenkinson 1996, RothC-26.3 user guide, Rothamsted Research) the
soil organic carbon is split into decomposable (DPM) and resistant (RPM) plant material,
microbial biomass (BIO), humified organic matter (HUM, turnover rate 0.02 yr⁻¹, i.e. a mean
residence time of ~50 years) and inert organic matter (IOM, no turnover). The slow HUM and the
inert IOM are the model's stable carbon; DPM, RPM and BIO turn over within months to a few
years. ``stable = HUM + IOM`` (t C/ha) for any state the engine returns (equilibrium or a
simulated trajectory, see ``soilsink.models.rothc``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Pools counted as stable carbon, by the names RothC uses in soilsink (docs/architecture.md).
STABLE_POOLS = ("HUM", "IOM")

METHOD_ROTHC = "rothc_hum_iom"


def rothc_stable_soc(pools: Mapping[str, Any] | Any) -> Any:
    """Stable SOC (t C/ha) = HUM + IOM of RothC pools.

    ``pools`` is an ``xarray.Dataset`` (as returned by ``soilsink.models.rothc.equilibrium`` or
    ``simulate``), a ``pandas.DataFrame`` or a mapping with ``HUM`` and ``IOM`` (case-insensitive
    names, ``HUM_t_C_ha`` style columns of the official output are accepted). Returns the same
    kind of object as the pool values (DataArray, Series or array).
    """
    names = list(pools.keys()) if hasattr(pools, "keys") else list(pools)
    found = {}
    for want in STABLE_POOLS:
        candidates = [n for n in names if str(n).upper() in (want, f"{want}_T_C_HA")]
        if not candidates:
            raise KeyError(f"RothC pools lack {want!r} (have: {', '.join(map(str, names))})")
        found[want] = pools[candidates[0]]
    return found["HUM"] + found["IOM"]


def rothc_equilibrium_stable(ds: Any, soc_t_ha: Any) -> Any:
    """Stable SOC (t C/ha) of a site whose measured SOC is taken as its RothC equilibrium.

    The usual RothC initialisation (e.g. FAO GSOCseq 2020): the annual plant input is set so
    that the exact equilibrium SOC equals ``soc_t_ha`` (``soilsink.models.rothc.inputs_for_target``,
    monthly pattern of ``c_input`` in the first 12 months of ``ds``), IOM from ``ds`` or by
    Falloon et al. (1998); the stable part of that state is HUM + IOM. ``ds`` is a RothC forcing
    dataset (see ``soilsink.models.rothc.simulate``) over any cell dimensions; ``soc_t_ha``
    broadcasts against them. Returns an ``xarray.DataArray`` named ``stable_soc_t_ha`` with
    ``attrs["method"] = "rothc_hum_iom"``; cells whose SOC is below the no-input equilibrium
    get NaN.
    """
    import numpy as np
    import xarray as xr

    from soilsink.models import rothc

    target = soc_t_ha if isinstance(soc_t_ha, xr.DataArray) else xr.DataArray(np.asarray(soc_t_ha, dtype=float))
    annual = rothc.inputs_for_target(ds, target)
    src = ds.isel(time=slice(0, 12))
    pattern = src["c_input"].astype(float) if "c_input" in src else xr.DataArray(np.full(12, 1.0), dims=["time"])
    total = pattern.sum("time")
    pattern = xr.where(total > 0, pattern / total.where(total > 0, 1.0), 1.0 / 12.0)
    forcing = src.copy()
    forcing["c_input"] = pattern * annual.fillna(0.0)
    base = ds.copy()
    if "iom" not in base:
        base["iom"] = rothc.falloon_iom(target)
    pools = rothc.equilibrium(base, equilibrium_forcing=forcing)
    stable = rothc_stable_soc(pools).where(annual.notnull())
    stable.name = "stable_soc_t_ha"
    stable.attrs = {"units": "t ha-1", "method": METHOD_ROTHC}
    return stable
