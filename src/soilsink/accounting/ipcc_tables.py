"""IPCC Tier 1 default tables (package data) and their lookups.

Data files (``soilsink/data/ipcc/*.csv``), one row per cell, each with ``source`` (document and
table) and ``note`` (how the cell was checked, or that it could not be):

- ``soc_ref.csv``: SOC_REF, t C/ha in 0-30 cm under native vegetation, by climate zone and soil
  class. 2006 IPCC Guidelines Vol 4 Ch 2 Table 2.3; 2019 Refinement Vol 4 Ch 2 Table 2.3.
- ``stock_change_factors.csv``: F_LU, F_MG, F_I for cropland (Ch 5 Table 5.5) and grassland
  (Ch 6 Table 6.2), 2006 and 2019, each with its error (+-% of the mean at 95 %).

Cells that are "not applicable" in the IPCC tables (e.g. spodic soils in the tropics, the 2006
table for polar zones) are absent; looking them up raises :class:`InputError`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from soilsink.io.errors import InputError, Problem

EDITIONS: tuple[str, ...] = ("2006", "2019")
CLIMATE_ZONES: tuple[str, ...] = (
    "tropical_montane", "tropical_wet", "tropical_moist", "tropical_dry",
    "warm_temperate_moist", "warm_temperate_dry", "cool_temperate_moist", "cool_temperate_dry",
    "boreal_moist", "boreal_dry", "polar_moist", "polar_dry",
)
"""The twelve IPCC climate zones (2019 Refinement Vol 4 Ch 3 Annex 3A.5, Figure 3A.5.2)."""
SOIL_CLASSES: tuple[str, ...] = ("HAC", "LAC", "SAN", "SPO", "VOL", "WET")
"""High/low activity clay, sandy, spodic, volcanic, wetland mineral soils (2006 Vol 4 Ch 3 Fig 3A.5.4)."""
CATEGORIES: tuple[str, ...] = ("cropland", "grassland")
FACTORS: tuple[str, ...] = ("F_LU", "F_MG", "F_I")

_TABLE = "soilsink/data/ipcc"


def _read(name: str) -> pd.DataFrame:
    path = resources.files("soilsink.data").joinpath("ipcc", name)
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"edition": str})


@cache
def _soc_ref_all() -> pd.DataFrame:
    return _read("soc_ref.csv")


@cache
def _factors_all() -> pd.DataFrame:
    return _read("stock_change_factors.csv")


@cache
def _soc_index() -> dict[tuple[str, str, str], tuple[float, float]]:
    df = _soc_ref_all()
    return {(e, z, s): (float(v), float(r)) for e, z, s, v, r in
            zip(df["edition"], df["climate_zone"], df["soil_class"], df["soc_ref_t_ha"], df["error_pct"], strict=True)}


@cache
def _factor_index() -> dict[tuple[str, str, str, str, str], tuple[float, float, str]]:
    df = _factors_all()
    return {(e, c, f, lv, z): (float(v), float(r), str(src)) for e, c, f, lv, z, v, r, src in
            zip(df["edition"], df["land_use_category"], df["factor"], df["level"], df["climate_zone"],
                df["value"], df["error_pct"], df["source"], strict=True)}


@cache
def _levels(edition: str, category: str, factor: str) -> tuple[str, ...]:
    return tuple(sorted({k[3] for k in _factor_index() if k[:3] == (edition, category, factor)}))


def _check(value: str, allowed: tuple[str, ...], column: str, file: str) -> str:
    if value not in allowed:
        raise InputError(Problem(file=file, message=f"unknown {column}", column=column,
                                 value=value, allowed=", ".join(allowed)))
    return value


def soc_ref_table(edition: str) -> pd.DataFrame:
    """SOC_REF rows of one edition: climate_zone, soil_class, soc_ref_t_ha, error_pct, source, note."""
    _check(str(edition), EDITIONS, "edition", f"{_TABLE}/soc_ref.csv")
    df = _soc_ref_all()
    return df[df["edition"] == str(edition)].reset_index(drop=True).copy()


def stock_change_factor_table(edition: str) -> pd.DataFrame:
    """Stock change factor rows of one edition (land_use_category, factor, level, climate_zone, ...)."""
    _check(str(edition), EDITIONS, "edition", f"{_TABLE}/stock_change_factors.csv")
    df = _factors_all()
    return df[df["edition"] == str(edition)].reset_index(drop=True).copy()


def soc_ref(edition: str, zone: str, soil: str) -> tuple[float, float]:
    """(SOC_REF t C/ha in 0-30 cm, error +-% at 95 %) for one climate zone and soil class."""
    file = f"{_TABLE}/soc_ref.csv"
    _check(zone, CLIMATE_ZONES, "climate_zone", file)
    _check(soil, SOIL_CLASSES, "soil_class", file)
    fast = _soc_index().get((str(edition), zone, soil))
    if fast is not None:
        return fast
    df = soc_ref_table(edition)
    hit = df[(df["climate_zone"] == zone) & (df["soil_class"] == soil)]
    if hit.empty:
        raise InputError(Problem(
            file=file, column="soil_class", value=f"{zone}/{soil}",
            message=f"no SOC_REF in the {edition} Table 2.3 for this climate zone and soil class "
                    "(not applicable in the IPCC table)",
            allowed=", ".join(sorted(set(df.loc[df["climate_zone"] == zone, "soil_class"]))) or "none"))
    row = hit.iloc[0]
    return float(row["soc_ref_t_ha"]), float(row["error_pct"])


def stock_change_factor(edition: str, category: str, factor: str, level: str,
                        zone: str) -> tuple[float, float]:
    """(factor value, error +-% at 95 %) from Table 5.5 (cropland) or Table 6.2 (grassland)."""
    file = f"{_TABLE}/stock_change_factors.csv"
    _check(category, CATEGORIES, "land_use_category", file)
    _check(factor, FACTORS, "factor", file)
    _check(zone, CLIMATE_ZONES, "climate_zone", file)
    fast = _factor_index().get((str(edition), category, factor, level, zone))
    if fast is not None:
        return fast[0], fast[1]
    _check(str(edition), EDITIONS, "edition", file)
    _check(level, _levels(str(edition), category, factor), f"{factor} level", file)
    df = stock_change_factor_table(edition)
    sub = df[(df["land_use_category"] == category) & (df["factor"] == factor)]
    levels = tuple(sorted(set(sub["level"])))
    _check(level, levels, f"{factor} level", file)
    hit = sub[(sub["level"] == level) & (sub["climate_zone"] == zone)]
    if hit.empty:
        raise InputError(Problem(
            file=file, column="climate_zone", value=zone,
            message=f"no {edition} {category} {factor} '{level}' factor for this climate zone",
            allowed=", ".join(sorted(set(sub.loc[sub["level"] == level, "climate_zone"])))))
    row = hit.iloc[0]
    return float(row["value"]), float(row["error_pct"])


def source_of(edition: str, category: str, factor: str, level: str, zone: str) -> str:
    """The ``source`` text of one factor cell (document and table)."""
    hit = _factor_index().get((str(edition), category, factor, level, zone))
    return hit[2] if hit is not None else ""
