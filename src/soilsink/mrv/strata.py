"""Strata of a sampling design: none, given as a polygon attribute, or k-means on covariates.

**Given strata**: the project polygons are dissolved by their stratum attribute; control
polygons carry the same attribute.

**k-means strata** (Brus 2022, *Spatial Sampling with R*, CRC Press, ch. 4, "Stratification
with multiple covariates"; de Gruijter et al. 2006, *Sampling for Natural Resource
Monitoring*, Springer): the project is discretised by a regular grid of square cells in the
working (equal-area, metre) CRS, every cell that touches a project polygon taking part; by
default the cell size gives about 20,000 cells (``cell_m`` sets it). Each covariate is read at
the cell centres (:mod:`soilsink.mrv.covariates`) and standardised to zero mean and unit
standard deviation over the project's cells (covariates of different units must weigh
equally; Brus 2022). Cells without a value in some covariate take the stratum of the nearest
cell that has them all (the count is reported). :class:`sklearn.cluster.KMeans` with
``n_clusters=k``, ``n_init=20`` restarts (the best of 20 by within-cluster sum of squares)
and ``random_state=seed`` clusters the cells, on one thread (OpenMP reductions over several
threads may differ in the last bits between machines; one thread is also faster for grids of
this size); the clusters are numbered 1..k (zero-padded from 10 strata on) by increasing
centre of the first covariate. Each cluster's cells are merged into polygons
(:func:`rasterio.features.shapes`) and clipped to the project polygons, so the strata
partition the project exactly. Control areas are classified by the same fitted model (same
standardisation), cell by cell.

The strata are design strata: areas known before sampling whose weights W_h = A_h / A enter the
sample size (:mod:`soilsink.mrv.sample_size`) and the estimator (:mod:`soilsink.mrv.estimate`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from soilsink.io.errors import InputError, Problem, warn_input
from soilsink.mrv.areas import DesignAreas
from soilsink.mrv.covariates import sample_at
from soilsink.spatial.areas import M2_PER_HA

#: the default k-means grid has about this many cells over the project
TARGET_CELLS = 20_000
#: k-means restarts (the best clustering of these is kept)
KMEANS_N_INIT = 20
#: name of the one stratum of an unstratified design
SINGLE_STRATUM = "all"


@dataclass(frozen=True)
class KMeansInfo:
    """How k-means strata were built: inputs, grid, and cluster centres in covariate units."""

    k: int
    seed: int
    covariates: tuple[str, ...]
    sources: tuple[str, ...]
    cell_m: float
    n_cells: int
    n_filled: int
    centres: pd.DataFrame
    n_init: int = KMEANS_N_INIT


@dataclass(frozen=True)
class Strata:
    """Project and control strata: GeoDataFrames ``stratum, area_ha, geometry`` in the working CRS.

    ``method`` is ``none`` (one stratum), ``given`` or ``kmeans`` (``kmeans`` then holds the
    details). Strata are sorted by name; control strata are a subset of the project's.
    """

    project: object
    control: object
    method: str
    kmeans: KMeansInfo | None = field(default=None)

    @property
    def names(self) -> list[str]:
        return list(self.project["stratum"])

    @property
    def weights(self) -> np.ndarray:
        a = self.project["area_ha"].to_numpy(float)
        return a / a.sum()


def _polygonal(geom):
    """The polygon parts of ``geom`` as one (Multi)Polygon (drops lines/points of clipping)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon") and g.area > 0]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _frame(names, geoms, crs):
    import geopandas as gpd

    g = gpd.GeoDataFrame({"stratum": list(names)}, geometry=list(geoms), crs=crs)
    g["area_ha"] = g.geometry.area / M2_PER_HA
    g = g[g["area_ha"] > 0]
    return g[["stratum", "area_ha", "geometry"]].sort_values("stratum", kind="stable").reset_index(drop=True)


def _dissolve(gdf, crs):
    names = sorted(gdf["stratum"].unique()) if len(gdf) else []
    geoms = [_polygonal(shapely.union_all(gdf.loc[gdf["stratum"] == h, "geometry"].to_numpy())) for h in names]
    return _frame(names, geoms, crs)


