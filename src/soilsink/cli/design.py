"""CLI: ``soilsink design``: strata, sample size, Neyman allocation and BAS locations for a project."""

from __future__ import annotations

from pathlib import Path

import typer

from soilsink.cli._app import app
from soilsink.cli._common import friendly_errors, out_console


def _paths(values: list[str]) -> tuple[Path, ...]:
    return tuple(Path(p.strip()) for v in values for p in v.split(",") if p.strip())


@app.command("design")
@friendly_errors
def design_command(
    polygons: Path = typer.Argument(..., help="Project (and control) polygons: GeoPackage, GeoJSON, Shapefile."),
    output: Path = typer.Option(..., "-o", "--output", help="Output GeoPackage (.gpkg); the HTML report "
                                "is written beside it with the suffix .html (both replace earlier "
                                "outputs of the same kind, never an input)."),
    seed: int = typer.Option(..., "--seed", help="Random seed: the same seed gives the same points."),
    layer: str | None = typer.Option(None, "--layer", help="Layer of the polygon file (default: the first)."),
    strata_column: str | None = typer.Option(None, "--strata-column", help="Polygon attribute naming the strata."),
    kmeans: int | None = typer.Option(None, "--kmeans", help="Build K strata by k-means on --covariates."),
    covariates: list[str] = typer.Option([], "--covariates", help="Covariate rasters for k-means "
                                         "(comma-separated, or the option repeated)."),
    cell_size: float | None = typer.Option(None, "--cell-size", help="k-means grid cell size in m "
                                           "(default: about 20,000 cells over the project)."),
    role_column: str | None = typer.Option(None, "--role-column", help="Polygon attribute with 'project' "
                                           "or 'control' on each feature."),
    target_precision: float | None = typer.Option(None, "--target-precision", help="Target half-width of "
                                                  "the confidence interval, % of the mean."),
    confidence: float = typer.Option(0.90, "--confidence", help="Confidence of that interval."),
    mdd: float | None = typer.Option(None, "--mdd", help="Target minimum detectable difference, t C/ha."),
    power: float = typer.Option(0.80, "--power", help="Power of the test for --mdd."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level of the test for --mdd."),
    test: str = typer.Option("paired", "--test", help="paired (remeasured locations) or two-sample "
                             "(project against control)."),
    one_sided: bool = typer.Option(False, "--one-sided", help="One-sided test (default two-sided)."),
    cv: float | None = typer.Option(None, "--cv", help="Prior coefficient of variation (fraction, e.g. 0.3)."),
    mean: float | None = typer.Option(None, "--mean", help="Prior mean stock, t C/ha (with --cv, for --mdd)."),
    pilot: Path | None = typer.Option(None, "--pilot", help="Pilot table: soc_stock_t_ha or change_t_ha, "
                                      "with stratum or x, y (or lon, lat)."),
    pilot_column: str | None = typer.Option(None, "--pilot-column", help="soc_stock_t_ha or change_t_ha."),
    correlation: float = typer.Option(0.0, "--correlation", help="Correlation of two measurements of a "
                                      "location (paired --mdd from a stock prior)."),
    controls: int = typer.Option(0, "--controls", help="Control points per stratum (in control polygons)."),
    reserve: int = typer.Option(0, "--reserve", help="Reserve points per stratum and role."),
    min_per_stratum: int = typer.Option(2, "--min-per-stratum", help="Fewest samples per stratum (>= 2)."),
    normal: bool = typer.Option(False, "--normal", help="Normal instead of Student t quantiles."),
) -> None:
    """Sampling design: strata, sample size for a target, Neyman allocation, BAS locations, report."""
    from soilsink.io.atomic import atomic_write, check_output
    from soilsink.io.errors import InputError, Problem
    from soilsink.mrv.design import DesignSpec, run_design
    from soilsink.mrv.output import write_geopackage
    from soilsink.report.design_report import render_design_report

    if output.suffix.lower() != ".gpkg":
        raise InputError(Problem(str(output), "the output must be a GeoPackage", value=output.suffix,
                                 allowed=".gpkg"))
    report = output.with_suffix(".html")
    inputs = (polygons, pilot, *_paths(covariates))
    check_output(output, kind="geopackage", inputs=inputs)
    check_output(report, kind="html", inputs=inputs)
    if test not in ("paired", "two-sample"):
        raise InputError(Problem("--test", "unknown test", value=test, allowed="paired, two-sample"))
    if (target_precision is None) == (mdd is None):
        raise InputError(Problem("--target-precision/--mdd", "give exactly one target",
                                 allowed="--target-precision PCT or --mdd T_HA"))
    spec = DesignSpec(
        polygons=polygons, layer=layer, seed=seed, strata_column=strata_column, role_column=role_column,
        kmeans=kmeans, covariates=_paths(covariates), cell_size_m=cell_size,
        target="precision" if target_precision is not None else "mdd", precision_pct=target_precision,
        confidence=confidence, mdd_t_ha=mdd, power=power, alpha=alpha, test=test,
        alternative="one-sided" if one_sided else "two-sided", cv=cv, mean_t_ha=mean, pilot=pilot,
        pilot_column=pilot_column, correlation=correlation, controls=controls, reserve=reserve,
        minimum_per_stratum=min_per_stratum, quantile="normal" if normal else "t",
    )
    design = run_design(spec)
    html = render_design_report(design)
    write_geopackage(design, output, inputs=inputs)
    with atomic_write(report, kind="html", inputs=inputs) as fh:
        fh.write(html)
    size = design.size
    h = len(design.strata.names)
    out_console.print(f"{size.n} sampling locations in {h} {'stratum' if h == 1 else 'strata'} "
                      f"(n_h = {', '.join(map(str, size.n_h))})"
                      + (f", {sum(design.controls_h)} controls" if sum(design.controls_h) else "")
                      + f"; wrote {output} and {report}")
