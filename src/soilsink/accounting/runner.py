"""Run a validated project: trajectories per field × scenario × year, sinks, Monte Carlo summary.

:func:`run_project` draws every uncertain parameter once per Monte Carlo draw (IPCC 2006 Vol. 1
Ch. 3, Approach 2), computes the SOC trajectory of every field under every scenario and the sink
of each project scenario against the baseline with :func:`soilsink.accounting.sink.sink`.

Draws are keyed by the *identity* of a parameter (e.g. the IPCC factor of one climate zone,
land use and management), so two fields sharing a default factor share its draw: default factors
are systematic, not independent per field. A user override scoped to one field gets its own key.
The same seed gives the same numbers bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from soilsink.accounting.project import ProjectConfig
from soilsink.io.errors import InputError, Problem

#: percentiles reported for every quantity (90 % and 95 % central intervals).
PERCENTILES = {"p2_5": 2.5, "p5": 5.0, "p95": 95.0, "p97_5": 97.5}


@dataclass
class FieldRun:
    """Monte Carlo trajectories of one field under one scenario; arrays (n_years + 1, n_draws), t C/ha."""

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


def stats(samples: np.ndarray, prefix: str) -> dict[str, float]:
    """Mean, median and 90 %/95 % interval bounds over the last axis (draws)."""
    samples = np.asarray(samples, dtype=float)
    out = {f"{prefix}_mean": float(np.mean(samples)), f"{prefix}_median": float(np.median(samples))}
    for name, q in PERCENTILES.items():
        out[f"{prefix}_{name}"] = float(np.percentile(samples, q))
    return out


def _stats_rows(samples: np.ndarray, prefix: str) -> dict[str, np.ndarray]:
    """Column-wise statistics of (n_rows, n_draws) samples."""
    out = {f"{prefix}_mean": samples.mean(axis=-1), f"{prefix}_median": np.median(samples, axis=-1)}
    for name, q in PERCENTILES.items():
        out[f"{prefix}_{name}"] = np.percentile(samples, q, axis=-1)
    return out


# ---------------------------------------------------------------------------------------------
# uncertainty overrides

def override_for(cfg: ProjectConfig, param: str, field_id: str, scenario: str) -> tuple[str, dict] | None:
    """The most specific user distribution for ``param`` (key and table), or None.

    Keys: ``param`` < ``scope.param`` (scope = a field id or a scenario name) < ``field.scenario.param``.
    """
    dists = cfg.uncertainty.distributions
    for key in (f"{field_id}.{scenario}.{param}", f"{field_id}.{param}", f"{scenario}.{param}", param):
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
                str(cfg.source_file or "<project>"),
                f"key 'uncertainty.distributions.\"{key}\"': unknown field or scenario in the key",
                allowed=f"fields {sorted(ids)}, scenarios {sorted(names)}",
            ))
    if problems:
        raise InputError(problems)


def _validate_dist(cfg: ProjectConfig, key: str, table: dict) -> Any:
    from pydantic import TypeAdapter, ValidationError

    from soilsink.accounting.project import problems_from_validation
    from soilsink.accounting.uncertainty import Dist

    try:
        return TypeAdapter(Dist).validate_python(table)
    except ValidationError as exc:
        problems = problems_from_validation(exc, str(cfg.source_file or "<project>"))
        raise InputError([
            Problem(p.file, p.message.replace("key '", f"key 'uncertainty.distributions.\"{key}\".", 1),
                    value=p.value, allowed=p.allowed)
            for p in problems
        ]) from None


# ---------------------------------------------------------------------------------------------
# thresholds

def field_thresholds(cfg: ProjectConfig) -> dict[str, float | None]:
    """Threshold (t C/ha) per field id, or None per field when the cap is disabled."""
    if not cfg.threshold.enabled:
        return {f.id: None for f in cfg.fields}
    if cfg.threshold.source == "field":
        return {f.id: f.threshold_t_ha for f in cfg.fields}
    from soilsink.accounting._threshold_adapter import empirical_by_soil_type

    by_type = empirical_by_soil_type(cfg.threshold.reference_horizons, cfg.method.depth_cm, cfg.threshold.pool)
    out: dict[str, float | None] = {}
    problems = []
    for i, f in enumerate(cfg.fields):
        if f.soil_type not in by_type:
            problems.append(Problem(
                str(cfg.source_file or "<project>"),
                f"key 'fields[{i}].soil_type': no natural reference soils of this type",
                value=f.soil_type, allowed=", ".join(sorted(by_type)) or "(no reference soils found)",
            ))
        else:
            out[f.id] = by_type[f.soil_type]
    if problems:
        raise InputError(problems)
    return out


# ---------------------------------------------------------------------------------------------
# methods: each returns (specs to draw, function draws -> list[FieldRun])

def _ipcc_plan(cfg: ProjectConfig) -> tuple[dict[str, Any], Callable[[dict[str, np.ndarray]], list[FieldRun]]]:
    """IPCC Tier 1 (2006 GL / 2019 Refinement Vol. 4 Ch. 2 Eq. 2.25): SOC = SOC_REF·F_LU·F_MG·F_I.

    Every field starts at the equilibrium stock of the baseline's first management step (the
    Tier 1 assumption that the soil is at equilibrium under its current management); at each
    management change the stock moves linearly to the new equilibrium over ``transition_years``.
    """
    from soilsink.accounting import ipcc

    method = cfg.method
    specs: dict[str, Any] = {}
    # (field, scenario) -> list of (from_year, {param: draw key})
    plan: dict[tuple[str, str], list[tuple[int, dict[str, str]]]] = {}
    sources: dict[tuple[str, str], list[str]] = {}
    for fi, f in enumerate(cfg.fields):
        for si, sc in enumerate(cfg.scenarios):
            steps = []
            srcs: list[str] = []
            for mi, m in enumerate(sc.management):
                try:
                    factors = ipcc.lookup(method.edition, f.climate_zone, f.soil_class, m.land_use,
                                          m.tillage, m.input_level)
                except InputError as exc:
                    raise InputError([
                        Problem(str(cfg.source_file or "<project>"),
                                f"key 'fields[{fi}]' with 'scenarios[{si}].management[{mi}]': {p.message}",
                                value=p.value, allowed=p.allowed)
                        for p in exc.problems
                    ]) from None
                identity = (f"ipcc{method.edition}/{f.climate_zone}/{f.soil_class}/{m.land_use}/"
                            f"{m.tillage}/{m.input_level}/")
                defaults = _factor_dists(factors, identity)
                keys: dict[str, str] = {}
                for param, (name, dist) in defaults.items():
                    ov = override_for(cfg, param, f.id, sc.name)
                    if ov is not None:
                        name, dist = f"override/{ov[0]}", _validate_dist(cfg, *ov)
                    specs[name] = dist
                    keys[param] = name
                steps.append((max(m.from_year, cfg.project.start_year), keys))
                srcs += [s for s in _sources(factors) if s not in srcs]
            plan[(f.id, sc.name)] = steps
            sources[(f.id, sc.name)] = srcs

    years = cfg.project.end_year - cfg.project.start_year

    def compute(draws: dict[str, np.ndarray]) -> list[FieldRun]:
        runs = []
        for f in cfg.fields:
            base_first = plan[(f.id, cfg.baseline.name)][0][1]
            start = _product(draws, base_first)
            for sc in cfg.scenarios:
                soc = _chain(draws, plan[(f.id, sc.name)], start, cfg.project.start_year, years,
                             method.transition_years)
                runs.append(FieldRun(f.id, sc.name, sc.role, soc, None, sources[(f.id, sc.name)]))
        return runs

    return specs, compute


def _factor_dists(factors: Any, identity: str) -> dict[str, tuple[str, Any]]:
    """Map Tier1Factors.distributions(prefix) to {param: (draw key, Dist)}."""
    dists = factors.distributions(identity)
    out = {}
    for name, dist in dists.items():
        param = name[len(identity):] if name.startswith(identity) else name
        param = param.lstrip("./_")
        for p in ("soc_ref", "f_lu", "f_mg", "f_i"):
            if param == p or param.startswith(p + "_") or param.endswith(p):
                out[p] = (name, dist)
                break
    missing = {"soc_ref", "f_lu", "f_mg", "f_i"} - set(out)
    if missing:
        raise RuntimeError(f"Tier1Factors.distributions gave no {sorted(missing)}: {sorted(dists)}")
    return out


def _sources(factors: Any) -> list[str]:
    src = getattr(factors, "sources", None) or []
    if isinstance(src, dict):
        return [f"{k}: {v}" for k, v in sorted(src.items())]
    if isinstance(src, str):
        return [src]
    return [str(s) for s in src]


def _product(draws: dict[str, np.ndarray], keys: dict[str, str]) -> np.ndarray:
    return draws[keys["soc_ref"]] * draws[keys["f_lu"]] * draws[keys["f_mg"]] * draws[keys["f_i"]]


def _chain(draws, steps, start_t_ha, start_year, years, transition_years) -> np.ndarray:
    """SOC (years + 1, n) from the start stock through each management step's linear transition."""
    from soilsink.accounting.ipcc import tier1_trajectory

    n = start_t_ha.shape[-1]
    out = np.empty((years + 1, n))
    out[0] = start_t_ha
    for k, (from_year, keys) in enumerate(steps):
        first = from_year - start_year
        last = (steps[k + 1][0] - start_year) if k + 1 < len(steps) else years
        last = min(last, years)
        if last <= first:
            continue
        eq = _product(draws, keys)
        seg = np.asarray(tier1_trajectory(out[first], eq, last - first, transition_years=transition_years))
        out[first:last + 1] = seg.reshape(last - first + 1, n)
    return out


