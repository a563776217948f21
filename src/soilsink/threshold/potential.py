"""Sink potential: the gap between a site's current stock and its group's threshold.

Per site (seed abstract: "the gap between today's stock and the threshold is the sink
potential"):

    potential_t_ha   = max(0, threshold − current)
    saturation_ratio = current / threshold

and the same for stable carbon when both a current stable stock and a stable threshold exist.
Sites whose group has no threshold are kept, with NaN values and ``status = no_threshold``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem
from soilsink.threshold.sites import validate_thresholds

#: Columns of a thresholds table that are not group keys.
THRESHOLD_VALUE_COLUMNS = frozenset(
    {
        "n_reference", "n_reference_stable", "stable_method", "stat", "method", "flag", "top_cm", "bottom_cm", "note", "row",
        "model_method",
    }
)


def group_columns(thresholds: pd.DataFrame) -> list[str]:
    """The group key columns of a thresholds table (everything that is not a result column)."""
    return [c for c in thresholds.columns
            if c not in THRESHOLD_VALUE_COLUMNS and not c.startswith(("threshold_", "model_threshold_"))]


def _choose(thresholds: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """One threshold row per group: empirical when it has enough sites, else model, else the rest."""
    if "method" not in thresholds.columns or thresholds.empty:
        return thresholds
    t = thresholds.copy()
    flag = t["flag"].fillna("").astype(str) if "flag" in t.columns else pd.Series("", index=t.index)
    has_value = t["threshold_soc_t_ha"].notna()
    t["_rank"] = np.select(
        [(t["method"] == "empirical") & flag.isin(["", "ok"]) & has_value, (t["method"] != "empirical") & has_value, has_value],
        [0, 1, 2],
        3,
    )
    t = t.sort_values([*by, "_rank"], kind="stable").drop_duplicates(by, keep="first")
    return t.drop(columns="_rank")


def _use_model_beside(t: pd.DataFrame) -> pd.DataFrame:
    """Where a row carries ``model_*`` thresholds beside a flagged or empty empirical one, use the model."""
    if "model_threshold_soc_t_ha" not in t.columns:
        return t
    t = t.copy()
    flag = t["flag"].fillna("").astype(str) if "flag" in t.columns else pd.Series("", index=t.index)
    emp_ok = flag.isin(["", "ok"]) & t["threshold_soc_t_ha"].notna()
    use = ~emp_ok & t["model_threshold_soc_t_ha"].notna()
    t.loc[use, "threshold_soc_t_ha"] = t.loc[use, "model_threshold_soc_t_ha"]
    if "model_threshold_stable_soc_t_ha" in t.columns:
        if "threshold_stable_soc_t_ha" not in t.columns:
            t["threshold_stable_soc_t_ha"] = np.nan
        t.loc[use, "threshold_stable_soc_t_ha"] = t.loc[use, "model_threshold_stable_soc_t_ha"]
    if "method" in t.columns and "model_method" in t.columns:
        t.loc[use, "method"] = t.loc[use, "model_method"]
    if "flag" in t.columns:
        t.loc[use, "flag"] = "ok"
    return t


def sink_potential(
    sites: pd.DataFrame,
    thresholds: pd.DataFrame,
    by: Sequence[str] | None = None,
    *,
    source: str = "<thresholds>",
) -> pd.DataFrame:
    """Per-site current stock, threshold, potential and saturation ratio (t C/ha; ratio –).

    ``sites``: ``site_id``, the group columns, ``soc_stock_t_ha`` and optionally
    ``stable_soc_t_ha``. ``thresholds``: the table of :func:`empirical_thresholds` (or the CLI's
    CSV), possibly with several ``method`` rows per group (the empirical one is used unless it
    is flagged, then the model one). ``by`` defaults to the group columns of ``thresholds``.
    """
    by = list(by) if by is not None else group_columns(thresholds)
    if not by:
        raise InputError(Problem(source, "the thresholds table has no group column", allowed="e.g. soil_type"))
    if "threshold_soc_t_ha" not in thresholds.columns:
        raise InputError(Problem(source, "missing column: threshold_soc_t_ha"))
    missing = [c for c in by if c not in sites.columns]
    if missing:
        raise InputError(
            Problem("<sites>", f"the sites lack the threshold group column(s): {', '.join(missing)}")
        )
    thresholds = validate_thresholds(thresholds, source, by)
    chosen = _use_model_beside(_choose(thresholds, by))
    keep = [*by, "threshold_soc_t_ha"]
    if "threshold_stable_soc_t_ha" in chosen.columns:
        keep.append("threshold_stable_soc_t_ha")
    extra = {"method": "threshold_method", "flag": "threshold_flag"}
    keep += [c for c in extra if c in chosen.columns]
    t = chosen[keep].rename(columns=extra)
    s = sites.copy()
    for c in by:  # join on text keys, as they are read from CSV
        s[c] = s[c].astype("string").fillna("")
        t[c] = t[c].astype("string").fillna("")
    merged = s.merge(t, on=by, how="left", validate="many_to_one")
    out = pd.DataFrame({"site_id": merged["site_id"]})
    for c in by:
        out[c] = merged[c]
    cur = merged["soc_stock_t_ha"].astype(float)
    thr = merged["threshold_soc_t_ha"].astype(float)
    out["current_soc_t_ha"] = cur
    out["threshold_soc_t_ha"] = thr
    out["potential_t_ha"] = np.maximum(thr - cur, 0.0)
    out["saturation_ratio"] = _ratio(cur, thr)
    if "stable_soc_t_ha" in merged.columns or "threshold_stable_soc_t_ha" in merged.columns:
        scur = merged.get("stable_soc_t_ha", pd.Series(np.nan, index=merged.index)).astype(float)
        sthr = merged.get("threshold_stable_soc_t_ha", pd.Series(np.nan, index=merged.index)).astype(float)
        out["current_stable_soc_t_ha"] = scur
        out["threshold_stable_soc_t_ha"] = sthr
        out["stable_potential_t_ha"] = np.maximum(sthr - scur, 0.0)
        out["stable_saturation_ratio"] = _ratio(scur, sthr)
        if "stable_method" in merged.columns:
            out["stable_method"] = merged["stable_method"]
        else:  # a site table's own stable_soc_t_ha column
            out["stable_method"] = np.where(scur.notna(), "given", "")
    for c in ("threshold_method", "threshold_flag"):
        if c in merged.columns:
            out[c] = merged[c]
    out["status"] = np.where(thr.isna(), "no_threshold", "ok")
    return out


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.Series(np.where(den > 0, num / den, np.nan), index=num.index)
