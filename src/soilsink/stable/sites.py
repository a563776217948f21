"""Per-site SOC and stable SOC stocks over a depth interval (fixed depth or ESM), by a named method.

Methods (:data:`STABLE_METHODS`, the ``--stable-method`` / ``--method`` of the CLI):

``measured``
    MAOC from fractionation columns (:func:`soilsink.stable.measured.stable_stocks`);
    ``stable_method = measured_maoc``.
``rothc``
    HUM + IOM of the RothC equilibrium whose SOC equals the measured stock
    (:func:`soilsink.stable.rothc_sites.rothc_site_stable`); ``stable_method = rothc_hum_iom``.
    Needs a monthly climate and ``clay_pct`` (thickness-weighted over the interval).
``hassink_1997``, ``georgiou_2022``
    **Capacity only.** These equations give the MAOC a soil's fine fraction can hold at most
    (Hassink 1997: the fine-fraction C of soils taken as saturated; Georgiou et al. 2022: the
    90th-percentile boundary line), not the MAOC a soil holds now. A stable-carbon estimate such
    as min(SOC, capacity) would assume that all SOC below the capacity is mineral-associated; POC
    is commonly a large share of topsoil SOC (e.g. Cotrufo et al. 2019, *Nat. Geosci.* 12: 989–994),
    so that number is only an upper bound and is not offered. The capacity methods therefore
    output ``maoc_capacity_t_ha`` and ``capacity_method``; stable carbon, the saturation deficit
    (capacity − MAOC, ≥ 0) and the saturation ratio (MAOC / capacity) come from measured MAOC
    where the site has fractionation data, else they are empty (``stable_method = none``).
``none``
    No stable carbon.
``auto``
    ``measured`` when the table has fractionation columns, else ``none``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem
from soilsink.stable.capacity import CAPACITY_METHODS, saturation_deficit, saturation_ratio

STABLE_METHODS = ("measured", "hassink_1997", "georgiou_2022", "rothc", "none")
FRACTION_COLUMNS = ("maoc_g_kg", "maoc_frac", "poc_g_kg")
MINERALOGIES = ("high_activity", "low_activity")


def has_fractions(horizons: pd.DataFrame) -> bool:
    """True when the horizons table has a fractionation column with at least one value."""
    return any(c in horizons.columns and horizons[c].notna().any() for c in FRACTION_COLUMNS)


def resolve_method(method: str | None, fractions: bool) -> str:
    """``auto``/None -> ``measured`` if fractionation data exist, else ``none``; unknown names are errors."""
    if method in (None, "", "auto"):
        return "measured" if fractions else "none"
    if method not in STABLE_METHODS:
        raise InputError(Problem("--stable-method", "unknown stable-carbon method", value=method,
                                 allowed=", ".join(STABLE_METHODS)))
    return method


def _weighted_clay(horizons: pd.DataFrame, soc: pd.DataFrame) -> pd.Series:
    """Thickness-weighted clay (%) per site over each site's own ``top_cm``–``bottom_cm`` of ``soc``."""
    from soilsink.stocks import site_attributes

    out = {}
    for (top, bottom), g in soc.dropna(subset=["bottom_cm"]).groupby(["top_cm", "bottom_cm"]):
        sub = horizons[horizons["site_id"].isin(g["site_id"])]
        attrs = site_attributes(sub, float(top), float(bottom)).set_index("site_id")
        for s in g["site_id"]:
            out[s] = float(attrs["clay_pct"].get(s, np.nan)) if "clay_pct" in attrs else np.nan
    return pd.Series(out, dtype=float)


