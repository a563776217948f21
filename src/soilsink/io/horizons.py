"""The horizons table, soilsink's canonical input: one row per sampled layer.

Columns (see ``docs/horizons.md``):

- required: ``site_id``, ``top_cm``, ``bottom_cm`` and one of ``soc_g_kg`` | ``soc_pct`` |
  ``som_pct`` (soil organic matter, converted to carbon with the van Bemmelen factor 0.58 by
  default: SOC = 0.58 × SOM, van Bemmelen 1890; configurable as ``som_factor``);
- optional: ``bulk_density_g_cm3`` (fine earth; filled by a pedotransfer function where
  missing, see :mod:`soilsink.io.ptf`), ``coarse_vol_pct`` or ``coarse_mass_pct``
  (default 0), ``clay_pct``, ``silt_pct``, ``soil_type``, ``land_use``, ``reference``,
  ``climate_zone``, ``sampled_on``, ``lon``, ``lat``, ``maoc_g_kg``, ``poc_g_kg``, ``maoc_frac``.

:func:`validate_horizons` reports every bad value with file, row, column, value and what is
allowed, all at once, and returns the canonical frame described in ``docs/architecture.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem, warn_input
from soilsink.io.tables import ROW_COLUMN, numeric_column, read_table, warn_unknown_columns

VAN_BEMMELEN = 0.58
SOC_COLUMNS = ("soc_g_kg", "soc_pct", "som_pct")
#: (low, high) allowed ranges, inclusive.
RANGES: dict[str, tuple[float, float]] = {
    "soc_g_kg": (0.0, 600.0),
    "bulk_density_g_cm3": (0.1, 2.65),
    "coarse_vol_pct": (0.0, 100.0),
    "coarse_mass_pct": (0.0, 100.0),
    "clay_pct": (0.0, 100.0),
    "silt_pct": (0.0, 100.0),
    "maoc_g_kg": (0.0, 600.0),
    "poc_g_kg": (0.0, 600.0),
    "maoc_frac": (0.0, 1.0),
    "lon": (-180.0, 180.0),
    "lat": (-90.0, 90.0),
    "top_cm": (0.0, 10_000.0),
    "bottom_cm": (0.0, 10_000.0),
}
NUMERIC_OPTIONAL = ("bulk_density_g_cm3", "coarse_vol_pct", "coarse_mass_pct", "clay_pct",
                    "silt_pct", "lon", "lat", "maoc_g_kg", "poc_g_kg", "maoc_frac")
TEXT_OPTIONAL = ("soil_type", "land_use", "climate_zone")
PASSTHROUGH = ("clay_pct", "silt_pct", "soil_type", "land_use", "reference", "climate_zone",
               "sampled_on", "lon", "lat", "maoc_g_kg", "poc_g_kg", "maoc_frac")
#: Columns read by the capacity methods of ``soilsink stable`` (fine fraction, clay mineralogy).
CAPACITY_COLUMNS = ("fine_pct", "mineralogy")
#: Every column a horizons table may have (others are warned about, with a did-you-mean).
KNOWN_COLUMNS = ("site_id", "top_cm", "bottom_cm", *SOC_COLUMNS, *NUMERIC_OPTIONAL, *TEXT_OPTIONAL,
                 *PASSTHROUGH, *CAPACITY_COLUMNS)
TRUE_WORDS = {"true", "1", "yes", "y", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "f", ""}


def read_horizons(path: str | Path, *, som_factor: float = VAN_BEMMELEN,
                  ptf: str | None = None) -> pd.DataFrame:
    """Read and validate a horizons table (CSV, Parquet or Excel)."""
    df = read_table(path)
    return validate_horizons(df, source=str(path), som_factor=som_factor, ptf=ptf)


def _numeric(df: pd.DataFrame, col: str, source: str, problems: list[Problem],
             required: bool) -> pd.Series:
    return numeric_column(df, col, source, problems, required=required, bounds=RANGES.get(col))


def _plain(x: float) -> float | int:
    return int(x) if float(x).is_integer() else float(x)


def _reference(df: pd.DataFrame, source: str, problems: list[Problem]) -> pd.Series:
    words = df["reference"].astype(str).str.strip().str.lower()
    ok = words.isin(TRUE_WORDS | FALSE_WORDS | {"nan", "none"})
    for i in np.flatnonzero(~ok.to_numpy()):
        problems.append(Problem(source, "not a true/false value", int(df[ROW_COLUMN].iat[i]),
                                "reference", df["reference"].iat[i], "true/false, yes/no, 1/0"))
    return words.isin(TRUE_WORDS)


def validate_horizons(df: pd.DataFrame, source: str = "<table>", *,
                      som_factor: float = VAN_BEMMELEN, ptf: str | None = None) -> pd.DataFrame:
    """Validate a horizons table and return the canonical frame (see module docstring).

    Raises :class:`~soilsink.io.errors.InputError` listing every problem; warns
    (:class:`~soilsink.io.errors.InputWarning`) about gaps between layers and PTF use.
    """
    from soilsink.io.ptf import DEFAULT_PTF, PTFS

    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    if ROW_COLUMN not in df.columns:
        df[ROW_COLUMN] = np.arange(2, len(df) + 2)
    if df.empty:
        raise InputError(Problem(source, "the table has no rows", allowed="one row per sampled layer"))
    warn_unknown_columns(df, dict.fromkeys(KNOWN_COLUMNS), source, what="horizons table")
    problems: list[Problem] = []
    missing = [c for c in ("site_id", "top_cm", "bottom_cm") if c not in df.columns]
    soc_cols = [c for c in SOC_COLUMNS if c in df.columns]
    if not soc_cols:
        missing.append("soc_g_kg | soc_pct | som_pct")
    if missing:
        raise InputError(Problem(source, "missing required column(s): " + ", ".join(missing),
                                 allowed="site_id, top_cm, bottom_cm and one of "
                                         "soc_g_kg, soc_pct, som_pct"))
    if len(soc_cols) > 1:
        raise InputError(Problem(source, "more than one SOC column: " + ", ".join(soc_cols),
                                 allowed="exactly one of soc_g_kg, soc_pct, som_pct"))
    if "coarse_vol_pct" in df.columns and "coarse_mass_pct" in df.columns:
        raise InputError(Problem(source, "both coarse_vol_pct and coarse_mass_pct given",
                                 allowed="one of them"))
    if not 0 < som_factor <= 1:
        raise InputError(Problem("--som-factor", "bad SOM-to-SOC factor", value=som_factor,
                                 allowed="0 < factor <= 1 (van Bemmelen 0.58)"))
    ptf_name = ptf or DEFAULT_PTF
    if ptf_name not in PTFS:
        raise InputError(Problem("--ptf", "unknown pedotransfer function", value=ptf_name,
                                 allowed=", ".join(PTFS)))

    out = pd.DataFrame({ROW_COLUMN: df[ROW_COLUMN].astype(int).to_numpy()})
    site = df["site_id"].astype(str).str.strip()
    for i in np.flatnonzero((site.isin(["", "nan", "None"]) | df["site_id"].isna()).to_numpy()):
        problems.append(Problem(source, "missing site_id", int(df[ROW_COLUMN].iat[i]),
                                "site_id", None, "a non-empty identifier"))
    out["site_id"] = site.to_numpy()
    out["top_cm"] = _numeric(df, "top_cm", source, problems, True).to_numpy()
    out["bottom_cm"] = _numeric(df, "bottom_cm", source, problems, True).to_numpy()

    soc_col = soc_cols[0]
    if soc_col == "soc_g_kg":
        soc = _numeric(df, soc_col, source, problems, True)
    else:
        values = _numeric(df, soc_col, source, problems, True)
        factor = 10.0 if soc_col == "soc_pct" else 10.0 * som_factor
        soc = values * factor
        out_of_range = (soc < 0) | (soc > 600)
        for i in np.flatnonzero(out_of_range.fillna(False).to_numpy()):
            hi = 60.0 if soc_col == "soc_pct" else 60.0 / som_factor
            problems.append(Problem(source, "value out of range", int(df[ROW_COLUMN].iat[i]),
                                    soc_col, _plain(values.iat[i]), f"0 to {hi:g}"))
    out["soc_g_kg"] = soc.to_numpy()
    out["soc_source"] = soc_col

    for col in NUMERIC_OPTIONAL:
        if col in df.columns:
            out[col] = _numeric(df, col, source, problems, False).to_numpy()
    for col in TEXT_OPTIONAL:
        if col in df.columns:
            text = df[col].astype(str).str.strip()
            out[col] = text.where(~text.isin(["", "nan", "None"]), None).to_numpy()
    if "reference" in df.columns:
        out["reference"] = _reference(df, source, problems).to_numpy()
    if "sampled_on" in df.columns:
        raw = df["sampled_on"]
        dates = pd.to_datetime(raw, errors="coerce")
        blank = raw.isna() | raw.astype(str).str.strip().isin(["", "nan", "NaT"])
        for i in np.flatnonzero((dates.isna() & ~blank).to_numpy()):
            problems.append(Problem(source, "not a date", int(df[ROW_COLUMN].iat[i]),
                                    "sampled_on", raw.iat[i], "a date like 2021-06-30"))
        out["sampled_on"] = dates.dt.date.to_numpy()
    if "clay_pct" in out and "silt_pct" in out:
        over = (out["clay_pct"] + out["silt_pct"]) > 100
        for i in np.flatnonzero(over.fillna(False).to_numpy()):
            problems.append(Problem(source, "clay + silt exceed 100 %", int(out[ROW_COLUMN].iat[i]),
                                    "silt_pct", _plain(out["silt_pct"].iat[i]),
                                    "clay_pct + silt_pct <= 100"))

    inverted = out["top_cm"] >= out["bottom_cm"]
    for i in np.flatnonzero(inverted.fillna(False).to_numpy()):
        problems.append(Problem(source, "top_cm is not above bottom_cm", int(out[ROW_COLUMN].iat[i]),
                                "bottom_cm", _plain(out["bottom_cm"].iat[i]),
                                f"bottom_cm > top_cm ({_plain(out['top_cm'].iat[i])})"))
    if problems:
        raise InputError(problems)

    out = out.sort_values(["site_id", "top_cm", ROW_COLUMN], kind="stable").reset_index(drop=True)
    _check_layer_sequence(out, source)

    if "bulk_density_g_cm3" not in out:
        out["bulk_density_g_cm3"] = np.nan
    missing_bd = out["bulk_density_g_cm3"].isna().to_numpy()
    out["bd_source"] = np.where(missing_bd, ptf_name, "measured")
    if missing_bd.any():
        out.loc[missing_bd, "bulk_density_g_cm3"] = PTFS[ptf_name](
            out.loc[missing_bd, "soc_g_kg"].to_numpy() / 10.0)
        sites = sorted(set(out.loc[missing_bd, "site_id"]))
        shown = ", ".join(sites[:10]) + (" ..." if len(sites) > 10 else "")
        warn_input(Problem(source, f"bulk density missing in {int(missing_bd.sum())} layer(s) of "
                           f"{len(sites)} site(s) ({shown}); filled with the {ptf_name} "
                           "pedotransfer function", column="bulk_density_g_cm3"))

    if "coarse_vol_pct" in out:
        out["coarse_vol_frac"] = out.pop("coarse_vol_pct").fillna(0.0) / 100.0
        out["coarse_source"] = "volume"
    elif "coarse_mass_pct" in out:
        from soilsink.io.coarse import coarse_mass_to_volume_fraction

        mass = out.pop("coarse_mass_pct").fillna(0.0).to_numpy() / 100.0
        out["coarse_vol_frac"] = coarse_mass_to_volume_fraction(
            mass, out["bulk_density_g_cm3"].to_numpy())
        out["coarse_source"] = "mass"
    else:
        out["coarse_vol_frac"] = 0.0
        out["coarse_source"] = "none"
    out.attrs["source"] = source
    out.attrs["som_factor"] = som_factor
    out.attrs["ptf"] = ptf_name
    return out


def _check_layer_sequence(out: pd.DataFrame, source: str) -> None:
    """Overlapping layers within a site are errors; gaps are warnings."""
    problems: list[Problem] = []
    same_site = out["site_id"].to_numpy()[1:] == out["site_id"].to_numpy()[:-1]
    prev_bottom = out["bottom_cm"].to_numpy()[:-1]
    top = out["top_cm"].to_numpy()[1:]
    for k in np.flatnonzero(same_site & (top < prev_bottom)):
        i = k + 1
        problems.append(Problem(source, f"layer overlaps the layer above it (row "
                                f"{int(out[ROW_COLUMN].iat[k])}, {_plain(out['top_cm'].iat[k])}–"
                                f"{_plain(out['bottom_cm'].iat[k])} cm) in site "
                                f"{out['site_id'].iat[i]}", int(out[ROW_COLUMN].iat[i]),
                                "top_cm", _plain(top[k]),
                                f">= {_plain(prev_bottom[k])} (bottom of the layer above)"))
    if problems:
        raise InputError(problems)
    for k in np.flatnonzero(same_site & (top > prev_bottom)):
        i = k + 1
        warn_input(Problem(source, f"gap between layers in site {out['site_id'].iat[i]}: "
                           f"{_plain(prev_bottom[k])}–{_plain(top[k])} cm not sampled",
                           int(out[ROW_COLUMN].iat[i]), "top_cm", _plain(top[k])))
