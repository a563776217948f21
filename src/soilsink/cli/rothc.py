"""CLI: ``soilsink rothc`` – a drop-in for the official RothC program (RothC 2.0.0 input files)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from soilsink.cli._app import app
from soilsink.cli._common import friendly_errors, out_console

sub = typer.Typer(
    help="RothC, identical to the official Rothamsted RothC 2.0.0: run official input files.",
    no_args_is_help=True,
)
app.add_typer(sub, name="rothc")


class Equilibrium(StrEnum):
    exact = "exact"
    spinup = "spinup"


_EQ_HELP = ("How to reach the equilibrium of rows 1-12: 'exact' solves the periodic steady state; "
            "'spinup' repeats the official loop (1e-6 t C/ha yearly change).")


@sub.command("run")
@friendly_errors
def run(
    input_file: Annotated[Path, typer.Argument(help="Official RothC input file (v2 with option lines, or v1).")],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="Folder for month_results.csv and year_results.csv.")],
    equilibrium: Annotated[Equilibrium, typer.Option("--equilibrium", help=_EQ_HELP)] = Equilibrium.exact,
) -> None:
    """Run an official RothC input file; write month_results.csv and year_results.csv (official columns)."""
    from soilsink.io.atomic import check_output
    from soilsink.models.rothc import read_official_input, run_official, write_results

    for name in ("month_results.csv", "year_results.csv"):  # the files write_results writes
        check_output(outdir / name, kind="csv", inputs=[input_file])
    inp = read_official_input(input_file)
    month, year = run_official(inp, equilibrium=equilibrium.value)
    paths = write_results(month, year, outdir)
    eq = year.iloc[0]
    how = f"spin-up of {int(eq['Month'])} months" if equilibrium is Equilibrium.spinup else "exact solve"
    out_console.print(
        f"RothC: {len(month)} months after the equilibrium ({how}); equilibrium SOC "
        f"{eq['SOC_t_C_ha']:.4f} t C/ha, final SOC {month['SOC_t_C_ha'].iloc[-1]:.4f} t C/ha"
    )
    for p in paths:
        out_console.print(f"wrote {p}")


@sub.command("equilibrium")
@friendly_errors
def equilibrium_cmd(
    input_file: Annotated[Path, typer.Argument(help="Official RothC input file (v2 or v1).")],
    equilibrium: Annotated[Equilibrium, typer.Option("--equilibrium", help=_EQ_HELP)] = Equilibrium.exact,
) -> None:
    """Print the equilibrium pools (t C/ha) and delta14C under rows 1-12 of an input file."""
    from soilsink.models.rothc import read_official_input, run_official

    inp = read_official_input(input_file)
    inp.data = inp.data.iloc[:12]
    inp.nsteps = 12
    _, year = run_official(inp, equilibrium=equilibrium.value)
    row = year.iloc[0]
    out_console.print("pool,value")
    for col in year.columns[2:]:
        out_console.print(f"{col},{float(row[col])!r}")
    if equilibrium is Equilibrium.spinup:
        out_console.print(f"spinup_months,{int(row['Month'])}")
