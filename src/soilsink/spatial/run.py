"""``soilsink grid run``: load and check the rasters, run the workflow on Dask, write OUTDIR.

OUTDIR holds ``results.nc`` (every output on the grid, CF attributes and units, plus
``cell_area`` in ha) and, when polygons are configured, ``zonal.csv`` (area-weighted totals
and means per polygon and scenario). With ``geotiff=True`` every variable is also written as a
GeoTIFF (one band per scenario) under ``OUTDIR/geotiff/``. An existing OUTDIR is used only
when it is empty or holds nothing but these outputs, and never when it holds an input
(:func:`soilsink.io.atomic.output_dir`).

Scheduling: a ``dask.distributed.LocalCluster`` on this machine by default (``workers``
processes, one thread each), or an existing cluster at ``scheduler="tcp://HOST:PORT"`` (the
same code path), or ``scheduler="synchronous"`` (no cluster; tests and debugging). Inputs are
read lazily chunk by chunk and results are streamed to disk, so memory follows the chunk size.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np
import xarray as xr

from soilsink.io.atomic import atomic_path, atomic_write, output_dir
from soilsink.io.errors import InputError, Problem
from soilsink.io.tables import read_table
from soilsink.spatial.areas import cell_area_ha
from soilsink.spatial.config import GridConfig, RasterSpec
from soilsink.spatial.engine import CellEngine, default_engine
from soilsink.spatial.rasters import (
    add_cf_attrs,
    align_to_grid,
    check_range,
    check_same_grid,
    open_raster,
    write_geotiff,
)
from soilsink.spatial.workflow import ClimateSource, Settings, sequestration_grid
from soilsink.threshold.sites import validate_thresholds

#: What a run writes into OUTDIR (an existing OUTDIR holding anything else is refused).
OUTPUT_NAMES = ("results.nc", "zonal.csv", "geotiff/")

#: plausible ranges (checked before any computation; the error names the file and first cell)
RANGES = {
    "soc": (0.0, 1000.0, "t C/ha"),
    "clay": (0.0, 100.0, "%"),
    "tas": (-60.0, 60.0, "degC"),
    "pr": (0.0, 3000.0, "mm/month"),
    "evap": (0.0, 1000.0, "mm/month"),
    "dpm_rpm": (0.0, 100.0, "-"),
}


def _open(spec: RasterSpec, name: str, chunks: dict) -> xr.DataArray:
    return open_raster(spec.path, variable=spec.variable, name=name, chunks=chunks)


def load_inputs(cfg: GridConfig) -> xr.Dataset:
    """Open every configured raster lazily, check grids and ranges, map thresholds; return the
    chunked soil dataset of :func:`soilsink.spatial.workflow.sequestration_grid`.

    Climate rasters are checked here (grid, layers, ranges) but not put in the graph: each
    block reads its own climate window inside its task (:func:`climate_sources`), so memory
    stays bounded by the chunk size even when a coarse climate grid feeds many blocks."""
    chunks = {"y": cfg.run.chunk, "x": cfg.run.chunk}
    inp = cfg.inputs
    soil = {"soc": _open(inp.soc, "soc", chunks), "clay": _open(inp.clay, "clay", chunks)}
    for name in ("soil_type", "land_use", "dpm_rpm"):
        spec = getattr(inp, name)
        if spec is not None:
            soil[name] = _open(spec, name, chunks)
    for name, da in soil.items():
        if "time" in da.dims:
            raise InputError(Problem(da.attrs["source"], f"{name} must be a single-layer raster",
                                     value=f"{da.sizes['time']} layers", allowed="1 layer"))
    check_same_grid(soil)
    ref = soil["soc"]
    clim = {k: align_to_grid(_open(getattr(inp, k), k, chunks), ref) for k in ("tas", "pr", "evap")}
    lengths = {k: (da.sizes.get("time", 1), da.attrs.get("source", k)) for k, da in clim.items()}
    n0 = lengths["tas"][0]
    for k, (n, label) in lengths.items():
        if "time" not in clim[k].dims or n % 12 or n != n0:
            raise InputError(Problem(label, f"{k} needs monthly layers, a whole number of years, as many as tas",
                                     value=f"{n} layers", allowed=f"{n0} layers (a multiple of 12)"))
    data = {"soc": ref, "clay": soil["clay"]}
    codes = cfg.management.land_use_codes
    if codes is not None:
        data["soc"] = ref.where(soil["land_use"].isin([float(c) for c in codes]))
    if "dpm_rpm" in soil:
        data["dpm_rpm"] = soil["dpm_rpm"]
    cl = cfg.climate
    if cl.equilibrium_tas is not None:
        for k, spec in (("tas_eq", cl.equilibrium_tas), ("pr_eq", cl.equilibrium_pr), ("evap_eq", cl.equilibrium_evap)):
            da = align_to_grid(_open(spec, k, chunks), ref)
            if da.sizes.get("time") != 12:
                raise InputError(Problem(da.attrs.get("source", k), f"{k} needs 12 monthly layers",
                                         value=da.sizes.get("time", 1), allowed="12"))
            clim[k] = da
    # range checks, all in one pass over the data
    import dask

    everything = {**data, **clim}
    checks = {}
    for k, da in everything.items():
        lo, hi, _ = RANGES.get(k.removesuffix("_eq"), (None, None, ""))
        if lo is not None:
            checks[k] = (da.min(), da.max())
    computed = dask.compute(checks)[0]
    for k, (mn, mx) in computed.items():
        lo, hi, units = RANGES[k.removesuffix("_eq")]
        if (np.isfinite(mn) and mn < lo) or (np.isfinite(mx) and mx > hi):
            check_range(everything[k].compute(), k, lo, hi, units)
    if cfg.threshold is not None:
        if "soil_type" not in soil:
            raise InputError(Problem("CONFIG.toml", "[threshold] needs inputs.soil_type (the soil type raster)"))
        thr, thr_st = threshold_lookup(cfg)
        data["threshold_soc"] = _map_codes(soil["soil_type"], thr)
        if thr_st is not None:
            data["threshold_stable_soc"] = _map_codes(soil["soil_type"], thr_st)
    ds = xr.Dataset({k: v.drop_vars("spatial_ref", errors="ignore") for k, v in data.items()})
    crs = ref.rio.crs
    if crs is not None:
        ds = ds.rio.write_crs(crs)
    return ds.chunk({"y": cfg.run.chunk, "x": cfg.run.chunk})


def climate_sources(cfg: GridConfig) -> dict[str, ClimateSource]:
    """Where each block reads its climate window (see :func:`load_inputs`, which checks them)."""
    inp, cl = cfg.inputs, cfg.climate
    out = {k: ClimateSource(str(getattr(inp, k).path), getattr(inp, k).variable) for k in ("tas", "pr", "evap")}
    if cl.equilibrium_tas is not None:
        for k, spec in (("tas_eq", cl.equilibrium_tas), ("pr_eq", cl.equilibrium_pr), ("evap_eq", cl.equilibrium_evap)):
            out[k] = ClimateSource(str(spec.path), spec.variable)
    return out


def threshold_lookup(cfg: GridConfig) -> tuple[dict[float, float], dict[float, float] | None]:
    """``{raster code: threshold SOC}`` (and stable SOC when the table has it) from the table."""
    t = cfg.threshold
    assert t is not None
    if not Path(t.table).exists():
        raise InputError(Problem(str(t.table), "threshold table not found"))
    df = read_table(t.table)
    label = str(t.table)
    if t.column not in df.columns or "threshold_soc_t_ha" not in df.columns:
        raise InputError(Problem(label, "threshold table lacks a needed column",
                                 value=", ".join(map(str, df.columns)),
                                 allowed=f"{t.column}, threshold_soc_t_ha [, threshold_stable_soc_t_ha]"))
    df = validate_thresholds(df, label, [t.column], per_method=False)
    names = {str(k): v for k, v in t.codes.items()}
    by_name = {str(r[t.column]): r for _, r in df.iterrows()}
    thr: dict[float, float] = {}
    thr_st: dict[float, float] | None = {} if "threshold_stable_soc_t_ha" in df.columns else None
    keys = names or {k: k for k in by_name}
    for code, name in keys.items():
        try:
            c = float(code)
        except ValueError:
            raise InputError(Problem(label, "soil types are names, not raster codes: map the codes to them",
                                     column=t.column, value=code,
                                     allowed='[threshold] codes = { "1" = "' + str(code) + '", ... }')) from None
        row = by_name.get(str(name))
        if row is None:
            continue
        thr[c] = float(row["threshold_soc_t_ha"])
        if thr_st is not None:
            thr_st[c] = float(row["threshold_stable_soc_t_ha"])
    return thr, thr_st


def _map_codes(codes: xr.DataArray, table: dict[float, float]) -> xr.DataArray:
    keys = np.array(sorted(table), dtype=float)
    vals = np.array([table[k] for k in keys], dtype=float)

    def lookup(a: np.ndarray) -> np.ndarray:
        out = np.full(a.shape, np.nan)
        if keys.size:
            pos = np.clip(np.searchsorted(keys, a), 0, keys.size - 1)
            hit = keys[pos] == a
            out[hit] = vals[pos[hit]]
        return out

    return xr.apply_ufunc(lookup, codes, dask="parallelized", output_dtypes=[float])


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None):
    """Yield a ``distributed.Client`` (LocalCluster, or ``scheduler`` address), or None for
    ``scheduler="synchronous"``."""
    if scheduler == "synchronous":
        import dask

        with dask.config.set(scheduler="synchronous"):
            yield None
        return
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    # one thread per worker process and one numba thread inside it: parallelism comes from the
    # workers; nested numba threads on top would oversubscribe the cores
    env = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, env=env) as cluster, \
            Client(cluster) as client:
        yield client


def _compute(delayed, client, progress: bool):
    if client is None:
        if progress:
            from dask.diagnostics import ProgressBar

            with ProgressBar():
                return delayed.compute()
        return delayed.compute()
    future = client.compute(delayed)
    if progress:
        from distributed import progress as dprogress

        dprogress(future)
    return future.result()


def finalise(results: xr.Dataset, inputs: xr.Dataset, cfg: GridConfig) -> xr.Dataset:
    """Add cell areas, the CRS and CF attributes to the lazy results."""
    area = cell_area_ha(inputs)
    results = results.assign(cell_area=area.chunk({"y": cfg.run.chunk, "x": cfg.run.chunk}))
    results["scenario"].attrs.update(long_name="management scenario")
    results = results.assign_coords(
        input_factor=("scenario", [cfg.scenarios.input_factors[s] for s in results["scenario"].values])
    )
    results["input_factor"].attrs.update(long_name="plant C input relative to BAU", units="1")
    results.attrs.update(
        title="soilsink grid: GSOCseq-style SOC sequestration potential",
        references="FAO (2020) GSOCseq Technical Manual v1.0; Falloon et al. (1998); Lieth (1975)",
        forward_years=cfg.scenarios.forward_years,
        depth_cm=cfg.management.depth_cm,
    )
    crs = inputs.rio.crs
    if crs is not None:
        results = results.rio.write_crs(crs)
    return add_cf_attrs(results)


def run_grid(
    cfg: GridConfig,
    outdir: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = True,
    geotiff: bool = False,
    engine: CellEngine | None = None,
) -> Path:
    """Run the whole workflow and write OUTDIR (see the module docstring). Returns OUTDIR."""
    inputs = load_inputs(cfg)  # bad input first: exit 2 with the file and the problem
    engine = engine or default_engine()  # then fail before any work when the model is missing
    out = output_dir(outdir, kind="grid", owned=OUTPUT_NAMES, inputs=cfg.input_files())
    settings = Settings.from_config(cfg)
    results = finalise(sequestration_grid(inputs, settings, engine, climate=climate_sources(cfg)), inputs, cfg)
    encoding = {v: {**results[v].encoding, "zlib": True, "complevel": 1, "_FillValue": np.nan,
                    "chunksizes": tuple(min(c[0], s) for c, s in zip(results[v].chunks, results[v].shape, strict=True))}
                for v in results.data_vars}
    with dask_client(scheduler, workers) as client:
        with atomic_path(out / "results.nc") as tmp:
            delayed = results.to_netcdf(tmp, engine="netcdf4", encoding=encoding, compute=False)
            _compute(delayed, client, progress)
        if geotiff:
            gdir = out / "geotiff"
            gdir.mkdir(exist_ok=True)
            saved = xr.open_dataset(out / "results.nc", decode_coords="all", chunks={})
            for v in saved.data_vars:
                if {"y", "x"} <= set(saved[v].dims):
                    write_geotiff(saved[v].load(), gdir / f"{v}.tif", crs=inputs.rio.crs)
            saved.close()
    if cfg.zonal is not None:
        from soilsink.spatial.zonal import read_polygons, zonal_grid

        polys = read_polygons(cfg.zonal.polygons, cfg.zonal.id, layer=cfg.zonal.layer)
        with xr.open_dataset(out / "results.nc", decode_coords="all") as saved:
            table = zonal_grid(saved, polys, cfg.zonal.id)
        with atomic_write(out / "zonal.csv") as fh:
            table.to_csv(fh, index=False, float_format="%.10g")
    return out
