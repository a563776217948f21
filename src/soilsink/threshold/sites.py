"""Validation of a site table (one row per site) for thresholds and the sink potential."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem, echo, warn_input
from soilsink.io.ranges import SOC_T_HA_RANGE
from soilsink.io.tables import near_misses, numeric_column
from soilsink.threshold.natural import is_reference

SITE_NUMERIC = ("soc_stock_t_ha", "stable_soc_t_ha")


def validate_sites(
    df: pd.DataFrame, source: str = "<sites>", *, by: Sequence[str] = ("soil_type",), need_reference: bool = True
) -> pd.DataFrame:
    """Check a site table; return a copy with numeric stocks and a ``row`` column (header = row 1).

    Required: ``site_id``, the ``by`` columns, ``soc_stock_t_ha`` (t C/ha, within
    :data:`~soilsink.io.ranges.SOC_T_HA_RANGE`) and, when ``need_reference``, ``land_use`` or
    ``reference``. Optional: ``stable_soc_t_ha`` (same range and not above ``soc_stock_t_ha``;
    blank = not measured). Every bad value is reported with its row.
    """
    out = df.copy()
    out.columns = [str(c).strip() for c in out.columns]
    if "row" not in out.columns:
        out["row"] = np.arange(len(out)) + 2
    problems: list[Problem] = []
    required = ["site_id", *by, "soc_stock_t_ha"]
    missing = [c for c in required if c not in out.columns]
    if need_reference and "land_use" not in out.columns and "reference" not in out.columns:
        missing.append("land_use (or reference)")
    if missing:
        raise InputError(
            Problem(source, f"missing column(s): {', '.join(missing)}" + near_misses(missing, out.columns),
                    allowed="a site table with site_id, " + ", ".join(by) + ", land_use, soc_stock_t_ha "
                    "(optional stable_soc_t_ha), or a horizons table")
        )
    if out.empty:
        raise InputError(Problem(source, "the table has no rows"))
    for i, v in out["site_id"].items():
        if pd.isna(v) or str(v).strip() == "":
            problems.append(Problem(source, "site_id is blank", row=int(out.at[i, "row"]), column="site_id"))
    out["site_id"] = out["site_id"].astype("string").str.strip()
    dup = out["site_id"].duplicated(keep="first") & out["site_id"].notna()
    for i in out.index[dup]:
        problems.append(Problem(source, "duplicate site_id (one row per site)", row=int(out.at[i, "row"]),
                                column="site_id", value=out.at[i, "site_id"]))
    for c in by:
        for i, v in out[c].items():
            if pd.isna(v) or str(v).strip() == "":
                problems.append(Problem(source, f"{c} is blank", row=int(out.at[i, "row"]), column=c))
    for c in SITE_NUMERIC:
        if c in out.columns:
            out[c] = numeric_column(out, c, source, problems, required=c == "soc_stock_t_ha",
                                    bounds=SOC_T_HA_RANGE, units="t C/ha")
    if problems:
        raise InputError(problems)
    if "stable_soc_t_ha" in out.columns:
        above = out["stable_soc_t_ha"] > out["soc_stock_t_ha"] * (1 + 1e-9)
        for i in out.index[above.fillna(False)]:
            problems.append(Problem(source, "stable carbon exceeds total SOC", row=int(out.at[i, "row"]),
                                    column="stable_soc_t_ha", value=out.at[i, "stable_soc_t_ha"],
                                    allowed=f"<= soc_stock_t_ha ({echo(out.at[i, 'soc_stock_t_ha'])})"))
        if problems:
            raise InputError(problems)
    if need_reference:
        ref = is_reference(out, source)
        if not ref.any():
            warn_input(Problem(source, "no natural reference site: every threshold will be empty",
                               allowed="land_use natural/native_* or reference = true"))
    return out


def validate_thresholds(thresholds: pd.DataFrame, source: str = "<thresholds>", by: Sequence[str] = ("soil_type",),
                        *, per_method: bool = True) -> pd.DataFrame:
    """Check a thresholds table (what ``soilsink threshold`` writes); return a copy with every
    ``threshold_*`` / ``model_threshold_*`` column as floats.

    Threshold values are blank or within :data:`~soilsink.io.ranges.SOC_T_HA_RANGE` (t C/ha);
    a group has one row (one per ``method`` when the table has that column and ``per_method``).
    Every bad value and every repeated group is reported with its row.
    """
    t = thresholds.copy()
    by = list(by)
    missing = [c for c in by if c not in t.columns]
    if missing:
        raise InputError(Problem(source, f"the thresholds table lacks the group column(s): {', '.join(missing)}",
                                 allowed="the table written by `soilsink threshold`"))
    if "row" not in t.columns:
        t["row"] = np.arange(len(t)) + 2
    problems: list[Problem] = []
    for c in [c for c in t.columns if str(c).startswith(("threshold_", "model_threshold_"))]:
        t[c] = numeric_column(t, c, source, problems, required=False, bounds=SOC_T_HA_RANGE, units="t C/ha")
    key = by + (["method"] if per_method and "method" in t.columns else [])
    text = t[key].astype("string").apply(lambda s: s.str.strip()).fillna("")
    first: dict[tuple, int] = {}
    for pos, values in enumerate(text.itertuples(index=False, name=None)):
        row = int(t["row"].iat[pos])
        if values in first:
            group = ", ".join(f"{k} = {v!r}" for k, v in zip(key, values, strict=True))
            problems.append(Problem(source, f"a second threshold for {group} (the first is on row {first[values]})",
                                    row=row, column=by[0], value=values[0], allowed="one row per " + ", ".join(key)))
        else:
            first[values] = row
    if problems:
        raise InputError(problems)
    return t


HORIZON_COLUMNS = ("top_cm", "bottom_cm", "soc_g_kg")
FRACTION_COLUMNS = ("maoc_g_kg", "maoc_frac", "poc_g_kg")


def looks_like_horizons(df: pd.DataFrame) -> bool:
    """True for a horizons table (one row per layer: ``top_cm``, ``bottom_cm``, ``soc_g_kg``)."""
    return all(c in df.columns for c in HORIZON_COLUMNS)


def sites_from_horizons(horizons: pd.DataFrame, top_cm: float = 0, bottom_cm: float = 30, *,
                        source: str = "<horizons>", stable_method: str | None = "auto",
                        reference_mass_t_ha: float | None = None, esm_method: str = "linear",
                        mineralogy: str = "high_activity", climate=None) -> pd.DataFrame:
    """Site table from a validated horizons table: stocks over ``top_cm``–``bottom_cm`` first
    (or an equivalent soil mass ``reference_mass_t_ha``).

    Columns: ``site_id``, the site attributes (``soil_type``, ``land_use``, ``reference``,
    ``climate_zone``, ...), ``soc_stock_t_ha`` and, unless the stable method is ``none``,
    ``stable_soc_t_ha`` with ``stable_method`` (see :func:`soilsink.stable.sites.site_stable_table`;
    default: measured fractionation where the table has it). Capacity methods add
    ``capacity_method``, ``maoc_capacity_t_ha``, ``saturation_deficit_t_ha``, ``saturation_ratio``.
    """
    from soilsink import stocks
    from soilsink.stable.sites import has_fractions, resolve_method, site_stable_table

    table = site_stable_table(horizons, top_cm, bottom_cm, method=stable_method,
                              reference_mass_t_ha=reference_mass_t_ha, esm_method=esm_method,
                              mineralogy=mineralogy, climate=climate, source=source)
    uncovered = table["soc_stock_t_ha"].isna()
    for _, r in table[uncovered].iterrows():
        warn_input(Problem(source, f"site {r['site_id']!r} left out: {r['note'] or 'no stock'}",
                           column="site_id", value=r["site_id"]))
    table = table[~uncovered]
    if table.empty:
        where = f"{top_cm:g}–{bottom_cm:g} cm" if reference_mass_t_ha is None else f"{reference_mass_t_ha:g} t/ha"
        raise InputError(Problem(source, f"no site covers {where}", allowed="another --depth or --reference-mass"))
    attrs = stocks.site_attributes(horizons, top_cm, bottom_cm)
    keep = [c for c in table.columns if c != "note"]
    if resolve_method(stable_method, has_fractions(horizons)) == "none":  # no stable carbon at all
        keep = [c for c in keep if c not in ("stable_soc_t_ha", "stable_method")]
    out = attrs.merge(table[keep], on="site_id", how="right")
    first_row = horizons.groupby("site_id")["row"].min() if "row" in horizons.columns else None
    if first_row is not None:
        out["row"] = out["site_id"].map(first_row)
    return out