def _model_plan(cfg: ProjectConfig):
    """Model-based Tier 3 (RothC, ICBM, Hénin–Dupuis) via :func:`model_based.run_model_scenarios`."""
    from soilsink.accounting._model_adapter import model_plan

    return model_plan(cfg)


PLANS = {"ipcc_tier1": _ipcc_plan, "model": _model_plan}


# ---------------------------------------------------------------------------------------------

def run_project(cfg: ProjectConfig, *, quiet: bool = True) -> ProjectResult:
    """Run ``cfg``: results table (field × scenario × year, plus ``ALL`` totals) and summary dict.

    ``quiet=False`` shows a rich progress bar on stderr.
    """
    from soilsink.accounting.sink import C_TO_CO2, sink
    from soilsink.accounting.uncertainty import draw

    if cfg.method.kind not in PLANS:
        raise InputError(Problem(str(cfg.source_file or "<project>"),
                                 f"key 'method.kind': method {cfg.method.kind!r} is not available in run_project yet",
                                 value=cfg.method.kind, allowed=", ".join(PLANS)))
    _check_override_scopes(cfg)
    thresholds = field_thresholds(cfg)
    n = cfg.uncertainty.draws
    seed = cfg.uncertainty.seed
    progress = _Progress(quiet, total=3 + len(cfg.fields) * len(cfg.projects))

    specs, compute = PLANS[cfg.method.kind](cfg)
    progress.step("parameters")
    names = sorted(specs)
    draws = draw({k: specs[k] for k in names}, n, seed)
    draws = {k: np.asarray(draws[k], dtype=float).reshape(n) for k in names}
    progress.step("draws")
    runs = compute(draws)
    progress.step("trajectories")
    by_key = {(r.field_id, r.scenario): r for r in runs}

    years = np.asarray(cfg.years)
    n_years = len(years) - 1
    area = {f.id: f.area_ha for f in cfg.fields}
    frames = []
    sink_draws: dict[str, dict[str, dict[str, np.ndarray]]] = {}
    for f in cfg.fields:
        base = by_key[(f.id, cfg.baseline.name)]
        for sc in cfg.scenarios:
            run = by_key[(f.id, sc.name)]
            cols: dict[str, Any] = {
                "field_id": f.id, "scenario": sc.name, "role": sc.role, "year": years,
                "area_ha": f.area_ha,
                "threshold_t_ha": np.nan if thresholds[f.id] is None else thresholds[f.id],
            }
            cols.update(_stats_rows(run.soc_t_ha, "soc_t_ha"))
            stable = run.stable_soc_t_ha if run.stable_soc_t_ha is not None else np.full_like(run.soc_t_ha, np.nan)
            cols.update(_stats_rows(stable, "stable_soc_t_ha"))
            if sc.role == "project":
                cum = {}
                for pool, b, p in (("total", base.soc_t_ha, run.soc_t_ha),
                                   ("stable", base.stable_soc_t_ha, run.stable_soc_t_ha)):
                    if b is None or p is None:
                        continue
                    res = sink(b, p, area_ha=f.area_ha, years=n_years, threshold_t_ha=thresholds[f.id], pool=pool)
                    cum[pool] = res
                res = cum["total"]
                sink_yearly = _cumulative_sink_t_c(base.soc_t_ha, run.soc_t_ha, f.area_ha, thresholds[f.id])
                cols.update(_stats_rows(sink_yearly, "sink_t_c"))
                sink_draws.setdefault(sc.name, {})[f.id] = {
                    f"{pool}_{k}": np.broadcast_to(np.asarray(getattr(r, k), dtype=float), (n,)).copy()
                    for pool, r in cum.items()
                    for k in ("sink_t_c", "sink_t_co2e", "sink_t_c_per_yr", "not_creditable_t_c",
                              "baseline_change_t_c", "project_change_t_c")
                }
                sink_draws[sc.name][f.id]["sink_yearly_t_c"] = sink_yearly
                progress.step(f"{f.id} / {sc.name}")
            frames.append(pd.DataFrame(cols))
    results = pd.DataFrame(pd.concat(frames, ignore_index=True))
    results = pd.concat([results, _totals(cfg, by_key, sink_draws, years, area)], ignore_index=True)
    progress.close()

    summary = _summary(cfg, sink_draws, thresholds, n, seed, C_TO_CO2)
    parameters = {k: _dist_json(specs[k]) for k in names}
    return ProjectResult(results, summary, parameters, runs, thresholds)


