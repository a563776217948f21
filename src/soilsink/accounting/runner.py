"""Run a validated project: trajectories per field × scenario × year, sinks, Monte Carlo summary.

:func:`run_project` draws every uncertain parameter ``n`` times (IPCC 2006 Vol. 1 Ch. 3
§3.2.3.2, Approach 2), computes the SOC trajectory of every field under every scenario (arrays
``(n_draws, n_years + 1)``, year axis last as in :mod:`soilsink.accounting.sink`) and the sink
of each project scenario against the baseline with :func:`soilsink.accounting.sink.sink`.

Draws are keyed by the *identity* of a parameter: an IPCC table cell (``Tier1Factors.cells``),
a field's measured stock, or a user override key. Strata sharing a table cell share its draw
(default factors are systematic, not independent per field), and baseline and project of one
field share their SOC_REF. The same seed gives the same numbers bit for bit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from soilsink.accounting.project import ProjectConfig
from soilsink.io.errors import InputError, Problem

#: statistics reported for every Monte Carlo quantity (see :func:`soilsink.accounting.uncertainty.summarize`)
STATS = ("mean", "median", "sd", "lo90", "hi90", "lo95", "hi95")


@dataclass
class FieldRun:
    """Monte Carlo trajectories of one field under one scenario; arrays (n_draws, n_years + 1), t C/ha."""

    field_id: str
    scenario: str
    role: str
    soc_t_ha: np.ndarray
    stable_soc_t_ha: np.ndarray | None = None
    sources: list[str] = field(default_factory=list)


@dataclass
class ProjectResult:
    """What :func:`run_project` returns."""

    results: pd.DataFrame
    summary: dict[str, Any]
    parameters: dict[str, Any]
    runs: list[FieldRun]
    thresholds_t_ha: dict[str, float | None]


def stats(samples: np.ndarray) -> dict[str, float]:
    """Summary of 1-D draws: mean, median, sd, 90 % and 95 % percentile intervals."""
    from soilsink.accounting.uncertainty import summarize

    s = summarize(np.asarray(samples, dtype=float).reshape(-1), axis=0)
    return {k: float(getattr(s, k)) if np.isfinite(getattr(s, k)) else None for k in STATS}


def _stats_rows(samples: np.ndarray, prefix: str) -> dict[str, np.ndarray]:
    """Per-year summaries of (n_draws, n_years + 1) samples -> columns ``prefix_mean`` ..."""
    from soilsink.accounting.uncertainty import summarize

    x = np.asarray(samples, dtype=float)
    if np.isnan(x).all():
        return {f"{prefix}_{k}": np.full(x.shape[-1], np.nan) for k in STATS}
    s = summarize(x, axis=0)
    out = {}
    for k in STATS:
        v = np.asarray(getattr(s, k), dtype=float)
        out[f"{prefix}_{k}"] = np.broadcast_to(v, (x.shape[-1],)).copy()
    return out


def _where(cfg: ProjectConfig) -> str:
    return str(cfg.source_file or "<project>")


# ---------------------------------------------------------------------------------------------
# uncertainty overrides

def override_for(cfg: ProjectConfig, param: str, field_id: str, scenario: str | None) -> tuple[str, dict] | None:
    """The most specific user distribution for ``param``: ``(key, table)`` or None.

    Keys, most specific first: ``field.scenario.param``, ``field.param``, ``scenario.param``, ``param``.
    """
    dists = cfg.uncertainty.distributions
    keys = [f"{field_id}.{param}", param]
    if scenario is not None:
        keys = [f"{field_id}.{scenario}.{param}", f"{field_id}.{param}", f"{scenario}.{param}", param]
    for key in keys:
        if key in dists:
            return key, dists[key]
    return None


def _check_override_scopes(cfg: ProjectConfig) -> None:
    ids = {f.id for f in cfg.fields}
    names = {s.name for s in cfg.scenarios}
    problems = []
    for key in cfg.uncertainty.distributions:
        parts = key.split(".")[:-1]
        ok = (
            len(parts) == 0
            or (len(parts) == 1 and (parts[0] in ids or parts[0] in names))
            or (len(parts) == 2 and parts[0] in ids and parts[1] in names)
        )
        if not ok:
            problems.append(Problem(
                _where(cfg), f"key 'uncertainty.distributions.\"{key}\"': unknown field or scenario in the key",
                allowed=f"fields {sorted(ids)}, scenarios {sorted(names)}",
            ))
    if problems:
        raise InputError(problems)


def _validate_dist(cfg: ProjectConfig, key: str, dist: Any) -> Any:
    """The override's distribution (validated with its key path when the project file was read)."""
    from soilsink.accounting.uncertainty import as_dist

    return as_dist(dist, name=f"uncertainty.distributions.{key}")


