"""Benchmark: run_project and the HTML report on the embedded demo projects at several draw counts.

    PYTHONPATH=src python bench/bench_project.py

Prints wall-clock seconds per stage (machine-dependent; not a test).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

from soilsink.accounting.project import load_project
from soilsink.accounting.runner import run_project
from soilsink.report.project_report import render_project_report

DEMO = Path(__file__).resolve().parents[1] / "src" / "soilsink" / "data" / "demo_project"


def main() -> None:
    warnings.simplefilter("ignore")
    for name in ("PROJECT.toml", "PROJECT_model.toml"):
        cfg = load_project(DEMO / name)
        run_project(cfg.model_copy(update={"uncertainty": cfg.uncertainty.model_copy(update={"draws": 10})}))
        for draws in (1000, 10_000, 50_000):
            c = cfg.model_copy(update={"uncertainty": cfg.uncertainty.model_copy(update={"draws": draws})})
            t0 = time.perf_counter()
            res = run_project(c)
            t1 = time.perf_counter()
            render_project_report(c, res)
            t2 = time.perf_counter()
            print(f"{name:20s} fields={len(c.fields)} draws={draws:6d}  run {t1 - t0:6.2f} s  report {t2 - t1:5.2f} s")


if __name__ == "__main__":
    main()
