"""Benchmark: a sampling design for a 10,000 ha project with 5 strata (given, and k-means).

    python bench/bench_design.py

Builds a synthetic project in a temporary directory (10 km x 10 km of irregular fields in UTM
zone 31N, 5 strata; a SOC-like and a clay-like covariate raster at 25 m) and prints the
wall-clock seconds of each step and of the whole design, GeoPackage and HTML report included
(machine-dependent; not a test). Run it on an otherwise idle machine for clean figures.
"""

from __future__ import annotations

import tempfile
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import rioxarray  # noqa: F401
import shapely
import xarray as xr

from soilsink.mrv.areas import read_design_areas
from soilsink.mrv.covariates import open_covariates
from soilsink.mrv.design import (
    DesignSpec,
    build_prior,
    build_strata,
    control_counts,
    design_sd,
    measure_balance,
    place_points,
    run_design,
    size_sample,
)
from soilsink.mrv.output import write_geopackage
from soilsink.report.design_report import render_design_report

X0, Y0, SIDE = 500_000.0, 5_000_000.0, 10_000.0


def fields(directory: Path) -> Path:
    """About 100 fields: a jittered 10 x 10 grid clipped to the square, 5 zones by easting."""
    rng = np.random.default_rng(0)
    cuts = np.linspace(0, SIDE, 11)
    inner = cuts[1:-1] + rng.uniform(-300, 300, 9)
    xs = np.concatenate([[0], np.sort(inner), [SIDE]])
    ys = np.concatenate([[0], np.sort(cuts[1:-1] + rng.uniform(-300, 300, 9)), [SIDE]])
    geoms, zones = [], []
    for i in range(10):
        for j in range(10):
            geoms.append(shapely.box(X0 + xs[i], Y0 + ys[j], X0 + xs[i + 1], Y0 + ys[j + 1]))
            zones.append("ABCDE"[i // 2])
    ctrl = [shapely.box(X0 + SIDE + 500, Y0 + k * 2000, X0 + SIDE + 1500, Y0 + k * 2000 + 1000) for k in range(5)]
    g = gpd.GeoDataFrame({"zone": zones + list("ABCDE"), "role": ["project"] * 100 + ["control"] * 5},
                         geometry=geoms + ctrl, crs="EPSG:32631")
    path = directory / "fields.gpkg"
    g.to_file(path, driver="GPKG")
    return path


def rasters(directory: Path) -> list[Path]:
    xs = np.arange(X0 - 500, X0 + SIDE + 2500, 25.0) + 12.5
    ys = np.arange(Y0 + SIDE + 500, Y0 - 500, -25.0) - 12.5
    xx, yy = np.meshgrid(xs, ys)
    out = []
    for name, a in (("soc", 45 + 12 * np.sin((xx - X0) / 1700) * np.cos((yy - Y0) / 2300)),
                    ("clay", 18 + 8 * np.tanh((yy - Y0 - 5000) / 3000))):
        p = directory / f"{name}.tif"
        xr.DataArray(a, coords={"y": ys, "x": xs}, dims=("y", "x")).rio.write_crs("EPSG:32631").rio.to_raster(p)
        out.append(p)
    return out


def timed(label: str, f):
    t0 = time.perf_counter()
    value = f()
    print(f"  {label:34s} {time.perf_counter() - t0:7.3f} s")
    return value


def main() -> None:
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        poly = fields(d)
        covs = rasters(d)
        specs = {
            "given strata, precision 5 %, CV 0.3, 3 controls/stratum":
                DesignSpec(polygons=poly, seed=1, strata_column="zone", role_column="role", target="precision",
                           precision_pct=5, cv=0.3, controls=3, reserve=3),
            "k-means 5 strata (2 covariates), MDD 1 t C/ha":
                DesignSpec(polygons=poly, seed=1, kmeans=5, covariates=tuple(covs), role_column="role",
                           target="mdd", mdd_t_ha=1.0, cv=0.25, mean_t_ha=50, correlation=0.7, controls=3, reserve=3),
        }
        run_design(specs[next(iter(specs))])  # warm-up (imports)
        for title, spec in specs.items():
            print(title)
            areas = timed("read + check polygons", lambda spec=spec: read_design_areas(
                spec.polygons, strata_column=spec.strata_column, role_column=spec.role_column))
            if spec.kmeans:
                timed("open covariates", lambda spec=spec: open_covariates(spec.covariates))
            strata = timed("strata", lambda spec=spec, areas=areas: build_strata(spec, areas))
            prior = build_prior(spec, areas, strata)
            size = timed("sample size + allocation", lambda spec=spec, strata=strata, prior=prior: size_sample(
                spec, strata, prior, design_sd(spec, prior)))
            ctrl = control_counts(spec, strata, size, areas)
            pts, _ = timed("BAS locations", lambda spec=spec, strata=strata, size=size, ctrl=ctrl: place_points(
                spec, strata, size, ctrl))
            timed("balance (design + 20 SRS/stratum)", lambda spec=spec, strata=strata, pts=pts: measure_balance(
                spec, strata, pts))
            t0 = time.perf_counter()
            design = run_design(spec)
            html = render_design_report(design)
            write_geopackage(design, d / "out.gpkg")
            (d / "out.html").write_text(html, encoding="utf-8")
            total = time.perf_counter() - t0
            print(f"  n = {design.size.n} (n_h = {design.size.n_h}), {sum(design.controls_h)} controls, "
                  f"project {design.areas.project_area_ha:,.0f} ha")
            print(f"  {'end to end (design, report, file)':34s} {total:7.3f} s")

if __name__ == "__main__":
    main()