# ---------------------------------------------------------------------------------------------
# measured stocks and thresholds

def read_horizons_once(path) -> pd.DataFrame:
    """:func:`soilsink.io.horizons.read_horizons`, cached by path and content hash (a changed
    file is read again), so a run reads and warns about each table once."""
    import hashlib

    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _read_horizons_cached(str(path), digest).copy()


@functools.lru_cache(maxsize=16)
def _read_horizons_cached(path: str, digest: str) -> pd.DataFrame:
    from soilsink.io.horizons import read_horizons

    return read_horizons(path)


def measured_stocks(cfg: ProjectConfig) -> dict[str, tuple[float, float | None]]:
    """Measured SOC stock (t C/ha over 0-``depth_cm``) and its SE (or None) per field."""
    from soilsink.stocks import fixed_depth_stocks

    cache: dict[Any, pd.DataFrame] = {}
    out: dict[str, tuple[float, float | None]] = {}
    problems = []
    for i, f in enumerate(cfg.fields):
        if f.soil.soc_t_ha is not None:
            out[f.id] = (f.soil.soc_t_ha, f.soil.soc_se_t_ha)
            continue
        path = f.soil.horizons
        if path not in cache:
            cache[path] = fixed_depth_stocks(read_horizons_once(path), 0.0, cfg.method.depth_cm).set_index("site_id")
        stocks = cache[path]
        if f.soil.site_id not in stocks.index:
            problems.append(Problem(_where(cfg), f"key 'fields[{i}].soil.site_id': site not in {path.name}",
                                    value=f.soil.site_id, allowed=", ".join(map(str, stocks.index[:20]))))
            continue
        value = float(stocks.loc[f.soil.site_id, "soc_stock_t_ha"])
        if not np.isfinite(value):
            problems.append(Problem(_where(cfg), f"key 'fields[{i}].soil.site_id': the profile does not cover "
                                    f"0-{cfg.method.depth_cm:g} cm", value=f.soil.site_id,
                                    allowed=f"a profile sampled to at least {cfg.method.depth_cm:g} cm"))
            continue
        out[f.id] = (value, f.soil.soc_se_t_ha)
    if problems:
        raise InputError(problems)
    return out


def field_thresholds(cfg: ProjectConfig) -> dict[str, float | None]:
    """Threshold (t C/ha) per field id; None per field when the cap is disabled."""
    if not cfg.threshold.enabled:
        return {f.id: None for f in cfg.fields}
    if cfg.threshold.source == "field":
        return {f.id: f.threshold_t_ha for f in cfg.fields}
    by_type = empirical_by_soil_type(cfg)
    out: dict[str, float | None] = {}
    problems = []
    for i, f in enumerate(cfg.fields):
        if f.soil_type not in by_type:
            problems.append(Problem(
                _where(cfg), f"key 'fields[{i}].soil_type': no natural reference soils of this type",
                value=f.soil_type, allowed=", ".join(sorted(by_type)) or "(no reference soils found)",
            ))
        else:
            out[f.id] = by_type[f.soil_type]
    if problems:
        raise InputError(problems)
    return out


def empirical_by_soil_type(cfg: ProjectConfig) -> dict[str, float]:
    """Median stock of natural reference soils per soil type (:func:`soilsink.threshold.empirical_thresholds`)."""
    from soilsink.stocks import fixed_depth_stocks, site_attributes
    from soilsink.threshold import empirical_thresholds

    h = read_horizons_once(cfg.threshold.reference_horizons)
    depth = cfg.method.depth_cm
    sites = site_attributes(h, 0.0, depth).merge(
        fixed_depth_stocks(h, 0.0, depth)[["site_id", "soc_stock_t_ha"]], on="site_id")
    col = "threshold_soc_t_ha"
    if cfg.threshold.pool == "stable":
        if "maoc_g_kg" not in h.columns:
            raise InputError(Problem(str(cfg.threshold.reference_horizons),
                                     "threshold.pool = 'stable' needs measured stable carbon",
                                     allowed="a maoc_g_kg column"))
        st = fixed_depth_stocks(h, 0.0, depth, concentration_col="maoc_g_kg")
        sites = sites.merge(st[["site_id", "soc_stock_t_ha"]].rename(columns={"soc_stock_t_ha": "stable_soc_t_ha"}),
                            on="site_id")
        col = "threshold_stable_soc_t_ha"
    t = empirical_thresholds(sites, by=["soil_type"], seed=cfg.uncertainty.seed,
                             source=str(cfg.threshold.reference_horizons))
    t = t[t[col].notna()]
    return {str(k): float(v) for k, v in zip(t["soil_type"], t[col], strict=True)}


