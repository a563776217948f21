"""A sampling design from polygons: strata, sample size, Neyman allocation, BAS locations.

:func:`run_design` reads top to bottom: read the areas → build the strata → take the prior
variance → size and allocate the sample → place the points → measure their spatial balance.
Each step is a function of its own module (:mod:`~soilsink.mrv.areas`,
:mod:`~soilsink.mrv.strata`, :mod:`~soilsink.mrv.prior`, :mod:`~soilsink.mrv.sample_size`,
:mod:`~soilsink.mrv.locations`, :mod:`~soilsink.mrv.balance`); this module only wires them and
applies the rules that join them:

* **targets**: ``precision`` sizes the sample for the mean (stock, or change with a change
  pilot) within ± ``precision_pct`` % at ``confidence``; ``mdd`` for a minimum detectable
  difference ``mdd_t_ha`` at ``power`` and ``alpha``, ``paired`` (the same locations measured
  again: the standard deviation of the per-location change, from a ``change_t_ha`` pilot or
  from a stock prior with the between-time correlation ``correlation``) or ``two-sample``
  (project against control at the same time, or the changes of both: n per group);
* **controls** (documented rule): with ``controls = m`` every stratum gets m control points,
  drawn by BAS inside the control polygons of that stratum; for a ``two-sample`` test the
  control sample is the same design as the project's (n_h controls per stratum), because the
  test assumes two equal samples. A stratum without control area gets none (warned);
* **reserve** points: ``reserve = r`` adds the next r points of each stratum's BAS sequence
  (samples and controls) as replacements for inaccessible locations (use them in order).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from soilsink.io.errors import InputError, Problem, warn_input
from soilsink.mrv.areas import DesignAreas, read_design_areas
from soilsink.mrv.balance import voronoi_balance
from soilsink.mrv.covariates import open_covariates
from soilsink.mrv.locations import bas_points, srs_points, stream
from soilsink.mrv.prior import Prior, change_sd, prior_from_cv, prior_from_pilot, read_pilot
from soilsink.mrv.sample_size import (
    MIN_PER_STRATUM,
    SampleSize,
    sample_size_mdd,
    sample_size_precision,
)
from soilsink.mrv.strata import Strata, given_strata, kmeans_strata, single_stratum

#: simple random samples drawn per stratum as the reference for the balance index
SRS_REFERENCE_DRAWS = 20
#: seed-stream code of those reference draws
SRS_STREAM = 99


class DesignSpec(BaseModel):
    """Everything a design depends on (with the seed, the design re-runs bit for bit)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    polygons: Path
    layer: str | None = None
    seed: int
    strata_column: str | None = None
    role_column: str | None = None
    kmeans: int | None = None
    covariates: tuple[Path, ...] = ()
    cell_size_m: float | None = None
    target: Literal["precision", "mdd"]
    precision_pct: float | None = None
    confidence: float = 0.90
    mdd_t_ha: float | None = None
    power: float = 0.80
    alpha: float = 0.05
    test: Literal["paired", "two-sample"] = "paired"
    alternative: Literal["two-sided", "one-sided"] = "two-sided"
    cv: float | None = None
    mean_t_ha: float | None = None
    pilot: Path | None = None
    pilot_column: str | None = None
    correlation: float = 0.0
    controls: int = Field(0, ge=0)
    reserve: int = Field(0, ge=0)
    minimum_per_stratum: int = Field(MIN_PER_STRATUM, ge=2)
    quantile: Literal["t", "normal"] = "t"


@dataclass(frozen=True)
class Design:
    """A finished design: its inputs, strata, prior, sample size, points and balance."""

    spec: DesignSpec
    areas: DesignAreas
    strata: Strata
    prior: Prior
    sd_design: np.ndarray
    size: SampleSize
    controls_h: tuple[int, ...]
    points: object
    starts: pd.DataFrame
    balance: pd.DataFrame


