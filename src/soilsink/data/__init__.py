"""Embedded data with their sources: demo profiles, IPCC tables, model parameters.

Each data folder holds a ``SOURCE.md`` (or a ``source`` column) recording where every number
came from, its citation and licence.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_path(*parts: str) -> Path:
    """Path of an embedded data file, e.g. ``data_path("demo", "horizons.csv")``."""
    return Path(str(resources.files("soilsink.data").joinpath(*parts)))


def demo_horizons_path() -> Path:
    """The embedded demo horizons table (see ``data/demo/SOURCE.md``)."""
    return data_path("demo", "horizons.csv")


__all__ = ["data_path", "demo_horizons_path"]
