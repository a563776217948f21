"""Gridded inputs and outputs: NetCDF and GeoTIFF through xarray/rioxarray, with grid checks.

Every raster is returned as an :class:`xarray.DataArray` on dimensions ``(y, x)`` or
``(time, y, x)`` (a multi-band GeoTIFF's bands become ``time``), float64, nodata as NaN, with
its CRS (rioxarray) and the source path in ``attrs["source"]``. Grids are compared with
:func:`check_same_grid`; a mismatch is an :class:`~soilsink.io.errors.InputError` naming the
file and what differs (CRS, shape, resolution, extent).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from soilsink.io.atomic import atomic_path
from soilsink.io.errors import InputError, Problem

NETCDF_SUFFIXES = {".nc", ".nc4", ".netcdf", ".cdf"}
GEOTIFF_SUFFIXES = {".tif", ".tiff", ".gtiff"}
_X_NAMES = ("x", "lon", "longitude")
_Y_NAMES = ("y", "lat", "latitude")
#: values that are nodata markers in common products when a file fails to declare them
SUSPECT_NODATA = (-9999.0, -99999.0, -3.4028234663852886e38, 3.4028234663852886e38, 65535.0, -32768.0)


def open_raster(
    path: str | os.PathLike,
    *,
    variable: str | None = None,
    name: str | None = None,
    chunks: dict | None = None,
    check: bool = True,
    load: bool = True,
) -> xr.DataArray:
    """Open one raster (NetCDF or GeoTIFF) as a float64 DataArray on ``(y, x)`` or ``(time, y, x)``.

    ``variable`` picks a variable from a NetCDF file with several; ``name`` is the role used
    in error messages (e.g. ``"clay"``). Nodata (GeoTIFF nodata tag, NetCDF ``_FillValue`` /
    ``missing_value``) becomes NaN. With ``chunks`` (e.g. ``{"y": 128, "x": 128}``) the
    array stays lazy (dask) and is read chunk by chunk; otherwise it is loaded.
    """
    p = Path(path)
    label = str(p)
    if not p.exists():
        raise InputError(Problem(label, f"raster file not found{_role(name)}"))
    suffix = p.suffix.lower()
    try:
        if suffix in NETCDF_SUFFIXES:
            da = _open_netcdf(p, variable, chunks, load)
        elif suffix in GEOTIFF_SUFFIXES:
            da = _open_geotiff(p, chunks, load)
        else:
            raise InputError(
                Problem(label, f"unknown raster format{_role(name)}", value=p.suffix,
                        allowed="NetCDF (.nc) or GeoTIFF (.tif)")
            )
    except InputError:
        raise
    except Exception as exc:  # unreadable / corrupt file
        raise InputError(Problem(label, f"cannot read the raster{_role(name)}: {exc}")) from None
    da = da.astype("float64")
    da.attrs["source"] = label
    if name:
        da.name = name
    if check:
        _check_suspect_nodata(da, label, name)
    return da


def _role(name: str | None) -> str:
    return f" ({name})" if name else ""


def _open_netcdf(p: Path, variable: str | None, chunks: dict | None, load: bool = True) -> xr.DataArray:
    ds = xr.open_dataset(p, decode_coords="all", mask_and_scale=True, chunks={} if chunks else None)
    data_vars = [v for v in ds.data_vars if ds[v].ndim >= 2]
    if variable is None:
        if len(data_vars) != 1:
            raise InputError(
                Problem(str(p), "the NetCDF file holds several gridded variables; name one",
                        value=", ".join(map(str, data_vars)) or "none", allowed="variable = NAME in the config")
            )
        variable = str(data_vars[0])
    if variable not in ds.data_vars:
        raise InputError(
            Problem(str(p), "variable not found in the NetCDF file", value=variable,
                    allowed=", ".join(map(str, data_vars)))
        )
    da = ds[variable]
    if not chunks and load:
        da = da.load()
        ds.close()
    da = _normalise_dims(da, str(p))
    if chunks:
        da = da.chunk({k: v for k, v in {**chunks, **({"time": -1} if "time" in da.dims else {})}.items() if k in da.dims})
    if da.rio.crs is None:
        crs = ds.rio.crs if hasattr(ds, "rio") else None
        if crs is None and _was_lonlat(ds[variable]):
            crs = "EPSG:4326"
        if crs is not None:
            da = da.rio.write_crs(crs)
    return da


def _was_lonlat(da: xr.DataArray) -> bool:
    return any(d in ("lon", "longitude") for d in da.dims)


def _open_geotiff(p: Path, chunks: dict | None, load: bool = True) -> xr.DataArray:
    if chunks:
        da = rioxarray.open_rasterio(p, masked=True, chunks={"band": -1, **chunks}, lock=False)
    else:
        da = rioxarray.open_rasterio(p, masked=True)
        if load:
            da = da.load()
    if "band" in da.dims:
        if da.sizes["band"] == 1:
            da = da.isel(band=0, drop=True)
        else:
            da = da.rename(band="time").assign_coords(time=np.arange(da.sizes["band"]))
    return _normalise_dims(da, str(p))


def _normalise_dims(da: xr.DataArray, label: str) -> xr.DataArray:
    xname = next((d for d in da.dims if str(d).lower() in _X_NAMES), None)
    yname = next((d for d in da.dims if str(d).lower() in _Y_NAMES), None)
    if xname is None or yname is None:
        raise InputError(
            Problem(label, "cannot find the x/y (or lon/lat) dimensions", value=", ".join(map(str, da.dims)),
                    allowed="dimensions named x/y, lon/lat or longitude/latitude")
        )
    da = da.rename({xname: "x", yname: "y"}) if (xname, yname) != ("x", "y") else da
    other = [d for d in da.dims if d not in ("x", "y")]
    if len(other) > 1:
        raise InputError(
            Problem(label, "too many dimensions", value=", ".join(map(str, da.dims)),
                    allowed="(y, x) or (time, y, x)")
        )
    if other and other[0] != "time":
        da = da.rename({other[0]: "time"})
    order = ("time", "y", "x") if other else ("y", "x")
    da = da.transpose(*order)
    if da.sizes["x"] < 2 or da.sizes["y"] < 2:
        raise InputError(Problem(label, "a grid needs at least 2 cells along x and y",
                                 value=f"{da.sizes['y']} x {da.sizes['x']}"))
    try:
        da = da.rio.set_spatial_dims(x_dim="x", y_dim="y")
    except Exception:
        pass
    return da


def _check_suspect_nodata(da: xr.DataArray, label: str, name: str | None) -> None:
    """Refuse undeclared nodata markers held as data, and a raster without one valid cell."""
    checks = [(da == m).any() for m in SUSPECT_NODATA] + [da.notnull().any()]
    found = [bool(v) for v in xr.concat(checks, dim="m").values]
    for marker, hit in zip(SUSPECT_NODATA, found[:-1], strict=True):
        if hit:
            raise InputError(
                Problem(label, f"holds {marker:g}, a common nodata marker, as data{_role(name)}",
                        value=marker, allowed="declare it as nodata (GeoTIFF nodata tag or NetCDF _FillValue)")
            )
    if not found[-1]:
        raise InputError(
            Problem(label, f"has no valid cell{_role(name)}: every one of its {da.size} cells is nodata",
                    allowed="a raster with data (check its nodata value, extent and variable)")
        )


def grid_signature(da: xr.DataArray) -> dict:
    """CRS, shape, resolution and extent of a raster (for comparisons and messages)."""
    xs, ys = da["x"].values.astype(float), da["y"].values.astype(float)
    res_x = float(np.diff(xs).mean()) if xs.size > 1 else float("nan")
    res_y = float(np.diff(ys).mean()) if ys.size > 1 else float("nan")
    crs = da.rio.crs
    return {
        "crs": crs.to_string() if crs is not None else None,
        "shape": (int(da.sizes["y"]), int(da.sizes["x"])),
        "resolution": (res_x, res_y),
        "extent": (xs.min() - abs(res_x) / 2, ys.min() - abs(res_y) / 2,
                   xs.max() + abs(res_x) / 2, ys.max() + abs(res_y) / 2),
    }


def check_regular(da: xr.DataArray) -> None:
    """Raise :class:`InputError` unless x and y are regularly spaced."""
    label = da.attrs.get("source", da.name or "<raster>")
    for dim in ("x", "y"):
        d = np.diff(da[dim].values.astype(float))
        if d.size and not np.allclose(d, d[0], rtol=1e-6, atol=0):
            raise InputError(Problem(label, f"the {dim} coordinates are not regularly spaced",
                                     value=f"steps from {d.min():g} to {d.max():g}", allowed="a regular grid"))


def check_same_grid(rasters: Mapping[str, xr.DataArray], *, rtol: float = 1e-6) -> None:
    """All rasters on the grid of the first one: same CRS, shape, resolution and extent.

    A mismatch raises :class:`InputError` naming the file, the property and both values.
    """
    items = list(rasters.items())
    if not items:
        return
    ref_name, ref = items[0]
    check_regular(ref)
    ref_sig = grid_signature(ref)
    ref_label = ref.attrs.get("source", ref_name)
    problems: list[Problem] = []
    for name, da in items[1:]:
        label = da.attrs.get("source", name)
        sig = grid_signature(da)
        if (sig["crs"] is None) != (ref_sig["crs"] is None) or (
            sig["crs"] is not None and not _same_crs(da, ref)
        ):
            problems.append(Problem(label, f"CRS differs from {ref_label} ({ref_name})",
                                    value=sig["crs"], allowed=str(ref_sig["crs"])))
            continue
        if sig["shape"] != ref_sig["shape"]:
            problems.append(Problem(label, f"grid shape (rows, columns) differs from {ref_label}",
                                    value=sig["shape"], allowed=str(ref_sig["shape"])))
            continue
        if not np.allclose(sig["resolution"], ref_sig["resolution"], rtol=rtol, atol=0):
            problems.append(Problem(label, f"resolution differs from {ref_label}",
                                    value=sig["resolution"], allowed=str(ref_sig["resolution"])))
            continue
        tol = rtol * max(abs(ref_sig["resolution"][0]), abs(ref_sig["resolution"][1]), 1.0) * 1e3
        if not np.allclose(sig["extent"], ref_sig["extent"], rtol=0, atol=tol):
            problems.append(Problem(label, f"extent (xmin, ymin, xmax, ymax) differs from {ref_label}",
                                    value=tuple(round(v, 9) for v in sig["extent"]),
                                    allowed=str(tuple(round(v, 9) for v in ref_sig["extent"]))))
    if problems:
        raise InputError(problems)


def _same_crs(a: xr.DataArray, b: xr.DataArray) -> bool:
    ca, cb = a.rio.crs, b.rio.crs
    try:
        return bool(ca == cb)
    except Exception:
        return ca.to_string() == cb.to_string()


def check_range(da: xr.DataArray, name: str, lo: float | None, hi: float | None, units: str) -> None:
    """Raise :class:`InputError` when a non-NaN value lies outside ``[lo, hi]``."""
    values = np.asarray(da.values)
    bad = np.zeros(values.shape, dtype=bool)
    if lo is not None:
        bad |= values < lo
    if hi is not None:
        bad |= values > hi
    if bad.any():
        idx = np.argwhere(bad)[0]
        dims = da.dims
        where = ", ".join(f"{d}={da[d].values[i]!r}" if d in da.coords else f"{d}={i}" for d, i in zip(dims, idx, strict=True))
        allowed = f"{'-inf' if lo is None else lo} to {'inf' if hi is None else hi} {units}"
        raise InputError(Problem(da.attrs.get("source", name), f"{int(bad.sum())} cell(s) of {name} out of range, first at {where}",
                                 value=float(values[tuple(idx)]), allowed=allowed))


# ----------------------------------------------------------------------------- writing


def add_cf_attrs(ds: xr.Dataset, *, title: str = "soilsink results") -> xr.Dataset:
    """CF-1.8 global attributes and x/y coordinate attributes (lon/lat or projected metres)."""
    ds = ds.copy()
    ds.attrs.setdefault("Conventions", "CF-1.8")
    ds.attrs.setdefault("title", title)
    ds.attrs.setdefault("source", "soilsink")
    lonlat = _is_lonlat(ds)
    for c in ("x", "y"):
        if c in ds.coords:
            ds[c].attrs.update({"axis": c.upper()})
            if lonlat:
                ds[c].attrs.update({"x": {"standard_name": "longitude", "units": "degrees_east"},
                                    "y": {"standard_name": "latitude", "units": "degrees_north"}}[c])
            else:
                ds[c].attrs.update({"x": {"standard_name": "projection_x_coordinate", "units": "m"},
                                    "y": {"standard_name": "projection_y_coordinate", "units": "m"}}[c])
    return ds


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike, *, title: str = "soilsink results") -> Path:
    """Write ``ds`` as CF-1.8 NetCDF4 (zlib level 4), atomically. Returns the path."""
    ds = add_cf_attrs(ds, title=title)
    encoding = {}
    for v in ds.data_vars:
        if np.issubdtype(ds[v].dtype, np.floating):
            encoding[v] = {"zlib": True, "complevel": 4, "_FillValue": np.nan}
    with atomic_path(path, kind="netcdf") as tmp:
        ds.to_netcdf(tmp, engine="netcdf4", encoding=encoding)
    return Path(path)


def _is_lonlat(ds) -> bool:
    try:
        crs = ds.rio.crs
    except Exception:
        crs = None
    return bool(crs is not None and crs.is_geographic)


def write_geotiff(da: xr.DataArray, path: str | os.PathLike, *, crs=None) -> Path:
    """Write a ``(y, x)`` or ``(band, y, x)`` DataArray as a float GeoTIFF (nodata NaN), atomically."""
    da = da.copy()
    da.encoding = {}
    da.attrs = {k: v for k, v in da.attrs.items() if k not in ("_FillValue", "missing_value")}
    extra = [d for d in da.dims if d not in ("y", "x")]
    if extra:
        da = da.rename({extra[0]: "band"}).transpose("band", "y", "x")
        da = da.assign_coords(band=np.arange(1, da.sizes["band"] + 1))
    if crs is not None:
        da = da.rio.write_crs(crs)
    da = da.rio.write_nodata(np.nan, encoded=False) if np.issubdtype(da.dtype, np.floating) else da
    with atomic_path(path, kind="geotiff") as tmp:
        da.rio.to_raster(tmp, driver="GTiff", compress="DEFLATE")
    return Path(path)


def align_to_grid(da: xr.DataArray, ref: xr.DataArray, *, rtol: float = 1e-6) -> xr.DataArray:
    """Put ``da`` on the grid of ``ref``: as is when the grids match, by nearest-cell lookup when
    ``da`` is a coarser grid nested in ``ref`` (same CRS and extent, resolution an integer
    multiple, e.g. 0.5° climate over 1 km soil). Lazy arrays stay lazy (memory per chunk).

    Anything else raises :class:`InputError` naming the file and the mismatch.
    """
    try:
        check_same_grid({"reference": ref, "this": da}, rtol=rtol)
        return da.assign_coords(x=ref["x"], y=ref["y"])
    except InputError as same_err:
        sig, rsig = grid_signature(da), grid_signature(ref)
        label = da.attrs.get("source", da.name or "<raster>")
        ratio = (sig["resolution"][0] / rsig["resolution"][0], sig["resolution"][1] / rsig["resolution"][1])
        nested = (
            sig["crs"] is not None and rsig["crs"] is not None and _same_crs(da, ref)
            and all(r >= 1 - rtol and abs(r - round(r)) < 1e-6 * max(1.0, r) for r in ratio)
            and np.allclose(sig["extent"], rsig["extent"], rtol=0, atol=abs(rsig["resolution"][0]) * 1e-3)
        )
        if not nested:
            if sig["crs"] is not None and rsig["crs"] is not None and _same_crs(da, ref) and sig["shape"] != rsig["shape"]:
                raise InputError(Problem(label, "grid is neither the soil grid nor a coarser grid nested in it",
                                         value=f"resolution {sig['resolution']}, extent {sig['extent']}",
                                         allowed=f"resolution {rsig['resolution']} times a whole number, extent {rsig['extent']}")) from None
            raise same_err
        x0 = float(da["x"].values[0]) - sig["resolution"][0] / 2
        y0 = float(da["y"].values[0]) - sig["resolution"][1] / 2
        ix = np.floor((ref["x"].values - x0) / sig["resolution"][0]).astype(int)
        iy = np.floor((ref["y"].values - y0) / sig["resolution"][1]).astype(int)
        ix = np.clip(ix, 0, da.sizes["x"] - 1)
        iy = np.clip(iy, 0, da.sizes["y"] - 1)
        out = da.isel(x=xr.DataArray(ix, dims="x"), y=xr.DataArray(iy, dims="y"))
        out = out.assign_coords(x=ref["x"], y=ref["y"])
        if out.chunks is not None and ref.chunks is not None:
            out = out.chunk({"x": ref.chunksizes["x"], "y": ref.chunksizes["y"]})
        return out


def nearest_index(coarse: xr.DataArray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the cell of ``coarse`` (a regular grid) containing each point."""
    rx = float(coarse["x"].values[1] - coarse["x"].values[0])
    ry = float(coarse["y"].values[1] - coarse["y"].values[0])
    x0 = float(coarse["x"].values[0]) - rx / 2
    y0 = float(coarse["y"].values[0]) - ry / 2
    ix = np.clip(np.floor((np.asarray(x, float) - x0) / rx).astype(int), 0, coarse.sizes["x"] - 1)
    iy = np.clip(np.floor((np.asarray(y, float) - y0) / ry).astype(int), 0, coarse.sizes["y"] - 1)
    return iy, ix


