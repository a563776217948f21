"""Monte Carlo uncertainty (IPCC Approach 2): declared distributions, seeded draws, summaries.

- Distributions are pydantic models (``kind`` discriminates), so a project file can declare them.
- IPCC tables give an error as +-% of the mean at the 95 % level; read as the half-width of a
  normal 95 % interval, SD = mean x pct / 196 (2006 IPCC Guidelines Vol 1 Ch 3 §3.2.2.4,
  Eq 3.1 treats the 95 % half-width as 1.96 SD). Table 5.5 footnote words it as "two standard
  deviations"; the difference (1.96 vs 2) is 2 %.
- Draws are reproducible: one ``numpy.random.SeedSequence(seed)`` is spawned into one child per
  declared name, in sorted name order, so the same seed and specs give identical arrays.
- Approach 2 Monte Carlo: 2006 IPCC Guidelines Vol 1 Ch 3 §3.2.3.2; percentiles of the output
  give the interval (2.5th and 97.5th for 95 %).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator
from scipy import stats

from soilsink.io.errors import InputError, Problem


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    @property
    def mean_value(self) -> float:  # pragma: no cover
        raise NotImplementedError


class Normal(_Dist):
    kind: Literal["normal"] = "normal"
    mean: float
    sd: float = Field(ge=0)

    def sample(self, rng, n):
        return rng.normal(self.mean, self.sd, n) if self.sd > 0 else np.full(n, self.mean)

    @property
    def mean_value(self):
        return self.mean


class TruncNormal(_Dist):
    """Normal(mean, sd) truncated to [low, high] (sampled by inverse CDF, scipy.stats.truncnorm)."""

    kind: Literal["truncnormal"] = "truncnormal"
    mean: float
    sd: float = Field(ge=0)
    low: float = -np.inf
    high: float = np.inf

    @model_validator(mode="after")
    def _bounds(self):
        if not self.low < self.high:
            raise ValueError("truncnormal needs low < high")
        return self

    def sample(self, rng, n):
        if self.sd == 0:
            return np.full(n, float(np.clip(self.mean, self.low, self.high)))
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        u = rng.random(n)
        return stats.truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd)

    @property
    def mean_value(self):
        if self.sd == 0:
            return float(np.clip(self.mean, self.low, self.high))
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return float(stats.truncnorm.mean(a, b, loc=self.mean, scale=self.sd))


class LogNormal(_Dist):
    """Lognormal given its arithmetic ``mean`` (> 0) and ``sd``:
    sigma^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - sigma^2/2."""

    kind: Literal["lognormal"] = "lognormal"
    mean: float = Field(gt=0)
    sd: float = Field(ge=0)

    def sample(self, rng, n):
        s2 = np.log1p((self.sd / self.mean) ** 2)
        return rng.lognormal(np.log(self.mean) - s2 / 2, np.sqrt(s2), n)

    @property
    def mean_value(self):
        return self.mean


class Uniform(_Dist):
    kind: Literal["uniform"] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _bounds(self):
        if not self.low <= self.high:
            raise ValueError("uniform needs low <= high")
        return self

    def sample(self, rng, n):
        return rng.uniform(self.low, self.high, n)

    @property
    def mean_value(self):
        return (self.low + self.high) / 2


class Triangular(_Dist):
    kind: Literal["triangular"] = "triangular"
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _bounds(self):
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError("triangular needs low <= mode <= high and low < high")
        return self

    def sample(self, rng, n):
        return rng.triangular(self.low, self.mode, self.high, n)

    @property
    def mean_value(self):
        return (self.low + self.mode + self.high) / 3


class Constant(_Dist):
    kind: Literal["constant"] = "constant"
    value: float

    def sample(self, rng, n):
        return np.full(n, self.value)

    @property
    def mean_value(self):
        return self.value


Dist = Annotated[Normal | TruncNormal | LogNormal | Uniform | Triangular | Constant,
                 Field(discriminator="kind")]


def ipcc_factor(value: float, error_pct: float, *, truncate_at_zero: bool = True) -> _Dist:
    """Distribution of an IPCC default with error +-``error_pct`` % (95 %): SD = value x pct/196.

    Truncated at zero (stocks and factors cannot be negative) unless told otherwise;
    a zero error gives a :class:`Constant`.
    """
    if error_pct < 0:
        raise InputError(Problem(file="<ipcc factor>", message="error must be >= 0 %",
                                 value=error_pct, allowed=">= 0"))
    if error_pct == 0:
        return Constant(value=value)
    sd = abs(value) * error_pct / 196.0
    if truncate_at_zero:
        return TruncNormal(mean=value, sd=sd, low=0.0)
    return Normal(mean=value, sd=sd)


_DIST_ADAPTER = None


def as_dist(spec, name: str = "<distribution>") -> _Dist:
    """A distribution object from itself or from a mapping such as ``{"kind": "normal", ...}``."""
    global _DIST_ADAPTER
    if isinstance(spec, _Dist):
        return spec
    if _DIST_ADAPTER is None:
        _DIST_ADAPTER = TypeAdapter(Dist)
    try:
        return _DIST_ADAPTER.validate_python(spec)
    except ValidationError as exc:
        raise InputError(Problem(file="<distributions>", column=name, value=spec,
                                 message=f"bad distribution: {exc.errors()[0]['msg']}",
                                 allowed="kind = normal | truncnormal | lognormal | uniform | triangular | constant")) from None


def draw(specs: Mapping[str, _Dist | Mapping], n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` draws of every named distribution, reproducible from ``seed``.

    One SeedSequence(seed) is spawned into ``len(specs)`` children assigned in sorted name
    order; each name gets its own PCG64 stream. Specs may be distribution objects or mappings
    (``{"kind": "normal", "mean": 1, "sd": 0.1}``) as read from a project file.
    """
    if n < 1:
        raise InputError(Problem(file="<monte carlo>", message="number of draws must be >= 1",
                                 value=n, allowed=">= 1"))
    names = sorted(specs)
    children = np.random.SeedSequence(seed).spawn(len(names))
    return {name: np.asarray(as_dist(specs[name], name).sample(np.random.default_rng(ss), n), dtype=float)
            for name, ss in zip(names, children, strict=True)}