def single_stratum(areas: DesignAreas) -> Strata:
    """One stratum over the whole project (unstratified BAS)."""
    proj = _frame([SINGLE_STRATUM], [areas.project_union], areas.working_crs)
    ctrl = _frame([SINGLE_STRATUM] if len(areas.control) else [],
                  [areas.control_union] if len(areas.control) else [], areas.working_crs)
    return Strata(proj, ctrl, "none")


def given_strata(areas: DesignAreas) -> Strata:
    """Strata from the polygons' stratum attribute (control strata must exist in the project)."""
    proj = _dissolve(areas.project, areas.working_crs)
    ctrl = _dissolve(areas.control, areas.working_crs)
    extra = sorted(set(ctrl["stratum"]) - set(proj["stratum"]))
    if extra:
        warn_input(Problem(areas.path, "control strata absent from the project are not used",
                           column="stratum", value=", ".join(extra)))
        ctrl = ctrl[ctrl["stratum"].isin(proj["stratum"])].reset_index(drop=True)
    return Strata(proj, ctrl, "given")


def _grid(region, cell_m: float):
    """Cell centres and the raster frame of all cells touching ``region``."""
    from affine import Affine
    from rasterio.features import rasterize

    xmin, ymin, xmax, ymax = shapely.bounds(region)
    nx, ny = max(1, math.ceil((xmax - xmin) / cell_m)), max(1, math.ceil((ymax - ymin) / cell_m))
    transform = Affine(cell_m, 0.0, xmin, 0.0, -cell_m, ymax)
    mask = rasterize([(region, 1)], out_shape=(ny, nx), transform=transform, fill=0,
                     all_touched=True, dtype="uint8").astype(bool)
    rows, cols = np.nonzero(mask)
    return xmin + (cols + 0.5) * cell_m, ymax - (rows + 0.5) * cell_m, mask, transform


def _covariate_matrix(covariates: dict, x, y, crs) -> np.ndarray:
    return np.column_stack([sample_at(da, x, y, crs) for da in covariates.values()])


def _fill_missing(x, y, values: np.ndarray, labels: np.ndarray, complete: np.ndarray) -> np.ndarray:
    """Cells without covariates take the label of the nearest complete cell."""
    from scipy.spatial import cKDTree

    if complete.all():
        return labels
    _, nearest = cKDTree(np.column_stack([x[complete], y[complete]])).query(
        np.column_stack([x[~complete], y[~complete]]))
    out = labels.copy()
    out[~complete] = labels[complete][nearest]
    return out


def _polygonise(labels: np.ndarray, mask: np.ndarray, transform, region, k: int):
    """One clipped (Multi)Polygon per label 0..k-1 from a labelled cell grid."""
    from rasterio.features import shapes
    from shapely.geometry import shape

    grid = np.full(mask.shape, -1, dtype=np.int32)
    grid[mask] = labels
    parts: dict[int, list] = {h: [] for h in range(k)}
    for geom, value in shapes(grid, mask=mask, transform=transform):
        parts[int(value)].append(shape(geom))
    return [_polygonal(shapely.intersection(shapely.coverage_union_all(parts[h]), region))
            if parts[h] else shapely.Polygon() for h in range(k)]


def _labels(predict, mean, sd, x, y, values, label: str) -> tuple[np.ndarray, int]:
    """Stratum index of every cell; cells lacking a covariate take the nearest complete cell's."""
    complete = np.all(np.isfinite(values), axis=1)
    if not complete.any():
        raise InputError(Problem(label, "no cell of the area has a value in every covariate",
                                 allowed="covariates covering the polygons"))
    labels = np.zeros(x.size, dtype=np.int64)
    labels[complete] = predict((values[complete] - mean) / sd)
    return _fill_missing(x, y, values, labels, complete), int((~complete).sum())


