"""Prior variance for the sample size: a stated coefficient of variation, or a pilot sample.

The sample size needs, per stratum, the standard deviation S_h of the quantity that will be
measured at each point (and, for a relative precision, its mean). Two sources:

* **a coefficient of variation** CV stated by the user (from earlier surveys of similar soils):
  S_h = CV · Ȳ in every stratum. Nothing is assumed silently: soilsink ships no default CV,
  because within-field CVs of SOC stocks vary several-fold between sites and depths and the
  sample size scales with CV². With a CV only, Neyman allocation reduces to proportional
  allocation (all S_h equal);
* **a pilot sample**: a table with one row per pilot location and either ``soc_stock_t_ha``
  (stock, t C/ha) or ``change_t_ha`` (paired change from an earlier remeasurement, t C/ha), and
  either a ``stratum`` column or the location as ``x, y`` (in the CRS of the polygon file) or
  ``lon, lat`` (WGS84); the strata then come from the design. Per stratum, the mean and the
  sample standard deviation (n − 1 divisor) of the pilot values; every
  stratum needs at least 2 pilot values.

For a paired design (the same locations measured again) the variance that matters is that of
the per-location change. From a stock prior it is, for equal variances at both times and a
correlation ρ between the two measurements of a location,
``S_d = S · √(2 (1 − ρ))`` (the variance of a difference, Var(a − b) = Var a + Var b −
2 Cov(a, b)). ρ = 0 (the default) ignores the pairing and is conservative; repeated SOC
measurements at the same locations are usually strongly correlated, so a ρ from the site's
own data lowers the sample size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem, raise_if, warn_input
from soilsink.io.tables import numeric_column, read_table
from soilsink.mrv.strata import Strata, stratum_of_points

#: pilot value columns: what each one measures
PILOT_VALUES = {"soc_stock_t_ha": "stock", "change_t_ha": "change"}


@dataclass(frozen=True)
class Prior:
    """Per-stratum prior mean and standard deviation (design order) and where they come from.

    ``variable`` is ``soc_stock_t_ha`` or ``change_t_ha`` (t C/ha), or ``relative`` when only a
    CV was given (mean 1, S_h = CV); ``n`` the pilot values per stratum (None for a CV).
    """

    variable: str
    source: str
    mean: np.ndarray
    sd: np.ndarray
    n: np.ndarray | None = None
    cv: float | None = None


def prior_from_cv(n_strata: int, cv: float, mean_t_ha: float | None = None) -> Prior:
    """S_h = CV · mean in every stratum; without a mean the prior is relative (mean 1)."""
    if not (np.isfinite(cv) and cv > 0):
        raise InputError(Problem("--cv", "the coefficient of variation must be positive", value=cv,
                                 allowed="> 0 (a fraction, e.g. 0.3 for 30 %)"))
    if mean_t_ha is not None and not (np.isfinite(mean_t_ha) and mean_t_ha > 0):
        raise InputError(Problem("--mean", "the prior mean must be positive", value=mean_t_ha,
                                 allowed="> 0 t C/ha"))
    m = 1.0 if mean_t_ha is None else float(mean_t_ha)
    return Prior("relative" if mean_t_ha is None else "soc_stock_t_ha", "cv",
                 np.full(n_strata, m), np.full(n_strata, cv * m), None, float(cv))


def change_sd(sd_stock, correlation: float) -> np.ndarray:
    """S_d = S √(2 (1 − ρ)): SD of a paired change from the SD of the stock (module docstring)."""
    if not -1 <= correlation < 1:
        raise InputError(Problem("--correlation", "the correlation must lie in [-1, 1)", value=correlation,
                                 allowed="-1 <= rho < 1"))
    return np.asarray(sd_stock, dtype=float) * np.sqrt(2.0 * (1.0 - correlation))


def _value_column(df: pd.DataFrame, label: str, value_column: str | None) -> str:
    present = [c for c in PILOT_VALUES if c in df.columns]
    if value_column is not None:
        if value_column not in PILOT_VALUES:
            raise InputError(Problem("--pilot-column", "unknown pilot value column", value=value_column,
                                     allowed=", ".join(PILOT_VALUES)))
        present = [value_column] if value_column in df.columns else []
    if len(present) != 1:
        raise InputError(Problem(label, "the pilot table needs exactly one value column",
                                 value=", ".join(present) or "none",
                                 allowed=f"{' or '.join(PILOT_VALUES)} (or choose with --pilot-column)"))
    return present[0]


def _numbers(df: pd.DataFrame, col: str, label: str, units: str = "") -> np.ndarray:
    """Column ``col`` as floats (:func:`soilsink.io.tables.numeric_column`); bad cells are errors."""
    problems: list[Problem] = []
    values = numeric_column(df, col, label, problems, required=True, units=units)
    raise_if(problems)
    return values.to_numpy(float)


def _locate(df: pd.DataFrame, label: str, strata: Strata, source_crs, working_crs) -> np.ndarray:
    from pyproj import Transformer

    if "stratum" in df.columns:
        return df["stratum"].astype(str).str.strip().to_numpy(dtype=object)
    for xcol, ycol, crs in (("x", "y", source_crs), ("lon", "lat", "EPSG:4326")):
        if xcol in df.columns and ycol in df.columns:
            x, y = Transformer.from_crs(crs, working_crs, always_xy=True).transform(
                _numbers(df, xcol, label), _numbers(df, ycol, label))
            return stratum_of_points(strata.project, np.asarray(x), np.asarray(y))
    raise InputError(Problem(label, "the pilot table needs a stratum or a location",
                             allowed="a 'stratum' column, or 'x', 'y' (CRS of the polygons), or 'lon', 'lat'"))


def read_pilot(path: str | Path, strata: Strata, source_crs, working_crs, *,
               value_column: str | None = None) -> pd.DataFrame:
    """Pilot table as ``row, stratum, <value>`` (strata from the design; rows outside are dropped)."""
    df = read_table(path)
    label = str(path)
    col = _value_column(df, label, value_column)
    values = _numbers(df, col, label, "t C/ha")
    stratum = _locate(df, label, strata, source_crs, working_crs)
    out = pd.DataFrame({"row": df["row"].to_numpy(), "stratum": stratum, col: values})
    outside = out["stratum"] == ""
    if outside.any():
        warn_input(Problem(label, f"{int(outside.sum())} pilot location(s) outside the project are not used",
                           row=int(out.loc[outside, "row"].iloc[0])))
    unknown = out[~outside & ~out["stratum"].isin(strata.names)]
    if len(unknown):
        raise InputError(Problem(label, "unknown stratum", row=int(unknown["row"].iloc[0]), column="stratum",
                                 value=unknown["stratum"].iloc[0], allowed=", ".join(strata.names)))
    out = out[~outside].reset_index(drop=True)
    out.attrs["source"] = label
    return out


def prior_from_pilot(pilot: pd.DataFrame, strata_names: list[str]) -> Prior:
    """Per-stratum mean and SD (n − 1) of the pilot values of :func:`read_pilot`."""
    label = pilot.attrs.get("source", "<pilot>")
    col = next(c for c in PILOT_VALUES if c in pilot.columns)
    counts, means, sds = [], [], []
    for h in strata_names:
        v = pilot.loc[pilot["stratum"] == h, col].to_numpy(float)
        counts.append(v.size)
        means.append(v.mean() if v.size else np.nan)
        sds.append(v.std(ddof=1) if v.size >= 2 else np.nan)
    short = [f"{h}: {c}" for h, c in zip(strata_names, counts, strict=True) if c < 2]
    if short:
        raise InputError(Problem(label, "every stratum needs at least 2 pilot values", column="stratum",
                                 value="; ".join(short), allowed=">= 2 pilot locations per stratum"))
    return Prior(col, f"pilot {label}", np.array(means), np.array(sds), np.array(counts))
