"""Site-level attributes of a horizons table (one row per site)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from soilsink.stocks.fixed_depth import layer_overlap_cm

SITE_COLUMNS = ("soil_type", "land_use", "reference", "climate_zone", "lon", "lat", "sampled_on")
WEIGHTED_COLUMNS = ("clay_pct", "silt_pct")


def site_attributes(horizons: pd.DataFrame, top_cm: float = 0.0, bottom_cm: float = 30.0
                    ) -> pd.DataFrame:
    """One row per site: first non-missing site-level values and thickness-weighted
    ``clay_pct``/``silt_pct`` over ``[top_cm, bottom_cm]`` (NaN where no layer has a value)."""
    sites = pd.DataFrame({"site_id": sorted(horizons["site_id"].unique())}).set_index("site_id")
    g = horizons.groupby("site_id", sort=True)
    for col in SITE_COLUMNS:
        if col in horizons:
            sites[col] = g[col].first()
    inside = layer_overlap_cm(horizons["top_cm"].to_numpy(float),
                              horizons["bottom_cm"].to_numpy(float), top_cm, bottom_cm)
    for col in WEIGHTED_COLUMNS:
        if col in horizons:
            v = horizons[col].to_numpy(float)
            w = np.where(np.isfinite(v), inside, 0.0)
            tmp = pd.DataFrame({"site_id": horizons["site_id"].to_numpy(),
                                "vw": np.nan_to_num(v) * w, "w": w})
            s = tmp.groupby("site_id", sort=True).sum()
            with np.errstate(invalid="ignore", divide="ignore"):
                sites[col] = (s["vw"] / s["w"]).where(s["w"] > 0)
    return sites.reset_index()