@dataclass(frozen=True)
class Summary:
    """Summary of Monte Carlo samples (reduced over the draw axis)."""

    mean: np.ndarray | float
    median: np.ndarray | float
    sd: np.ndarray | float
    lo90: np.ndarray | float
    hi90: np.ndarray | float
    lo95: np.ndarray | float
    hi95: np.ndarray | float
    n: int

    def to_dict(self) -> dict:
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in asdict(self).items()}


def summarize(samples: np.ndarray, axis: int = 0) -> Summary:
    """Mean, median, SD and the 90 % (5-95th) and 95 % (2.5-97.5th percentile) intervals."""
    x = np.asarray(samples, dtype=float)
    q = np.percentile(x, [5.0, 95.0, 2.5, 97.5, 50.0], axis=axis)

    def f(a):
        return float(a) if np.ndim(a) == 0 else a

    return Summary(mean=f(x.mean(axis=axis)), median=f(q[4]), sd=f(x.std(axis=axis, ddof=1)),
                   lo90=f(q[0]), hi90=f(q[1]), lo95=f(q[2]), hi95=f(q[3]), n=x.shape[axis])


@dataclass(frozen=True)
class Deduction:
    """Result of an uncertainty deduction (t C or t CO2e, same unit as the input).

    ``half_width`` = t x SE (t of the rule used, ``t_value``); ``uncertainty_pct`` = 100 x
    half_width / estimate.
    """

    estimate: float
    half_width: float
    t_value: float
    uncertainty_pct: float
    deduction: float
    credited: float
    rule: str


#: One-sided confidence of the VM0042 v2 deduction, "66.7 %" = 2/3 (Phi^-1(2/3) = 0.4307, the
#: large-sample t quoted for VM0042; t(2/3, df=1) = tan(pi/6) = 0.5774 as in the quoted t table).
VM0042_CONFIDENCE = 2.0 / 3.0


def vm0042_deduction(mean: float, se: float, *, df: float = np.inf,
                     conservative: bool = False) -> Deduction:
    """Uncertainty deduction on a net removal estimate, VM0042 v2.x form (probability of exceedance).

    UNC = 100 x t(0.667, df) x SE / mean, with t the one-sided Student t quantile at 66.7 %
    (``stats.t.ppf(2/3, df)``; 0.4307 for large samples, df from the sampling design), SE the
    standard error of the mean estimate (or the Monte Carlo SD of the total); credited =
    mean x (1 - UNC/100) = mean - t x SE, floored at 0 (UNC capped at 100 %). The credited amount
    is the 33.3rd percentile of the estimate's distribution: it has a 66.7 % chance of being
    exceeded by the true value. No threshold below which nothing is deducted.

    ``conservative=True`` (not a VM0042 rule): credit the lower bound of the two-sided 90 %
    interval, mean - t(0.95, df) x SE.

    Source: Verra VM0042 Methodology for Improved Agricultural Land Management v2.x, §8.6
    (uncertainty; deduction equation numbered Eq 74 in v2.2). VERIFICATION: the methodology text
    itself was not available in this session; the form, the 66.7 % one-sided t (0.4307 at large
    df) and §8.6.4 / Eq 74 are taken from two independent open implementations that quote
    VM0042 (a Python VM0042 v2.2 engine, ``T_0667 = 0.4307``, "§8.6.2/8.6.4, Eqs. 70-71, 74";
    a TypeScript ``equation74``: "UNC(%) = t(0.667) x sqrt(Var(ERR)) / ERR x 100", "VM0042 states
    ~0.4307 at large sample sizes"). Earlier VM0042 versions (v1.0, 2020) were not checked;
    the earlier 15 %/90 % threshold form of this function was not found in any VM0042 source.
    """
    if se < 0:
        raise InputError(Problem(file="<uncertainty>", message="standard error must be >= 0",
                                 value=se, allowed=">= 0"))
    if conservative:
        q, label = 0.95, "lower bound of the two-sided 90 % interval"
    else:
        q, label = VM0042_CONFIDENCE, "VM0042 v2: mean - t(0.667) x SE (66.7 % probability of exceedance)"
    t = float(stats.t.ppf(q, df)) if np.isfinite(df) else float(stats.norm.ppf(q))
    hw = t * se
    if mean <= 0:
        return Deduction(mean, hw, t, np.inf if hw > 0 else 0.0, max(mean, 0.0), min(mean, 0.0),
                         "no net removal: nothing credited")
    unc = 100.0 * hw / mean
    credited = max(mean - hw, 0.0)
    return Deduction(mean, hw, t, unc, mean - credited, credited, label)
