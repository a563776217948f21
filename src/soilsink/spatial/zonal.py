"""Zonal totals: per polygon, area-weighted totals and means of stocks, potentials and sinks.

One aggregation (:func:`aggregate`) serves both sources:

* **grids** (:func:`zonal_grid`): each cell belongs to the polygon that contains its centre
  (``rasterio.features.rasterize`` with ``all_touched=False``); its weight is its area in ha
  (exact on lon/lat grids, :mod:`soilsink.spatial.areas`);
* **fields from tables** (:func:`zonal_table`): each field belongs to the polygon containing
  its representative point (or its lon/lat), weighted by its ``area_ha``.

For a per-hectare quantity ``v`` (t C/ha, or t C/ha/yr) the zone total is Σ vᵢ·aᵢ (t C, or
t C/yr) and the area-weighted mean is Σ vᵢ·aᵢ / Σ aᵢ over the cells/fields where ``v`` is
defined. Polygons must not overlap (a cell counts once, for the last polygon drawn).
Sums run in a fixed order (row blocks of fixed size, cells in index order), so totals do not
depend on how the grid was chunked when computed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from soilsink.io.errors import InputError, Problem
from soilsink.spatial.areas import cell_area_ha

ROW_BLOCK = 512
_PER_HA = {"t C ha-1": ("t C", "t C ha-1"), "t C ha-1 yr-1": ("t C yr-1", "t C ha-1 yr-1")}


def read_polygons(path: str | Path, id_column: str, *, layer: str | None = None):
    """Read polygons (GeoPackage, GeoJSON, Shapefile) with an id column; clear errors."""
    import geopandas as gpd

    p = Path(path)
    if not p.exists():
        raise InputError(Problem(str(p), "polygon file not found"))
    try:
        gdf = gpd.read_file(p, layer=layer) if layer else gpd.read_file(p)
    except Exception as exc:
        raise InputError(Problem(str(p), f"cannot read the polygons: {exc}")) from None
    if id_column not in gdf.columns:
        raise InputError(Problem(str(p), "id column not found", column=id_column,
                                 allowed=", ".join(c for c in gdf.columns if c != "geometry")))
    if gdf[id_column].duplicated().any():
        dup = gdf.loc[gdf[id_column].duplicated(), id_column].iloc[0]
        raise InputError(Problem(str(p), "polygon ids must be unique", column=id_column, value=dup))
    if gdf.crs is None:
        raise InputError(Problem(str(p), "polygons have no CRS", allowed="a file with a CRS (e.g. EPSG:4326)"))
    return gdf[[id_column, "geometry"]].reset_index(drop=True)


def zone_index(x: np.ndarray, y: np.ndarray, polygons, crs=None) -> np.ndarray:
    """(ny, nx) int array: the row of ``polygons`` containing each cell centre, −1 outside."""
    from affine import Affine
    from rasterio.features import rasterize

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    dx, dy = x[1] - x[0], y[1] - y[0]
    transform = Affine(dx, 0, x[0] - dx / 2, 0, dy, y[0] - dy / 2)
    gdf = polygons.to_crs(crs) if crs is not None and polygons.crs is not None else polygons
    shapes = [(geom, i) for i, geom in enumerate(gdf.geometry) if geom is not None and not geom.is_empty]
    if not shapes:
        return np.full((y.size, x.size), -1, dtype=np.int64)
    return rasterize(shapes, out_shape=(y.size, x.size), transform=transform, fill=-1,
                     all_touched=False, dtype="int32").astype(np.int64)


def aggregate(zone: np.ndarray, weight_ha: np.ndarray, values: dict[str, np.ndarray], n_zones: int) -> dict[str, dict[str, np.ndarray]]:
    """Per-zone sums for flat arrays: ``{name: {"area_ha", "n", "total"}}`` (each length n_zones).

    ``zone`` < 0 is outside every zone; NaN values are skipped (their area is not counted).
    """
    out = {}
    inside = zone >= 0
    for name, v in values.items():
        ok = inside & np.isfinite(v) & np.isfinite(weight_ha)
        z = zone[ok]
        out[name] = {
            "area_ha": np.bincount(z, weights=weight_ha[ok], minlength=n_zones),
            "n": np.bincount(z, minlength=n_zones).astype(float),
            "total": np.bincount(z, weights=v[ok] * weight_ha[ok], minlength=n_zones),
        }
    return out


def _add(acc: dict, part: dict) -> dict:
    if not acc:
        return part
    for name, d in part.items():
        for k in d:
            acc[name][k] = acc[name][k] + d[k]
    return acc


def _table(sums: dict, ids: list, id_column: str, units: dict[str, str]) -> pd.DataFrame:
    rows = []
    for key, d in sums.items():
        name, scenario = key
        u_total, u_mean = _PER_HA.get(units.get(name, ""), ("", ""))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(d["area_ha"] > 0, d["total"] / d["area_ha"], np.nan)
        for i, zid in enumerate(ids):
            rows.append({id_column: zid, "scenario": scenario, "variable": name, "n_cells": int(d["n"][i]),
                         "area_ha": d["area_ha"][i], "total": d["total"][i], "total_units": u_total,
                         "mean": mean[i], "mean_units": u_mean})
    return pd.DataFrame(rows)


def zonal_grid(results: xr.Dataset, polygons, id_column: str, *, variables: list[str] | None = None,
               area: xr.DataArray | None = None) -> pd.DataFrame:
    """Area-weighted totals and means per polygon (and scenario) of the per-hectare variables
    of a results dataset (units ``t C ha-1`` or ``t C ha-1 yr-1``). Long table: one row per
    polygon, scenario and variable with ``n_cells, area_ha, total, total_units, mean, mean_units``.
    """
    crs = None
    try:
        crs = results.rio.crs
    except Exception:
        pass
    if crs is None:
        crs = "EPSG:4326"
    zone = zone_index(results["x"].values, results["y"].values, polygons, crs=crs)
    if area is None:
        area = results["cell_area"] if "cell_area" in results else cell_area_ha(results)
    names = variables or [v for v in results.data_vars if results[v].attrs.get("units") in _PER_HA]
    units = {v: results[v].attrs.get("units", "") for v in names}
    n_zones = len(polygons)
    ny = results.sizes["y"]
    sums: dict = {}
    for r0 in range(0, ny, ROW_BLOCK):
        rs = slice(r0, min(ny, r0 + ROW_BLOCK))
        z = zone[rs].ravel()
        w = np.asarray(area.isel(y=rs).values, dtype=float).ravel()
        vals = {}
        for v in names:
            da = results[v].isel(y=rs)
            if "scenario" in da.dims:
                for s in da["scenario"].values:
                    vals[(v, str(s))] = np.asarray(da.sel(scenario=s).values, dtype=float).ravel()
            else:
                vals[(v, "")] = np.asarray(da.values, dtype=float).ravel()
        sums = _add(sums, aggregate(z, w, vals, n_zones))
    return _table(sums, list(polygons[id_column]), id_column, units)


def zonal_table(fields, polygons, id_column: str, value_columns: list[str], *, area_column: str = "area_ha",
                units: dict[str, str] | None = None, source: str = "<fields>") -> pd.DataFrame:
    """The same totals and means for fields from a table (GeoDataFrame, or DataFrame with
    ``lon``/``lat`` in degrees), each weighted by its ``area_column`` (ha)."""
    import geopandas as gpd

    if area_column not in fields.columns:
        raise InputError(Problem(source, "field table lacks the area column", column=area_column))
    if not isinstance(fields, gpd.GeoDataFrame):
        if not {"lon", "lat"} <= set(fields.columns):
            raise InputError(Problem(source, "fields need a geometry or lon/lat columns", allowed="lon, lat"))
        fields = gpd.GeoDataFrame(fields, geometry=gpd.points_from_xy(fields["lon"], fields["lat"]), crs="EPSG:4326")
    pts = fields.geometry.representative_point()
    pts = gpd.GeoDataFrame(geometry=pts, crs=fields.crs).to_crs(polygons.crs)
    joined = gpd.sjoin(pts, polygons[["geometry"]].reset_index(names="_zone"), how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="last")]
    zone = joined["_zone"].fillna(-1).astype(np.int64).to_numpy()
    w = fields[area_column].to_numpy(dtype=float)
    vals = {(c, ""): fields[c].to_numpy(dtype=float) for c in value_columns}
    sums = aggregate(zone, w, vals, len(polygons))
    u = units or {c: "t C ha-1" for c in value_columns}
    return _table(sums, list(polygons[id_column]), id_column, u)
