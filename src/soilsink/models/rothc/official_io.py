"""The official RothC input file (format v1 and v2) and result files.

Input formats (RothC_Code ``Shell.for`` @ 1e0dadcd for v2, RothC_Py ``RothC_Py.py`` for v1):

* v2 (RothC 2.0.0): 4 free lines, ``opt_RMmoist opt_SMDbare`` on line 5, 2 free lines,
  ``clay depth iom nsteps [silt BD OC minRM_Moist]`` on line 8 (the last four are read only when
  opt_RMmoist is 2 or 3), 2 free lines, then ``nsteps`` monthly rows from line 11;
* v1 (RothC 1.0.0): 3 free lines, ``clay depth iom nsteps`` on line 5 (line 4 its header),
  2 free lines, then the monthly rows from line 8.

Monthly rows: ``year month modern(%) Tmp(C) Rain(mm) Evap(mm) C_inp FYM (t C/ha) PC DPM_RPM``.
Rows 1-12 are the equilibrium year. Values may be separated by blanks, tabs or commas.

Outputs: ``month_results.csv`` and ``year_results.csv`` with the official column names
(Shell.for 2.0.0 formats 9100/7100), comma-separated, full precision.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem

MONTH_COLUMNS = [
    "Year", "Month", "C_Inp_t_C_ha", "FYM_Inp_t_C_ha", "TEMP_C", "RM_TMP", "RAIN_mm", "PEVAP_mm",
    "SMD_mm", "RM_Moist", "PC", "RM_PC", "DPM_t_C_ha", "RPM_t_C_ha", "BIO_t_C_ha", "HUM_t_C_ha",
    "IOM_t_C_ha", "SOC_t_C_ha", "CO2_t_C_ha",
]
YEAR_COLUMNS = [
    "Year", "Month", "DPM_t_C_ha", "RPM_t_C_ha", "BIO_t_C_ha", "HUM_t_C_ha", "IOM_t_C_ha",
    "SOC_t_C_ha", "CO2_t_C_ha", "deltaC",
]
DATA_COLUMNS = ["year", "month", "modern", "tmp", "rain", "evap", "c_inp", "fym", "pc", "dpm_rpm"]

_SPLIT = re.compile(r"[\s,;]+")


@dataclass
class OfficialInput:
    """Contents of an official RothC input file."""

    clay: float
    depth: float
    iom: float
    nsteps: int
    data: pd.DataFrame  # DATA_COLUMNS, nsteps rows
    opt_rmmoist: int = 1
    opt_smdbare: int = 1
    silt: float = float("nan")
    bd: float = float("nan")
    oc: float = float("nan")
    min_rm_moist: float = 0.2
    version: int = 2
    path: str = "<input>"
    first_data_line: int = 11
    notes: list[str] = field(default_factory=list)


def _tokens(line: str) -> list[str]:
    return [t for t in _SPLIT.split(line.strip()) if t]


def _num(tok: str, file: str, line: int, column: str, *, integer: bool = False) -> float:
    try:
        v = float(tok.replace("d", "e").replace("D", "e"))
    except ValueError:
        raise InputError(Problem(file, "not a number", row=line, column=column, value=tok)) from None
    if not np.isfinite(v):
        raise InputError(Problem(file, "not a finite number", row=line, column=column, value=tok))
    if integer and v != int(v):
        raise InputError(Problem(file, "must be a whole number", row=line, column=column, value=tok))
    return v


def _is_numeric_line(line: str) -> bool:
    toks = _tokens(line)
    if not toks:
        return False
    try:
        [float(t) for t in toks]
    except ValueError:
        return False
    return True


def read_official_input(path: str | os.PathLike) -> OfficialInput:
    """Read an official RothC input file (v2 with option lines, or v1); bad values name file and line.

    Line numbers in errors are the lines of the file (first line = 1).
    """
    path = Path(path)
    name = str(path)
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        lines = fh.read().splitlines()
    if len(lines) < 8:
        raise InputError(Problem(name, "too short for a RothC input file (needs the header lines and monthly rows)"))
    # v2: line 5 holds the two options; v1: line 5 holds clay depth iom nsteps.
    line5 = _tokens(lines[4])
    if not _is_numeric_line(lines[4]):
        raise InputError(Problem(name, "expected numbers (opt_RMmoist opt_SMDbare, or clay depth iom nsteps)",
                                 row=5, value=lines[4].strip()))
    if len(line5) == 2:
        version = 2
        opt_rm = int(_num(line5[0], name, 5, "opt_RMmoist", integer=True))
        opt_bare = int(_num(line5[1], name, 5, "opt_SMDbare", integer=True))
        if opt_rm not in (1, 2, 3):
            raise InputError(Problem(name, "unknown option", row=5, column="opt_RMmoist", value=line5[0], allowed="1, 2 or 3"))
        if opt_bare not in (1, 2):
            raise InputError(Problem(name, "unknown option", row=5, column="opt_SMDbare", value=line5[1], allowed="1 or 2"))
        soil_line = 8
        first_data = 11
    elif len(line5) >= 4:
        version, opt_rm, opt_bare = 1, 1, 1
        soil_line = 5
        first_data = 8
    else:
        raise InputError(Problem(name, "line 5 must hold 'opt_RMmoist opt_SMDbare' (v2) or 'clay depth iom nsteps' (v1)",
                                 row=5, value=lines[4].strip()))
    if len(lines) < soil_line:
        raise InputError(Problem(name, "the soil line is missing", row=soil_line))
    soil = _tokens(lines[soil_line - 1])
    need = 8 if opt_rm in (2, 3) else 4
    names = ["clay", "depth", "iom", "nsteps", "silt", "BD", "OC", "minRM_Moist"]
    if len(soil) < need:
        raise InputError(Problem(name, f"expected {need} values: {' '.join(names[:need])}", row=soil_line,
                                 value=lines[soil_line - 1].strip()))
    vals = [_num(soil[i], name, soil_line, names[i], integer=(i == 3)) for i in range(need)]
    clay, depth, iom, nsteps = vals[0], vals[1], vals[2], int(vals[3])
    checks = [("clay", clay, 0.0, 100.0, "0-100 %"), ("depth", depth, 1e-9, np.inf, "> 0 cm"),
              ("iom", iom, 0.0, np.inf, ">= 0 t C/ha"), ("nsteps", nsteps, 12, np.inf, ">= 12 months")]
    silt = bd = oc = float("nan")
    min_rm = 0.2
    if need == 8:
        silt, bd, oc, min_rm = vals[4:8]
        checks += [("silt", silt, 1e-9, 100.0, "0-100 % (> 0)"), ("BD", bd, 1e-9, np.inf, "> 0 g/cm3"),
                   ("OC", oc, 1e-9, np.inf, "> 0 %"), ("minRM_Moist", min_rm, 0.0, 1.0, "0-1")]
    for col, v, lo, hi, allowed in checks:
        if not (lo <= v <= hi):
            raise InputError(Problem(name, "out of range", row=soil_line, column=col, value=v, allowed=allowed))
    rows = []
    for i in range(nsteps):
        ln = first_data + i
        if ln > len(lines):
            raise InputError(Problem(name, f"nsteps is {nsteps} but the file has only {i} monthly rows",
                                     row=ln, allowed=f"{nsteps} monthly rows from line {first_data}"))
        toks = _tokens(lines[ln - 1])
        if len(toks) < 10:
            raise InputError(Problem(name, "a monthly row needs 10 values: " + " ".join(DATA_COLUMNS),
                                     row=ln, value=lines[ln - 1].strip()))
        row = [_num(toks[j], name, ln, DATA_COLUMNS[j], integer=j in (0, 1, 8)) for j in range(10)]
        if not 1 <= row[1] <= 12:
            raise InputError(Problem(name, "month out of range", row=ln, column="month", value=toks[1], allowed="1-12"))
        if row[8] not in (0.0, 1.0):
            raise InputError(Problem(name, "plant cover must be 0 or 1", row=ln, column="PC", value=toks[8], allowed="0 or 1"))
        for j, lo, allowed in ((9, 0.0, ">= 0"), (2, 0.0, ">= 0 %")):  # rain/evap may be < 0 (official example)
            if row[j] < lo:
                raise InputError(Problem(name, "out of range", row=ln, column=DATA_COLUMNS[j], value=toks[j], allowed=allowed))
        rows.append(row)
    data = pd.DataFrame(rows, columns=DATA_COLUMNS)
    for col in ("year", "month", "pc"):
        data[col] = data[col].astype(np.int64)
    return OfficialInput(clay=clay, depth=depth, iom=iom, nsteps=nsteps, data=data, opt_rmmoist=opt_rm,
                         opt_smdbare=opt_bare, silt=silt, bd=bd, oc=oc, min_rm_moist=min_rm, version=version,
                         path=name, first_data_line=first_data)


def run_official(inp: OfficialInput, *, equilibrium: str = "exact") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run an official input as the official driver does; return (month table, year table).

    Equilibrium from rows 1-12 (exact solve, or the official spin-up), then rows 13..nsteps.
    The year table starts with the equilibrium row (Year of row 12, Month = months the spin-up
    took, 0 for the exact solve), then one row per year: rows 24, 36, ... of the file, as the
    official driver (``mod(i, 12) == 0``), with Month 12.
    """
    from soilsink.models.rothc import core

    d = inp.data
    params = core.cell_params(1, clay=inp.clay, depth=inp.depth, iom=inp.iom, silt=inp.silt, bd=inp.bd,
                              oc=inp.oc, min_rm_moist=inp.min_rm_moist, opt_rmmoist=inp.opt_rmmoist,
                              opt_smdbare=inp.opt_smdbare)

    def forcing(sl: slice) -> tuple:
        cols = {"tas": "tmp", "pr": "rain", "evap": "evap", "cover": "pc", "c_input": "c_inp",
                "fym": "fym", "dpm_rpm": "dpm_rpm", "modern": "modern"}
        f = {k: d[v].to_numpy(dtype=np.float64)[sl].reshape(-1, 1) for k, v in cols.items()}
        n = f["tas"].shape[0]
        return core.forcing_views(f, n, 1)

    state, months = core.equilibrium_state(forcing(slice(0, 12)), params, mode=equilibrium, radiocarbon=True)
    eq = state[0].copy()
    iom = params.iom
    eq_pools = {"DPM": eq[0:1], "RPM": eq[1:2], "BIO": eq[2:3], "HUM": eq[3:4],
                "R_DPM": eq[6:7], "R_RPM": eq[7:8], "R_BIO": eq[8:9], "R_HUM": eq[9:10]}
    _, eq_delta = core.total_radiocarbon(eq_pools, iom)
    res = core.run(forcing(slice(12, None)), params, state, radiocarbon=True, diagnostics=True)
    _, delta = core.total_radiocarbon(res, iom[None, :])
    rest = d.iloc[12:].reset_index(drop=True)
    month = pd.DataFrame({
        "Year": rest["year"], "Month": rest["month"], "C_Inp_t_C_ha": rest["c_inp"],
        "FYM_Inp_t_C_ha": rest["fym"], "TEMP_C": rest["tmp"], "RM_TMP": res["RM_TMP"][:, 0],
        "RAIN_mm": rest["rain"], "PEVAP_mm": rest["evap"], "SMD_mm": res["SMD"][:, 0],
        "RM_Moist": res["RM_Moist"][:, 0], "PC": rest["pc"], "RM_PC": res["RM_PC"][:, 0],
        "DPM_t_C_ha": res["DPM"][:, 0], "RPM_t_C_ha": res["RPM"][:, 0], "BIO_t_C_ha": res["BIO"][:, 0],
        "HUM_t_C_ha": res["HUM"][:, 0], "IOM_t_C_ha": np.full(len(rest), iom[0]),
        "SOC_t_C_ha": res["SOC"][:, 0], "CO2_t_C_ha": res["CO2"][:, 0],
    })[MONTH_COLUMNS]
    first = {
        "Year": int(d["year"].iloc[11]), "Month": int(months[0]), "DPM_t_C_ha": eq[0], "RPM_t_C_ha": eq[1],
        "BIO_t_C_ha": eq[2], "HUM_t_C_ha": eq[3], "IOM_t_C_ha": iom[0],
        "SOC_t_C_ha": eq[0] + eq[1] + eq[2] + eq[3] + iom[0], "CO2_t_C_ha": 0.0, "deltaC": float(eq_delta[0]),
    }
    # yearly rows as Shell.for: every 12th row of the file (mod(i, 12) == 0), Month printed as 12
    dec = ((np.arange(len(rest)) + 13) % 12 == 0)
    year = pd.DataFrame({
        "Year": rest["year"][dec], "Month": 12, "DPM_t_C_ha": month["DPM_t_C_ha"][dec],
        "RPM_t_C_ha": month["RPM_t_C_ha"][dec], "BIO_t_C_ha": month["BIO_t_C_ha"][dec],
        "HUM_t_C_ha": month["HUM_t_C_ha"][dec], "IOM_t_C_ha": month["IOM_t_C_ha"][dec],
        "SOC_t_C_ha": month["SOC_t_C_ha"][dec], "CO2_t_C_ha": month["CO2_t_C_ha"][dec],
        "deltaC": delta[:, 0][dec],
    })
    year = pd.concat([pd.DataFrame([first]), year], ignore_index=True)[YEAR_COLUMNS]
    return month, year


def write_results(month: pd.DataFrame, year: pd.DataFrame, outdir: str | os.PathLike) -> tuple[Path, Path]:
    """Write ``month_results.csv`` and ``year_results.csv`` atomically, full precision."""
    from soilsink.io.atomic import atomic_write

    outdir = Path(outdir)
    paths = (outdir / "month_results.csv", outdir / "year_results.csv")
    for df, p in zip((month, year), paths, strict=True):
        with atomic_write(p, newline="") as fh:
            df.to_csv(fh, index=False)  # shortest repr that round-trips: full precision
    return paths


def read_official_results(path: str | os.PathLike) -> pd.DataFrame:
    """Read an official results file (Fortran ``.out`` with padded commas, or Python ``.csv``)."""
    df = pd.read_csv(path, skipinitialspace=True)
    df.columns = [c.strip() for c in df.columns]
    return df