#: HDF5/netCDF-C are not thread-safe: a window read while another thread of the same process
#: opens or writes a NetCDF file (xarray's writer of results.nc, Dask's threaded schedulers)
#: can crash the process. NetCDF windows are read with netCDF4 directly under xarray's own
#: HDF5 lock, which xarray's readers and writers also hold.
_READ_LOCK = threading.Lock()


def _netcdf_window(path: str, variable: str | None, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    import netCDF4
    from xarray.backends.locks import HDF5_LOCK

    with HDF5_LOCK, netCDF4.Dataset(path, "r") as nc:
        nc.set_auto_maskandscale(True)
        if variable is None:
            variable = next(v for v, var in nc.variables.items() if var.ndim >= 2 and v not in nc.dimensions)
        var = nc.variables[variable]
        dims = list(var.dimensions)
        xname = next(d for d in dims if d.lower() in _X_NAMES)
        yname = next(d for d in dims if d.lower() in _Y_NAMES)
        grid = xr.DataArray(np.empty((nc.dimensions[yname].size, nc.dimensions[xname].size), dtype=np.int8),
                            coords={"y": np.asarray(nc.variables[yname][:], dtype=float),
                                    "x": np.asarray(nc.variables[xname][:], dtype=float)}, dims=("y", "x"))
        iy, ix = nearest_index(grid, x, y)
        index = tuple(slice(int(iy.min()), int(iy.max()) + 1) if d == yname
                      else slice(int(ix.min()), int(ix.max()) + 1) if d == xname else slice(None) for d in dims)
        raw = var[index]
    vals = np.ma.filled(np.ma.asarray(raw, dtype=np.float64), np.nan)
    other = [i for i, d in enumerate(dims) if d not in (xname, yname)]
    vals = np.transpose(vals, other + [dims.index(yname), dims.index(xname)])
    if vals.ndim == 2:
        vals = vals[None]
    return vals[..., (iy - iy.min())[:, None], (ix - ix.min())[None, :]]


def read_window(path: str, variable: str | None, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``(time, len(y), len(x))`` float64 values of a (possibly coarser, nested) raster at the
    cell centres ``x``/``y``, reading only the window that covers them (memory per block)."""
    if Path(path).suffix.lower() in NETCDF_SUFFIXES:
        return _netcdf_window(path, variable, x, y)
    with _READ_LOCK, rioxarray.open_rasterio(path, masked=True) as da:
        xname = next(d for d in da.dims if str(d).lower() in _X_NAMES)
        yname = next(d for d in da.dims if str(d).lower() in _Y_NAMES)
        grid = xr.DataArray(np.empty((da.sizes[yname], da.sizes[xname]), dtype=np.int8),
                            coords={"y": da[yname].values, "x": da[xname].values}, dims=("y", "x"))
        iy, ix = nearest_index(grid, x, y)
        window = da.isel({yname: slice(int(iy.min()), int(iy.max()) + 1),
                          xname: slice(int(ix.min()), int(ix.max()) + 1)})
        vals = np.asarray(window.values, dtype=np.float64)
    if vals.ndim == 2:
        vals = vals[None]
    return vals[..., (iy - iy.min())[:, None], (ix - ix.min())[None, :]]
