"""The threshold cap: carbon above a soil's threshold is never credited.

Rule (for a trajectory P(t), t = 0 the start of the accounting period, threshold T):

    P_cap(t) = min(P(t), max(T, P(0)))
    not_creditable(t) = P(t) − P_cap(t)  (≥ 0)

* The cap never raises a trajectory: P_cap ≤ P everywhere.
* It never removes carbon already present at t0: P_cap(0) = P(0), and a soil that starts above
  its threshold is capped at its starting stock (a gain above it is not creditable; a loss is
  fully counted).
* It is monotone: a higher P or a higher T never gives a lower P_cap.
* A missing threshold (NaN) means "no threshold known": the trajectory is returned uncapped
  (the sink potential reports such sites as ``no_threshold``).

The seed abstract's rule is that the stable pool cannot exceed the equilibrium content of the
natural soil of the same type; any modelled or measured stock above it is reported separately.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def cap_trajectory(soc_t_ha: Any, threshold_t_ha: Any, *, axis: int = -1, dim: str = "time") -> tuple[Any, Any]:
    """Split a trajectory into (creditable, not_creditable) stocks, both in t C/ha.

    ``soc_t_ha``: numpy array with time along ``axis`` (default last), or an xarray DataArray
    with a ``dim`` (default ``"time"``) dimension. ``threshold_t_ha``: scalar or array that
    broadcasts against one time slice (numpy: the shape without ``axis``; xarray: by dims).
    """
    try:
        import xarray as xr
    except ImportError:  # pragma: no cover - xarray is a dependency
        xr = None
    if xr is not None and isinstance(soc_t_ha, xr.DataArray):
        p0 = soc_t_ha.isel({dim: 0}, drop=True)
        thr = threshold_t_ha if isinstance(threshold_t_ha, xr.DataArray) else xr.DataArray(threshold_t_ha)
        ceiling = xr.where(thr.isnull(), np.inf, np.maximum(thr, p0))
        creditable = np.minimum(soc_t_ha, ceiling)
        return creditable, soc_t_ha - creditable
    p = np.asarray(soc_t_ha, dtype=float)
    if p.ndim == 0:
        raise ValueError("soc_t_ha must have a time axis")
    pt = np.moveaxis(p, axis, -1)
    p0 = pt[..., 0]
    thr = np.asarray(threshold_t_ha, dtype=float)
    ceiling = np.where(np.isnan(thr), np.inf, np.maximum(thr, p0))
    capped = np.minimum(pt, np.asarray(ceiling)[..., None])
    creditable = np.moveaxis(capped, -1, axis)
    return creditable, p - creditable
