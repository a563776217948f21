"""CLI: ``soilsink grid run`` (GSOCseq-style sequestration potential on rasters, on Dask) and
``soilsink grid example`` (a synthetic example grid with its CONFIG.toml)."""

from __future__ import annotations

from pathlib import Path

import typer

from soilsink.cli._app import app
from soilsink.cli._common import err_console, friendly_errors, out_console

sub = typer.Typer(
    help="Gridded workflow: sequestration potential per cell (GSOCseq recipe, threshold cap), "
    "zonal totals, on a laptop or a Dask cluster.",
    no_args_is_help=True,
)
app.add_typer(sub, name="grid")


@sub.command("run")
@friendly_errors
def run(
    config: Path = typer.Argument(..., help="CONFIG.toml naming the rasters and scenario settings."),
    outdir: Path = typer.Option(..., "-o", "--outdir", help="Output folder (results.nc, zonal.csv)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Address of an existing Dask scheduler (tcp://HOST:PORT), or 'synchronous'."
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Worker processes of the local Dask cluster (default: CPU count)."
    ),
    geotiff: bool = typer.Option(False, "--geotiff", help="Also write every output as a GeoTIFF."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Run the sequestration-potential workflow on the grid of CONFIG.toml."""
    if scheduler and workers:
        raise typer.BadParameter("give --scheduler or --workers, not both")
    from soilsink.spatial.config import load_config
    from soilsink.spatial.run import run_grid

    cfg = load_config(config)
    out = run_grid(cfg, outdir, scheduler=scheduler, workers=workers, progress=not quiet, geotiff=geotiff)
    if not quiet:
        err_console.print("")
    out_console.print(f"wrote {out / 'results.nc'}" + (f" and {out / 'zonal.csv'}" if cfg.zonal else ""))


@sub.command("example")
@friendly_errors
def example(
    directory: Path = typer.Argument(..., help="Folder to write the example into."),
    cells: int = typer.Option(400, "--cells", min=4, help="Approximate number of grid cells."),
    years: int = typer.Option(20, "--years", min=1, max=100, help="Warm-up years of monthly climate."),
) -> None:
    """Write a synthetic example grid (rasters, thresholds, regions, CONFIG.toml)."""
    from soilsink.spatial.example import write_example

    cfg = write_example(directory, cells, warmup_years=years)
    out_console.print(f"wrote {cfg}; try: soilsink grid run {cfg} -o OUTDIR")
