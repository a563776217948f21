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
