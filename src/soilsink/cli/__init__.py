"""The ``soilsink`` command-line interface (typer).

Each command lives in its own module; heavy imports happen inside the command functions so
that ``soilsink --help`` stays fast.
"""

from __future__ import annotations

from soilsink.cli import account, demo, design, grid, rothc, stable, stocks, threshold  # noqa: F401  (register)
from soilsink.cli._app import app


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
