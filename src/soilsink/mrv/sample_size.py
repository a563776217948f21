"""Sample size and Neyman allocation for a stratified mean (or a stratified mean change).

Notation (Cochran 1977, *Sampling Techniques*, 3rd ed., Wiley, §5.2): stratum h = 1..H with
weight W_h (its share of the area), S_h the standard deviation within the stratum of the
quantity measured at a point (t C/ha for a stock, t C/ha for a paired change), n_h sampling
points, and N_h the number of sampling units in the stratum. An area sampled at points is an
infinite population (N_h = ∞): the finite population correction (fpc) then vanishes. Pass
``population`` (N_h) only for a finite frame, e.g. a fixed set of plots.

Equations (each cited where it is used below):

* variance of the stratified mean for an allocation n_h (Cochran §5.3),
  ``V = Σ W_h² S_h² (1/n_h − 1/N_h)``;
* Neyman allocation (Cochran §5.5; Neyman 1934), ``n_h = n W_h S_h / Σ W_k S_k``, with strata
  that would get more than their N_h units set to N_h and the rest re-allocated (Cochran §5.8),
  and here also strata below a minimum (default 2: with one point a stratum has no variance
  estimate, Cochran §5A.12) set to that minimum and the rest re-allocated;
* total sample size for a target variance V under Neyman allocation (Cochran §5.9, eq. 5.25
  with w_h = W_h S_h / Σ W_k S_k), ``n = (Σ W_h S_h)² / (V + Σ W_h² S_h² / N_h)``;
* degrees of freedom of the stratified variance estimate (Satterthwaite 1946, Cochran §5.4),
  ``n_e = (Σ g_h S_h²)² / Σ (g_h² S_h⁴ / (n_h − 1))`` with ``g_h = W_h² (1/n_h − 1/N_h)``
  (Cochran writes g_h = N_h (N_h − n_h) / n_h, which differs by the constant factor N², and
  which cancels), with the prior S_h in place of the sample s_h at the design stage.

Targets:

* **relative precision**: the half-width of the two-sided confidence interval at confidence
  1 − α, ``q · √V``, at most ``r · |Ȳ|`` (r = target precision as a fraction, Ȳ = Σ W_h Ȳ_h the
  prior mean) (Cochran §4.6 for one stratum, §5.9 stratified);
* **minimum detectable difference** Δ at significance α and power 1 − β: ``(q_α + q_β) · SE ≤ Δ``
  with q_α the (1 − α/2) quantile (two-sided test; (1 − α) one-sided) and q_β the (1 − β)
  quantile (Zar 2010, *Biostatistical Analysis*, 5th ed., ch. 9 (paired) and ch. 8 (two-sample),
  power and detectable difference of t-tests; section numbers not checked;
  the same formula as the minimum detectable difference of
  :func:`soilsink.accounting.remeasure.paired_change`). **Paired**: the same locations are
  measured twice and S_h is the standard deviation of the per-location change: SE = √V.
  **Two-sample**: two independent samples of the same design (project and control, or the
  changes in project and control), n points in each: SE = √(2V), degrees of freedom doubled.

The quantiles q are Student t quantiles at the Satterthwaite degrees of freedom of the integer
allocation, which depend on n: the textbooks iterate (start with the normal quantile, compute
n, take t at its degrees of freedom, recompute; Cochran §4.6). :func:`sample_size_precision`
and :func:`sample_size_mdd` solve that iteration exactly: they return the smallest n whose
integer allocation meets the target with t at that allocation's degrees of freedom (the normal
quantile with ``quantile="normal"``). ``n_first`` in the result is the first, normal-quantile
approximation from eq. 5.25.

The equation numbers of Cochran (1977) other than eq. 5.25 (confirmed in Olofsson et al. 2014,
*Remote Sens. Environ.* 148: 42-57, eq. 13) were not checked against the book in this
session; the sections are cited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from soilsink.io.errors import InputError, Problem

SOURCE = "<sample size>"
#: the fewest points per stratum that give a within-stratum variance
MIN_PER_STRATUM = 2
#: sample sizes above this are reported as unreachable rather than searched for
MAX_SAMPLE_SIZE = 1_000_000

Quantile = Literal["t", "normal"]
Test = Literal["paired", "two-sample"]
Alternative = Literal["two-sided", "one-sided"]


@dataclass(frozen=True)
class SampleSize:
    """A sample size, its allocation and what it achieves under the prior variances.

    ``n`` points in total (per group for a two-sample test), ``n_h`` per stratum in the order
    of the weights; ``df`` the Satterthwaite degrees of freedom of the allocation; ``se`` the
    standard error it gives (of the mean, or of the difference for a two-sample test);
    ``achieved`` the half-width (precision) or detectable difference (MDD) it gives, in the
    units of the measured quantity, against ``target`` in the same units; ``n_first`` the
    normal-quantile approximation of eq. 5.25 (not rounded).
    """

    kind: Literal["precision", "mdd"]
    n: int
    n_h: tuple[int, ...]
    df: float
    q_alpha: float
    q_beta: float
    se: float
    achieved: float
    target: float
    n_first: float


def _check(weights, sd, population) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w = np.asarray(weights, dtype=float)
    s = np.asarray(sd, dtype=float)
    if w.ndim != 1 or w.shape != s.shape or w.size == 0:
        raise InputError(Problem(SOURCE, "need one weight and one standard deviation per stratum",
                                 value=(w.shape, s.shape), allowed="two 1-D arrays of equal length"))
    if not (np.all(np.isfinite(w)) and np.all(w > 0) and abs(w.sum() - 1.0) < 1e-9):
        raise InputError(Problem(SOURCE, "stratum weights must be positive and sum to 1",
                                 value=w.tolist(), allowed="area shares W_h > 0, Σ W_h = 1"))
    if not (np.all(np.isfinite(s)) and np.all(s >= 0) and np.any(s > 0)):
        raise InputError(Problem(SOURCE, "standard deviations must be finite, >= 0 and not all 0",
                                 value=s.tolist(), allowed="S_h >= 0, at least one > 0"))
    if population is None:
        pop = np.full(w.shape, np.inf)
    else:
        pop = np.asarray(population, dtype=float)
        if pop.shape != w.shape or not np.all(pop >= 1):
            raise InputError(Problem(SOURCE, "population sizes N_h must be >= 1, one per stratum",
                                     value=pop.tolist(), allowed="N_h >= 1 (or none: an area)"))
    return w, s, pop


def stratified_variance(weights, sd, n_h, population=None) -> float:
    """V(ȳ_st) = Σ W_h² S_h² (1/n_h − 1/N_h) (Cochran 1977, §5.3)."""
    w, s, pop = _check(weights, sd, population)
    n = np.asarray(n_h, dtype=float)
    return float(np.sum(w**2 * s**2 * (1.0 / n - 1.0 / pop)))


def satterthwaite_df(weights, sd, n_h, population=None) -> float:
    """Effective degrees of freedom of the stratified variance (Satterthwaite 1946; Cochran 1977, §5.4).

    Strata with S_h = 0 add nothing; with one stratum the result is n − 1.
    """
    w, s, pop = _check(weights, sd, population)
    n = np.asarray(n_h, dtype=float)
    if np.any(n < 2):
        raise InputError(Problem(SOURCE, "every stratum needs at least 2 points for a variance",
                                 value=n.tolist(), allowed=">= 2 per stratum"))
    g = w**2 * (1.0 / n - 1.0 / pop)
    a = g * s**2
    return float(a.sum() ** 2 / np.sum(a**2 / (n - 1.0)))


def neyman_n(weights, sd, variance: float, population=None) -> float:
    """Total n giving ``variance`` under Neyman allocation (Cochran 1977, §5.9, eq. 5.25), not rounded."""
    w, s, pop = _check(weights, sd, population)
    if not variance > 0:
        raise InputError(Problem(SOURCE, "the target variance must be positive", value=variance,
                                 allowed="> 0"))
    return float(np.sum(w * s) ** 2 / (variance + np.sum(w**2 * s**2 / pop)))


def neyman_allocation(n: int, weights, sd, *, population=None,
                      minimum: int = MIN_PER_STRATUM) -> np.ndarray:
    """Integer Neyman allocation of ``n`` points, n_h ∝ W_h S_h (Cochran 1977, §5.5).

    Strata whose share falls below ``minimum`` get ``minimum``; strata whose share exceeds
    N_h get N_h (Cochran §5.8); the rest is re-allocated among the others until no bound is
    violated. The shares are then rounded by largest remainder (ties to the earlier stratum),
    so the allocation sums to exactly ``n``.
    """
    w, s, pop = _check(weights, sd, population)
    if int(n) != n or n < minimum * w.size:
        raise InputError(Problem(SOURCE, "too few points for the number of strata", value=n,
                                 allowed=f"an integer >= {minimum} x {w.size} strata"))
    if np.any(pop < minimum):
        raise InputError(Problem(SOURCE, "a stratum has fewer units than the minimum per stratum",
                                 value=pop.tolist(), allowed=f"N_h >= {minimum}"))
    if np.sum(pop) < n:
        raise InputError(Problem(SOURCE, "more points than units in the population", value=n,
                                 allowed=f"<= {np.sum(pop):g}"))
    fixed = np.full(w.size, np.nan)
    while True:
        free = np.isnan(fixed)
        rest = n - np.nansum(fixed)
        share = w[free] * s[free]
        target = np.zeros(w.size)
        target[free] = rest * share / share.sum() if share.sum() > 0 else rest / free.sum()
        high = free & (target > pop)
        low = free & (target < minimum)
        if high.any():  # over-allocation first (Cochran §5.8), then the minimum
            fixed[high] = pop[high]
        elif low.any():
            fixed[low] = minimum
        else:
            break
        if not np.isnan(fixed).any():
            break
    free = np.isnan(fixed)
    out = np.where(free, np.floor(target + 1e-9), fixed).astype(np.int64)
    left = int(n - out.sum())
    if left > 0 and free.any():
        frac = np.where(free, target - out, -np.inf)
        order = np.argsort(-frac, kind="stable")[:left]
        out[order] += 1
    if out.sum() != n:
        raise InputError(Problem(SOURCE, "cannot allocate the points within the stratum bounds",
                                 value=n, allowed=f"between {minimum} and N_h per stratum"))
    return out


def _quantile(p: float, df: float, quantile: Quantile) -> float:
    return float(stats.norm.ppf(p)) if quantile == "normal" else float(stats.t.ppf(p, df))


def _search(n_first: float, weights, sd, population, minimum: int, meets) -> int:
    """Smallest integer n >= ceil(n_first) (a lower bound) whose allocation meets the target."""
    n = max(math.ceil(n_first - 1e-9), minimum * len(weights))
    while True:
        if n > MAX_SAMPLE_SIZE:
            raise InputError(Problem(SOURCE, "the target needs more points than can be designed",
                                     value=f"> {MAX_SAMPLE_SIZE:,}",
                                     allowed="a looser target or a smaller prior variance"))
        n_h = neyman_allocation(n, weights, sd, population=population, minimum=minimum)
        if meets(n_h):
            return n
        n += 1


def _check_probability(name: str, p: float) -> None:
    if not 0 < p < 1:
        raise InputError(Problem(SOURCE, f"{name} must lie strictly between 0 and 1", value=p,
                                 allowed="0 < p < 1"))


def sample_size_precision(weights, sd, mean, relative_precision: float, confidence: float, *,
                          population=None, minimum: int = MIN_PER_STRATUM,
                          quantile: Quantile = "t") -> SampleSize:
    """Smallest n whose (1 − α) confidence interval half-width is at most r · |Ȳ|.

    ``mean`` is the prior mean per stratum (or one value); ``relative_precision`` r as a
    fraction (0.10 for ±10 %); ``confidence`` 1 − α (two-sided interval).
    """
    w, s, pop = _check(weights, sd, population)
    _check_probability("confidence", confidence)
    if not relative_precision > 0:
        raise InputError(Problem(SOURCE, "the target precision must be positive",
                                 value=relative_precision, allowed="> 0 (a fraction of the mean)"))
    ybar = float(np.sum(w * np.broadcast_to(np.asarray(mean, dtype=float), w.shape)))
    if not (np.isfinite(ybar) and ybar != 0):
        raise InputError(Problem(SOURCE, "a relative precision needs a non-zero prior mean", value=ybar,
                                 allowed="a prior mean != 0"))
    half = relative_precision * abs(ybar)
    p = 1 - (1 - confidence) / 2
    n_first = neyman_n(w, s, (half / float(stats.norm.ppf(p))) ** 2, pop)

    def criterion(n_h):
        df = satterthwaite_df(w, s, n_h, pop)
        return _quantile(p, df, quantile) * math.sqrt(stratified_variance(w, s, n_h, pop)), df

    n = _search(n_first, w, s, pop, minimum, lambda n_h: criterion(n_h)[0] <= half)
    n_h = neyman_allocation(n, w, s, population=pop, minimum=minimum)
    achieved, df = criterion(n_h)
    return SampleSize("precision", n, tuple(int(v) for v in n_h), df, _quantile(p, df, quantile), 0.0,
                      math.sqrt(stratified_variance(w, s, n_h, pop)), achieved, half, n_first)


def sample_size_mdd(weights, sd, mdd: float, *, power: float = 0.8, alpha: float = 0.05,
                    test: Test = "paired", alternative: Alternative = "two-sided",
                    population=None, minimum: int = MIN_PER_STRATUM,
                    quantile: Quantile = "t") -> SampleSize:
    """Smallest n (per group for ``two-sample``) with ``(q_α + q_β) · SE <= mdd``.

    ``sd`` is S_h of the per-location change (``paired``) or of the measured quantity in each
    group (``two-sample``); ``mdd`` in the same units (t C/ha).
    """
    w, s, pop = _check(weights, sd, population)
    _check_probability("power", power)
    _check_probability("alpha", alpha)
    if test not in ("paired", "two-sample"):
        raise InputError(Problem(SOURCE, "unknown test", value=test, allowed="paired, two-sample"))
    if alternative not in ("two-sided", "one-sided"):
        raise InputError(Problem(SOURCE, "unknown alternative", value=alternative,
                                 allowed="two-sided, one-sided"))
    if not mdd > 0:
        raise InputError(Problem(SOURCE, "the minimum detectable difference must be positive",
                                 value=mdd, allowed="> 0"))
    pa = 1 - alpha / 2 if alternative == "two-sided" else 1 - alpha
    groups = 2.0 if test == "two-sample" else 1.0
    z = float(stats.norm.ppf(pa) + stats.norm.ppf(power))
    n_first = neyman_n(w, s, (mdd / z) ** 2 / groups, pop)

    def criterion(n_h):
        df = groups * satterthwaite_df(w, s, n_h, pop)
        se = math.sqrt(groups * stratified_variance(w, s, n_h, pop))
        qa, qb = _quantile(pa, df, quantile), _quantile(power, df, quantile)
        return (qa + qb) * se, df, qa, qb, se

    n = _search(n_first, w, s, pop, minimum, lambda n_h: criterion(n_h)[0] <= mdd)
    n_h = neyman_allocation(n, w, s, population=pop, minimum=minimum)
    achieved, df, qa, qb, se = criterion(n_h)
    return SampleSize("mdd", n, tuple(int(v) for v in n_h), df, qa, qb, se, achieved, float(mdd), n_first)
