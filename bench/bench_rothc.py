"""Benchmark RothC: cell-months per second, vs the PyPI package pyrothc, exact equilibrium vs spin-up.

Run: ``PYTHONPATH=src python bench/bench_rothc.py [--cells 20000] [--years 100]``

1. 20,000 cells x 100 years with per-cell monthly forcing (tas, pr, evap, c_input per cell),
   through the numba kernel (``core.run``) and through ``simulate`` (xarray, with equilibrium).
2. pyrothc (PyPI ``pyrothc``, odeint-based RothC 26.3) on a few cells of the same size, same run.
3. Exact equilibrium vs the official spin-up loop on the same cells.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import xarray as xr

from soilsink.models import rothc
from soilsink.models.rothc import core


def forcing(n_cells: int, n_years: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    nt = 12 * n_years
    m = np.arange(nt) % 12
    season = np.sin(2 * np.pi * (m - 3) / 12)[:, None]
    tas = 10 + 8 * season + rng.normal(0, 2, (nt, n_cells))
    pr = rng.gamma(2.0, 30.0, (nt, n_cells))
    evap = np.maximum(0, 55 + 45 * season + rng.normal(0, 8, (nt, n_cells)))
    c_input = np.where(m == 7, 1.0, 0.05)[:, None] * rng.uniform(0.5, 3.0, (1, n_cells)) + 0 * tas
    cover = np.where(m == 8, 0.0, 1.0)[:, None]
    clay = rng.uniform(5, 60, n_cells)
    return tas, pr, evap, c_input, cover, clay


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=int, default=20000)
    ap.add_argument("--years", type=int, default=100)
    ap.add_argument("--eq-cells", type=int, default=2000)
    ap.add_argument("--pyrothc-cells", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of the kernel (best is reported; all are printed)")
    a = ap.parse_args()
    nc, ny = a.cells, a.years
    nt = 12 * ny
    print(f"cores: {os.cpu_count()}, numba threads: {__import__('numba').get_num_threads()}")
    tas, pr, evap, c_input, cover, clay = forcing(nc, ny)
    params = core.cell_params(nc, clay=clay, depth=23.0, iom=3.0)
    f = core.forcing_views(dict(tas=tas, pr=pr, evap=evap, cover=cover, c_input=c_input), nt, nc)

    # warm-up (compile or load the cache)
    small = tuple(x[:24, :64] for x in f)
    sp = core.cell_params(64, clay=clay[:64], depth=23.0, iom=3.0)
    core.run(small, sp, core.initial_state(sp))

    # 1. kernel (fresh output arrays each run, as simulate allocates them); CPU time is
    # process_time over all threads, the fairer figure on a shared machine
    n_cm = nc * nt
    walls, cpus = [], []
    for _ in range(a.repeat):
        st = core.initial_state(params)
        t0, c0 = time.perf_counter(), time.process_time()
        core.run(f, params, st)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    best, cpu = min(walls), min(cpus)
    rate = n_cm / best
    print("  runs (wall / CPU ns per cell-month): "
          + ", ".join(f"{w / n_cm * 1e9:.1f} / {c / n_cm * 1e9:.1f}" for w, c in zip(walls, cpus, strict=True)))
    print(f"kernel: {nc} cells x {ny} years = {nc * nt:.3g} cell-months in {best:.3f} s wall "
          f"-> {rate:.3g} cell-months/s; CPU time {cpu / (nc * nt) * 1e9:.1f} ns per cell-month "
          f"(all threads; {os.cpu_count()} idle cores would give {os.cpu_count() * nc * nt / cpu:.3g} cell-months/s); "
          f"load average {os.getloadavg()[0]:.1f}")

    # 1a. the same with the output arrays allocated once (no page zeroing in the timing)
    from soilsink.models.rothc import kernel

    out = np.empty((6, nt, nc))
    none = np.empty((0, nt, nc))
    walls, cpus = [], []
    for _ in range(a.repeat):
        st = core.initial_state(params)
        t0, c0 = time.perf_counter(), time.process_time()
        kernel.run_months(*f, *params.args(), 1, False, st, out, none, none)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    best2, cpu2 = min(walls), min(cpus)
    print(f"kernel, outputs preallocated: {best2:.3f} s wall -> {nc * nt / best2:.3g} cell-months/s; "
          f"CPU {cpu2 / (nc * nt) * 1e9:.1f} ns per cell-month ({os.cpu_count()} idle cores: "
          f"{os.cpu_count() * nc * nt / cpu2:.3g} cell-months/s)")
    del out

    # 1b. xarray API, including the exact equilibrium of every cell
    ds = xr.Dataset({
        "tas": (("time", "cell"), tas), "pr": (("time", "cell"), pr), "evap": (("time", "cell"), evap),
        "c_input": (("time", "cell"), c_input), "cover": ("time", cover[:, 0]), "clay": ("cell", clay),
        "depth": 23.0, "iom": 3.0,
    })
    t0 = time.perf_counter()
    rothc.simulate(ds)
    t_api = time.perf_counter() - t0
    print(f"simulate (xarray, exact equilibrium + run): {t_api:.3f} s -> {nc * nt / t_api:.3g} cell-months/s")
    del ds

    # 2. pyrothc on a few cells (same years, one cell at a time)
    try:
        from pyRothC.RothC import RothC as PyRothC

        t0, c0 = time.perf_counter(), time.process_time()
        for c in range(a.pyrothc_cells):
            PyRothC(temperature=tas[:12, c], precip=pr[:12, c], evaporation=evap[:12, c], years=ny,
                    clay=float(clay[c]), input_carbon=float(c_input[:12, c].sum()), C0=np.array([0, 0, 0, 0, 3.0])
                    ).compute()
        t_py = (time.perf_counter() - t0) / (a.pyrothc_cells * nt)
        c_py = (time.process_time() - c0) / (a.pyrothc_cells * nt)
        ours = best / (nc * nt)
        print(f"pyrothc: {t_py * 1e6:.2f} us wall, {c_py * 1e6:.2f} us CPU per cell-month ({a.pyrothc_cells} cells x "
              f"{ny} years); soilsink kernel is {t_py / ours:,.0f} times faster per cell-month (wall), "
              f"{c_py / (cpu / (nc * nt)):,.0f} times less CPU per cell-month; load average {os.getloadavg()[0]:.1f}")
    except ImportError as exc:  # pragma: no cover
        print(f"pyrothc not available: {exc}")

    # 3. exact equilibrium vs the official spin-up loop on the same cells
    ne = min(a.eq_cells, nc)
    ep = core.cell_params(ne, clay=clay[:ne], depth=23.0, iom=3.0)
    f12 = tuple(np.ascontiguousarray(x[:12, :ne]) if x.shape[1] > 1 else x[:12] for x in f)
    f12 = core.forcing_views(dict(zip(("tas", "pr", "evap", "cover", "c_input"), (f12[0], f12[1], f12[2], f12[3], f12[4]),
                                      strict=True)), 12, ne)
    core.equilibrium_state(tuple(x[:, :8] for x in f12), core.cell_params(8, clay=clay[:8], depth=23.0, iom=3.0),
                           mode="spinup")
    t0 = time.perf_counter()
    s_ex, _ = core.equilibrium_state(f12, ep, mode="exact")
    t_ex = time.perf_counter() - t0
    t0 = time.perf_counter()
    s_sp, months = core.equilibrium_state(f12, ep, mode="spinup")
    t_sp = time.perf_counter() - t0
    soc_ex = s_ex[:, :4].sum(1) + 3.0
    soc_sp = s_sp[:, :4].sum(1) + 3.0
    within = np.abs(soc_sp - soc_ex) <= 2e-3 + 1e-4 * soc_ex
    print(f"equilibrium of {ne} cells: exact {t_ex * 1e3:.1f} ms, spin-up {t_sp * 1e3:.1f} ms "
          f"(median {int(np.median(months))} months) -> exact is {t_sp / t_ex:,.0f} times faster; "
          f"SOC agree within 2e-3 + 1e-4 x value in {within.mean() * 100:.1f}% of cells "
          f"(max |diff| {np.abs(soc_sp - soc_ex).max():.2e} t C/ha)")


if __name__ == "__main__":
    main()
