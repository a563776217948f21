"""CLI: ``soilsink threshold`` (thresholds per soil type) and ``soilsink potential`` (sink potential).

See docs/threshold.md for the science, the inputs and every output column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from soilsink.cli._app import app
from soilsink.cli._common import friendly_errors, out_console
from soilsink.cli.stable import STABLE_METHOD_HELP


@dataclass(frozen=True)
class _StableOptions:
    """The stable-carbon and ESM options shared by ``threshold`` and ``potential``."""

    method: str = "auto"
    mineralogy: str = "high_activity"
    climate: Path | None = None
    dpm_rpm: float = 1.44
    esm: bool = False
    reference_mass: float | None = None
    esm_method: str = "linear"


StableMethodOpt = Annotated[str, typer.Option("--stable-method", help=STABLE_METHOD_HELP)]
MineralogyOpt = Annotated[str, typer.Option("--mineralogy", help="georgiou_2022: high_activity (0.86) or "
                                            "low_activity (0.48).")]
ClimateOpt = Annotated[Path | None, typer.Option("--climate", help="Monthly climate for --stable-method rothc: "
                                                 "month, temp_c, precip_mm, pet_mm or evap_mm; optional site_id, cover, "
                                                 "dpm_rpm, c_input.")]
DpmRpmOpt = Annotated[float, typer.Option("--dpm-rpm", help="rothc: DPM/RPM of plant inputs where the climate "
                                          "table has none (RothC-26.3: 1.44, 0.67, 0.25).")]
EsmOpt = Annotated[bool, typer.Option("--esm", help="Horizons table: equivalent soil mass instead of fixed depth.")]
RefMassOpt = Annotated[float | None, typer.Option("--reference-mass", help="ESM reference fine-soil mass (t/ha).")]
EsmMethodOpt = Annotated[str, typer.Option("--esm-method", help="ESM interpolation: linear|spline.")]


def _load_sites(path: Path, depth: str, by: list[str], opts: _StableOptions | None = None):
    """Read SITES: a horizons table (stocks computed over ``depth`` or an ESM) or a site table,
    with stable carbon by ``opts.method`` (see :func:`soilsink.stable.sites.site_stable_table`)."""
    from soilsink.cli._common import parse_depth
    from soilsink.cli.stable import (
        check_climate_use,
        esm_reference,
        load_climate,
        read_horizons_extra,
    )
    from soilsink.io.tables import read_table
    from soilsink.threshold.sites import looks_like_horizons, sites_from_horizons, validate_sites

    opts = opts or _StableOptions()
    top, bottom = parse_depth(depth)
    ref = esm_reference(opts.esm, opts.reference_mass, opts.esm_method)
    check_climate_use(opts.method, opts.climate)
    raw = read_table(path)
    if looks_like_horizons(raw):
        horizons = read_horizons_extra(raw, str(path))
        clim = (load_climate(opts.climate, sorted(horizons["site_id"].unique()), opts.dpm_rpm)
                if opts.method == "rothc" else None)
        sites = sites_from_horizons(horizons, top, bottom, source=str(path), stable_method=opts.method,
                                    reference_mass_t_ha=ref, esm_method=opts.esm_method,
                                    mineralogy=opts.mineralogy, climate=clim)
        return validate_sites(sites, str(path), by=by)
    return _site_table_stable(raw, path, by, top, bottom, ref, opts)


def _site_table_stable(raw, path: Path, by: list[str], top: float, bottom: float, ref, opts: _StableOptions):
    """A site table (stocks given): stable carbon from its ``stable_soc_t_ha`` column or RothC."""
    import numpy as np

    from soilsink.cli.stable import load_climate
    from soilsink.io.errors import InputError, Problem
    from soilsink.stable.capacity import CAPACITY_METHODS
    from soilsink.stable.sites import resolve_method
    from soilsink.threshold.sites import validate_sites

    if ref is not None:
        raise InputError(Problem("--esm", "equivalent soil mass needs a horizons table (layers with bulk density)",
                                 value=str(path), allowed="a horizons table, or drop --esm"))
    given = "stable_soc_t_ha" in raw.columns
    method = resolve_method(opts.method, given)
    if method in CAPACITY_METHODS:
        raise InputError(Problem("--stable-method", "capacity equations need a horizons table (texture, bulk "
                                 "density and depth per layer)", value=method, allowed="a horizons table"))
    if method == "measured" and not given:
        raise InputError(Problem(str(path), "stable method 'measured' needs a stable_soc_t_ha column",
                                 allowed="stable_soc_t_ha (t C/ha), or another --stable-method"))
    table = raw.drop(columns=[c for c in ("stable_soc_t_ha", "stable_method") if c in raw.columns]) \
        if method in ("none", "rothc") else raw
    sites = validate_sites(table, str(path), by=by)
    if method == "rothc":
        from soilsink.stable.rothc_sites import rothc_site_stable

        if "clay_pct" not in sites.columns:
            raise InputError(Problem(str(path), "stable method 'rothc' needs a clay_pct column",
                                     column="clay_pct", allowed="clay (%) per site"))
        clay = _numeric(sites["clay_pct"])
        bad = ~((clay >= 0) & (clay <= 100))
        if bad.any():
            i = sites.index[bad][0]
            raise InputError(Problem(str(path), "bad clay content", row=int(sites.at[i, "row"]), column="clay_pct",
                                     value=sites.at[i, "clay_pct"], allowed="0–100 %"))
        clim = load_climate(opts.climate, sites["site_id"], opts.dpm_rpm)
        r = rothc_site_stable(sites.assign(clay_pct=clay, depth_cm=bottom - top), clim)
        sites["stable_soc_t_ha"] = r["stable_soc_t_ha"].to_numpy()
        sites["stable_method"] = r["stable_method"].to_numpy()
    elif method == "measured" and "stable_method" not in sites.columns:
        sites["stable_method"] = np.where(sites["stable_soc_t_ha"].notna(), "given", "none")
    return sites


def _numeric(values):
    import pandas as pd

    return pd.to_numeric(values, errors="coerce").astype(float)


def _write_csv(df, output: Path, inputs) -> None:
    from soilsink.io.atomic import atomic_write

    with atomic_write(output, newline="", kind="csv", inputs=inputs) as fh:
        df.to_csv(fh, index=False)


def _split_by(by: str) -> list[str]:
    from soilsink.io.errors import InputError, Problem

    cols = [c.strip() for c in by.split(",") if c.strip()]
    if not cols:
        raise InputError(Problem("--by", "give at least one column", value=by, allowed="e.g. soil_type,climate_zone"))
    return cols


@app.command("threshold")
@friendly_errors
def threshold_command(
    sites: Annotated[Path, typer.Argument(help="Horizons table (stocks computed first) or site table "
                                          "(site_id, soil_type, land_use, soc_stock_t_ha[, stable_soc_t_ha]); CSV, Parquet or Excel.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output CSV, one row per group.")],
    by: Annotated[str, typer.Option("--by", help="Group columns, comma-separated, e.g. soil_type,climate_zone.")] = "soil_type",
    stat: Annotated[str, typer.Option("--stat", help="median, mean or pNN (percentile, e.g. p90).")] = "median",
    depth: Annotated[str, typer.Option("--depth", help="Depth interval in cm for a horizons table, TOP-BOTTOM.")] = "0-30",
    min_n: Annotated[int, typer.Option("--min-n", help="Groups with fewer reference sites are flagged too_few.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap (results are reproducible).")] = 0,
    n_boot: Annotated[int, typer.Option("--n-boot", help="Bootstrap resamples for the 95 % interval.")] = 2000,
    method: Annotated[str, typer.Option("--method", help="empirical (natural sites), model (equilibrium of a "
                                        "SOM balance under natural inputs) or both (model beside empirical).")] = "empirical",
    model: Annotated[str, typer.Option("--model", help="Model for --method model/both: henin_dupuis or rothc.")] = "henin_dupuis",
    model_inputs: Annotated[Path | None, typer.Option("--model-inputs", help="Per-group natural inputs and "
                                                      "parameters for the model (see docs/threshold.md).")] = None,
    stable_method: StableMethodOpt = "auto",
    mineralogy: MineralogyOpt = "high_activity",
    climate: ClimateOpt = None,
    dpm_rpm: DpmRpmOpt = 1.44,
    esm: EsmOpt = False,
    reference_mass: RefMassOpt = None,
    esm_method: EsmMethodOpt = "linear",
) -> None:
    """Thresholds per soil type from natural reference sites (statistic + bootstrap 95 % CI),
    or from a model equilibrium under natural inputs (--method model|both)."""
    from soilsink.io.errors import InputError, Problem
    from soilsink.threshold.empirical import empirical_thresholds

    groups = _split_by(by)
    if method not in ("empirical", "model", "both"):
        raise InputError(Problem("--method", "unknown method", value=method, allowed="empirical, model, both"))
    if method != "empirical" and model_inputs is None:
        raise InputError(Problem("--model-inputs", f"--method {method} needs the natural inputs per group",
                                 allowed="a table, see docs/threshold.md"))
    from soilsink.stable.capacity import CAPACITY_METHODS

    if stable_method in CAPACITY_METHODS:
        raise InputError(Problem("--stable-method", "a capacity equation gives each site's MAOC capacity, not the "
                                 "stable carbon it holds, so it cannot make a stable-carbon threshold",
                                 value=stable_method, allowed="measured, rothc, none (capacity and saturation "
                                 "deficit: `soilsink stable` or `soilsink potential --stable-method " + stable_method + "`)"))
    opts = _StableOptions(stable_method, mineralogy, climate, dpm_rpm, esm, reference_mass, esm_method)
    result = None
    if method in ("empirical", "both"):
        table = _load_sites(sites, depth, groups, opts)
        result = empirical_thresholds(table, by=groups, stat=stat, min_n=min_n, seed=seed, n_boot=n_boot,
                                      source=str(sites))
    if method in ("model", "both"):
        from soilsink.io.tables import read_table
        from soilsink.threshold.model import beside, model_thresholds

        modelled = model_thresholds(read_table(model_inputs), groups, model, source=str(model_inputs))
        result = modelled if result is None else beside(result, modelled, groups)
    result = _name_stable_method(result)
    _write_csv(result, output, (sites, climate, model_inputs))
    n_few = int((result["flag"] != "ok").sum())
    out_console.print(f"wrote {len(result)} group(s) to {output} ({n_few} flagged too_few/no_reference)")


#: The stable part of a model threshold (``method`` of a model row -> ``stable_method``).
MODEL_STABLE_METHOD = {"model_rothc": "rothc_hum_iom", "model_henin_dupuis": "henin_dupuis_humified"}


def _name_stable_method(result):
    """Every threshold row names how its stable threshold was obtained (``none`` when it has none)."""
    out = result.copy()
    if "stable_method" not in out.columns:
        out.insert(list(out.columns).index("stat"), "stable_method", "none")
    model_rows = out["method"].isin(list(MODEL_STABLE_METHOD))
    out.loc[model_rows, "stable_method"] = out.loc[model_rows, "method"].map(MODEL_STABLE_METHOD)
    out["stable_method"] = out["stable_method"].fillna("none").replace("", "none")
    return out


def _with_stable_columns(result, sites):
    """Every potential row names its stable method; capacity methods add the site's MAOC capacity."""
    out = result.copy()
    if "stable_method" not in out.columns:
        pos = list(out.columns).index("status") if "status" in out.columns else len(out.columns)
        out.insert(pos, "stable_method", "none")
    if "capacity_method" in sites.columns:
        cap = sites.set_index("site_id")
        out["capacity_method"] = out["site_id"].map(cap["capacity_method"])
        out["maoc_capacity_t_ha"] = out["site_id"].map(cap["maoc_capacity_t_ha"]).astype(float)
        out["maoc_saturation_deficit_t_ha"] = out["site_id"].map(cap["saturation_deficit_t_ha"]).astype(float)
        out["maoc_saturation_ratio"] = out["site_id"].map(cap["saturation_ratio"]).astype(float)
    return out


