"""The root typer application and the ``--version`` option."""

from __future__ import annotations

import typer

import soilsink

app = typer.Typer(
    name="soilsink",
    help="Soil organic carbon sink accounting: stocks, stable carbon and thresholds, "
    "SOM-balance models, IPCC and model-based accounting, from plots to nations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"soilsink {soilsink.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Soil organic carbon sink accounting."""
