"""Model-validation statistics: simulated (P) against measured (O) values, pure functions.

With n pairs (O_i, P_i) and Ō the mean of the observations:

* **bias** (mean error) ``ME = Σ (P_i − O_i) / n``: positive when the model over-predicts.
  Smith et al. (1997, *Geoderma* 81: 153-225) use the opposite sign
  (M = Σ (O_i − P_i) / n); here the sign follows "prediction minus measurement";
* **relative bias** ``100 · ME / Ō`` (%);
* **maximum error** ``max |P_i − O_i|`` (Loague & Green 1991, *J. Contam. Hydrol.* 7: 51-73);
* **RMSE** ``√(Σ (P_i − O_i)² / n)`` and the **relative RMSE** ``100 · RMSE / Ō`` (%; the form
  Loague & Green 1991 and Smith et al. 1997 report);
* **modelling efficiency** ``EF = 1 − Σ (O_i − P_i)² / Σ (O_i − Ō)²`` (Nash & Sutcliffe 1970,
  *J. Hydrol.* 10: 282-290; Loague & Green 1991): 1 is a perfect fit, 0 means the
  model predicts no better than the mean of the measurements, negative worse than it;
* **coefficient of residual mass** ``CRM = (Σ O_i − Σ P_i) / Σ O_i`` (Loague & Green 1991):
  positive when the model under-predicts in total;
* **prediction-interval coverage**: the fraction of measurements inside their prediction
  intervals [lo_i, hi_i] (end points included). For intervals of nominal coverage c the count
  inside is Binomial(n, c) if the intervals are calibrated and the pairs independent;
  :func:`coverage_test` gives the two-sided exact binomial p-value (Clopper–Pearson interval
  for the observed coverage) with :func:`scipy.stats.binomtest`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from soilsink.io.errors import InputError, Problem

SOURCE = "<validation>"


def _pairs(observed, predicted) -> tuple[np.ndarray, np.ndarray]:
    o = np.asarray(observed, dtype=float)
    p = np.asarray(predicted, dtype=float)
    if o.ndim != 1 or o.shape != p.shape or o.size == 0:
        raise InputError(Problem(SOURCE, "need one prediction per observation",
                                 value=(o.shape, p.shape), allowed="two 1-D arrays of equal length > 0"))
    if not (np.all(np.isfinite(o)) and np.all(np.isfinite(p))):
        raise InputError(Problem(SOURCE, "observations and predictions must be finite",
                                 allowed="finite numbers (drop missing pairs first)"))
    return o, p


def _nonzero_mean(o: np.ndarray) -> float:
    m = float(o.mean())
    if m == 0:
        raise InputError(Problem(SOURCE, "a relative statistic needs a non-zero mean observation",
                                 value=m, allowed="mean(observed) != 0"))
    return m


def bias(observed, predicted) -> float:
    """Mean error Σ (P − O) / n, in the units of the data."""
    o, p = _pairs(observed, predicted)
    return float(np.mean(p - o))


def relative_bias_pct(observed, predicted) -> float:
    """100 · bias / mean(O), %."""
    o, p = _pairs(observed, predicted)
    return 100.0 * float(np.mean(p - o)) / _nonzero_mean(o)


def max_error(observed, predicted) -> float:
    """Largest absolute difference max |P − O| (Loague & Green 1991)."""
    o, p = _pairs(observed, predicted)
    return float(np.max(np.abs(p - o)))


def rmse(observed, predicted) -> float:
    """Root mean squared error √(Σ (P − O)² / n), in the units of the data."""
    o, p = _pairs(observed, predicted)
    return float(np.sqrt(np.mean((p - o) ** 2)))


def relative_rmse_pct(observed, predicted) -> float:
    """100 · RMSE / mean(O), % (Loague & Green 1991)."""
    o, p = _pairs(observed, predicted)
    return 100.0 * float(np.sqrt(np.mean((p - o) ** 2))) / _nonzero_mean(o)


def modelling_efficiency(observed, predicted) -> float:
    """EF = 1 − Σ (O − P)² / Σ (O − Ō)² (Nash & Sutcliffe 1970; Loague & Green 1991)."""
    o, p = _pairs(observed, predicted)
    ss = float(np.sum((o - o.mean()) ** 2))
    if ss == 0:
        raise InputError(Problem(SOURCE, "the efficiency needs observations that vary",
                                 allowed="at least two different observed values"))
    return 1.0 - float(np.sum((o - p) ** 2)) / ss


def coefficient_of_residual_mass(observed, predicted) -> float:
    """CRM = (Σ O − Σ P) / Σ O (Loague & Green 1991)."""
    o, p = _pairs(observed, predicted)
    total = float(o.sum())
    if total == 0:
        raise InputError(Problem(SOURCE, "CRM needs a non-zero sum of observations", value=total,
                                 allowed="sum(observed) != 0"))
    return (total - float(p.sum())) / total


def interval_coverage(observed, lower, upper) -> float:
    """Fraction of observations with lower <= O <= upper."""
    o, lo = _pairs(observed, lower)
    _, hi = _pairs(observed, upper)
    if np.any(lo > hi):
        raise InputError(Problem(SOURCE, "an interval has lower > upper",
                                 value=int(np.flatnonzero(lo > hi)[0]), allowed="lower <= upper"))
    return float(np.mean((o >= lo) & (o <= hi)))


@dataclass(frozen=True)
class CoverageTest:
    """Observed coverage of nominal-``nominal`` intervals: count inside, exact binomial p, 95 % CI."""

    n: int
    inside: int
    coverage: float
    nominal: float
    p_value: float
    ci95: tuple[float, float]


def coverage_test(observed, lower, upper, nominal: float) -> CoverageTest:
    """Two-sided exact binomial test of the observed coverage against ``nominal`` (e.g. 0.95)."""
    if not 0 < nominal < 1:
        raise InputError(Problem(SOURCE, "nominal coverage must lie in (0, 1)", value=nominal,
                                 allowed="0 < nominal < 1"))
    cov = interval_coverage(observed, lower, upper)
    n = int(np.asarray(observed).size)
    k = int(round(cov * n))
    res = stats.binomtest(k, n, nominal)
    ci = res.proportion_ci(confidence_level=0.95, method="exact")
    return CoverageTest(n, k, cov, nominal, float(res.pvalue), (float(ci.low), float(ci.high)))