def _cumulative_sink_t_c(base_soc, proj_soc, area_ha, threshold_t_ha) -> np.ndarray:
    """Cumulative creditable sink (t C) by year, shape (n_years + 1, n): capped at the threshold.

    Same rule as :func:`soilsink.accounting.sink.sink` applied year by year: the project stock
    counts only up to the threshold, and the sink is its change minus the baseline's change.
    """
    proj = proj_soc
    if threshold_t_ha is not None:
        proj = np.minimum(proj_soc, np.maximum(threshold_t_ha, proj_soc[0]))
    return ((proj - proj[0]) - (base_soc - base_soc[0])) * area_ha


def _totals(cfg, by_key, sink_draws, years, area) -> pd.DataFrame:
    total_area = sum(area.values())
    frames = []
    for sc in cfg.scenarios:
        soc_t = sum(by_key[(f.id, sc.name)].soc_t_ha * area[f.id] for f in cfg.fields)
        cols: dict[str, Any] = {"field_id": "ALL", "scenario": sc.name, "role": sc.role, "year": years,
                                "area_ha": total_area, "threshold_t_ha": np.nan}
        cols.update(_stats_rows(soc_t / total_area, "soc_t_ha"))
        stables = [by_key[(f.id, sc.name)].stable_soc_t_ha for f in cfg.fields]
        if all(s is not None for s in stables):
            st = sum(s * area[f.id] for s, f in zip(stables, cfg.fields, strict=True)) / total_area
        else:
            st = np.full_like(soc_t, np.nan)
        cols.update(_stats_rows(st, "stable_soc_t_ha"))
        if sc.role == "project":
            cols.update(_stats_rows(sum(d["sink_yearly_t_c"] for d in sink_draws[sc.name].values()), "sink_t_c"))
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True)


