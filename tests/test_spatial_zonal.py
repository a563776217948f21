"""Zonal totals: hand-checked area-weighted totals and means; grids and tables share the code."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from shapely.geometry import box

from soilsink.io.errors import InputError
from soilsink.spatial.areas import cell_area_ha
from soilsink.spatial.zonal import aggregate, read_polygons, zonal_grid, zonal_table


def test_aggregate_by_hand() -> None:
    zone = np.array([0, 0, 1, -1, 1])
    w = np.array([1.0, 3.0, 2.0, 5.0, 2.0])
    v = np.array([10.0, 20.0, 30.0, 99.0, np.nan])
    s = aggregate(zone, w, {"v": v}, 2)["v"]
    np.testing.assert_allclose(s["total"], [10 * 1 + 20 * 3, 30 * 2])
    np.testing.assert_allclose(s["area_ha"], [4.0, 2.0])  # the NaN cell's area is not counted
    np.testing.assert_allclose(s["n"], [2, 1])


def _grid() -> xr.Dataset:
    # 4 x 4 lon/lat cells of 0.5 deg at the equator; soc = 10 left half, 30 right half
    x = 0.25 + 0.5 * np.arange(4)
    y = 1.75 - 0.5 * np.arange(4)
    soc = np.where(np.arange(4)[None, :] < 2, 10.0, 30.0) * np.ones((4, 1))
    ds = xr.Dataset({"soc": (("y", "x"), soc)}, coords={"x": x, "y": y})
    ds["soc"].attrs["units"] = "t C ha-1"
    return ds.rio.write_crs("EPSG:4326")


def test_zonal_grid_uses_cell_centres_and_geographic_areas() -> None:
    ds = _grid()
    polys = gpd.GeoDataFrame({"id": ["west", "all"]},
                             geometry=[box(0, 0, 1.0, 2.0), box(1.0, 0, 2.0, 2.0)], crs="EPSG:4326")
    t = zonal_grid(ds, polys, "id").set_index("id")
    area = cell_area_ha(ds).values
    west_area = area[:, :2].sum()
    assert t.loc["west", "area_ha"] == pytest.approx(west_area, rel=1e-12)
    assert t.loc["west", "total"] == pytest.approx(10 * west_area, rel=1e-12)
    assert t.loc["west", "mean"] == pytest.approx(10.0, rel=1e-12)
    assert t.loc["west", "total_units"] == "t C"
    assert t.loc["all", "mean"] == pytest.approx(30.0, rel=1e-12)
    # the 2 x 2 degree box from the equator: a little under 4 x 12,308 km2 = 4.92 Mha on WGS84
    assert (t["area_ha"].sum()) == pytest.approx(4 * 1_230_846, rel=2e-4)


def test_fields_from_a_table_aggregate_like_cells() -> None:
    """Each grid cell written as a field (lon, lat, area_ha) gives the same totals."""
    ds = _grid()
    area = cell_area_ha(ds)
    polys = gpd.GeoDataFrame({"id": ["west", "east"]},
                             geometry=[box(0, 0, 1.0, 2.0), box(1.0, 0, 2.0, 2.0)], crs="EPSG:4326")
    X, Y = np.meshgrid(ds.x.values, ds.y.values)
    fields = pd.DataFrame({"lon": X.ravel(), "lat": Y.ravel(), "area_ha": area.values.ravel(),
                           "soc": ds["soc"].values.ravel()})
    from_table = zonal_table(fields, polys, "id", ["soc"]).set_index("id")
    from_grid = zonal_grid(ds, polys, "id").set_index("id")
    for col in ("area_ha", "total", "mean", "n_cells"):
        np.testing.assert_allclose(from_table[col].astype(float), from_grid[col].astype(float), rtol=1e-12)


def test_bad_polygons(tmp_path: Path) -> None:
    polys = gpd.GeoDataFrame({"name": ["a", "a"]}, geometry=[box(0, 0, 1, 1), box(1, 1, 2, 2)], crs="EPSG:4326")
    polys.to_file(tmp_path / "p.geojson")
    with pytest.raises(InputError, match="id column not found"):
        read_polygons(tmp_path / "p.geojson", "region")
    with pytest.raises(InputError, match="unique"):
        read_polygons(tmp_path / "p.geojson", "name")
    with pytest.raises(InputError, match="not found"):
        read_polygons(tmp_path / "absent.gpkg", "name")
