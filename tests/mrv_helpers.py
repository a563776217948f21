"""Synthetic project files for the mrv tests: polygons, covariate rasters, pilot tables."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rioxarray  # noqa: F401  (registers .rio)
import xarray as xr
from shapely.geometry import Polygon, box

#: lower-left corner of the toy project in UTM zone 31N (EPSG:32631), m
X0, Y0 = 500_000.0, 5_000_000.0
UTM = "EPSG:32631"


def bands(n: int = 5, width_m: float = 2000.0, height_m: float = 10_000.0) -> list[Polygon]:
    """n vertical bands side by side (5 × 2 km × 10 km = 10,000 ha by default)."""
    return [box(X0 + i * width_m, Y0, X0 + (i + 1) * width_m, Y0 + height_m) for i in range(n)]


def write_fields(path: Path, *, controls: bool = True, n: int = 5) -> Path:
    """Project bands with a ``zone`` (A, B, …) and ``role`` column; controls east of the project."""
    names = [chr(ord("A") + i) for i in range(n)]
    g = gpd.GeoDataFrame({"zone": names, "role": ["project"] * n}, geometry=bands(n), crs=UTM)
    if controls:
        east = X0 + n * 2000.0 + 1000.0
        c = gpd.GeoDataFrame({"zone": names[:3], "role": ["control"] * 3},
                             geometry=[box(east, Y0 + i * 1500, east + 1000, Y0 + i * 1500 + 1000)
                                       for i in range(3)], crs=UTM)
        g = pd.concat([g, c], ignore_index=True)
    g.to_file(path, driver="GPKG")
    return path


def write_raster(path: Path, func, *, cell_m: float = 100.0, crs: str = UTM,
                 extent=(X0 - 1000, Y0 - 1000, X0 + 15_000, Y0 + 11_000)) -> Path:
    """Single-band GeoTIFF of ``func(x, y)`` on a north-up grid over ``extent``."""
    xmin, ymin, xmax, ymax = extent
    xs = np.arange(xmin, xmax, cell_m) + cell_m / 2
    ys = np.arange(ymax, ymin, -cell_m) - cell_m / 2
    xx, yy = np.meshgrid(xs, ys)
    da = xr.DataArray(func(xx, yy).astype("float64"), coords={"y": ys, "x": xs}, dims=("y", "x"))
    da.rio.write_crs(crs).rio.write_nodata(np.nan).rio.to_raster(path)
    return path
