"""Covariate rasters for stratification: opened, checked and read at points.

Each covariate is a single-band GeoTIFF or a NetCDF grid (one variable) with a CRS, opened with
:func:`soilsink.spatial.rasters.open_raster` (nodata becomes NaN). Values are read at points
given in the design's working CRS: the points are transformed to the raster's CRS (pyproj)
and take the value of the cell that contains them; points outside the raster get NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from soilsink.io.errors import InputError, Problem
from soilsink.spatial.rasters import grid_signature, nearest_index, open_raster


def open_covariates(paths: Sequence[str | Path]) -> dict[str, xr.DataArray]:
    """``{name: raster}`` in the given order; the name is the file name without its suffix."""
    out: dict[str, xr.DataArray] = {}
    for path in paths:
        p = Path(path)
        da = open_raster(p, name=p.stem)
        if "time" in da.dims:
            raise InputError(Problem(str(p), "a covariate must have one band", value=da.sizes["time"],
                                     allowed="a single-band raster"))
        if da.rio.crs is None:
            raise InputError(Problem(str(p), "the covariate raster has no CRS",
                                     allowed="a raster with a CRS"))
        if p.stem in out:
            raise InputError(Problem(str(p), "two covariates have the same file name", value=p.stem,
                                     allowed="distinct file names (they name the covariates)"))
        out[p.stem] = da
    return out


def sample_at(da: xr.DataArray, x: np.ndarray, y: np.ndarray, crs) -> np.ndarray:
    """Values of ``da`` at points (x, y) in ``crs``; NaN outside the raster or on nodata."""
    from pyproj import CRS, Transformer

    src, dst = CRS.from_user_input(crs), CRS.from_user_input(da.rio.crs)
    if src != dst:
        x, y = Transformer.from_crs(src, dst, always_xy=True).transform(x, y)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xmin, ymin, xmax, ymax = grid_signature(da)["extent"]
    inside = (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)
    iy, ix = nearest_index(da, x, y)
    values = np.asarray(da.values, dtype=float)[iy, ix]
    return np.where(inside, values, np.nan)
