"""Stratified estimate of a mean (change) and its standard error, paired by location.

For measure–remeasure, each sampling location is measured at baseline and at follow-up and the
per-location change d_i = follow-up − baseline (t C/ha) is the measured quantity. With strata
of areas A_h (weights W_h = A_h / Σ A_k) and n_h locations in stratum h:

* stratified mean (Cochran 1977, *Sampling Techniques*, 3rd ed., §5.2–5.3):
  ``d̄_st = Σ W_h d̄_h``;
* its estimated variance (Cochran §5.4; the variance of §5.3 with s_h² for S_h²):
  ``v(d̄_st) = Σ W_h² s_h² (1/n_h − 1/N_h)``, s_h² the sample variance within stratum h
  (n_h − 1 divisor); an area is an infinite population (N_h = ∞, no fpc);
* confidence limits ``d̄_st ± t · √v`` with Student t at the Satterthwaite degrees of freedom
  (Satterthwaite 1946; Cochran §5.4);
* the total over the area ``Σ A_h · d̄_st`` (t C) with standard error ``Σ A_h · √v``.

Pairing removes the between-location variance that baseline and follow-up share: the variance
of the change is that of the differences, not the sum of the two samplings' variances.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from soilsink.io.errors import InputError, Problem, warn_input
from soilsink.mrv.sample_size import satterthwaite_df, stratified_variance

SOURCE = "<stratified estimate>"


@dataclass(frozen=True)
class StratifiedEstimate:
    """Stratified mean of ``value`` (t C/ha), its SE, confidence interval and the area total.

    ``strata`` has one row per stratum: ``stratum, area_ha, weight, n, mean, sd, se``.
    """

    value: str
    mean: float
    se: float
    df: float
    confidence: float
    ci: tuple[float, float]
    n: int
    area_ha: float
    total: float
    total_se: float
    strata: pd.DataFrame


def pair_by_location(baseline: pd.DataFrame, followup: pd.DataFrame, *,
                     value: str = "soc_stock_t_ha") -> pd.DataFrame:
    """Per-location change ``change_t_ha = follow-up − baseline`` of ``value``, joined on ``point_id``.

    Both tables need ``point_id``, ``stratum`` and ``value``. A location in only one of them is
    dropped with a warning naming it; a location whose stratum differs between the two is an
    error. Returns ``stratum, point_id, change_t_ha`` sorted by stratum and point.
    """
    for name, t in (("baseline", baseline), ("follow-up", followup)):
        missing = [c for c in ("point_id", "stratum", value) if c not in t.columns]
        if missing:
            raise InputError(Problem(f"<{name}>", "missing column", column=missing[0],
                                     allowed="point_id, stratum, " + value))
        dup = t["point_id"][t["point_id"].duplicated()]
        if len(dup):
            raise InputError(Problem(f"<{name}>", "a location appears twice", column="point_id",
                                     value=dup.iloc[0], allowed="one row per point_id"))
    b = baseline[["point_id", "stratum", value]].astype({"point_id": str, "stratum": str})
    f = followup[["point_id", "stratum", value]].astype({"point_id": str, "stratum": str})
    merged = b.merge(f, on="point_id", how="outer", suffixes=("_base", "_follow"), indicator=True)
    lonely = merged[merged["_merge"] != "both"]
    if len(lonely):
        warn_input(Problem(SOURCE, f"{len(lonely)} location(s) measured only once are left out",
                           column="point_id", value=", ".join(lonely["point_id"].astype(str)[:10])))
    both = merged[merged["_merge"] == "both"]
    moved = both[both["stratum_base"] != both["stratum_follow"]]
    if len(moved):
        r = moved.iloc[0]
        raise InputError(Problem(SOURCE, "a location changed stratum between the samplings",
                                 column="stratum", value=f"{r['point_id']}: {r['stratum_base']} -> {r['stratum_follow']}",
                                 allowed="the stratum of the design"))
    out = pd.DataFrame({
        "stratum": both["stratum_base"].to_numpy(),
        "point_id": both["point_id"].to_numpy(),
        "change_t_ha": both[f"{value}_follow"].to_numpy(float) - both[f"{value}_base"].to_numpy(float),
    })
    return out.sort_values(["stratum", "point_id"], kind="stable").reset_index(drop=True)


def stratified_estimate(table: pd.DataFrame, stratum_area_ha: Mapping[str, float], *,
                        value: str = "change_t_ha", confidence: float = 0.95,
                        population: Mapping[str, float] | None = None) -> StratifiedEstimate:
    """Stratified mean, SE (Cochran 1977 §5.2–5.4) and area total of ``value`` in ``table``.

    ``table`` has one row per location with ``stratum`` and ``value`` (t C/ha);
    ``stratum_area_ha`` maps every stratum of the design to its area (ha), e.g. from
    :func:`soilsink.mrv.output.read_stratum_areas`. Only the shares A_h / Σ A_k enter the mean
    and its SE, so area shares (weights) give the same mean and SE, but ``total`` and
    ``total_se`` are then in t C per unit of the weights. ``population`` (optional) maps strata
    to their number of sampling units for a finite frame (fpc).
    """
    for col in ("stratum", value):
        if col not in table.columns:
            raise InputError(Problem(SOURCE, "missing column", column=col, allowed=f"stratum, {value}"))
    if not 0 < confidence < 1:
        raise InputError(Problem(SOURCE, "confidence must lie in (0, 1)", value=confidence,
                                 allowed="0 < confidence < 1"))
    areas = {str(k): float(v) for k, v in stratum_area_ha.items()}
    bad_area = [k for k, v in areas.items() if not (np.isfinite(v) and v > 0)]
    if bad_area or not areas:
        raise InputError(Problem(SOURCE, "every stratum needs a positive area", value=bad_area or "none",
                                 allowed="area_ha > 0"))
    strata_col = table["stratum"].astype(str)
    unknown = sorted(set(strata_col) - set(areas))
    if unknown:
        raise InputError(Problem(SOURCE, "a location's stratum has no area", column="stratum",
                                 value=unknown[0], allowed=", ".join(areas)))
    values = pd.to_numeric(table[value], errors="coerce").to_numpy(float)
    if not np.all(np.isfinite(values)):
        i = int(np.flatnonzero(~np.isfinite(values))[0])
        raise InputError(Problem(SOURCE, "a value is missing or not a number", column=value,
                                 value=table[value].iloc[i], allowed="a finite number (t C/ha)"))
    names = list(areas)
    a = np.array([areas[h] for h in names])
    w = a / a.sum()
    rows = []
    for h, wh, ah in zip(names, w, a, strict=True):
        v = values[(strata_col == h).to_numpy()]
        if v.size < 2:
            raise InputError(Problem(SOURCE, "a stratum needs at least 2 locations for a variance",
                                     column="stratum", value=f"{h}: {v.size}", allowed=">= 2"))
        rows.append({"stratum": h, "area_ha": ah, "weight": wh, "n": v.size,
                     "mean": float(v.mean()), "sd": float(v.std(ddof=1))})
    st = pd.DataFrame(rows)
    pop = None if population is None else [float(population[h]) for h in names]
    n_h, sd = st["n"].to_numpy(), st["sd"].to_numpy()
    st["se"] = sd / np.sqrt(n_h) * (np.sqrt(1 - n_h / np.asarray(pop)) if pop is not None else 1.0)
    mean = float(np.sum(w * st["mean"].to_numpy()))
    if np.any(sd > 0):
        var = stratified_variance(w, sd, n_h, pop)
        df = satterthwaite_df(w, sd, n_h, pop)
    else:
        var, df = 0.0, float(np.sum(n_h - 1))
    se = float(np.sqrt(var))
    t = float(stats.t.ppf(1 - (1 - confidence) / 2, df))
    return StratifiedEstimate(value, mean, se, df, confidence, (mean - t * se, mean + t * se),
                              int(n_h.sum()), float(a.sum()), float(a.sum() * mean),
                              float(a.sum() * se), st)
