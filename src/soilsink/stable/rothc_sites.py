"""Stable SOC of sites as RothC HUM + IOM, from a measured SOC stock, clay and a monthly climate.

Each site's measured SOC stock (t C/ha) is taken as its RothC equilibrium (inverse mode, the usual
RothC initialisation, e.g. FAO GSOCseq 2020): the annual plant input is scaled until the exact
equilibrium SOC equals the measured stock (:func:`soilsink.stable.model.rothc_equilibrium_stable`),
IOM from Falloon et al. (1998), IOM = 0.049 × SOC^1.139. Stable carbon = HUM + IOM of that state.

Climate table (one climate for every site, or one per site with a ``site_id`` column), one row per
calendar month:

==============  ==================================================================================
``month``       1–12, each once (per site)
``temp_c``      mean air temperature (°C)
``precip_mm``   precipitation (mm/month, ≥ 0)
``evap_mm``     open-pan evaporation (mm/month, ≥ 0), **or** ``pet_mm``: potential evapotranspiration,
                converted to open pan as PET / 0.75 (RothC uses 0.75 × open-pan evaporation as
                evapotranspiration; Coleman & Jenkinson, RothC model description; official code
                ``RMF_Moist``; computed by :func:`soilsink.models.rothc.open_pan_from_pet`)
``cover``       optional, 1 = soil covered by plants (default 1), 0 = bare
``dpm_rpm``     optional DPM/RPM ratio of the plant inputs (default ``dpm_rpm`` argument, 1.44)
``c_input``     optional monthly distribution of the plant input (any units, only the shares count;
                default even, 1/12 per month); its annual amount is what the inverse mode solves for
==============  ==================================================================================

DPM/RPM (RothC-26.3 user guide, Coleman & Jenkinson 1996): 1.44 for most agricultural crops and
improved grassland (the default here, as in the official example), 0.67 for unimproved grassland
and scrub (including savanna), 0.25 for deciduous or tropical woodland.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem

#: RothC-26.3 user guide: DPM/RPM of most agricultural crops and improved grassland.
DEFAULT_DPM_RPM = 1.44
CLIMATE_COLUMNS = ("month", "temp_c", "precip_mm")


def _numbers(t: pd.DataFrame, col: str, source: str, problems: list[Problem], *, low: float | None = None,
             allowed: str = "a number", optional: bool = False) -> pd.Series:
    raw = t[col]
    blank = raw.isna() | (raw.astype("string").str.strip() == "")
    num = pd.to_numeric(raw.where(~blank), errors="coerce").astype(float)
    bad = (num.isna() & ~blank) | (blank & (not optional))
    if low is not None:
        bad |= num < low
    for i in t.index[bad.fillna(False)]:
        problems.append(Problem(source, "value missing" if blank[i] else "bad value", row=int(t.at[i, "row"]),
                                column=col, value=None if blank[i] else raw[i], allowed=allowed))
    return num


def climate_dataset(table: pd.DataFrame, source: str = "<climate>", *, site_ids: Sequence[str] | None = None,
                    dpm_rpm: float = DEFAULT_DPM_RPM):
    """Validate a monthly climate table and return RothC forcing (``xarray.Dataset``).

    Variables ``tas``, ``pr``, ``evap``, ``cover``, ``dpm_rpm``, ``c_input`` (monthly share) on ``time`` (12 months), or on
    ``(site, time)`` when the table has a ``site_id`` column (then every id in ``site_ids`` needs
    its 12 months). Every bad value is an :class:`InputError` naming file, row and column.
    """
    import xarray as xr

    t = table.copy()
    t.columns = [str(c).strip() for c in t.columns]
    if "row" not in t.columns:
        t["row"] = np.arange(len(t)) + 2
    missing = [c for c in CLIMATE_COLUMNS if c not in t.columns]
    has_pet, has_evap = "pet_mm" in t.columns, "evap_mm" in t.columns
    if not (has_pet or has_evap):
        missing.append("pet_mm or evap_mm")
    if missing:
        raise InputError(Problem(source, f"missing column(s): {', '.join(missing)}",
                                 allowed="month, temp_c, precip_mm, pet_mm or evap_mm; optional site_id, cover, dpm_rpm, c_input"))
    if has_pet and has_evap:
        raise InputError(Problem(source, "give either pet_mm or evap_mm (open pan), not both", column="pet_mm"))
    if not dpm_rpm > 0:
        raise InputError(Problem("--dpm-rpm", "must be positive", value=dpm_rpm, allowed="> 0, e.g. 1.44, 0.67, 0.25"))
    problems: list[Problem] = []
    month = _numbers(t, "month", source, problems, allowed="1–12")
    temp = _numbers(t, "temp_c", source, problems, allowed="°C")
    pr = _numbers(t, "precip_mm", source, problems, low=0.0, allowed="mm/month, >= 0")
    ev_col = "pet_mm" if has_pet else "evap_mm"
    ev = _numbers(t, ev_col, source, problems, low=0.0, allowed="mm/month, >= 0")
    cover = (_numbers(t, "cover", source, problems, allowed="0 or 1", optional=True).fillna(1.0)
             if "cover" in t.columns else pd.Series(1.0, index=t.index))
    ratio = (_numbers(t, "dpm_rpm", source, problems, low=0.0, allowed="> 0", optional=True).fillna(dpm_rpm)
             if "dpm_rpm" in t.columns else pd.Series(float(dpm_rpm), index=t.index))
    share = (_numbers(t, "c_input", source, problems, low=0.0, allowed=">= 0", optional=True).fillna(0.0)
             if "c_input" in t.columns else pd.Series(1.0, index=t.index))
    for i in t.index[~cover.isin([0.0, 1.0])]:
        problems.append(Problem(source, "plant cover must be 0 or 1", row=int(t.at[i, "row"]), column="cover",
                                value=t.at[i, "cover"], allowed="0 or 1"))
    for i in t.index[ratio <= 0]:
        problems.append(Problem(source, "DPM/RPM must be positive", row=int(t.at[i, "row"]), column="dpm_rpm",
                                value=t.at[i, "dpm_rpm"], allowed="> 0"))
    if problems:
        raise InputError(problems)
    if has_pet:
        from soilsink.models.rothc import open_pan_from_pet

        evap = pd.Series(open_pan_from_pet(ev), index=ev.index)
    else:
        evap = ev
    frame = pd.DataFrame({"month": month, "tas": temp, "pr": pr, "evap": evap, "cover": cover, "dpm_rpm": ratio,
                          "c_input": share, "row": t["row"]})
    per_site = "site_id" in t.columns
    frame["key"] = t["site_id"].astype("string").str.strip() if per_site else ""
    for key, g in frame.groupby("key", sort=False):
        if sorted(g["month"].tolist()) != list(range(1, 13)):
            problems.append(Problem(source, "needs one row per month 1–12" + (f" for site {key!r}" if per_site else ""),
                                    row=int(g["row"].min()), column="month", value=g["month"].tolist(),
                                    allowed="months 1..12, once each"))
    if problems:
        raise InputError(problems)
    names = ("tas", "pr", "evap", "cover", "dpm_rpm", "c_input")
    if not per_site:
        f = frame.sort_values("month")
        return xr.Dataset({v: ("time", f[v].to_numpy(float)) for v in names})
    ids = list(site_ids) if site_ids is not None else sorted(frame["key"].unique())
    absent = [s for s in ids if s not in set(frame["key"])]
    if absent:
        shown = ", ".join(map(str, absent[:10])) + (" ..." if len(absent) > 10 else "")
        raise InputError(Problem(source, f"no climate for {len(absent)} site(s): {shown}", column="site_id",
                                 allowed="12 months for every site, or one climate without site_id"))
    f = frame[frame["key"].isin(ids)].sort_values(["key", "month"])
    order = {s: k for k, s in enumerate(ids)}
    f = f.assign(_o=f["key"].map(order)).sort_values(["_o", "month"])
    return xr.Dataset({v: (("site", "time"), f[v].to_numpy(float).reshape(len(ids), 12)) for v in names},
                      coords={"site": ids})


def rothc_site_stable(sites: pd.DataFrame, climate) -> pd.DataFrame:
    """RothC stable SOC (HUM + IOM, t C/ha) per site: ``site_id, stable_soc_t_ha, stable_method, note``.

    ``sites``: ``site_id``, ``soc_stock_t_ha`` (the measured stock, taken as equilibrium),
    ``clay_pct`` (%) and ``depth_cm`` (thickness of the layer the stock refers to, cm; RothC was
    calibrated for 0–23 cm topsoil), optionally ``iom_t_ha`` (inert organic matter; default Falloon
    et al. 1998 of the SOC). ``climate``: :func:`climate_dataset`. Sites without SOC or
    clay, or whose SOC is below the no-input equilibrium (the IOM), get NaN, ``stable_method =
    none`` and a note.
    """
    import xarray as xr

    from soilsink.stable.model import METHOD_ROTHC, rothc_equilibrium_stable

    ids = sites["site_id"].astype(str).to_numpy()
    soc = pd.to_numeric(sites["soc_stock_t_ha"], errors="coerce").to_numpy(float)
    clay = pd.to_numeric(sites["clay_pct"], errors="coerce").to_numpy(float)
    depth = pd.to_numeric(sites["depth_cm"], errors="coerce").to_numpy(float)
    stable = np.full(len(ids), np.nan)
    note = np.array([""] * len(ids), dtype=object)
    note[np.isnan(clay)] = "RothC needs clay_pct"
    note[np.isnan(soc)] = "no SOC stock"
    ok = ~np.isnan(soc) & ~np.isnan(clay) & (depth > 0)
    if ok.any():
        sel = np.flatnonzero(ok)
        ds = climate
        if "site" in ds.dims:
            ds = ds.sel(site=list(ids[sel]))
            ds = ds.assign_coords(site=np.arange(len(sel)))
        ds = ds.assign(clay=("site", clay[sel]), depth=("site", depth[sel]), fym=("time", np.zeros(12)))
        if "c_input" not in ds:
            ds["c_input"] = ("time", np.full(12, 1.0 / 12.0))
        if "iom_t_ha" in sites.columns:
            iom = pd.to_numeric(sites["iom_t_ha"], errors="coerce").to_numpy(float)[sel]
            if np.isfinite(iom).all():
                ds["iom"] = ("site", iom)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # reported per site in the note
            result = rothc_equilibrium_stable(ds, xr.DataArray(soc[sel], dims="site"))
        values = np.asarray(result.values, dtype=float).reshape(-1)
        stable[sel] = values
        for k in sel[np.isnan(values)]:
            note[k] = "SOC below the RothC equilibrium without plant input (IOM): no stable estimate"
    method = np.where(np.isnan(stable), "none", METHOD_ROTHC)
    return pd.DataFrame({"site_id": sites["site_id"].to_numpy(), "stable_soc_t_ha": stable,
                         "stable_method": method, "note": note})
