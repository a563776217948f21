"""Benchmark: the whole grid workflow on a synthetic grid (default 1,000,000 cells) on N workers.

    PYTHONPATH=src python bench/bench_grid.py [--cells 1000000] [--workers 2] [--chunk 128]
                                               [--years 20] [--keep DIR]

Writes the example grid (``soilsink grid example``), runs ``soilsink grid run`` on a Dask
LocalCluster (equilibrium + warm-up + 4 scenarios x 20 years, each for the central, low and
high runs), and prints wall time, cells per second, peak memory (sum of the RSS of this
process and its workers, sampled every 0.2 s) and the extrapolated time for 1e8 cells.
Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil


class PeakRSS:
    """Sample the summed RSS of this process and all its children."""

    def __init__(self, every_s: float = 0.2) -> None:
        self.every_s = every_s
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(self.every_s)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=128)
    ap.add_argument("--years", type=int, default=20, help="warm-up years of monthly climate")
    ap.add_argument("--keep", type=Path, default=None, help="keep inputs/outputs in this folder")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    ap.add_argument("--scheduler", default=None, help="'synchronous' (one process) or a scheduler address")
    args = ap.parse_args()

    from soilsink.spatial.config import load_config
    from soilsink.spatial.example import write_example
    from soilsink.spatial.run import run_grid

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_grid_"))
    t0 = time.perf_counter()
    cfg_path = write_example(work / "inputs", args.cells, warmup_years=args.years)
    t_example = time.perf_counter() - t0
    cfg = load_config(cfg_path)
    cfg = cfg.model_copy(update={"run": cfg.run.model_copy(update={"chunk": args.chunk})})
    with PeakRSS() as mem:
        t1 = time.perf_counter()
        run_grid(cfg, work / "out", workers=None if args.scheduler else args.workers,
                 scheduler=args.scheduler, progress=not args.quiet)
        wall = time.perf_counter() - t1
    import numpy as np
    import xarray as xr

    with xr.open_dataset(work / "out" / "results.nc") as ds:
        n_total = ds.sizes["y"] * ds.sizes["x"]
        n_valid = int(np.isfinite(ds["soc_t0"].values).sum())
    # per bound (central, low, high): one warm-up, then two forward runs continuing from it (BAU
    # and the largest factor; the other scenarios are exact affine combinations), after exact
    # equilibrium solves
    months_per_cell = 3 * (args.years * 12 + 2 * cfg.scenarios.forward_years * 12)
    rate = n_total / wall
    print()
    print(f"grid: {n_total:,} cells ({n_valid:,} modelled), chunk {args.chunk}x{args.chunk}, {args.workers} workers, "
          f"{os.cpu_count()} CPUs")
    print(f"example written in {t_example:.1f} s")
    print(f"workflow wall time: {wall:.1f} s  ->  {rate:,.0f} cells/s "
          f"({n_valid * months_per_cell / wall / 1e6:.1f} M simulated cell-months/s; {months_per_cell} months per "
          "cell = 3 bounds x (warm-up + 2 forward runs), plus exact equilibrium solves per bound)")
    print(f"peak memory (this process + workers): {mem.peak / 2**30:.2f} GiB")
    t_1e8 = 1e8 / rate
    print(f"extrapolated 1e8 cells on this machine: {t_1e8 / 3600:.1f} h; "
          f"on a 100-machine cluster of the same kind: {t_1e8 / 100 / 60:.1f} min (linear scaling assumed)")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
