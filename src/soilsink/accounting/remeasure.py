"""Measure-remeasure: paired baseline and follow-up sampling, ESM stocks, change with SE and MDD.

Per site, the SOC stock is compared in an equivalent soil mass (ESM; Ellert & Bettany 1995):
the reference mass is the fine-soil mass of the baseline's fixed-depth interval
(:func:`soilsink.stocks.reference_masses`), and both samplings are integrated to that mass
(:func:`soilsink.stocks.esm_stocks`), so compaction or loosening between samplings does not
masquerade as carbon change.

Paired statistics over the n sites with both samplings (d_i = follow - base, t C/ha):

    mean = d_bar,  SE = s_d / sqrt(n),  CI = mean -+ t(1 - alpha/2, n-1) x SE
    MDD  = (t(1 - alpha/2, n-1) + t(1 - beta, n-1)) x SE

the minimum detectable difference of a two-sided paired t-test at significance alpha with power
1 - beta (Zar 2010, Biostatistical Analysis 5th ed., §9.1 paired-sample power; applied to SOC
resampling by Necpálová et al. 2014, J. Soil Water Conserv. 69: 517-531, alpha 0.05; and by
Poeplau et al. 2022, J. Plant Nutr. Soil Sci. 185: 403-416 for monitoring design). The
equation numbers in those sources were not checked in this session.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from soilsink.io.errors import InputError, Problem, warn_input
from soilsink.stocks import esm_stocks, reference_masses


@dataclass(frozen=True)
class PairedChange:
    """Paired stock change, t C/ha (positive = gain)."""

    n: int
    mean: float
    sd: float
    se: float
    ci: tuple[float, float]
    mdd: float
    alpha: float
    beta: float
    t_alpha: float
    t_beta: float

    @property
    def detectable(self) -> bool:
        """True when |mean| >= MDD (the change is at least the design's detectable size)."""
        return abs(self.mean) >= self.mdd

    @property
    def significant(self) -> bool:
        """True when the (1 - alpha) confidence interval excludes zero."""
        return self.ci[0] > 0 or self.ci[1] < 0


def paired_change(base_t_ha, follow_t_ha, *, alpha: float = 0.05, beta: float = 0.20) -> PairedChange:
    """Mean change, SE, (1 - alpha) CI and MDD of paired per-site stocks (see module docstring)."""
    b = np.asarray(base_t_ha, dtype=float)
    f = np.asarray(follow_t_ha, dtype=float)
    if b.shape != f.shape or b.ndim != 1:
        raise InputError(Problem(file="<remeasure>", message="baseline and follow-up need one stock per site each",
                                 value=(b.shape, f.shape), allowed="two 1-D arrays of equal length"))
    if not (0 < alpha < 1 and 0 < beta < 1):
        raise InputError(Problem(file="<remeasure>", message="alpha and beta must lie in (0, 1)",
                                 value=(alpha, beta), allowed="0 < alpha, beta < 1"))
    d = f - b
    d = d[np.isfinite(d)]
    n = d.size
    if n < 2:
        raise InputError(Problem(file="<remeasure>", message="at least two paired sites are needed for a standard error",
                                 value=n, allowed=">= 2"))
    sd = float(d.std(ddof=1))
    se = sd / np.sqrt(n)
    ta = float(stats.t.ppf(1 - alpha / 2, n - 1))
    tb = float(stats.t.ppf(1 - beta, n - 1))
    m = float(d.mean())
    return PairedChange(n, m, sd, se, (m - ta * se, m + ta * se), (ta + tb) * se, alpha, beta, ta, tb)


def remeasure(base_horizons: pd.DataFrame, follow_horizons: pd.DataFrame, top_cm: float = 0,
              bottom_cm: float = 30, method: str = "linear", alpha: float = 0.05,
              beta: float = 0.20) -> tuple[pd.DataFrame, PairedChange]:
    """Per-site ESM stocks of both samplings and their paired change.

    Horizons are canonical tables (:func:`soilsink.io.horizons.validate_horizons`). Sites present in
    only one sampling, or whose follow-up profile is too shallow to hold the reference mass, are
    dropped with an :class:`~soilsink.io.errors.InputWarning`.
    Returns (per_site DataFrame, :class:`PairedChange`).
    """
    if top_cm != 0:
        raise InputError(Problem(file="<remeasure>", message="ESM stocks are integrated from the surface",
                                 column="top_cm", value=top_cm, allowed="0"))
    ref = reference_masses(base_horizons, 0.0, float(bottom_cm))
    base = esm_stocks(base_horizons, ref, method=method).set_index("site_id")
    follow = esm_stocks(follow_horizons, ref, method=method).set_index("site_id")
    only_base = sorted(set(base.index) - set(follow.index))
    only_follow = sorted(set(follow.index) - set(base.index))
    if only_base or only_follow:
        warn_input(Problem(file="<remeasure>", message="sites sampled only once are left out of the paired change: "
                           f"baseline only {only_base[:5]}, follow-up only {only_follow[:5]}", column="site_id"))
    sites = sorted(set(base.index) & set(follow.index))
    per = pd.DataFrame({
        "site_id": sites,
        "reference_mass_t_ha": [ref.get(s, np.nan) for s in sites],
        "base_soc_t_ha": base.loc[sites, "soc_stock_t_ha"].to_numpy(float),
        "follow_soc_t_ha": follow.loc[sites, "soc_stock_t_ha"].to_numpy(float),
        "base_depth_cm": base.loc[sites, "bottom_cm"].to_numpy(float),
        "follow_equivalent_depth_cm": follow.loc[sites, "bottom_cm"].to_numpy(float),
        "note": [("; ".join(x for x in (base.at[s, "note"], follow.at[s, "note"]) if x)) for s in sites],
    })
    per["change_t_ha"] = per["follow_soc_t_ha"] - per["base_soc_t_ha"]
    bad = per.loc[~np.isfinite(per["change_t_ha"]), "site_id"].tolist()
    if bad:
        warn_input(Problem(file="<remeasure>", message=f"no ESM stock for {len(bad)} site(s) ({bad[:5]}): "
                           "left out of the paired change (see the 'note' column)", column="site_id"))
    ok = np.isfinite(per["change_t_ha"].to_numpy())
    pc = paired_change(per.loc[ok, "base_soc_t_ha"].to_numpy(), per.loc[ok, "follow_soc_t_ha"].to_numpy(),
                       alpha=alpha, beta=beta)
    return per, pc
