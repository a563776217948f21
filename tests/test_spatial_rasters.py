"""Raster I/O and grid checks: bad rasters are rejected with the file and the mismatch named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from soilsink.io.errors import InputError
from soilsink.spatial.rasters import (
    align_to_grid,
    check_range,
    check_same_grid,
    open_raster,
    write_geotiff,
    write_netcdf,
)


def _grid(ny=4, nx=5, res=0.5, x0=10.0, y0=50.0, crs="EPSG:4326", value=None) -> xr.DataArray:
    x = x0 + res * (np.arange(nx) + 0.5)
    y = y0 - res * (np.arange(ny) + 0.5)
    data = np.arange(ny * nx, dtype=float).reshape(ny, nx) if value is None else np.full((ny, nx), value)
    da = xr.DataArray(data, coords={"y": y, "x": x}, dims=("y", "x"), name="v")
    return da.rio.write_crs(crs) if crs else da


def test_geotiff_round_trip_keeps_values_crs_and_nodata(tmp_path: Path) -> None:
    da = _grid()
    da[1, 2] = np.nan
    write_geotiff(da, tmp_path / "a.tif")
    back = open_raster(tmp_path / "a.tif", name="soc")
    assert back.dims == ("y", "x")
    assert back.rio.crs.to_epsg() == 4326
    np.testing.assert_array_equal(np.isnan(back.values), np.isnan(da.values))
    np.testing.assert_allclose(back.values[~np.isnan(da.values)], da.values[~np.isnan(da.values)])
    assert back.attrs["source"] == str(tmp_path / "a.tif")


def test_netcdf_lonlat_series_opens_as_time_y_x_with_cf_attrs(tmp_path: Path) -> None:
    base = _grid()
    series = xr.concat([base + m for m in range(12)], dim="time").rename(x="lon", y="lat")
    ds = xr.Dataset({"tas": series.drop_vars("spatial_ref")})
    ds["tas"].attrs["units"] = "degC"
    write_netcdf(ds, tmp_path / "c.nc")
    back = open_raster(tmp_path / "c.nc", variable="tas")
    assert back.dims == ("time", "y", "x") and back.sizes["time"] == 12
    assert back.rio.crs.to_epsg() == 4326  # lon/lat names imply EPSG:4326
    raw = xr.open_dataset(tmp_path / "c.nc")
    assert raw.attrs["Conventions"] == "CF-1.8"
    assert raw["tas"].attrs["units"] == "degC"
    lazy = open_raster(tmp_path / "c.nc", variable="tas", chunks={"y": 2, "x": 2})
    assert lazy.chunks is not None
    np.testing.assert_array_equal(lazy.values, back.values)


@pytest.mark.parametrize(
    ("other", "words"),
    [
        (_grid(crs="EPSG:3035"), "CRS differs"),
        (_grid(ny=3), "shape"),
        (_grid(x0=10.5), "extent"),
        (_grid(ny=8, nx=10, res=0.25), "shape"),
    ],
)
def test_grid_mismatch_names_file_and_property(tmp_path: Path, other: xr.DataArray, words: str) -> None:
    write_geotiff(_grid(), tmp_path / "soc.tif")
    write_geotiff(other, tmp_path / "clay.tif")
    soc = open_raster(tmp_path / "soc.tif")
    clay = open_raster(tmp_path / "clay.tif")
    with pytest.raises(InputError) as err:
        check_same_grid({"soc": soc, "clay": clay})
    msg = str(err.value)
    assert "clay.tif" in msg and words in msg


def test_resolution_mismatch_same_shape(tmp_path: Path) -> None:
    write_geotiff(_grid(), tmp_path / "soc.tif")
    write_geotiff(_grid(res=0.25), tmp_path / "clay.tif")
    with pytest.raises(InputError, match="resolution"):
        check_same_grid({"soc": open_raster(tmp_path / "soc.tif"), "clay": open_raster(tmp_path / "clay.tif")})


def test_undeclared_nodata_marker_rejected(tmp_path: Path) -> None:
    da = _grid()
    da[0, 0] = -9999.0
    da.rio.to_raster(tmp_path / "bad.tif")  # no nodata tag
    with pytest.raises(InputError, match="nodata marker"):
        open_raster(tmp_path / "bad.tif", name="clay")


def test_unknown_format_missing_file_and_missing_variable(tmp_path: Path) -> None:
    (tmp_path / "x.asc").write_text("nothing")
    with pytest.raises(InputError, match="unknown raster format"):
        open_raster(tmp_path / "x.asc")
    with pytest.raises(InputError, match="not found"):
        open_raster(tmp_path / "absent.tif")
    ds = xr.Dataset({"a": _grid().drop_vars("spatial_ref"), "b": _grid().drop_vars("spatial_ref")})
    ds.to_netcdf(tmp_path / "two.nc")
    with pytest.raises(InputError, match="several"):
        open_raster(tmp_path / "two.nc")
    with pytest.raises(InputError, match="variable not found"):
        open_raster(tmp_path / "two.nc", variable="c")
    (tmp_path / "corrupt.tif").write_bytes(b"II*\x00garbage")
    with pytest.raises(InputError, match="cannot read"):
        open_raster(tmp_path / "corrupt.tif")


def test_out_of_range_names_first_cell() -> None:
    da = _grid(value=30.0)
    da[2, 3] = 140.0
    da.attrs["source"] = "clay.tif"
    with pytest.raises(InputError) as err:
        check_range(da, "clay", 0, 100, "%")
    assert "clay.tif" in str(err.value) and "140" in str(err.value)


def test_coarse_nested_climate_is_aligned_by_nearest_cell() -> None:
    fine = _grid(ny=4, nx=6, res=0.5)
    coarse = _grid(ny=2, nx=3, res=1.0)
    out = align_to_grid(coarse, fine)
    assert out.shape == fine.shape
    # fine cell (row 3, col 5) lies in coarse cell (row 1, col 2)
    assert float(out[3, 5]) == float(coarse[1, 2])
    assert float(out[0, 1]) == float(coarse[0, 0])
    with pytest.raises(InputError):
        align_to_grid(_grid(ny=2, nx=2, res=1.5), fine)  # not nested: 1.5 deg over a 3 x 2 deg box
