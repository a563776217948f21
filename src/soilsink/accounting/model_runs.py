"""Model-based (Tier 3) scenarios of a project: one SOM-balance run per field, cells = Monte Carlo draws.

Initialisation (:func:`soilsink.accounting.model_based.run_model_scenarios`): each field is taken
at steady state under its pre-project (baseline, first step) management at its measured stock;
the model's inverse solution gives that input A0. Every scenario's annual input is then

    A(t) = A0 × (input_scenario(t) / input_baseline(start)) × m_scenario

with input = plant C input + manure C (t C/ha/yr, from the project file) and ``m`` a multiplier
drawn per draw (parameter ``c_input``; constant 1 unless the project file declares a
distribution; the baseline keeps m = 1 because A0 is calibrated to the measured stock). Using
ratios keeps the model consistent with the measured stock while the project file states inputs
in absolute terms. Manure is added to the plant input (one input stream); ICBM's separate
manure pool and RothC's FYM input are not used here. RothC gets the field's clay, monthly
climate and ``depth_cm``; ``cover_months`` are recorded but not passed to the engines (one model
per field serves every scenario; RothC keeps its default cover).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from soilsink.accounting.project import ProjectConfig
from soilsink.io.errors import InputError, Problem


def _inputs_by_year(cfg: ProjectConfig, scenario) -> np.ndarray:
    """Total C input (plant + manure, t C/ha/yr) of each year of the period (length n_years)."""
    years = range(cfg.project.start_year, cfg.project.end_year)
    out = []
    for y in years:
        m = scenario.step_for_year(y)
        out.append((m.plant_c_input_t_ha_yr() or 0.0) + m.manure_c_t_ha_yr)
    return np.asarray(out, dtype=float)


def _clay(cfg: ProjectConfig) -> dict[str, float | None]:
    from soilsink.accounting.runner import read_horizons_once
    from soilsink.stocks import site_attributes

    out: dict[str, float | None] = {}
    cache: dict[Any, Any] = {}
    for f in cfg.fields:
        if f.soil.clay_pct is not None or f.soil.horizons is None:
            out[f.id] = f.soil.clay_pct
            continue
        if f.soil.horizons not in cache:
            cache[f.soil.horizons] = site_attributes(read_horizons_once(f.soil.horizons), 0.0,
                                                     cfg.method.depth_cm).set_index("site_id")
        attrs = cache[f.soil.horizons]
        clay = attrs["clay_pct"].get(f.soil.site_id) if "clay_pct" in attrs else None
        out[f.id] = None if clay is None or not np.isfinite(clay) else float(clay)
    return out


def _climate(f) -> dict[str, list[float]] | None:
    if f.climate is None:
        return None
    if f.climate.table is not None:
        from soilsink.io.tables import read_table

        t = read_table(f.climate.table)
        cols = ("month", "temp_c", "precip_mm", "pet_mm")
        missing = [c for c in cols if c not in t.columns]
        if missing:
            raise InputError(Problem(str(f.climate.table), f"missing column(s): {', '.join(missing)}",
                                     allowed="a monthly climate table with month, temp_c, precip_mm, pet_mm"))
        t = t.assign(month=pd.to_numeric(t["month"], errors="coerce")).sort_values("month")
        if t["month"].tolist() != list(range(1, 13)):
            raise InputError(Problem(str(f.climate.table), "needs one row per month 1-12", column="month",
                                     value=t["month"].tolist(), allowed="months 1..12, once each"))
        out = {}
        for k in cols[1:]:
            v = pd.to_numeric(t[k], errors="coerce")
            if v.isna().any():
                bad = v[v.isna()].index[0]  # original row position (header = row 1)
                raise InputError(Problem(str(f.climate.table), "not a number", row=int(bad) + 2, column=k,
                                         value=t.at[bad, k], allowed="a number"))
            out[k] = v.astype(float).tolist()
        return out
    return {"temp_c": list(f.climate.temp_c), "precip_mm": list(f.climate.precip_mm),
            "pet_mm": list(f.climate.pet_mm)}


def model_plan(cfg: ProjectConfig, measured: dict[str, tuple[float, float | None]],
               override_for: Callable, validate_dist: Callable):
    """(specs, compute) for :func:`soilsink.accounting.runner.run_project`."""
    from soilsink.accounting.model_based import run_model_scenarios
    from soilsink.accounting.uncertainty import Constant, Normal

    where = str(cfg.source_file or "<project>")
    specs: dict[str, Any] = {}
    start_key: dict[str, str] = {}
    mult_key: dict[tuple[str, str], str] = {}
    ratios: dict[str, np.ndarray] = {}
    base_start = _inputs_by_year(cfg, cfg.baseline)[0]
    if base_start <= 0:
        raise InputError(Problem(where, "key 'scenarios' (baseline, first step): the baseline needs a C input > 0 "
                                 "to initialise the model", value=base_start, allowed="> 0 t C/ha/yr"))
    for sc in cfg.scenarios:
        ratios[sc.name] = _inputs_by_year(cfg, sc) / base_start
    for f in cfg.fields:
        value, se = measured[f.id]
        key, dist = f"soc_start|{f.id}", (Normal(mean=value, sd=se) if se else Constant(value=value))
        ov = override_for(cfg, "soc_start", f.id, None)
        if ov is not None:
            key, dist = f"override|{ov[0]}", validate_dist(cfg, *ov)
        specs[key] = dist
        start_key[f.id] = key
        for sc in cfg.scenarios:
            if sc.role == "baseline":
                continue
            ov = override_for(cfg, "c_input", f.id, sc.name)
            if ov is None:
                key, dist = "c_input|const1", Constant(value=1.0)
            else:
                key, dist = f"override|{ov[0]}", validate_dist(cfg, *ov)
            specs.setdefault(key, dist)
            mult_key[(f.id, sc.name)] = key
    name = cfg.method.model
    clay = _clay(cfg)
    climates: dict[str, Any] = {}
    if name == "rothc":
        problems = [Problem(where, f"key 'fields[{i}].soil.clay_pct': RothC needs the clay content",
                            allowed="soil.clay_pct (%) or a clay_pct column in the horizons table")
                    for i, f in enumerate(cfg.fields) if clay[f.id] is None]
        if problems:
            raise InputError(problems)
        climates = {f.id: _climate(f) for f in cfg.fields}
    years = cfg.project.end_year - cfg.project.start_year
    source = f"{name} model, parameters: {cfg.method.parameters or 'defaults'}"
    if cfg.method.parameters_source:
        source += f" ({cfg.method.parameters_source})"

    def compute(draws: dict[str, np.ndarray]):
        from soilsink.accounting.runner import FieldRun

        runs = []
        for f in cfg.fields:
            s0 = draws[start_key[f.id]]
            scen = {}
            for sc in cfg.scenarios:
                factor = ratios[sc.name][:, None] * np.ones((1, s0.shape[0]))
                if sc.role != "baseline":
                    factor = factor * draws[mult_key[(f.id, sc.name)]][None, :]
                scen[sc.name] = {"factor": factor}
            kwargs: dict[str, Any] = {"model_params": dict(cfg.method.parameters)}
            if name == "rothc":
                kwargs["clay_pct"] = clay[f.id]
                kwargs["climate"] = climates[f.id]
                kwargs["model_params"].setdefault("depth_cm", cfg.method.depth_cm)
            res = run_model_scenarios(name, s0, scenarios=scen, years=years, **kwargs)
            for sc in cfg.scenarios:
                r = res.runs[sc.name]
                runs.append(FieldRun(f.id, sc.name, sc.role, np.asarray(r.soc_t_ha, float),
                                     np.asarray(r.stable_soc_t_ha, float), [source]))
        return runs

    return specs, compute, {}