def site_stable_table(
    horizons: pd.DataFrame,
    top_cm: float = 0.0,
    bottom_cm: float = 30.0,
    *,
    method: str | None = "auto",
    reference_mass_t_ha: float | Mapping[str, float] | None = None,
    esm_method: str = "linear",
    mineralogy: str = "high_activity",
    climate=None,
    source: str = "<horizons>",
) -> pd.DataFrame:
    """One row per site: ``site_id, top_cm, bottom_cm, soc_stock_t_ha, stable_soc_t_ha, stable_method``,
    for capacity methods also ``capacity_method, maoc_capacity_t_ha, saturation_deficit_t_ha,
    saturation_ratio``; then ``note``.

    Fixed depth ``top_cm``–``bottom_cm`` by default; equivalent soil mass when
    ``reference_mass_t_ha`` is given (``bottom_cm`` is then the equivalent depth, as in
    :func:`soilsink.stocks.esm_stocks`). ``climate``: RothC forcing from
    :func:`soilsink.stable.rothc_sites.climate_dataset` (needed for ``rothc``).
    """
    from soilsink import stocks
    from soilsink.stable.measured import capacity_stocks, stable_stocks
    from soilsink.stable.rothc_sites import rothc_site_stable

    fractions = has_fractions(horizons)
    method = resolve_method(method, fractions)
    if mineralogy not in MINERALOGIES:
        raise InputError(Problem("--mineralogy", "unknown mineralogy", value=mineralogy, allowed=", ".join(MINERALOGIES)))
    if method == "measured" and not fractions:
        raise InputError(Problem(source, "stable method 'measured' needs fractionation data",
                                 allowed="a column " + ", ".join(FRACTION_COLUMNS) + "; or another method"))
    if method == "rothc" and climate is None:
        raise InputError(Problem("--climate", "stable method 'rothc' needs a monthly climate",
                                 allowed="--climate CLIMATE.csv (month, temp_c, precip_mm, pet_mm or evap_mm)"))
    if method in CAPACITY_METHODS and "fine_pct" not in horizons.columns:
        missing = [c for c in ("clay_pct", "silt_pct") if c not in horizons.columns]
        if missing:
            raise InputError(Problem(source, f"capacity equations need {' and '.join(missing)}", column=missing[0],
                                     allowed="clay_pct and silt_pct (or fine_pct) per layer"))
    if reference_mass_t_ha is None:
        soc = stocks.fixed_depth_stocks(horizons, top_cm, bottom_cm)
    else:
        soc = stocks.esm_stocks(horizons, reference_mass_t_ha, method=esm_method)
    out = soc[["site_id", "top_cm", "bottom_cm", "soc_stock_t_ha"]].copy()
    note = soc["note"].fillna("").astype(str).to_numpy(dtype=object)
    out["stable_soc_t_ha"] = np.nan
    out["stable_method"] = "none"
    kw = dict(reference_mass_t_ha=reference_mass_t_ha, esm_method=esm_method)

    if method in ("measured", *CAPACITY_METHODS) and fractions:
        st = stable_stocks(horizons, top_cm, bottom_cm, source=source, **kw).set_index("site_id")
        out["stable_soc_t_ha"] = out["site_id"].map(st["stable_soc_t_ha"]).astype(float)
        out["stable_method"] = out["site_id"].map(st["stable_method"]).fillna("none")
    if method == "rothc":
        sites = out[["site_id", "soc_stock_t_ha"]].copy()
        sites["clay_pct"] = out["site_id"].map(_weighted_clay(horizons, soc)).astype(float)
        sites["depth_cm"] = (out["bottom_cm"] - out["top_cm"]).astype(float)
        r = rothc_site_stable(sites, climate)
        out["stable_soc_t_ha"] = r["stable_soc_t_ha"].to_numpy()
        out["stable_method"] = r["stable_method"].to_numpy()
        extra = r["note"].to_numpy(dtype=object)
        note = np.array([_join(a, b) for a, b in zip(note, extra, strict=True)], dtype=object)
    if method in CAPACITY_METHODS:
        cap = capacity_stocks(horizons, top_cm, bottom_cm, method=method, mineralogy=mineralogy, **kw)
        out["capacity_method"] = method
        out["maoc_capacity_t_ha"] = out["site_id"].map(cap.set_index("site_id")["maoc_capacity_t_ha"]).astype(float)
        out["saturation_deficit_t_ha"] = saturation_deficit(out["stable_soc_t_ha"], out["maoc_capacity_t_ha"])
        out["saturation_ratio"] = saturation_ratio(out["stable_soc_t_ha"], out["maoc_capacity_t_ha"])
        no_maoc = out["stable_soc_t_ha"].isna() & out["soc_stock_t_ha"].notna()
        no_cap = out["maoc_capacity_t_ha"].isna() & out["soc_stock_t_ha"].notna()
        note = np.array([_join(n, "no texture (clay_pct + silt_pct or fine_pct) in every layer: no capacity") if c
                         else _join(n, "MAOC not measured: capacity only, no deficit") if m else n
                         for n, m, c in zip(note, no_maoc, no_cap, strict=True)], dtype=object)
    none = out["stable_soc_t_ha"].isna()
    out.loc[none, "stable_method"] = "none"
    out["note"] = note
    return out


def _join(a: str, b: str) -> str:
    return "; ".join(x for x in (a, b) if x)
