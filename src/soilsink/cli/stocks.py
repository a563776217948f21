"""CLI: ``soilsink stocks``: SOC stocks per site at a fixed depth or an equivalent soil mass."""

from __future__ import annotations

from pathlib import Path

import typer

from soilsink.cli._app import app
from soilsink.cli._common import friendly_errors, out_console, parse_depth


@app.command("stocks")
@friendly_errors
def stocks_command(
    horizons: Path = typer.Argument(..., help="Horizons table (CSV, Parquet or Excel)."),
    output: Path = typer.Option(..., "-o", "--output", help="Output CSV, one row per site."),
    depth: str = typer.Option("0-30", "--depth", help="Depth interval TOP-BOTTOM in cm."),
    esm: bool = typer.Option(False, "--esm", help="Equivalent soil mass instead of fixed depth."),
    reference_mass: float | None = typer.Option(
        None, "--reference-mass", help="ESM reference fine-soil mass (t/ha) for every site."),
    reference: Path | None = typer.Option(
        None, "--reference", help="ESM: baseline horizons table; per site, the mass of its "
        "fixed-depth interval (--depth) is the reference."),
    esm_method: str = typer.Option("linear", "--esm-method", help="ESM interpolation: linear|spline."),
    som_factor: float = typer.Option(0.58, "--som-factor",
                                     help="SOM to SOC factor for som_pct (van Bemmelen 0.58)."),
    ptf: str = typer.Option("manrique_jones_1991", "--ptf",
                            help="Bulk-density pedotransfer function where BD is missing."),
) -> None:
    """SOC stocks (t C/ha) per site: fixed depth (default 0-30 cm) or equivalent soil mass."""
    from soilsink.io.atomic import atomic_write, check_output
    from soilsink.io.errors import InputError, Problem
    from soilsink.io.horizons import read_horizons
    from soilsink.stocks import ESM_METHODS, esm_stocks, fixed_depth_stocks, reference_masses

    inputs = (horizons, reference)
    check_output(output, kind="csv", inputs=inputs)
    top, bottom = parse_depth(depth)
    if esm_method not in ESM_METHODS:
        raise InputError(Problem("--esm-method", "unknown ESM method", value=esm_method,
                                 allowed=", ".join(ESM_METHODS)))
    if not esm and (reference_mass is not None or reference is not None):
        raise InputError(Problem("--reference-mass/--reference", "given without --esm",
                                 allowed="add --esm, or drop the reference"))
    if esm and (reference_mass is None) == (reference is None):
        raise InputError(Problem("--esm", "needs exactly one reference",
                                 allowed="--reference-mass T_HA or --reference BASELINE"))
    if reference_mass is not None and not reference_mass > 0:
        raise InputError(Problem("--reference-mass", "must be positive", value=reference_mass,
                                 allowed="> 0 t/ha"))
    h = read_horizons(horizons, som_factor=som_factor, ptf=ptf)
    if not esm:
        table = fixed_depth_stocks(h, top, bottom)
    else:
        if reference is not None:
            ref = reference_masses(read_horizons(reference, som_factor=som_factor, ptf=ptf),
                                   top, bottom)
        else:
            ref = float(reference_mass)  # type: ignore[arg-type]
        table = esm_stocks(h, ref, method=esm_method)
    with atomic_write(output, newline="", kind="csv", inputs=inputs) as fh:
        table.to_csv(fh, index=False, float_format="%.10g")
    failed = table["soc_stock_t_ha"].isna().sum()
    out_console.print(f"wrote {len(table)} site(s) to {output}"
                      + (f" ({failed} without a stock: see the note column)" if failed else ""))