def _summary(cfg, sink_draws, thresholds, n, seed, c_to_co2) -> dict[str, Any]:
    from soilsink.accounting.uncertainty import vm0042_deduction

    out: dict[str, Any] = {
        "project": cfg.project.name,
        "method": cfg.method.kind,
        "edition": cfg.method.edition if cfg.method.kind == "ipcc_tier1" else None,
        "model": cfg.method.model,
        "period": {"start_year": cfg.project.start_year, "end_year": cfg.project.end_year,
                   "years": cfg.project.end_year - cfg.project.start_year},
        "area_ha": sum(f.area_ha for f in cfg.fields),
        "draws": n,
        "seed": seed,
        "c_to_co2": c_to_co2,
        "thresholds_t_ha": thresholds,
        "scenarios": {},
    }
    for sc_name, per_field in sink_draws.items():
        fields_out = {}
        totals: dict[str, np.ndarray] = {}
        for fid, d in per_field.items():
            fields_out[fid] = _quantities(d)
            for k, v in d.items():
                if k != "sink_yearly_t_c":
                    totals[k] = totals.get(k, 0) + v
        total = _quantities(totals)
        if cfg.uncertainty.vm0042_deduction:
            s = totals["total_sink_t_co2e"]
            se = float(np.std(s, ddof=1)) if len(s) > 1 else 0.0
            total["vm0042_deduction"] = _jsonable(vm0042_deduction(float(np.mean(s)), se))
        out["scenarios"][sc_name] = {"fields": fields_out, "total": total}
    return out


def _quantities(d: dict[str, np.ndarray]) -> dict[str, Any]:
    out = {}
    for k in sorted(d):
        if k == "sink_yearly_t_c":
            continue
        s = stats(d[k], "x")
        out[k] = {name.removeprefix("x_"): v for name, v in s.items()}
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


def _dist_json(dist: Any) -> Any:
    return _jsonable(dist)


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


__all__ = ["FieldRun", "ProjectResult", "run_project", "stats", "override_for", "field_thresholds", "PERCENTILES"]
