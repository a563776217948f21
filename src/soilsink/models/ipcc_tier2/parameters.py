"""Default parameters of the IPCC 2019 Tier 2 steady-state method, read from their data file.

``soilsink/data/ipcc_tier2/parameters.csv`` holds one row per parameter: the default
(IPCC 2019 Refinement Vol. 4 Ch. 5 Table 5.5a), its uncertainty (sd, min, max) where the IPCC
gives one, the equation it enters and the independent transcriptions it was checked against
(see ``SOURCE.md`` there).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from soilsink.data import data_path

PARAMETER_FILE = ("ipcc_tier2", "parameters.csv")

#: tillage class -> (row of its tillage factor, row of its f2)
TILLAGE = {
    "full": ("tillfac_full", "f2_full"),
    "reduced": ("tillfac_reduced", "f2_reduced"),
    "no": ("tillfac_no", "f2_no"),
    # Tillage not known: f2 of Table 5.5a's "unknown" row; the decay rates assume full
    # tillage (the convention of the HESTIA engine; the IPCC gives no tillage factor for it).
    "unknown": ("tillfac_full", "f2_unknown"),
}


@dataclass(frozen=True)
class Parameter:
    """One default parameter with its uncertainty and source (``sd``/``min``/``max`` may be None)."""

    name: str
    value: float
    sd: float | None
    min: float | None
    max: float | None
    unit: str
    equation: str
    description: str
    source: str
    cross_check: str


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


@lru_cache(maxsize=1)
def parameter_table() -> dict[str, Parameter]:
    """Every default parameter by name, with sources (read once from the data file)."""
    with open(data_path(*PARAMETER_FILE), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {r["name"]: Parameter(name=r["name"], value=float(r["value"]), sd=_number(r["sd"]),
                                 min=_number(r["min"]), max=_number(r["max"]), unit=r["unit"],
                                 equation=r["equation"], description=r["description"],
                                 source=r["source"], cross_check=r["cross_check"])
            for r in rows}


def default_values() -> dict[str, float]:
    """``{name: default value}`` of every parameter."""
    return {name: p.value for name, p in parameter_table().items()}
