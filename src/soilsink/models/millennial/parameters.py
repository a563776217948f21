"""Millennial v2 parameters with their sources, read from ``data/millennial/parameters_v2.csv``.

``value`` is the calibrated set of the official code (``soilpara_in_fit.txt`` of
rabramoff/Millennial; Abramoff et al. 2022 Table A1), ``prior`` the set before calibration
(``soilpara_in_default.txt``); see ``SOURCE.md`` beside the data file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from soilsink.data import data_path


@dataclass(frozen=True)
class Parameter:
    """One Millennial parameter: calibrated value, prior value, unit, equation and source."""

    name: str
    value: float
    prior: float
    unit: str
    equation: str
    description: str
    source: str


@lru_cache(maxsize=1)
def parameter_table() -> dict[str, Parameter]:
    """Every parameter by name (read once)."""
    with open(data_path("millennial", "parameters_v2.csv"), newline="", encoding="utf-8") as fh:
        return {r["name"]: Parameter(name=r["name"], value=float(r["value"]),
                                     prior=float(r["prior"]), unit=r["unit"],
                                     equation=r["equation"], description=r["description"],
                                     source=r["source"])
                for r in csv.DictReader(fh)}


def default_values() -> dict[str, float]:
    """``{name: calibrated value}``."""
    return {name: p.value for name, p in parameter_table().items()}
