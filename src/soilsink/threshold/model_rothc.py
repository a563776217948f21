"""RothC equilibrium thresholds (see :mod:`soilsink.threshold.model`).

Input: a long table, one row per group and calendar month (``month`` 1–12), with the ``by``
columns and

========================  ===========================================================
``tas_c``                 mean air temperature (°C)
``pr_mm``                 precipitation (mm/month)
``evap_mm``               open-pan evaporation (mm/month)
``c_input_t_ha``          plant C input of the natural vegetation (t C/ha/month)
``clay_pct``              clay (%), constant per group
``depth_cm``              layer depth (cm), constant per group (RothC default 23 cm)
``cover``                 optional, 1 = vegetated (default 1 for natural vegetation)
``dpm_rpm``               optional DPM/RPM ratio of the inputs (RothC-26.3 user guide:
                          0.25 deciduous/tropical woodland, 0.67 unimproved grassland and
                          scrub, 1.44 crops and improved grassland); default 0.67
``iom_t_ha``              optional inert organic matter; when absent, the engine makes IOM
                          consistent with the equilibrium SOC by Falloon et al. (1998)
                          IOM = 0.049 × SOC^1.139 (``soilsink.models.rothc.falloon_iom``)
========================  ===========================================================

The threshold is the periodic steady state of ``soilsink.models.rothc.equilibrium`` (total
SOC), its stable part HUM + IOM (:func:`soilsink.stable.model.rothc_stable_soc`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem
from soilsink.stable.model import rothc_stable_soc

MONTHLY = {"tas_c": "tas", "pr_mm": "pr", "evap_mm": "evap", "c_input_t_ha": "c_input"}
DEFAULT_DPM_RPM = 0.67  # RothC-26.3 user guide: unimproved grassland and scrub


def rothc_thresholds(table: pd.DataFrame, by: Sequence[str], *, source: str = "<model inputs>") -> pd.DataFrame:
    """Thresholds from the RothC equilibrium, one row per group (columns as the empirical ones)."""
    import xarray as xr

    try:
        from soilsink.models import rothc
    except ImportError:
        raise InputError(Problem("--model", "the RothC engine is not available in this build",
                                 value="rothc", allowed="henin_dupuis")) from None
    from soilsink.threshold.model import _rows

    by = list(by)
    need = [*by, "month", *MONTHLY, "clay_pct", "depth_cm"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise InputError(Problem(source, f"missing column(s): {', '.join(missing)}", allowed=", ".join(need)))
    t = table.copy()
    rows = t["row"] if "row" in t.columns else pd.Series(range(2, len(t) + 2), index=t.index)
    problems: list[Problem] = []
    numeric_cols = ["month", *MONTHLY, "clay_pct", "depth_cm",
                    *[c for c in ("cover", "dpm_rpm", "iom_t_ha") if c in t.columns]]
    for c in numeric_cols:
        raw = t[c]
        blank = raw.isna() | (raw.astype("string").str.strip() == "")
        num = pd.to_numeric(raw.where(~blank), errors="coerce")
        optional = c in ("cover", "dpm_rpm", "iom_t_ha")
        for i in t.index[(num.isna() & ~blank) | (blank & (not optional))]:
            problems.append(Problem(source, "not a number", row=int(rows[i]), column=c, value=raw[i]))
        t[c] = num
    if problems:
        raise InputError(problems)
    t["_key"] = t[by].astype("string").fillna("").apply(tuple, axis=1)
    keys = sorted(t["_key"].unique())
    for key in keys:
        months = sorted(t.loc[t["_key"] == key, "month"].astype(int))
        if months != list(range(1, 13)):
            i = t.index[t["_key"] == key][0]
            problems.append(Problem(source, "each group needs exactly the months 1–12", row=int(rows[i]),
                                    column="month", value=" / ".join(key)))
    if problems:
        raise InputError(problems)
    t = t.sort_values(["_key", "month"])
    shape = (len(keys), 12)

    def grid(col: str, default: float | None = None) -> np.ndarray:
        if col not in t.columns:
            return np.full(shape, default)
        return t[col].fillna(default if default is not None else np.nan).to_numpy(float).reshape(shape)

    data = {v: (("group", "time"), grid(c)) for c, v in MONTHLY.items()}
    data["cover"] = (("group", "time"), grid("cover", 1.0))
    data["dpm_rpm"] = (("group", "time"), grid("dpm_rpm", DEFAULT_DPM_RPM))
    data["fym"] = (("group", "time"), np.zeros(shape))
    data["clay"] = ("group", grid("clay_pct")[:, 0])
    data["depth"] = ("group", grid("depth_cm")[:, 0])
    if "iom_t_ha" in t.columns and t["iom_t_ha"].notna().all():
        data["iom"] = ("group", grid("iom_t_ha")[:, 0])
    # without "iom" the engine makes IOM consistent with the equilibrium SOC (Falloon et al. 1998)
    pools = rothc.equilibrium(xr.Dataset(data))
    soc = np.asarray(pools["SOC"], dtype=float)
    stable = np.asarray(rothc_stable_soc(pools), dtype=float)
    key_frame = pd.DataFrame(keys, columns=by).astype("string")
    return _rows(key_frame, soc, stable, "model_rothc")