@app.command("potential")
@friendly_errors
def potential_command(
    sites: Annotated[Path, typer.Argument(help="Horizons table or site table (as for `soilsink threshold`).")],
    thresholds: Annotated[Path, typer.Option("--thresholds", help="CSV written by `soilsink threshold`.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output CSV, one row per site.")],
    depth: Annotated[str, typer.Option("--depth", help="Depth interval in cm for a horizons table, TOP-BOTTOM.")] = "0-30",
    stable_method: StableMethodOpt = "auto",
    mineralogy: MineralogyOpt = "high_activity",
    climate: ClimateOpt = None,
    dpm_rpm: DpmRpmOpt = 1.44,
    esm: EsmOpt = False,
    reference_mass: RefMassOpt = None,
    esm_method: EsmMethodOpt = "linear",
) -> None:
    """Sink potential per site: max(0, threshold - current) and the saturation ratio."""
    from soilsink.io.errors import InputError, Problem
    from soilsink.io.tables import read_table
    from soilsink.threshold.potential import group_columns, sink_potential

    thr = read_table(thresholds)
    if "threshold_soc_t_ha" not in thr.columns:
        raise InputError(Problem(str(thresholds), "not a thresholds table: missing column threshold_soc_t_ha",
                                 allowed="the CSV written by `soilsink threshold`"))
    groups = group_columns(thr)
    if not groups:
        raise InputError(Problem(str(thresholds), "the thresholds table has no group column", allowed="e.g. soil_type"))
    opts = _StableOptions(stable_method, mineralogy, climate, dpm_rpm, esm, reference_mass, esm_method)
    table = _load_sites(sites, depth, groups, opts)
    result = sink_potential(table, thr, groups, source=str(thresholds))
    result = _with_stable_columns(result, table)
    _write_csv(result, output, (sites, thresholds, climate))
    n_missing = int((result["status"] == "no_threshold").sum())
    out_console.print(f"wrote {len(result)} site(s) to {output} ({n_missing} without a threshold)")
