"""Record reference runs of the official Millennial v2 R code for soilsink's tests.

Runs ``tools/millennial_reference.R`` (which sources ``derivs_V2_MM.R`` and
``run_functions.R`` of rabramoff/Millennial) on the cases below and writes, per case, its
inputs (parameters, site, forcing, initial pools) and the R outputs at full precision under
``tests/data/millennial_r/<case>/``, with ``PROVENANCE.json`` (repository commit, R and deSolve
versions, command). Not part of CI: it needs R (Debian ``r-base-core``, ``r-cran-desolve``,
``r-cran-nleqslv``) and a checkout of the official repository::

    git clone https://github.com/rabramoff/Millennial /tmp/Millennial
    python tools/make_millennial_reference.py --repo /tmp/Millennial

Forcing is written as one row per time point of the daily RK4 run (point k is the start of
day k + 1); year-end rows of the R output are kept (every 365th point).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "millennial_r"
R_SCRIPT = ROOT / "tools" / "millennial_reference.R"
SIMV2 = Path("Fortran") / "MillennialV2" / "simulationv2"
POOLS = ("POM", "LMWC", "AGG", "MIC", "MAOM")


def _fmt(x: float) -> str:
    return repr(float(x))


def _write_forcing(path: Path, st, sw, npp) -> None:
    with open(path, "w") as fh:
        fh.write("forc_st,forc_sw,forc_npp\n")
        for a, b, c in zip(st, sw, npp, strict=True):
            fh.write(f"{_fmt(a)},{_fmt(b)},{_fmt(c)}\n")


def _write_pairs(path: Path, pairs: dict[str, float]) -> None:
    path.write_text("".join(f"{k} {_fmt(v)}\n" for k, v in pairs.items()))


def _write_init(path: Path, init: dict[str, float]) -> None:
    path.write_text(",".join(POOLS) + "\n" + ",".join(_fmt(init[p]) for p in POOLS) + "\n")


def _r_versions() -> dict[str, str]:
    code = ('cat(R.version.string, "|", as.character(packageVersion("deSolve")), "|", '
            'as.character(packageVersion("nleqslv")))')
    out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, check=True)
    r, desolve, nleq = (s.strip() for s in out.stdout.split("|"))
    return {"R": r, "deSolve": desolve, "nleqslv": nleq}


def _commit(repo: Path) -> str:
    res = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                         text=True)
    return res.stdout.strip() if res.returncode == 0 else "unknown (not a git checkout)"


def _case(name: str, mode: str, repo: Path, params_file: str, site: dict[str, float],
          forcing: tuple, init: dict[str, float], meta: dict, years: int | None = None,
          keep_every: int | None = 365) -> None:
    d = OUT / name
    d.mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / SIMV2 / params_file, d / "params.txt")
    _write_pairs(d / "site.txt", site)
    _write_forcing(d / "forcing.csv", *forcing)
    _write_init(d / "init.csv", init)
    full = d / "r_output_full.csv"
    cmd = ["Rscript", str(R_SCRIPT), mode, str(repo), str(d / "params.txt"), str(d / "site.txt"),
           str(d / "forcing.csv"), str(d / "init.csv"), str(full)]
    if years is not None:
        cmd.append(str(years))
    subprocess.run(cmd, check=True)
    lines = full.read_text().splitlines()
    if keep_every:
        lines = [lines[0]] + lines[1::keep_every]
    (d / "r_output.csv").write_text("\n".join(lines) + "\n")
    full.unlink()
    prov = {"case": name, "mode": mode, "params_file": f"{SIMV2}/{params_file}",
            "official_files": ["R/models/derivs_V2_MM.R", "R/simulation/run_functions.R"],
            "repository": "https://github.com/rabramoff/Millennial", "commit": _commit(repo),
            **_r_versions(), "command": " ".join(["Rscript", "tools/millennial_reference.R",
                                                  mode, "<repo>", *cmd[4:]]).replace(str(ROOT) + "/", ""),
            "rows_kept": "every 365th time point (year ends)" if keep_every else "all", **meta}
    (d / "PROVENANCE.json").write_text(json.dumps(prov, indent=2) + "\n")
    print(f"{name}: {len(lines) - 1} rows")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", type=Path, required=True, help="checkout of rabramoff/Millennial")
    repo = ap.parse_args().repo.resolve()
    OUT.mkdir(parents=True, exist_ok=True)

    # 1. The official tutorial: Run_Model on globalaverage.txt, calibrated parameters, tutorial
    #    site (pH 7, bulk density 1000 kg/m3, clay + silt 80 %, pc 0.86), all pools 1 g C/m2.
    ga = np.loadtxt(repo / SIMV2 / "globalaverage.txt")
    tut_site = {"param_pH": 7.0, "param_bulkd": 1000.0, "param_pc": 0.86, "param_claysilt": 80.0}
    ones = dict.fromkeys(POOLS, 1.0)
    _case("tutorial", "tutorial", repo, "soilpara_in_fit.txt", tut_site,
          (ga[:, 0], ga[:, 1], ga[:, 2]), ones,
          {"description": "official tutorial run: Run_Model(globalaverage.txt, derivs_V2_MM, "
                          "soilpara_in_fit, num.years = 11) from all pools = 1"}, years=11)

    # 2-3. Another site with seasonal soil climate and a doubling of the input after 4 years.
    def series(n_years: int, change_year: int):
        days = np.arange(n_years * 365 + 1)
        st = 10.0 + 9.0 * np.sin(2.0 * np.pi * (days % 365) / 365.0)
        sw = 0.30 + 0.08 * np.cos(2.0 * np.pi * (days % 365) / 365.0)
        year = np.minimum(days // 365, n_years - 1)  # the last point continues the last year
        npp = np.where(year < change_year, 1.2, 2.4) * 100.0 / 365.0
        return st, sw, npp

    site = {"param_pH": 5.5, "param_bulkd": 1350.0, "param_pc": 0.86, "param_claysilt": 35.0}
    init = {"POM": 400.0, "LMWC": 10.0, "AGG": 1000.0, "MIC": 3.0, "MAOM": 2500.0}
    meta = {"description": "seasonal soil climate, input 1.2 t C/ha/yr for 4 years then 2.4, "
                           "uniform daily input; forcing given point by point",
            "tsoil": "10 + 9 sin(2 pi (d mod 365)/365)", "theta": "0.30 + 0.08 cos(...)"}
    _case("input_change", "run", repo, "soilpara_in_fit.txt", site, series(8, 4), init, meta)
    _case("input_change_prior", "run", repo, "soilpara_in_default.txt", site, series(4, 2),
          init, {**meta, "description": "prior parameter set, input 1.2 then 2.4 t C/ha/yr "
                                        "after 2 years, 4 years"})

    # 4-5. Steady states under constant forcing, by nleqslv on the official derivatives.
    mean = (np.array([ga[:, 0].mean()]), np.array([ga[:, 1].mean()]), np.array([ga[:, 2].mean()]))
    # start: the equilibrium pools distributed with the official Fortran run files
    eq0 = np.loadtxt(repo / SIMV2 / "initial_equilibrium.txt")
    start = dict(zip(("POM", "LMWC", "AGG", "MIC", "MAOM"), map(float, eq0), strict=True))
    _case("steady_tutorial", "steady", repo, "soilpara_in_fit.txt", tut_site, mean, start,
          {"description": "root of the official derivatives under the annual-mean forcing of "
                          "globalaverage.txt (Solve_Model's definition), by nleqslv (Newton "
                          "with double-dogleg trust region, in log space) from the pools of "
                          "initial_equilibrium.txt"},
          keep_every=None)
    const = (np.array([10.0]), np.array([0.30]), np.array([2.0 * 100.0 / 365.0]))
    _case("steady_site", "steady", repo, "soilpara_in_fit.txt", site, const, start,
          {"description": "root under constant forcing 10 degC, 0.30 m3/m3, 2 t C/ha/yr"},
          keep_every=None)


if __name__ == "__main__":
    main()