def kmeans_strata(areas: DesignAreas, covariates: dict, k: int, seed: int, *,
                  cell_m: float | None = None) -> Strata:
    """``k`` strata by k-means on standardised covariates (see the module docstring)."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    label = areas.path
    if not (isinstance(k, int) and k >= 2):
        raise InputError(Problem("--kmeans", "the number of strata must be an integer >= 2", value=k,
                                 allowed=">= 2"))
    if not covariates:
        raise InputError(Problem("--covariates", "k-means strata need covariate rasters",
                                 allowed="one or more rasters"))
    region = areas.project_union
    if cell_m is None:
        cell_m = math.sqrt(region.area / TARGET_CELLS)
    elif not cell_m > 0:
        raise InputError(Problem("--cell-size", "the cell size must be positive", value=cell_m,
                                 allowed="> 0 m"))
    x, y, mask, transform = _grid(region, cell_m)
    values = _covariate_matrix(covariates, x, y, areas.working_crs)
    complete = np.all(np.isfinite(values), axis=1)
    if not complete.any():
        raise InputError(Problem(label, "no cell of the project has a value in every covariate",
                                 value=", ".join(covariates), allowed="covariates covering the polygons"))
    mean = values[complete].mean(axis=0)
    sd = values[complete].std(axis=0)
    flat = [name for name, s in zip(covariates, sd, strict=True) if not s > 0]
    if flat:
        raise InputError(Problem(covariates[flat[0]].attrs.get("source", flat[0]),
                                 "the covariate is constant over the project", value=flat[0],
                                 allowed="a covariate that varies within the project"))
    z = (values[complete] - mean) / sd
    distinct = np.unique(z, axis=0).shape[0]
    if distinct < k:
        raise InputError(Problem("--kmeans", "more strata than distinct covariate values", value=k,
                                 allowed=f"<= {distinct}"))
    with threadpool_limits(limits=1):  # one thread: the same clustering on every machine
        model = KMeans(n_clusters=k, n_init=KMEANS_N_INIT, random_state=seed).fit(z)
    centres_raw = model.cluster_centers_ * sd + mean
    order = np.argsort(centres_raw[:, 0], kind="stable")
    relabel = np.empty(k, dtype=np.int64)
    relabel[order] = np.arange(k)

    def predict(zz: np.ndarray) -> np.ndarray:  # clusters renumbered by the first covariate
        with threadpool_limits(limits=1):
            return relabel[model.predict(zz)]

    labels, n_filled = _labels(predict, mean, sd, x, y, values, label)
    if n_filled:
        warn_input(Problem(label, f"{n_filled} of {x.size} grid cells lack a covariate value; they take "
                                  "the stratum of the nearest cell that has all", value=", ".join(covariates)))
    names = [f"{h + 1:0{len(str(k))}d}" for h in range(k)]
    proj = _frame(names, _polygonise(labels, mask, transform, region, k), areas.working_crs)
    if len(areas.control):
        cx, cy, c_mask, c_transform = _grid(areas.control_union, cell_m)
        c_values = _covariate_matrix(covariates, cx, cy, areas.working_crs)
        c_labels, _ = _labels(predict, mean, sd, cx, cy, c_values, label)
        ctrl = _frame(names, _polygonise(c_labels, c_mask, c_transform, areas.control_union, k),
                      areas.working_crs)
    else:
        ctrl = _frame([], [], areas.working_crs)
    centres = pd.DataFrame(centres_raw[order], columns=list(covariates))
    centres.insert(0, "stratum", names)
    info = KMeansInfo(k, int(seed), tuple(covariates),
                      tuple(str(da.attrs.get("source", n)) for n, da in covariates.items()),
                      float(cell_m), int(x.size), n_filled, centres)
    if len(proj) < k:
        warn_input(Problem(label, "a k-means cluster covers no project area and is dropped",
                           value=", ".join(sorted(set(names) - set(proj["stratum"])))))
    return Strata(proj, ctrl, "kmeans", info)


def stratum_of_points(strata_gdf, x, y) -> np.ndarray:
    """Name of the stratum containing each point (x, y in the working CRS); '' outside all."""
    out = np.full(np.asarray(x).size, "", dtype=object)
    for name, geom in zip(strata_gdf["stratum"], strata_gdf.geometry, strict=True):
        inside = shapely.contains_xy(geom, x, y) & (out == "")
        out[inside] = name
    return out
