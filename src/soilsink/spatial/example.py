"""A synthetic example grid (rasters + CONFIG.toml) for ``soilsink grid example DIR --cells N``.

SYNTHETIC, NOT DATA: smooth made-up fields of plausible magnitude for a temperate cropland
region (SOC 25-85 t C/ha in 0-30 cm, clay 8-45 %, 10 °C mean temperature, ~700 mm/yr rain),
generated from a fixed seed so every call writes identical files. Soil rasters are GeoTIFF on a
lon/lat grid (EPSG:4326); the monthly climate is one NetCDF on a grid 10 times coarser (nested),
as climate products usually are. A few cells are nodata (water) to exercise masking.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import xarray as xr

from soilsink.io.atomic import atomic_write, output_dir
from soilsink.spatial.rasters import write_geotiff, write_netcdf

EXAMPLE_SEED = 20201
#: The files :func:`write_example` writes (an existing folder holding anything else is refused).
EXAMPLE_FILES = ("soc.tif", "clay.tif", "soil_type.tif", "climate.nc", "thresholds.csv", "regions.geojson",
                 "CONFIG.toml")
CLIMATE_COARSENING = 10


def _shape_for(cells: int) -> tuple[int, int, int]:
    """Rows, columns and climate coarsening factor of a near-square grid of about ``cells``
    cells (rows and columns multiples of the factor, at least 2 climate cells per side)."""
    side = math.sqrt(cells)
    f = next((f for f in (CLIMATE_COARSENING, 5, 2, 1) if side / f >= 2), 1)
    nx = max(2, round(side / f)) * f
    ny = max(2, round(cells / nx / f)) * f
    return ny, nx, f


def example_grid(cells: int = 400, *, warmup_years: int = 20, seed: int = EXAMPLE_SEED) -> dict[str, xr.DataArray]:
    """The example fields in memory (see the module docstring); keys are raster names."""
    if cells < 4:
        raise ValueError("the example needs at least 4 cells")
    ny, nx, coarsening = _shape_for(cells)
    ny_c, nx_c = ny // coarsening, nx // coarsening
    res = 0.01  # degrees (~1 km)
    x = 5.0 + res * (np.arange(nx) + 0.5)
    y = 50.0 - res * (np.arange(ny) + 0.5)
    rng = np.random.default_rng(seed)
    u = (np.arange(nx) + 0.5) / nx
    v = (np.arange(ny) + 0.5) / ny
    U, V = np.meshgrid(u, v)
    soc = 55 + 20 * np.sin(2 * np.pi * U) * np.cos(np.pi * V) + 10 * V + rng.normal(0, 2.0, (ny, nx))
    soc = np.clip(soc, 25, 85)
    clay = np.clip(25 + 15 * np.cos(2 * np.pi * V) * np.sin(np.pi * U) + rng.normal(0, 1.5, (ny, nx)), 8, 45)
    soil_type = 1.0 + (U > 0.4) + (V > 0.6)  # codes 1, 2, 3
    water = (U - 0.75) ** 2 + (V - 0.3) ** 2 < 0.004
    soc[water] = np.nan
    clay[water] = np.nan
    soil_type[water] = np.nan

    res_c = res * coarsening
    xc = 5.0 + res_c * (np.arange(nx_c) + 0.5)
    yc = 50.0 - res_c * (np.arange(ny_c) + 0.5)
    months = np.arange(warmup_years * 12)
    m = months % 12
    yr = months // 12
    lat_grad = (yc - yc.mean())[None, :, None]
    season = np.sin(2 * np.pi * (m - 3) / 12)[:, None, None]
    anomaly = rng.normal(0, 0.6, warmup_years)[yr][:, None, None] + 0.03 * yr[:, None, None]
    tas = 10 + 8 * season - 0.6 * lat_grad + anomaly + np.zeros((1, ny_c, nx_c))
    pr_season = 1 + 0.3 * np.cos(2 * np.pi * m / 12)[:, None, None]
    pr_year = rng.lognormal(0, 0.15, warmup_years)[yr][:, None, None]
    pr = 58 * pr_season * pr_year * (1 + 0.2 * (xc - xc.mean())[None, None, :]) + np.zeros((1, ny_c, nx_c))
    pet = np.maximum(5.0, 9 + 7.5 * (tas - 2))  # mm/month, smooth Thornthwaite-like shape (synthetic)

    def grid(a, name, units, long_name):
        da = xr.DataArray(a.astype("float64"), coords={"y": y, "x": x}, dims=("y", "x"), name=name)
        da.attrs.update(units=units, long_name=long_name)
        return da.rio.write_crs("EPSG:4326")

    def clim(a, name, units, long_name):
        da = xr.DataArray(a.astype("float32"), coords={"time": months, "y": yc, "x": xc},
                          dims=("time", "y", "x"), name=name)
        da.attrs.update(units=units, long_name=long_name)
        return da

    return {
        "soc": grid(soc, "soc", "t ha-1", "SOC stock (carbon mass) 0-30 cm (synthetic)"),
        "clay": grid(clay, "clay", "%", "clay content 0-30 cm (synthetic)"),
        "soil_type": grid(soil_type, "soil_type", "1", "soil type code (synthetic)"),
        "tas": clim(tas, "tas", "degC", "monthly mean air temperature (synthetic)"),
        "pr": clim(pr, "pr", "mm month-1", "monthly precipitation (synthetic)"),
        "evap": clim(pet, "evap", "mm month-1", "monthly potential evapotranspiration (synthetic)"),
    }


CONFIG_TEMPLATE = """\
# soilsink grid run CONFIG.toml -o OUTDIR   (synthetic example written by `soilsink grid example`)
[inputs]
soc = "soc.tif"            # t C/ha, 0-30 cm
clay = "clay.tif"          # %
soil_type = "soil_type.tif"
tas = {{ path = "climate.nc", variable = "tas" }}    # degC, monthly, {years} warm-up years
pr = {{ path = "climate.nc", variable = "pr" }}      # mm/month
evap = {{ path = "climate.nc", variable = "evap" }}  # mm/month (PET)

