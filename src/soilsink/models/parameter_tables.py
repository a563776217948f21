"""Model parameter tables in embedded CSV files, and the checked merge of user overrides.

Used by the models whose defaults live in ``soilsink/data/<model>/`` (IPCC Tier 2,
Millennial): each table row names a parameter, its value and its source.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass

from numpy.typing import ArrayLike

from soilsink.data import data_path
from soilsink.io.errors import InputError, Problem


@dataclass(frozen=True)
class Parameter:
    """One model parameter: default value, unit, the equation it enters, its source; where the
    table gives them, its uncertainty (``sd``, ``min``, ``max``), a ``prior`` value and the
    independent transcriptions it was checked against (``cross_check``)."""

    name: str
    value: float
    unit: str
    equation: str
    description: str
    source: str
    sd: float | None = None
    min: float | None = None
    max: float | None = None
    prior: float | None = None
    cross_check: str = ""


def read_rows(*parts: str) -> list[dict[str, str]]:
    """Rows of the embedded CSV file ``soilsink/data/<parts>`` as dicts of strings."""
    with open(data_path(*parts), newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def number_or_none(text: str) -> float | None:
    """A table cell as a float, None where blank."""
    return float(text) if text.strip() else None


def with_overrides(defaults: Mapping[str, float], overrides: Mapping[str, ArrayLike], *,
                   model: str, source: str) -> dict[str, ArrayLike]:
    """``defaults`` updated by ``overrides``; an unknown override name is an InputError."""
    unknown = sorted(set(overrides) - set(defaults))
    if unknown:
        raise InputError(Problem(file=source, column="parameters", value=unknown,
                                 message=f"unknown {model} parameter(s)",
                                 allowed=", ".join(defaults)))
    return {**defaults, **overrides}