# ---------------------------------------------------------------------------------------------
# methods: each returns (specs to draw, function draws -> list[FieldRun])

#: (distributions to draw, draws -> trajectories, extra summary entries)
Plan = tuple[dict[str, Any], Callable[[dict[str, np.ndarray]], list[FieldRun]], dict[str, Any]]


def _ipcc_plan(cfg: ProjectConfig) -> Plan:
    """IPCC Tier 1 (2006 GL / 2019 Refinement Vol. 4 Ch. 2 Eq. 2.25): SOC = SOC_REF·F_LU·F_MG·F_I.

    The start stock S0 of a field is the Tier 1 equilibrium of the baseline's first management
    step (``soc_ref = "default"``: the soil is at equilibrium under its current management) or
    its measured stock (``soc_ref = "measured"``: a site-specific reference stock
    SOC_REF' = S0 / F_baseline, the Tier 2 use of Eq. 2.25 with local reference stocks). The
    equilibrium of a step is S0 · F_step / F_baseline; at each change the stock moves linearly
    to it over ``transition_years`` (:func:`soilsink.accounting.ipcc.tier1_trajectory`).
    """
    from soilsink.accounting import ipcc

    method = cfg.method
    measured = measured_stocks(cfg) if method.soc_ref == "measured" else {}
    specs: dict[str, Any] = {}
    problems: list[Problem] = []
    plan: dict[tuple[str, str], list[tuple[int, dict[str, str]]]] = {}
    sources: dict[tuple[str, str], list[str]] = {}
    start_key: dict[str, str] = {}
    for fi, f in enumerate(cfg.fields):
        if f.id in measured:
            from soilsink.accounting.uncertainty import Constant, Normal

            value, se = measured[f.id]
            key = f"soc_start|{f.id}"
            dist: Any = Normal(mean=value, sd=se) if se else Constant(value=value)
            ov = override_for(cfg, "soc_start", f.id, None)
            if ov is not None:
                key, dist = f"override|{ov[0]}", _validate_dist(cfg, *ov)
            specs[key] = dist
            start_key[f.id] = key
        for si, sc in enumerate(cfg.scenarios):
            steps = []
            srcs: list[str] = []
            for mi, m in enumerate(sc.management):
                try:
                    factors = ipcc.lookup(method.edition, f.climate_zone, f.soil_class, m.land_use,
                                          m.tillage, m.input_level)
                except InputError as exc:
                    for p in exc.problems:
                        key = _ipcc_key(p.column, fi, si, mi)
                        text = f"key '{key}': {p.message} (IPCC {method.edition} tables)"
                        if text not in {q.message for q in problems}:
                            problems.append(Problem(_where(cfg), text, value=p.value, allowed=p.allowed))
                    continue
                defaults = factors.distributions()
                keys: dict[str, str] = {}
                for param in ("soc_ref", "f_lu", "f_mg", "f_i"):
                    if param == "soc_ref" and f.id in start_key:
                        continue  # the measured start stock replaces SOC_REF
                    name = factors.cells.get(param, f"{param}|const1")
                    dist = defaults[param]
                    ov = override_for(cfg, param, f.id, sc.name)
                    if ov is not None:
                        name, dist = f"override|{ov[0]}", _validate_dist(cfg, *ov)
                    specs.setdefault(name, dist)
                    keys[param] = name
                if not steps or steps[-1][1] != keys:  # same factors: the running transition continues
                    steps.append((max(m.from_year, cfg.project.start_year), keys))
                srcs += [s for s in factors.sources if s not in srcs]
            plan[(f.id, sc.name)] = steps
            sources[(f.id, sc.name)] = srcs
    if problems:
        raise InputError(problems)

    years = cfg.project.end_year - cfg.project.start_year

    def compute(draws: dict[str, np.ndarray]) -> list[FieldRun]:
        runs = []
        for f in cfg.fields:
            base_keys = plan[(f.id, cfg.baseline.name)][0][1]
            f_base = _factor_product(draws, base_keys)
            s0 = draws[start_key[f.id]] if f.id in start_key else draws[base_keys["soc_ref"]] * f_base
            for sc in cfg.scenarios:
                soc = _chain(draws, plan[(f.id, sc.name)], s0, f_base, cfg.project.start_year, years,
                             method.transition_years)
                runs.append(FieldRun(f.id, sc.name, sc.role, soc, None, sources[(f.id, sc.name)]))
        return runs

    return specs, compute, {}