[climate]
evaporation = "pet"        # PET / 0.75 = open-pan evaporation for RothC

[management]
depth_cm = 30
dpm_rpm = 1.44
warmup_inputs = "miami"

[scenarios]
forward_years = 20
input_factors = {{ BAU = 1.0, SSM_low = 1.05, SSM_medium = 1.10, SSM_high = 1.20 }}

[uncertainty]
enabled = true

[threshold]
table = "thresholds.csv"
column = "soil_type"

[zonal]
polygons = "regions.geojson"
id = "region"

[run]
chunk = {chunk}
"""


def write_example(directory: str | Path, cells: int = 400, *, warmup_years: int = 20) -> Path:
    """Write the example rasters, thresholds, regions and ``CONFIG.toml`` into ``directory``."""
    import geopandas as gpd
    from shapely.geometry import box

    d = output_dir(directory, kind="grid-example", owned=EXAMPLE_FILES)
    fields = example_grid(cells, warmup_years=warmup_years)
    for name in ("soc", "clay", "soil_type"):
        write_geotiff(fields[name], d / f"{name}.tif")
    clim = xr.Dataset({k: fields[k] for k in ("tas", "pr", "evap")})
    clim = clim.rename(x="lon", y="lat")
    clim["lon"].attrs.update(units="degrees_east", standard_name="longitude")
    clim["lat"].attrs.update(units="degrees_north", standard_name="latitude")
    clim["time"].attrs.update(long_name="month index since the start of the warm-up period", units="1")
    write_netcdf(clim, d / "climate.nc", title="synthetic monthly climate (soilsink example)")
    with atomic_write(d / "thresholds.csv") as fh:
        fh.write("soil_type,threshold_soc_t_ha,threshold_stable_soc_t_ha,note\n")
        for code, thr, st in ((1, 70.0, 50.0), (2, 80.0, 58.0), (3, 90.0, 66.0)):
            fh.write(f"{code},{thr},{st},synthetic example values\n")
    x, y = fields["soc"]["x"].values, fields["soc"]["y"].values
    x0, x1, y0, y1 = x.min(), x.max(), y.min(), y.max()
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    regions = gpd.GeoDataFrame(
        {"region": ["north_west", "north_east", "south"]},
        geometry=[box(x0, ym, xm, y1 + 1), box(xm, ym, x1 + 1, y1 + 1), box(x0 - 1, y0 - 1, x1 + 1, ym)],
        crs="EPSG:4326",
    )
    with atomic_write(d / "regions.geojson") as fh:
        fh.write(regions.to_json())
    chunk = 100 if cells > 40_000 else max(8, int(math.sqrt(cells) // 2))
    with atomic_write(d / "CONFIG.toml") as fh:
        fh.write(CONFIG_TEMPLATE.format(years=warmup_years, chunk=chunk))
    return d / "CONFIG.toml"
