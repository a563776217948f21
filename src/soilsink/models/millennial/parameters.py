"""Millennial v2 parameters with their sources, read from ``data/millennial/parameters_v2.csv``.

``value`` is the calibrated set of the official code (``soilpara_in_fit.txt`` of
rabramoff/Millennial; Abramoff et al. 2022 Table A1), ``prior`` the set before calibration
(``soilpara_in_default.txt``); see ``SOURCE.md`` beside the data file.
"""

from __future__ import annotations

from functools import lru_cache

from soilsink.models.parameter_tables import Parameter, read_rows


@lru_cache(maxsize=1)
def parameter_table() -> dict[str, Parameter]:
    """Every parameter by name (read once)."""
    return {r["name"]: Parameter(name=r["name"], value=float(r["value"]), prior=float(r["prior"]),
                                 unit=r["unit"], equation=r["equation"],
                                 description=r["description"], source=r["source"])
            for r in read_rows("millennial", "parameters_v2.csv")}


def default_values() -> dict[str, float]:
    """``{name: calibrated value}``."""
    return {name: p.value for name, p in parameter_table().items()}
