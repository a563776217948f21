"""CLI: ``soilsink grid run`` (GSOCseq-style sequestration potential on rasters, on Dask) and
``soilsink grid example`` (a synthetic example grid with its CONFIG.toml)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    config: Annotated[Path, typer.Argument(help="CONFIG.toml naming the rasters and scenario settings.")],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="Output folder (results.nc, zonal.csv): new, empty, "
                                          "or one an earlier run wrote.")],
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Address of an existing Dask scheduler (tcp://HOST:PORT), or 'synchronous'.")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="Worker processes of the local Dask cluster (default: CPU count).")] = None,
    geotiff: Annotated[bool, typer.Option("--geotiff", help="Also write every output as a GeoTIFF.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run the sequestration-potential workflow on the grid of CONFIG.toml."""
    if scheduler and workers:
        raise typer.BadParameter("give --scheduler or --workers, not both")
    from soilsink.io.atomic import check_output_dir
    from soilsink.spatial.config import load_config
    from soilsink.spatial.run import OUTPUT_NAMES, run_grid

    cfg = load_config(config)
    check_output_dir(outdir, kind="grid", owned=OUTPUT_NAMES, inputs=[config, *cfg.input_files()])
    try:
        out = run_grid(cfg, outdir, scheduler=scheduler, workers=workers, progress=not quiet, geotiff=geotiff)
    except ImportError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", markup=True)
        raise typer.Exit(1) from None
    if not quiet:
        err_console.print("")
    out_console.print(f"wrote {out / 'results.nc'}" + (f" and {out / 'zonal.csv'}" if cfg.zonal else ""))


@sub.command("example")
@friendly_errors
def example(
    directory: Annotated[Path, typer.Argument(help="Folder to write the example into (new, empty, or an "
                                              "earlier example).")],
    cells: Annotated[int, typer.Option("--cells", min=4, help="Approximate number of grid cells.")] = 400,
    years: Annotated[int, typer.Option("--years", min=1, max=100, help="Warm-up years of monthly climate.")] = 20,
) -> None:
    """Write a synthetic example grid (rasters, thresholds, regions, CONFIG.toml)."""
    from soilsink.spatial.example import write_example

    cfg = write_example(directory, cells, warmup_years=years)
    out_console.print(f"wrote {cfg}; try: soilsink grid run {cfg} -o OUTDIR")
