"""Calibrate the one-pool (Hénin–Dupuis) and two-pool (ICBM) balances to an SOC time series.

Nonlinear least squares (``scipy.optimize.least_squares``, trust-region reflective with
bounds) on the measured SOC stocks. Confidence intervals are the usual asymptotic ones from
the Jacobian at the optimum (e.g. Bates & Watts 1988, *Nonlinear Regression Analysis and Its
Applications*, §2.3; Seber & Wild 1989, §5.1)::

    Cov(θ) = s²·(JᵀJ)⁻¹,   s² = RSS/(n − p),   CI95 = θ ± t(0.975, n − p)·SE

They assume independent, equal-variance errors and a model close to linear over the interval;
a parameter estimated at a bound gets a flagged (``at_bound``) and unreliable interval.

Identifiability: only products ``k1·r`` and ``k2·r`` of ICBM are identifiable from SOC alone,
so fit ``k`` *or* ``r``, not both; with zero input (bare fallow) ``h`` of the one-pool model
does not enter the solution and must stay fixed.

Observation times are years (real numbers ≥ 0) since the start of the run; the annual input
``c_input_t_ha_yr[j]`` applies during year ``j`` (``[j, j+1)``), a scalar means constant input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from scipy.optimize import least_squares

from soilsink.io.errors import InputError, Problem
from soilsink.models import henin_dupuis as hd
from soilsink.models import icbm

EXPERIMENTS = "experiments"


@dataclass(frozen=True)
class FitResult:
    """Least-squares estimates with 95 % confidence intervals.

    ``estimate``, ``std_error`` and ``ci95_low/high`` follow ``names``; ``fixed`` holds the
    parameters kept constant. ``residual_sd_t_ha`` is ``sqrt(RSS/(n − p))``.
    """

    names: tuple[str, ...]
    estimate: np.ndarray
    std_error: np.ndarray
    ci95_low: np.ndarray
    ci95_high: np.ndarray
    covariance: np.ndarray
    at_bound: np.ndarray
    residual_sd_t_ha: float
    rmse_t_ha: float
    n_obs: int
    dof: int
    success: bool
    message: str
    fixed: dict[str, float] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, float]:
        """Fitted and fixed parameters together, by name."""
        return {**self.fixed, **dict(zip(self.names, map(float, self.estimate), strict=True))}

    def to_frame(self) -> pd.DataFrame:
        """One row per fitted parameter: estimate, SE, 95 % CI, at_bound."""
        return pd.DataFrame(
            {
                "parameter": self.names,
                "estimate": self.estimate,
                "std_error": self.std_error,
                "ci95_low": self.ci95_low,
                "ci95_high": self.ci95_high,
                "at_bound": self.at_bound,
            }
        )


def _observations(years: ArrayLike, soc_t_ha: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(years, dtype=np.float64).ravel()
    y = np.asarray(soc_t_ha, dtype=np.float64).ravel()
    problems = []
    if t.shape != y.shape:
        problems.append(Problem(file="<calibration data>", column="years",
                                message="years and soc_t_ha differ in length",
                                value=(t.size, y.size), allowed="equal lengths"))
    elif not (np.all(np.isfinite(t)) and np.all(t >= 0)):
        problems.append(Problem(file="<calibration data>", column="years",
                                message="observation times must be finite and >= 0",
                                value=float(t[~(np.isfinite(t) & (t >= 0))][0]),
                                allowed="years since start of run, >= 0"))
    elif not np.all(np.isfinite(y)):
        problems.append(Problem(file="<calibration data>", column="soc_t_ha",
                                message="SOC must be finite", allowed="finite t C/ha"))
    if problems:
        raise InputError(problems)
    return t, y


def _annual_inputs(value: ArrayLike, t_max: float, name: str) -> np.ndarray:
    """Inputs for years 0..ceil(t_max) (scalar = constant); checked to cover the observations."""
    n_needed = int(np.floor(t_max)) + 1
    a = np.asarray(value, dtype=np.float64)
    if a.ndim == 0:
        return np.full(n_needed, float(a))
    a = a.ravel()
    if a.size < n_needed - (1 if float(t_max).is_integer() else 0):
        raise InputError(Problem(file="<calibration data>", column=name,
                                 message="annual inputs do not cover the last observation",
                                 value=a.size, allowed=f">= {int(np.ceil(t_max))} years"))
    if a.size < n_needed:
        a = np.append(a, a[-1])  # observation exactly at the end: last input unused (frac 0)
    return a


def _split_times(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    whole = np.floor(t).astype(int)
    return whole, t - whole


def predict_henin_dupuis(years: ArrayLike, params: dict[str, float], c_input_t_ha_yr: ArrayLike = 0.0) -> np.ndarray:
    """One-pool SOC (t C/ha) at ``years`` for ``soc0_t_ha``, ``humification``, ``k_yr``."""
    t = np.asarray(years, dtype=np.float64)
    a = _annual_inputs(c_input_t_ha_yr, float(t.max()), "c_input_t_ha_yr")
    soc, _ = hd.simulate_soc(params["soc0_t_ha"], a, params["humification"], params["k_yr"])
    whole, frac = _split_times(t)
    soc_end, _ = hd.step(soc[whole], a[whole], params["humification"], params["k_yr"], frac)
    return soc_end


def predict_icbm(
    years: ArrayLike,
    params: dict[str, float],
    c_input_t_ha_yr: ArrayLike = 0.0,
    manure_t_ha_yr: ArrayLike = 0.0,
) -> np.ndarray:
    """ICBM SOC (t C/ha) at ``years``; ``params`` has ``young0_t_ha``, ``old0_t_ha`` (optional
    ``young_manure0_t_ha``, default 0) and the model parameters (missing ones: Table 1 defaults)."""
    t = np.asarray(years, dtype=np.float64)
    a = _annual_inputs(c_input_t_ha_yr, float(t.max()), "c_input_t_ha_yr")
    m = _annual_inputs(manure_t_ha_yr, float(t.max()), "manure_t_ha_yr")
    model_params = {k: params.get(k, icbm.DEFAULTS[k]) for k in icbm.DEFAULTS}
    model = icbm.ICBM(**model_params)
    initial = {"young": params["young0_t_ha"], "old": params["old0_t_ha"],
               "young_manure": params.get("young_manure0_t_ha", 0.0)}
    tr = model.simulate(initial, a, manure_t_ha_yr=m)
    whole, frac = _split_times(t)
    s = icbm.step(tr.pools["young"][whole], tr.pools["old"][whole], a[whole],
                  young_manure_t_ha=tr.pools["young_manure"][whole], manure_t_ha_yr=m[whole],
                  dt_yr=frac, **model_params)
    return s.young + s.young_manure + s.old


def _fit(
    predict: Callable[[dict[str, float]], np.ndarray],
    y: np.ndarray,
    free: Sequence[str],
    start: dict[str, float],
    bounds: dict[str, tuple[float, float]],
    fixed: dict[str, float],
) -> FitResult:
    names = tuple(free)
    n, p = y.size, len(names)
    if n <= p:
        raise InputError(Problem(file="<calibration data>", column="soc_t_ha",
                                 message=f"{p} free parameters need more than {p} observations",
                                 value=n, allowed=f"> {p} observations"))
    lo = np.array([bounds[k][0] for k in names])
    hi = np.array([bounds[k][1] for k in names])
    x0 = np.clip(np.array([start[k] for k in names], dtype=np.float64), lo, hi)

    def residuals(x: np.ndarray) -> np.ndarray:
        return predict({**fixed, **dict(zip(names, x, strict=True))}) - y

    res = least_squares(residuals, x0, bounds=(lo, hi), x_scale="jac", method="trf",
                        xtol=1e-12, ftol=1e-12, gtol=1e-12, max_nfev=2000 * p)
    rss = float(np.sum(res.fun**2))
    dof = n - p
    s2 = rss / dof
    jtj = res.jac.T @ res.jac
    try:
        cov = np.linalg.inv(jtj) * s2
    except np.linalg.LinAlgError:
        cov = np.full((p, p), np.inf)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, np.inf))
    q = float(stats.t.ppf(0.975, dof))
    tol = 1e-8 * np.maximum(np.abs(res.x), 1.0)
    at_bound = (np.abs(res.x - lo) <= tol) | (np.abs(res.x - hi) <= tol)
    return FitResult(
        names=names, estimate=res.x, std_error=se, ci95_low=res.x - q * se,
        ci95_high=res.x + q * se, covariance=cov, at_bound=at_bound,
        residual_sd_t_ha=float(np.sqrt(s2)), rmse_t_ha=float(np.sqrt(rss / n)), n_obs=n,
        dof=dof, success=bool(res.success), message=str(res.message),
        fixed={k: float(v) for k, v in fixed.items()},
    )


def _check_free(free: Sequence[str], known: dict[str, tuple[float, float]]) -> None:
    unknown = [k for k in free if k not in known]
    if unknown:
        raise InputError(Problem(file="<calibration settings>", column="free",
                                 message="unknown parameter to fit", value=unknown[0],
                                 allowed=", ".join(known)))


HD_BOUNDS = {"soc0_t_ha": (0.0, np.inf), "humification": (0.0, 1.0), "k_yr": (1e-9, 5.0)}


def fit_henin_dupuis(
    years: ArrayLike,
    soc_t_ha: ArrayLike,
    c_input_t_ha_yr: ArrayLike = 0.0,
    *,
    free: Sequence[str] = ("soc0_t_ha", "humification", "k_yr"),
    fixed: dict[str, float] | None = None,
    start: dict[str, float] | None = None,
) -> FitResult:
    """Fit the one-pool model ``dC/dt = h·A − k·C`` to SOC observations (t C/ha).

    ``free`` chooses among ``soc0_t_ha``, ``humification``, ``k_yr``; the others come from
    ``fixed``. Start values: first observed SOC, h = 0.2, k = 0.02 /yr unless ``start`` says.
    """
    t, y = _observations(years, soc_t_ha)
    _check_free(free, HD_BOUNDS)
    first = float(np.mean(y[t == t.min()]))
    guess = {"soc0_t_ha": first, "humification": 0.2, "k_yr": 0.02, **(start or {})}
    fixed = dict(fixed or {})
    missing = [k for k in HD_BOUNDS if k not in free and k not in fixed]
    if missing:
        if missing == ["soc0_t_ha"]:
            fixed["soc0_t_ha"] = first
        elif set(missing) == {"humification"} and np.all(np.asarray(c_input_t_ha_yr) == 0):
            fixed["humification"] = 0.0  # does not enter the solution without input
        else:
            raise InputError(Problem(file="<calibration settings>", column="fixed",
                                     message="parameters neither free nor fixed",
                                     value=missing, allowed="give them in fixed="))
    return _fit(lambda p: predict_henin_dupuis(t, p, c_input_t_ha_yr), y, free, guess,
                HD_BOUNDS, fixed)


ICBM_BOUNDS = {
    "young0_t_ha": (0.0, np.inf), "old0_t_ha": (0.0, np.inf), "young_manure0_t_ha": (0.0, np.inf),
    "k1_yr": (1e-6, 20.0), "k2_yr": (1e-7, 1.0), "h": (0.0, 1.0), "r": (1e-3, 20.0),
    "h_manure": (0.0, 1.0),
}


def fit_icbm(
    years: ArrayLike,
    soc_t_ha: ArrayLike,
    c_input_t_ha_yr: ArrayLike = 0.0,
    manure_t_ha_yr: ArrayLike = 0.0,
    *,
    free: Sequence[str] = ("old0_t_ha", "r"),
    fixed: dict[str, float] | None = None,
    start: dict[str, float] | None = None,
) -> FitResult:
    """Fit ICBM (Andrén & Kätterer 1997) to SOC observations (t C/ha).

    ``free`` among ``young0_t_ha``, ``old0_t_ha``, ``young_manure0_t_ha``, ``k1_yr``, ``k2_yr``,
    ``h``, ``r``, ``h_manure``. Parameters neither free nor in ``fixed`` take Table 1 defaults
    (:data:`soilsink.models.icbm.DEFAULTS`); an unfitted ``young0_t_ha`` defaults to the steady
    state of the first year's input, ``i/(k1 r)`` (Y turns over in about ``1/(k1 r)`` years),
    an unfitted ``old0_t_ha`` to the first observed SOC minus the young pool.
    """
    t, y = _observations(years, soc_t_ha)
    _check_free(free, ICBM_BOUNDS)
    fixed = dict(fixed or {})
    first = float(np.mean(y[t == t.min()]))
    base = {**icbm.DEFAULTS, **fixed}
    a0 = float(np.asarray(c_input_t_ha_yr, dtype=np.float64).ravel()[0])
    m0 = float(np.asarray(manure_t_ha_yr, dtype=np.float64).ravel()[0])
    young_ss = a0 / (base["k1_yr"] * base["r"])
    young_m_ss = m0 / (base["k1_yr"] * base["r"])
    for name, value in icbm.DEFAULTS.items():
        if name not in free:
            fixed.setdefault(name, value)
    if "young0_t_ha" not in free:
        fixed.setdefault("young0_t_ha", young_ss)
    if "young_manure0_t_ha" not in free:
        fixed.setdefault("young_manure0_t_ha", young_m_ss)
    if "old0_t_ha" not in free:
        fixed.setdefault("old0_t_ha", max(first - fixed["young0_t_ha"] - fixed["young_manure0_t_ha"], 0.0))
    guess = {**base, "young0_t_ha": young_ss, "young_manure0_t_ha": young_m_ss,
             "old0_t_ha": max(first - young_ss - young_m_ss, 0.0), **(start or {})}
    return _fit(lambda p: predict_icbm(t, p, c_input_t_ha_yr, manure_t_ha_yr), y, free, guess,
                ICBM_BOUNDS, fixed)


def load_experiment(name: str) -> pd.DataFrame:
    """A long-term experiment series shipped in ``soilsink/data/experiments/<name>.csv``.

    Every row carries its ``source``; see ``docs/models.md`` for the list.
    """
    folder = resources.files("soilsink.data").joinpath(EXPERIMENTS)
    path = folder.joinpath(f"{name}.csv")
    if not path.is_file():
        available = sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv"))
        raise InputError(Problem(file=f"{EXPERIMENTS}/{name}.csv", message="no such experiment",
                                 value=name, allowed=", ".join(available)))
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh)
