"""Default parameters of the IPCC 2019 Tier 2 steady-state method, read from their data file.

``soilsink/data/ipcc_tier2/parameters.csv`` holds one row per parameter: the default
(IPCC 2019 Refinement Vol. 4 Ch. 5 Table 5.5a), its uncertainty (sd, min, max) where the IPCC
gives one, the equation it enters and the independent transcriptions it was checked against
(see ``SOURCE.md`` there).
"""

from __future__ import annotations

from functools import lru_cache

from soilsink.models.parameter_tables import Parameter, number_or_none, read_rows

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


@lru_cache(maxsize=1)
def parameter_table() -> dict[str, Parameter]:
    """Every default parameter by name, with sources (read once from the data file)."""
    return {r["name"]: Parameter(name=r["name"], value=float(r["value"]),
                                 sd=number_or_none(r["sd"]), min=number_or_none(r["min"]),
                                 max=number_or_none(r["max"]), unit=r["unit"],
                                 equation=r["equation"], description=r["description"],
                                 source=r["source"], cross_check=r["cross_check"])
            for r in read_rows(*PARAMETER_FILE)}


def default_values() -> dict[str, float]:
    """``{name: default value}`` of every parameter."""
    return {name: p.value for name, p in parameter_table().items()}