def _ipcc_key(column: str | None, fi: int, si: int, mi: int) -> str:
    """Key path of the project value behind an IPCC lookup problem (by the lookup's column)."""
    col = (column or "").lower()
    step = f"scenarios[{si}].management[{mi}]"
    if "climate" in col:
        return f"fields[{fi}].climate_zone"
    if "soil_class" in col:
        return f"fields[{fi}].soil_class"
    if "f_i" in col or "input" in col:
        return f"{step}.input_level"
    if "f_mg" in col or "management" in col:
        return f"{step}.tillage"
    if "land_use" in col or "f_lu" in col:
        return f"{step}.land_use"
    return f"fields[{fi}] with {step}"


def _factor_product(draws: dict[str, np.ndarray], keys: dict[str, str]) -> np.ndarray:
    return draws[keys["f_lu"]] * draws[keys["f_mg"]] * draws[keys["f_i"]]


def _chain(draws, steps, s0, f_base, start_year, years, transition_years) -> np.ndarray:
    """SOC (n, years + 1) from S0 through each management step's linear transition (Eq. 2.25)."""
    from soilsink.accounting.ipcc import tier1_trajectory

    out = np.empty((s0.shape[0], years + 1))
    out[:, 0] = s0
    for k, (from_year, keys) in enumerate(steps):
        first = from_year - start_year
        last = min((steps[k + 1][0] - start_year) if k + 1 < len(steps) else years, years)
        if last <= first:
            continue
        eq = s0 * _factor_product(draws, keys) / f_base
        out[:, first:last + 1] = tier1_trajectory(out[:, first], eq, last - first, transition_years=transition_years)
    return out


def _model_plan(cfg: ProjectConfig) -> Plan:
    """Model-based Tier 3 (RothC, ICBM, Hénin–Dupuis), see :mod:`soilsink.accounting.model_runs`."""
    from soilsink.accounting.model_runs import model_plan

    return model_plan(cfg, measured_stocks(cfg), override_for, _validate_dist)


def _remeasure_plan(cfg: ProjectConfig) -> Plan:
    """Measure–remeasure (:func:`soilsink.accounting.remeasure.remeasure`): ESM stocks of each
    field's site at the baseline and follow-up samplings (``start_year`` and ``end_year``).

    The project trajectory is the measured change, interpolated linearly between the two
    samplings; the baseline is held at the baseline stock (no counterfactual change; a dynamic
    baseline needs a model). Uncertainty: the paired-change standard error SE over all sites is
    applied as one shift shared by every field, δ − d̄ with δ ~ Normal(d̄, SE) (sampling error
    of the mean change; Zar 2010 §9.1). The paired statistics (n, SE, CI, MDD) go to the summary.
    """
    from soilsink.accounting.remeasure import remeasure
    from soilsink.accounting.uncertainty import Normal

    per, change = remeasure(read_horizons_once(cfg.method.baseline_samples),
                            read_horizons_once(cfg.method.followup_samples), 0, cfg.method.depth_cm)
    per = per.set_index("site_id")
    problems = []
    for i, f in enumerate(cfg.fields):
        if f.soil.site_id not in per.index or not np.isfinite(per.loc[f.soil.site_id, "change_t_ha"]):
            problems.append(Problem(_where(cfg), f"key 'fields[{i}].soil.site_id': no paired ESM stock for this site",
                                    value=f.soil.site_id, allowed=", ".join(map(str, per.index[:20]))))
    if problems:
        raise InputError(problems)
    key = "remeasure|mean_change"
    specs = {key: Normal(mean=change.mean, sd=change.se)}
    years = cfg.project.end_year - cfg.project.start_year
    frac = np.arange(years + 1) / years
    extra = {"remeasure": {
        "n_sites": change.n, "mean_change_t_ha": change.mean, "sd_t_ha": change.sd, "se_t_ha": change.se,
        "ci95_t_ha": list(change.ci), "mdd_t_ha": change.mdd, "alpha": change.alpha, "beta": change.beta,
        "detectable": bool(change.detectable), "significant": bool(change.significant),
    }}

    def compute(draws: dict[str, np.ndarray]) -> list[FieldRun]:
        shift = draws[key] - change.mean
        runs = []
        for f in cfg.fields:
            base0 = float(per.loc[f.soil.site_id, "base_soc_t_ha"])
            d = float(per.loc[f.soil.site_id, "change_t_ha"]) + shift
            for sc in cfg.scenarios:
                if sc.role == "baseline":
                    soc = np.full((shift.shape[0], years + 1), base0)
                else:
                    soc = base0 + d[:, None] * frac[None, :]
                runs.append(FieldRun(f.id, sc.name, sc.role, soc, None,
                                     ["measure-remeasure: ESM stocks (Ellert & Bettany 1995), paired change"]))
        return runs

    return specs, compute, extra


