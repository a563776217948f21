"""Daily soil forcing for Millennial from monthly climate, when soil values are not measured.

Millennial runs on daily soil temperature ``tsoil`` (degC) and volumetric soil moisture
``theta`` (m3/m3). Where only monthly air temperature ``tas`` (degC), precipitation ``pr`` and
potential evapotranspiration ``pet`` (mm/month) are known:

* **Soil temperature = monthly mean air temperature.** Zheng, Hunt & Running (1993, Climate
  Research 2: 183–191) model daily soil temperature as the 11-day running mean of air
  temperature, damped under canopy and snow; at monthly resolution the running mean is the
  monthly mean. The canopy/snow damping is not applied (it warms winter soils under snow).
* **Soil moisture from a monthly bucket** (Thornthwaite & Mather 1957, Publications in
  Climatology 10(3)): the plant-available store ``S`` (capacity ``S_max = (θ_fc − θ_wp)·depth``)
  gains ``pr − pet`` when positive (up to ``S_max``) and otherwise dries exponentially,
  ``S ← S·exp(−(pet − pr)/S_max)``. The cycle is repeated until it is periodic; the month's
  ``θ = θ_wp + (θ_fc − θ_wp)·S̄/S_max`` with ``S̄`` the mean of the store at the month's start
  and end. Field capacity and wilting point are the user's (measured or pedotransfer).

Monthly values become daily ones by month (365-day year); Millennial then interpolates
linearly between days.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from soilsink.io.errors import InputError, Problem

#: days of each month in a 365-day year
MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _monthly(name: str, value: ArrayLike) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[0] != 12 or not np.all(np.isfinite(arr)):
        raise InputError(Problem(file="<millennial forcing>", column=name, value=str(arr.shape),
                                 message=f"'{name}' needs 12 finite monthly values on its first axis",
                                 allowed="shape (12,) or (12, *cells)"))
    return arr


def daily_from_monthly(monthly: ArrayLike, name: str = "monthly") -> np.ndarray:
    """``(12, *cells)`` monthly values -> ``(365, *cells)`` daily values (each day its month's)."""
    return np.repeat(_monthly(name, monthly), MONTH_DAYS, axis=0)


def bucket_theta(pr: ArrayLike, pet: ArrayLike, theta_fc: ArrayLike, theta_wp: ArrayLike,
                 depth_cm: ArrayLike, n_cycles: int = 50) -> np.ndarray:
    """Monthly volumetric moisture (m3/m3, ``(12, *cells)``) from the Thornthwaite–Mather bucket."""
    p, e = _monthly("pr", pr), _monthly("pet", pet)
    fc, wp = np.asarray(theta_fc, dtype=np.float64), np.asarray(theta_wp, dtype=np.float64)
    if np.any(~(wp >= 0)) or np.any(~(fc > wp)) or np.any(fc > 1) or np.any(p < 0) or np.any(e < 0):
        raise InputError(Problem(file="<millennial forcing>", column="theta_fc",
                                 value=f"{fc.tolist()}/{wp.tolist()}",
                                 message="bad water balance inputs",
                                 allowed="0 <= theta_wp < theta_fc <= 1, pr >= 0, pet >= 0"))
    smax = (fc - wp) * np.asarray(depth_cm, dtype=np.float64) * 10.0  # mm
    store = np.broadcast_to(smax, np.broadcast_shapes(p.shape[1:], e.shape[1:], smax.shape)).copy()
    means = np.empty((12, *store.shape))
    for _ in range(n_cycles):
        for m in range(12):
            net = p[m] - e[m]
            new = np.where(net >= 0, np.minimum(smax, store + net), store * np.exp(net / smax))
            means[m] = 0.5 * (store + new)
            store = new
    return wp + (fc - wp) * means / smax


def soil_forcing_from_monthly(tas: ArrayLike, pr: ArrayLike, pet: ArrayLike,
                              theta_fc: ArrayLike, theta_wp: ArrayLike,
                              depth_cm: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Daily ``(tsoil degC, theta m3/m3)``, each ``(365, *cells)``, from monthly climate."""
    tsoil = daily_from_monthly(tas, "tas")
    theta = np.repeat(bucket_theta(pr, pet, theta_fc, theta_wp, depth_cm), MONTH_DAYS, axis=0)
    return tsoil, theta
