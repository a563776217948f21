"""SOC stock over a fixed depth interval.

For each layer, the part inside the interval ``[top_cm, bottom_cm]`` contributes (uniform
concentration within a layer)::

    soil_mass_t_ha  = BD × thickness_cm × (1 − coarse_vol_frac) × 100
    soc_stock_t_ha  = SOC_g_kg × BD × thickness_cm × (1 − coarse_vol_frac) × 0.1

(g/kg × g/cm3 × cm = 1e-3 g C/cm2 = 0.1 t C/ha), the stock formula with a volumetric stone
correction as in Poeplau, Vos & Don (2017) SOIL 3: 61–66, Eq. 1 (``OCS = OC × BD_fine × d ×
(1 − stones_vol)``) and FAO (2018) Soil Organic Carbon Mapping Cookbook, 2nd ed., §4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OUTPUT_COLUMNS = ["site_id", "top_cm", "bottom_cm", "soil_mass_t_ha", "soc_stock_t_ha",
                  "method", "bd_source", "note"]


def layer_overlap_cm(top_cm: np.ndarray, bottom_cm: np.ndarray, interval_top_cm: float,
                     interval_bottom_cm: float) -> np.ndarray:
    """Thickness (cm) of each layer inside the interval (0 where a layer lies outside)."""
    return np.clip(np.minimum(bottom_cm, interval_bottom_cm) - np.maximum(top_cm, interval_top_cm),
                   0.0, None)


def _site_bd_source(sources: pd.Series) -> str:
    uniq = sorted(set(sources))
    if uniq == ["measured"]:
        return "measured"
    if "measured" in uniq:
        return "measured+" + "+".join(u for u in uniq if u != "measured")
    return "+".join(uniq)


def fixed_depth_stocks(horizons: pd.DataFrame, top_cm: float = 0.0, bottom_cm: float = 30.0, *,
                       concentration_col: str = "soc_g_kg") -> pd.DataFrame:
    """SOC stock (t C/ha) and fine-soil mass (t/ha) of each site over ``[top_cm, bottom_cm]``.

    ``horizons`` is the canonical table from :func:`soilsink.io.horizons.validate_horizons`.
    ``concentration_col`` selects the carbon concentration (g/kg) to integrate, e.g.
    ``maoc_g_kg`` for mineral-associated carbon. A site whose layers do not reach the interval
    gets NaN and a ``note``; a gap inside the interval is integrated over its sampled part only
    and noted.
    """
    if not 0 <= top_cm < bottom_cm:
        raise ValueError(f"need 0 <= top_cm < bottom_cm, got {top_cm}, {bottom_cm}")
    h = horizons
    top = h["top_cm"].to_numpy(float)
    bot = h["bottom_cm"].to_numpy(float)
    inside = layer_overlap_cm(top, bot, top_cm, bottom_cm)
    fine = h["bulk_density_g_cm3"].to_numpy(float) * (1.0 - h["coarse_vol_frac"].to_numpy(float))
    mass = fine * inside * 100.0
    conc = h[concentration_col].to_numpy(float)
    soc = conc * fine * inside * 0.1
    work = pd.DataFrame({"site_id": h["site_id"].to_numpy(), "mass": mass, "soc": soc,
                         "inside": inside, "top": top, "bot": bot,
                         "bd_source": h["bd_source"].to_numpy()})
    g = work.groupby("site_id", sort=True)
    res = pd.DataFrame({
        "soil_mass_t_ha": g["mass"].sum(),
        "soc_stock_t_ha": g["soc"].sum(min_count=1),
        "covered_cm": g["inside"].sum(),
        "first_top": g["top"].min(),
        "last_bottom": g["bot"].max(),
        "bd_source": g["bd_source"].agg(_site_bd_source),
    })
    notes = []
    for _site, row in res.iterrows():
        if row.first_top > top_cm or row.last_bottom < bottom_cm:
            notes.append(f"sampled {row.first_top:g}–{row.last_bottom:g} cm does not cover "
                         f"{top_cm:g}–{bottom_cm:g} cm")
        elif row.covered_cm < (bottom_cm - top_cm) * (1 - 1e-12):
            notes.append(f"gap: only {row.covered_cm:g} of {bottom_cm - top_cm:g} cm sampled")
        else:
            notes.append("")
    res["note"] = notes
    uncovered = (res["first_top"] > top_cm) | (res["last_bottom"] < bottom_cm)
    res.loc[uncovered, ["soil_mass_t_ha", "soc_stock_t_ha"]] = np.nan
    res = res.reset_index()
    res["top_cm"] = float(top_cm)
    res["bottom_cm"] = float(bottom_cm)
    res["method"] = "fixed_depth"
    return res[OUTPUT_COLUMNS]