def check_spec(spec: DesignSpec) -> None:
    """Cross-option rules, each an :class:`InputError` naming the options."""
    def bad(option, message, value=None, allowed=None):
        raise InputError(Problem(option, message, value=value, allowed=allowed))

    if spec.strata_column and spec.kmeans is not None:
        bad("--strata-column/--kmeans", "choose one way to stratify", allowed="one of the two, or neither")
    if spec.kmeans is not None and not spec.covariates:
        bad("--kmeans", "k-means strata need covariate rasters", allowed="--covariates a.tif,b.tif")
    if spec.covariates and spec.kmeans is None:
        bad("--covariates", "covariates are only used for k-means strata", allowed="add --kmeans K")
    if spec.target == "precision":
        if spec.precision_pct is None or not spec.precision_pct > 0:
            bad("--target-precision", "needs a positive half-width in % of the mean", spec.precision_pct, "> 0")
        if spec.mdd_t_ha is not None:
            bad("--target-precision/--mdd", "choose one target", allowed="one of the two")
    else:
        if spec.mdd_t_ha is None or not spec.mdd_t_ha > 0:
            bad("--mdd", "needs a positive difference in t C/ha", spec.mdd_t_ha, "> 0")
    if (spec.cv is None) == (spec.pilot is None):
        bad("--cv/--pilot", "give the prior variance one way",
            allowed="--cv CV (with --mean for an MDD) or --pilot PILOT.csv")
    if spec.mean_t_ha is not None and spec.cv is None:
        bad("--mean", "the prior mean goes with --cv (a pilot has its own mean)")
    if spec.target == "mdd" and spec.cv is not None and spec.mean_t_ha is None:
        bad("--mean", "an MDD in t C/ha needs the prior SD in t C/ha: give the mean stock with --cv",
            allowed="--mean T_HA")
    if spec.target == "precision" and (spec.test != "paired" or spec.alternative != "two-sided"
                                       or spec.correlation != 0):
        bad("--test/--one-sided/--correlation", "these options belong to an --mdd target",
            allowed="use them with --mdd")
    if spec.test == "two-sample" and spec.correlation != 0:
        bad("--correlation", "the correlation of repeated measurements applies to a paired test",
            allowed="--test paired")
    if spec.test == "two-sample" and spec.controls:
        bad("--controls", "in a two-sample design the control sample equals the project sample",
            allowed="leave --controls out")


def build_strata(spec: DesignSpec, areas: DesignAreas) -> Strata:
    """The design's strata: k-means on covariates, a polygon attribute, or one stratum."""
    if spec.kmeans is not None:
        return kmeans_strata(areas, open_covariates(spec.covariates), spec.kmeans, spec.seed,
                             cell_m=spec.cell_size_m)
    if spec.strata_column:
        return given_strata(areas)
    return single_stratum(areas)


def build_prior(spec: DesignSpec, areas: DesignAreas, strata: Strata) -> Prior:
    """The prior per stratum from the CV (and mean) or from the pilot table."""
    if spec.cv is not None:
        return prior_from_cv(len(strata.names), spec.cv, spec.mean_t_ha)
    pilot = read_pilot(spec.pilot, strata, areas.source_crs, areas.working_crs,
                       value_column=spec.pilot_column)
    return prior_from_pilot(pilot, strata.names)


def design_sd(spec: DesignSpec, prior: Prior) -> np.ndarray:
    """S_h of the quantity the target is about (the paired change for a paired MDD)."""
    if spec.target == "mdd" and spec.test == "paired" and prior.variable != "change_t_ha":
        return change_sd(prior.sd, spec.correlation)
    return prior.sd


def size_sample(spec: DesignSpec, strata: Strata, prior: Prior, sd: np.ndarray) -> SampleSize:
    """Sample size and Neyman allocation for the target (:mod:`soilsink.mrv.sample_size`)."""
    if spec.target == "precision":
        return sample_size_precision(strata.weights, sd, prior.mean, spec.precision_pct / 100.0,
                                     spec.confidence, minimum=spec.minimum_per_stratum,
                                     quantile=spec.quantile)
    return sample_size_mdd(strata.weights, sd, spec.mdd_t_ha, power=spec.power, alpha=spec.alpha,
                           test=spec.test, alternative=spec.alternative,
                           minimum=spec.minimum_per_stratum, quantile=spec.quantile)