PLANS: dict[str, Callable[[ProjectConfig], Plan]] = {
    "ipcc_tier1": _ipcc_plan, "model": _model_plan, "measure_remeasure": _remeasure_plan,
}


# ---------------------------------------------------------------------------------------------

def run_project(cfg: ProjectConfig, *, quiet: bool = True) -> ProjectResult:
    """Run ``cfg``: results table (field × scenario × year, plus ``ALL`` totals) and summary dict.

    ``quiet=False`` shows a rich progress bar on stderr.
    """
    from soilsink.accounting.sink import C_TO_CO2, sink
    from soilsink.accounting.uncertainty import draw

    if cfg.method.kind not in PLANS:
        raise InputError(Problem(_where(cfg), f"key 'method.kind': {cfg.method.kind!r} cannot be run by "
                                 "'soilsink account' yet", value=cfg.method.kind, allowed=", ".join(PLANS)))
    _check_override_scopes(cfg)
    n = cfg.uncertainty.draws
    progress = _Progress(quiet, total=3 + len(cfg.fields) * len(cfg.projects))
    try:
        thresholds = field_thresholds(cfg)
        thr_draws: dict[str, Any] = {}
        specs, compute, extra = PLANS[cfg.method.kind](cfg)
        for f in cfg.fields:
            ov = override_for(cfg, "threshold", f.id, None)
            if ov is not None and thresholds[f.id] is not None:
                name = f"override|{ov[0]}"
                specs.setdefault(name, _validate_dist(cfg, *ov))
                thr_draws[f.id] = name
        progress.step("parameters")
        names = sorted(specs)
        draws = draw({k: specs[k] for k in names}, n, cfg.uncertainty.seed)
        progress.step("draws")
        runs = compute(draws)
        progress.step("trajectories")
        by_key = {(r.field_id, r.scenario): r for r in runs}

        years = np.asarray(cfg.years)
        frames = []
        per_field: dict[str, dict[str, dict[str, np.ndarray]]] = {}
        for f in cfg.fields:
            base = by_key[(f.id, cfg.baseline.name)]
            thr = draws[thr_draws[f.id]] if f.id in thr_draws else thresholds[f.id]
            for sc in cfg.scenarios:
                run = by_key[(f.id, sc.name)]
                cols = _row_block(f.id, sc.name, sc.role, years, f.area_ha, thresholds[f.id], run)
                if sc.role == "project":
                    q: dict[str, np.ndarray] = {}
                    for pool, b, p in (("total", base.soc_t_ha, run.soc_t_ha),
                                       ("stable", base.stable_soc_t_ha, run.stable_soc_t_ha)):
                        if b is None or p is None:
                            continue
                        cap = thr if pool == cfg.threshold.pool else None  # the threshold caps its own pool
                        res = sink(b, p, area_ha=f.area_ha, threshold_t_ha=cap, pool=pool)
                        for k in ("sink_t_c", "sink_t_co2e", "sink_t_c_per_yr", "not_creditable_t_c",
                                  "baseline_change_t_c", "project_change_t_c", "project_change_uncapped_t_c"):
                            q[f"{pool}_{k}"] = np.broadcast_to(np.asarray(getattr(res, k), dtype=float), (n,)).copy()
                        cum = np.concatenate([np.zeros((n, 1)), np.cumsum(res.annual_sink_t_c, axis=-1)], axis=-1)
                        q[f"{pool}_cumulative_sink_t_c"] = cum
                        cols.update(_stats_rows(cum, "sink_t_c" if pool == "total" else "stable_sink_t_c"))
                    per_field.setdefault(sc.name, {})[f.id] = q
                    progress.step(f"{f.id} / {sc.name}")
                frames.append(pd.DataFrame(cols))
        results = pd.concat([*frames, _totals(cfg, by_key, per_field, years)], ignore_index=True)
    finally:
        progress.close()
    summary = _summary(cfg, per_field, thresholds, C_TO_CO2)
    summary.update(extra)
    parameters = {k: _jsonable(specs[k]) for k in names}
    return ProjectResult(results, summary, parameters, runs, thresholds)


