"""Stable SOC stocks from fractionation, and MAOC capacity stocks, per site over a depth interval.

Stable carbon is the mineral-associated organic carbon (MAOC, < 53 µm after dispersion;
Cambardella & Elliott 1992, *Soil Sci. Soc. Am. J.* 56: 777–783; Cotrufo et al. 2019,
*Nature Geoscience* 12: 989–994). Per layer of the horizons table, in order of preference:

1. ``maoc_g_kg`` (g MAOC-C per kg fine earth), measured directly;
2. ``maoc_frac`` × ``soc_g_kg`` (MAOC as a fraction of SOC);
3. ``soc_g_kg`` − ``poc_g_kg`` (SOC = POC + MAOC, the two fractions of the size/density split).

The layer concentrations become stocks with the same machinery as total SOC
(``soilsink.stocks.fixed_depth_stocks`` or ``esm_stocks`` with ``concentration_col``), so bulk
density, coarse fragments and depth or equivalent-soil-mass correction are identical.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem
from soilsink.stable.capacity import maoc_capacity, saturation_deficit, saturation_ratio

METHOD_MEASURED = "measured_maoc"
STABLE_CONC_COL = "stable_soc_g_kg"
CAPACITY_CONC_COL = "maoc_capacity_g_kg"


def stable_concentration_g_kg(horizons: pd.DataFrame, source: str = "<horizons>") -> tuple[pd.Series, pd.Series]:
    """Per-layer stable C (g/kg) and which input gave it (``maoc_g_kg``, ``maoc_frac``, ``soc-poc``).

    Layers without fractionation data get NaN and source ``""``. Inconsistent values (MAOC
    above SOC, a fraction outside 0–1, POC above SOC, negatives) are :class:`InputError` s
    naming the row.
    """
    n = len(horizons)
    soc = pd.to_numeric(horizons["soc_g_kg"], errors="coerce").to_numpy(dtype=float)
    conc = np.full(n, np.nan)
    src = np.array([""] * n, dtype=object)
    rows = horizons["row"].to_numpy() if "row" in horizons.columns else np.arange(n) + 2
    problems: list[Problem] = []

    def col(name: str) -> np.ndarray:
        if name not in horizons.columns:
            return np.full(n, np.nan)
        return pd.to_numeric(horizons[name], errors="coerce").to_numpy(dtype=float)

    maoc, frac, poc = col("maoc_g_kg"), col("maoc_frac"), col("poc_g_kg")
    tol = 1e-9
    for i in range(n):
        if not np.isnan(maoc[i]):
            if maoc[i] < 0 or maoc[i] > soc[i] * (1 + tol) + tol:
                problems.append(Problem(source, "MAOC must be between 0 and the layer's SOC", row=int(rows[i]),
                                        column="maoc_g_kg", value=maoc[i], allowed=f"0–{soc[i]:g} g/kg"))
            conc[i], src[i] = maoc[i], "maoc_g_kg"
        elif not np.isnan(frac[i]):
            if not 0 <= frac[i] <= 1:
                problems.append(Problem(source, "MAOC fraction of SOC must be within 0–1", row=int(rows[i]),
                                        column="maoc_frac", value=frac[i], allowed="0–1"))
            conc[i], src[i] = frac[i] * soc[i], "maoc_frac"
        elif not np.isnan(poc[i]):
            if poc[i] < 0 or poc[i] > soc[i] * (1 + tol) + tol:
                problems.append(Problem(source, "POC must be between 0 and the layer's SOC", row=int(rows[i]),
                                        column="poc_g_kg", value=poc[i], allowed=f"0–{soc[i]:g} g/kg"))
            conc[i], src[i] = soc[i] - poc[i], "soc-poc"
    if problems:
        raise InputError(problems)
    return pd.Series(conc, index=horizons.index), pd.Series(src, index=horizons.index)


def _in_interval(horizons: pd.DataFrame, top_cm: float, bottom_cm: float) -> pd.Series:
    return (horizons["bottom_cm"] > top_cm) & (horizons["top_cm"] < bottom_cm)


def _stocks(
    horizons: pd.DataFrame,
    conc_col: str,
    top_cm: float,
    bottom_cm: float,
    reference_mass_t_ha: float | Mapping[str, float] | None,
    esm_method: str,
) -> pd.DataFrame:
    from soilsink import stocks

    if reference_mass_t_ha is None:
        return stocks.fixed_depth_stocks(horizons, top_cm, bottom_cm, concentration_col=conc_col)
    return stocks.esm_stocks(horizons, reference_mass_t_ha, method=esm_method, concentration_col=conc_col)


def stable_stocks(
    horizons: pd.DataFrame,
    top_cm: float = 0,
    bottom_cm: float = 30,
    *,
    reference_mass_t_ha: float | Mapping[str, float] | None = None,
    esm_method: str = "linear",
    source: str = "<horizons>",
) -> pd.DataFrame:
    """Measured stable SOC stock (t C/ha) per site: ``site_id, top_cm, bottom_cm, stable_soc_t_ha,
    stable_method, stable_source``.

    Fixed depth by default; equivalent soil mass when ``reference_mass_t_ha`` is given. A site
    gets a stock only when every layer it has in the interval carries fractionation data;
    otherwise its row has NaN and ``stable_method = "none"``.
    """
    h = horizons.copy()
    h[STABLE_CONC_COL], h["_stable_src"] = stable_concentration_g_kg(h, source)
    inside = h[_in_interval(h, top_cm, bottom_cm)] if reference_mass_t_ha is None else h
    complete = inside.groupby("site_id")[STABLE_CONC_COL].apply(lambda s: bool(s.notna().all()))
    all_sites = pd.Index(pd.unique(h["site_id"]), name="site_id")
    ok_sites = complete.index[complete.to_numpy()]
    out = pd.DataFrame({"site_id": all_sites})
    if len(ok_sites):
        sub = h[h["site_id"].isin(ok_sites)]
        st = _stocks(sub, STABLE_CONC_COL, top_cm, bottom_cm, reference_mass_t_ha, esm_method)
        st = st.rename(columns={"soc_stock_t_ha": "stable_soc_t_ha"})[["site_id", "top_cm", "bottom_cm", "stable_soc_t_ha"]]
        out = out.merge(st, on="site_id", how="left")
    else:
        out["top_cm"], out["bottom_cm"], out["stable_soc_t_ha"] = top_cm, bottom_cm, np.nan
    srcs = inside.groupby("site_id")["_stable_src"].apply(lambda s: "+".join(sorted({x for x in s if x})))
    out["stable_method"] = np.where(out["site_id"].isin(ok_sites), METHOD_MEASURED, "none")
    out["stable_source"] = out["site_id"].map(srcs).fillna("")
    out.loc[out["stable_method"] == "none", "stable_source"] = ""
    return out


def capacity_stocks(
    horizons: pd.DataFrame,
    top_cm: float = 0,
    bottom_cm: float = 30,
    *,
    method: str = "hassink_1997",
    mineralogy: str = "high_activity",
    reference_mass_t_ha: float | Mapping[str, float] | None = None,
    esm_method: str = "linear",
) -> pd.DataFrame:
    """MAOC capacity stock (t C/ha) per site from clay + silt, with the saturation deficit.

    Layer capacity (g/kg) from :func:`soilsink.stable.capacity.maoc_capacity` with the fine
    fraction ``clay_pct + silt_pct`` (a column ``fine_pct`` is used instead when present, e.g.
    the < 20 µm fraction Hassink's regression was fitted on); a ``mineralogy`` column, when
    present, overrides the ``mineralogy`` argument per layer. A site with a layer lacking texture
    (in the interval; any layer for ESM) gets no capacity (NaN). Columns out: ``site_id, top_cm,
    bottom_cm, maoc_capacity_t_ha, capacity_method`` and, where measured stable carbon exists,
    ``stable_soc_t_ha, saturation_deficit_t_ha, saturation_ratio``.
    """
    h = horizons.copy()
    if "fine_pct" in h.columns:
        fine = pd.to_numeric(h["fine_pct"], errors="coerce")
    else:
        missing = [c for c in ("clay_pct", "silt_pct") if c not in h.columns]
        if missing:
            raise InputError(Problem("<horizons>", f"capacity equations need {' and '.join(missing)}",
                                     column=missing[0], allowed="clay_pct and silt_pct (or fine_pct) per layer"))
        fine = pd.to_numeric(h["clay_pct"], errors="coerce") + pd.to_numeric(h["silt_pct"], errors="coerce")
    kind = h["mineralogy"].fillna(mineralogy).to_numpy(dtype=object) if "mineralogy" in h.columns else mineralogy
    try:
        h[CAPACITY_CONC_COL] = maoc_capacity(fine.to_numpy(dtype=float), method, kind)
    except ValueError as exc:
        raise InputError(Problem("<horizons>", str(exc), column="mineralogy" if "mineralogy" in str(exc) else None)) from None
    st = _stocks(h, CAPACITY_CONC_COL, top_cm, bottom_cm, reference_mass_t_ha, esm_method)
    out = st[["site_id", "top_cm", "bottom_cm"]].copy()
    out["maoc_capacity_t_ha"] = st["soc_stock_t_ha"].to_numpy()
    # a layer without texture would be summed as zero capacity: such a site gets no capacity
    inside = h[_in_interval(h, top_cm, bottom_cm)] if reference_mass_t_ha is None else h
    complete = inside.groupby("site_id")[CAPACITY_CONC_COL].apply(lambda v: bool(v.notna().all()))
    out.loc[~out["site_id"].map(complete).fillna(False).astype(bool), "maoc_capacity_t_ha"] = np.nan
    out["capacity_method"] = method
    has_frac = any(c in h.columns for c in ("maoc_g_kg", "maoc_frac", "poc_g_kg"))
    if has_frac:
        stable = stable_stocks(horizons, top_cm, bottom_cm, reference_mass_t_ha=reference_mass_t_ha, esm_method=esm_method)
        out = out.merge(stable[["site_id", "stable_soc_t_ha"]], on="site_id", how="left")
        out["saturation_deficit_t_ha"] = saturation_deficit(out["stable_soc_t_ha"], out["maoc_capacity_t_ha"])
        out["saturation_ratio"] = saturation_ratio(out["stable_soc_t_ha"], out["maoc_capacity_t_ha"])
    return out
