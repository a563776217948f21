"""CLI: ``soilsink threshold`` (thresholds per soil type) and ``soilsink potential`` (sink potential).

See docs/threshold.md for the science, the inputs and every output column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from soilsink.cli._app import app
from soilsink.cli._common import friendly_errors, out_console


def _load_sites(path: Path, depth: str, by: list[str]):
    """Read SITES: a horizons table (stocks computed over ``depth``) or a site table."""
    from soilsink.cli._common import parse_depth
    from soilsink.io.tables import read_table
    from soilsink.threshold.sites import looks_like_horizons, sites_from_horizons, validate_sites

    top, bottom = parse_depth(depth)
    raw = read_table(path)
    if looks_like_horizons(raw):
        from soilsink.io.horizons import validate_horizons

        horizons = validate_horizons(raw, source=str(path))
        sites = sites_from_horizons(horizons, top, bottom, source=str(path))
        return validate_sites(sites, str(path), by=by)
    return validate_sites(raw, str(path), by=by)


def _write_csv(df, output: Path) -> None:
    from soilsink.io.atomic import atomic_write

    with atomic_write(output, newline="") as fh:
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
    result = None
    if method in ("empirical", "both"):
        table = _load_sites(sites, depth, groups)
        result = empirical_thresholds(table, by=groups, stat=stat, min_n=min_n, seed=seed, n_boot=n_boot,
                                      source=str(sites))
    if method in ("model", "both"):
        from soilsink.io.tables import read_table
        from soilsink.threshold.model import beside, model_thresholds

        modelled = model_thresholds(read_table(model_inputs), groups, model, source=str(model_inputs))
        result = modelled if result is None else beside(result, modelled, groups)
    _write_csv(result, output)
    n_few = int((result["flag"] != "ok").sum())
    out_console.print(f"wrote {len(result)} group(s) to {output} ({n_few} flagged too_few/no_reference)")


@app.command("potential")
@friendly_errors
def potential_command(
    sites: Annotated[Path, typer.Argument(help="Horizons table or site table (as for `soilsink threshold`).")],
    thresholds: Annotated[Path, typer.Option("--thresholds", help="CSV written by `soilsink threshold`.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output CSV, one row per site.")],
    depth: Annotated[str, typer.Option("--depth", help="Depth interval in cm for a horizons table, TOP-BOTTOM.")] = "0-30",
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
    table = _load_sites(sites, depth, groups)
    result = sink_potential(table, thr, groups, source=str(thresholds))
    _write_csv(result, output)
    n_missing = int((result["status"] == "no_threshold").sum())
    out_console.print(f"wrote {len(result)} site(s) to {output} ({n_missing} without a threshold)")