def control_counts(spec: DesignSpec, strata: Strata, size: SampleSize, areas: DesignAreas) -> tuple[int, ...]:
    """Control points per stratum under the rule in the module docstring."""
    wanted = size.n_h if spec.test == "two-sample" and spec.target == "mdd" else (spec.controls,) * len(strata.names)
    if not any(wanted):
        return tuple(0 for _ in strata.names)
    if len(strata.control) == 0:
        raise InputError(Problem(areas.path, "control points need control polygons", column=spec.role_column,
                                 allowed="features with role 'control' (and --role-column)"))
    have = set(strata.control["stratum"])
    missing = [h for h, m in zip(strata.names, wanted, strict=True) if m and h not in have]
    if missing:
        warn_input(Problem(areas.path, "strata without control area get no control points",
                           value=", ".join(missing)))
    return tuple(int(m) if h in have else 0 for h, m in zip(strata.names, wanted, strict=True))


def place_points(spec: DesignSpec, strata: Strata, size: SampleSize, controls_h) -> tuple[pd.DataFrame, pd.DataFrame]:
    """BAS points of every stratum and role, and the random starts used (working CRS)."""
    rows, starts = [], []
    for role, table, counts in (("sample", strata.project, size.n_h), ("control", strata.control, controls_h)):
        geoms = dict(zip(table["stratum"], table.geometry, strict=True))
        for idx, (h, m) in enumerate(zip(strata.names, counts, strict=True)):
            if not m:
                continue
            draw = bas_points(geoms[h], m + spec.reserve, stream(spec.seed, role, idx))
            starts.append({"stratum": h, "role": role, "u1": draw.start[0], "u2": draw.start[1]})
            for j in range(draw.x.size):
                rows.append({"stratum": h, "role": role, "reserve": j >= m, "order": j + 1,
                             "halton_index": int(draw.halton_index[j]), "x_work": draw.x[j], "y_work": draw.y[j]})
    pts = pd.DataFrame(rows)
    prefix = pts["role"].map({"sample": "P", "control": "C"})
    pts.insert(0, "point_id", prefix + (pts.groupby("role").cumcount() + 1).map("{:04d}".format))
    return pts, pd.DataFrame(starts)


def measure_balance(spec: DesignSpec, strata: Strata, points: pd.DataFrame) -> pd.DataFrame:
    """Stevens & Olsen (2004) index per stratum: this design's samples vs simple random samples."""
    rows = []
    samples = points[(points["role"] == "sample") & ~points["reserve"]]
    for idx, (h, geom) in enumerate(zip(strata.project["stratum"], strata.project.geometry, strict=True)):
        s = samples[samples["stratum"] == h]
        if len(s) < 2:
            continue
        bas = voronoi_balance(s["x_work"], s["y_work"], geom)
        rng = np.random.default_rng([spec.seed, SRS_STREAM, idx])
        srs = [voronoi_balance(*srs_points(geom, len(s), rng), geom) for _ in range(SRS_REFERENCE_DRAWS)]
        rows.append({"stratum": h, "n": len(s), "bas": bas, "srs_mean": float(np.mean(srs))})
    return pd.DataFrame(rows, columns=["stratum", "n", "bas", "srs_mean"])


def run_design(spec: DesignSpec) -> Design:
    """Build the whole design (see the module docstring)."""
    check_spec(spec)
    areas = read_design_areas(spec.polygons, strata_column=spec.strata_column,
                              role_column=spec.role_column, layer=spec.layer)
    strata = build_strata(spec, areas)
    prior = build_prior(spec, areas, strata)
    sd = design_sd(spec, prior)
    size = size_sample(spec, strata, prior, sd)
    controls_h = control_counts(spec, strata, size, areas)
    points, starts = place_points(spec, strata, size, controls_h)
    balance = measure_balance(spec, strata, points)
    return Design(spec, areas, strata, prior, np.asarray(sd, float), size, controls_h,
                  points, starts, balance)
