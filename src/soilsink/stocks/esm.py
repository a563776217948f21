"""SOC stock in an equivalent soil mass (ESM).

Comparing stocks at a fixed depth confounds carbon change with bulk-density change; the ESM
approach compares the carbon contained in the same fine-soil mass from the surface (Ellert &
Bettany 1995, Can. J. Soil Sci. 75: 529–538). On the cumulative-mass axis:

- ``linear``: cumulative SOC is interpolated linearly against cumulative fine-soil mass between
  layer boundaries. With a uniform concentration inside each layer this is exact (cumulative SOC
  is piecewise linear in cumulative mass with slope = concentration).
- ``spline``: a cubic spline through (0, 0) and the layer boundaries (Wendt & Hauser 2013,
  Eur. J. Soil Sci. 64: 58–65; von Haden, Yang & DeLucia 2020, Glob. Change Biol. 26:
  3759–3770), ``scipy.interpolate.CubicSpline`` with not-a-knot ends (natural ends when only
  three knots exist; a straight line for one layer).

A reference mass larger than the sampled profile's mass is an error for that site (NaN stock and
a ``note``), never an extrapolation. The output's ``bottom_cm`` is the equivalent depth: the depth
at which the cumulative fine-soil mass reaches the reference mass.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.interpolate import CubicSpline

from soilsink.stocks.fixed_depth import OUTPUT_COLUMNS, _site_bd_source, fixed_depth_stocks

ESM_METHODS = ("linear", "spline")


def cumulative_profile(horizons_site: pd.DataFrame, concentration_col: str = "soc_g_kg"
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Layer-boundary depths (cm), cumulative fine-soil mass (t/ha) and cumulative SOC (t/ha).

    Arrays start at the surface (0, 0, 0). The site's layers must be contiguous from 0 cm.
    """
    top = horizons_site["top_cm"].to_numpy(float)
    bot = horizons_site["bottom_cm"].to_numpy(float)
    fine = (horizons_site["bulk_density_g_cm3"].to_numpy(float)
            * (1.0 - horizons_site["coarse_vol_frac"].to_numpy(float)))
    mass = fine * (bot - top) * 100.0
    soc = horizons_site[concentration_col].to_numpy(float) * mass / 1000.0
    depth = np.concatenate([[0.0], bot])
    return depth, np.concatenate([[0.0], np.cumsum(mass)]), np.concatenate([[0.0], np.cumsum(soc)])


def esm_stock(cum_mass_t_ha: np.ndarray, cum_soc_t_ha: np.ndarray, reference_mass_t_ha: float,
              method: str = "linear") -> float:
    """SOC (t C/ha) in the first ``reference_mass_t_ha`` of fine soil (see module docstring)."""
    keep = np.concatenate([[True], np.diff(cum_mass_t_ha) > 0])  # drop zero-mass layers
    x, y = cum_mass_t_ha[keep], cum_soc_t_ha[keep]
    if reference_mass_t_ha > x[-1] * (1 + 1e-12) or reference_mass_t_ha < 0:
        return float("nan")
    ref = min(reference_mass_t_ha, x[-1])
    if method == "linear" or len(x) == 2:
        return float(np.interp(ref, x, y))
    if method == "spline":
        bc = "not-a-knot" if len(x) > 3 else "natural"
        return float(CubicSpline(x, y, bc_type=bc)(ref))
    raise ValueError(f"unknown ESM method {method!r}; allowed: {', '.join(ESM_METHODS)}")


def esm_stocks(horizons: pd.DataFrame, reference_mass_t_ha: float | Mapping[str, float], *,
               method: str = "linear", concentration_col: str = "soc_g_kg") -> pd.DataFrame:
    """ESM SOC stock per site; columns as :func:`~soilsink.stocks.fixed_depth_stocks`.

    ``reference_mass_t_ha`` is one mass for all sites or a mapping ``site_id -> t/ha``
    (e.g. the baseline's fixed-depth interval mass, :func:`reference_masses`).
    """
    if method not in ESM_METHODS:
        raise ValueError(f"unknown ESM method {method!r}; allowed: {', '.join(ESM_METHODS)}")
    rows = []
    for site, hs in horizons.groupby("site_id", sort=True):
        if isinstance(reference_mass_t_ha, Mapping):
            ref = reference_mass_t_ha.get(site, np.nan)
        else:
            ref = float(reference_mass_t_ha)
        row = {"site_id": site, "top_cm": 0.0, "bottom_cm": np.nan, "soil_mass_t_ha": ref,
               "soc_stock_t_ha": np.nan, "method": f"esm_{method}",
               "bd_source": _site_bd_source(hs["bd_source"]), "note": ""}
        top = hs["top_cm"].to_numpy(float)
        bot = hs["bottom_cm"].to_numpy(float)
        if not np.isfinite(ref):
            row["note"] = "no reference mass for this site"
        elif top[0] > 0 or np.any(top[1:] > bot[:-1]):
            row["note"] = "ESM needs layers contiguous from the surface (0 cm)"
        else:
            depth, cm, cs = cumulative_profile(hs, concentration_col)
            if ref > cm[-1] * (1 + 1e-12):
                row["note"] = (f"reference mass {ref:.6g} t/ha exceeds the sampled profile's "
                               f"fine-soil mass {cm[-1]:.6g} t/ha (0–{depth[-1]:g} cm); "
                               "not extrapolated")
            else:
                row["soc_stock_t_ha"] = esm_stock(cm, cs, ref, method)
                keep = np.concatenate([[True], np.diff(cm) > 0])
                row["bottom_cm"] = float(np.interp(min(ref, cm[-1]), cm[keep], depth[keep]))
        rows.append(row)
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


def reference_masses(baseline: pd.DataFrame, top_cm: float = 0.0, bottom_cm: float = 30.0
                     ) -> dict[str, float]:
    """Per-site fine-soil mass (t/ha) of the baseline's fixed-depth interval ``[0, bottom_cm]``.

    The ESM reference of a resampling: the mass the baseline held in its sampled depth.
    """
    base = fixed_depth_stocks(baseline, top_cm, bottom_cm)
    return {s: float(m) for s, m in zip(base["site_id"], base["soil_mass_t_ha"], strict=True)
            if np.isfinite(m)}
