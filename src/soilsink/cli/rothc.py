"""CLI: placeholder sub-application, owned by the helper that builds it (replace wholesale)."""

from __future__ import annotations

import typer

from soilsink.cli._app import app

sub = typer.Typer(help="(under construction)", no_args_is_help=True)
app.add_typer(sub, name="rothc")
