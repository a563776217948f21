"""Which sites are natural reference soils (the basis of a soil type's threshold).

The seed abstract's threshold is "the content of stable organic matter of different soil types
under natural conditions under non-human interference". A site is a reference site when

* its ``land_use`` is one of :data:`NATURAL_LAND_USES` (case-insensitive, spaces and hyphens read
  as underscores), or
* a boolean column ``reference`` is true for it.

An explicit ``reference`` value (true or false) overrides the land-use vocabulary, except that a
site whose ``land_use`` is a managed class (:data:`MANAGED_LAND_USES`, e.g. ``cropland``) can
never be a reference: ``reference = true`` on such a row is an input error, so cultivated
sites never enter a threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem

#: Undisturbed land uses accepted as natural reference soils.
NATURAL_LAND_USES: frozenset[str] = frozenset(
    {"natural", "native_forest", "native_grassland", "native_shrubland", "native_wetland", "native_savanna"}
)

#: Managed land uses that can never be a reference, whatever the ``reference`` column says.
MANAGED_LAND_USES: frozenset[str] = frozenset(
    {
        "cropland", "cultivated", "arable", "annual_crop", "perennial_crop", "paddy", "rice",
        "orchard", "vineyard", "plantation", "managed_forest", "managed_grassland", "pasture",
        "improved_pasture", "grazed", "fallow", "urban", "settlement", "agroforestry",
    }
)

_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}


def normalise_land_use(values: pd.Series) -> pd.Series:
    """Lower-case, trim, and map spaces/hyphens to underscores (NaN stays NaN)."""
    s = values.astype("string").str.strip().str.lower()
    return s.str.replace(r"[\s\-]+", "_", regex=True)


def parse_reference(values: pd.Series, source: str = "<table>", rows: pd.Series | None = None) -> pd.Series:
    """Read a ``reference`` column as a nullable boolean (blank = not given).

    Accepts booleans, 1/0, true/false, yes/no (any case); anything else is an
    :class:`InputError` naming the row.
    """
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    problems = []
    for i, v in values.items():
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            continue
        if isinstance(v, (bool, np.bool_)):
            out[i] = bool(v)
            continue
        text = str(v).strip().lower()
        if text == "":
            continue
        if text in _TRUE:
            out[i] = True
        elif text in _FALSE:
            out[i] = False
        else:
            problems.append(
                Problem(source, "cannot read the reference flag", row=_row(rows, i), column="reference",
                        value=v, allowed="true/false, yes/no, 1/0 or blank")
            )
    if problems:
        raise InputError(problems)
    return out


def _row(rows: pd.Series | None, i) -> int | None:
    if rows is None:
        return None
    try:
        return int(rows[i])
    except (KeyError, TypeError, ValueError):
        return None


def is_reference(df: pd.DataFrame, source: str = "<table>") -> pd.Series:
    """Boolean Series: True for natural reference sites (rules in the module docstring).

    Uses ``df["row"]`` (file row numbers) for error messages when present.
    """
    rows = df["row"] if "row" in df.columns else None
    if "land_use" in df.columns:
        lu = normalise_land_use(df["land_use"])
    else:
        lu = pd.Series(pd.NA, index=df.index, dtype="string")
    if "land_use" not in df.columns and "reference" not in df.columns:
        raise InputError(
            Problem(source, "cannot tell natural reference sites: need a 'land_use' or a 'reference' column",
                    allowed="land_use in " + ", ".join(sorted(NATURAL_LAND_USES)) + "; or reference = true/false")
        )
    natural = lu.isin(NATURAL_LAND_USES).fillna(False).astype(bool)
    managed = lu.isin(MANAGED_LAND_USES).fillna(False).astype(bool)
    if "reference" in df.columns:
        flag = parse_reference(df["reference"], source, rows)
        given = flag.notna()
        contradictions = given & flag.fillna(False).astype(bool) & managed
        if contradictions.any():
            raise InputError(
                [
                    Problem(source, "a managed land use cannot be a natural reference site",
                            row=_row(rows, i), column="reference", value=df.at[i, "reference"],
                            allowed=f"reference = false (land_use is {df.at[i, 'land_use']!r})")
                    for i in df.index[contradictions]
                ]
            )
        result = np.where(given, flag.fillna(False).astype(bool), natural)
    else:
        result = natural.to_numpy()
    return pd.Series(np.asarray(result, dtype=bool) & ~managed.to_numpy(), index=df.index, name="reference")