def _row_block(field_id, scenario, role, years, area_ha, threshold, run: FieldRun) -> dict[str, Any]:
    cols: dict[str, Any] = {
        "field_id": field_id, "scenario": scenario, "role": role, "year": years, "area_ha": area_ha,
        "threshold_t_ha": np.nan if threshold is None else threshold,
    }
    cols.update(_stats_rows(run.soc_t_ha, "soc_t_ha"))
    stable = run.stable_soc_t_ha if run.stable_soc_t_ha is not None else np.full_like(run.soc_t_ha, np.nan)
    cols.update(_stats_rows(stable, "stable_soc_t_ha"))
    return cols


def _totals(cfg, by_key, per_field, years) -> pd.DataFrame:
    """Rows with ``field_id = 'ALL'``: area-weighted mean stocks, summed sinks (draw by draw)."""
    area = {f.id: f.area_ha for f in cfg.fields}
    total_area = sum(area.values())
    frames = []
    for sc in cfg.scenarios:
        runs = [by_key[(f.id, sc.name)] for f in cfg.fields]
        soc = sum(r.soc_t_ha * area[r.field_id] for r in runs) / total_area
        if all(r.stable_soc_t_ha is not None for r in runs):
            stable = sum(r.stable_soc_t_ha * area[r.field_id] for r in runs) / total_area
        else:
            stable = None
        cols = _row_block("ALL", sc.name, sc.role, years, total_area, None,
                          FieldRun("ALL", sc.name, sc.role, soc, stable))
        if sc.role == "project":
            q = per_field[sc.name]
            cols.update(_stats_rows(sum(d["total_cumulative_sink_t_c"] for d in q.values()), "sink_t_c"))
            if all("stable_cumulative_sink_t_c" in d for d in q.values()):
                cols.update(_stats_rows(sum(d["stable_cumulative_sink_t_c"] for d in q.values()), "stable_sink_t_c"))
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True)


def _summary(cfg, per_field, thresholds, c_to_co2) -> dict[str, Any]:
    from soilsink.accounting.uncertainty import vm0042_deduction

    out: dict[str, Any] = {
        "project": cfg.project.name,
        "method": cfg.method.kind,
        "edition": cfg.method.edition if cfg.method.kind == "ipcc_tier1" else None,
        "model": cfg.method.model,
        "period": {"start_year": cfg.project.start_year, "end_year": cfg.project.end_year,
                   "years": cfg.project.end_year - cfg.project.start_year},
        "area_ha": sum(f.area_ha for f in cfg.fields),
        "draws": cfg.uncertainty.draws,
        "seed": cfg.uncertainty.seed,
        "c_to_co2": c_to_co2,
        "thresholds_t_ha": thresholds,
        "scenarios": {},
    }
    for sc_name, fields in per_field.items():
        totals: dict[str, np.ndarray] = {}
        fields_out = {}
        for fid, q in fields.items():
            fields_out[fid] = {k: stats(v) for k, v in sorted(q.items()) if "cumulative" not in k}
            for k, v in q.items():
                if "cumulative" not in k:
                    totals[k] = totals.get(k, 0) + v
        total = {k: stats(v) for k, v in sorted(totals.items())}
        if cfg.uncertainty.vm0042_deduction:
            # standard uncertainty of the estimate = SD of its Monte Carlo draws
            s = totals["total_sink_t_co2e"]
            se = float(np.std(s, ddof=1)) if len(s) > 1 else 0.0
            total["vm0042_deduction_t_co2e"] = _jsonable(vm0042_deduction(float(np.mean(s)), se))
        out["scenarios"][sc_name] = {"fields": fields_out, "total": total}
    return out


def _jsonable(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if hasattr(obj, "__dataclass_fields__"):
        from dataclasses import asdict

        return _jsonable(asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


class _Progress:
    """A rich progress bar on stderr (nothing when quiet)."""

    def __init__(self, quiet: bool, total: int):
        self._bar = None
        if not quiet:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("accounting", total=total)

    def step(self, what: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=f"accounting: {what}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


__all__ = ["FieldRun", "ProjectResult", "STATS", "run_project", "stats", "override_for",
           "field_thresholds", "measured_stocks", "empirical_by_soil_type"]
