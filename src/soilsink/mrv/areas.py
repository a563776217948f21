"""Project and control areas of a sampling design, read from a polygon file and checked.

A polygon file (GeoPackage, GeoJSON, Shapefile: anything GDAL reads) holds the project's
polygons and, optionally, control polygons: a ``role`` column (name chosen by the user) with
``project`` or ``control`` on every feature. Strata may be given as a polygon attribute.

Sampling needs equal areas to have equal chances, so the design works in an equal-area frame:
a projected CRS in metres is used as it is (its area distortion over a project is negligible
for the usual UTM/national grids); any other CRS (longitude/latitude, feet) is projected to a
Lambert azimuthal equal-area projection centred on the project (Snyder 1987, *Map
Projections – A Working Manual*, USGS Prof. Paper 1395, §24), in which polygon edges are taken
as straight lines. Points are written back in the file's CRS.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from soilsink.io.errors import InputError, Problem
from soilsink.spatial.areas import M2_PER_HA

ROLES = ("project", "control")
#: overlaps smaller than this share of the smaller polygon are taken as digitising noise
OVERLAP_TOLERANCE = 1e-6


@dataclass(frozen=True)
class DesignAreas:
    """Polygons in the working (equal-area, metre) CRS.

    ``project`` and ``control`` are GeoDataFrames with ``feature`` (1-based number in the file),
    ``stratum`` (str, or None when strata are not given) and ``geometry``; ``source_crs`` is
    the file's CRS, ``working_crs`` the one the design is computed in.
    """

    path: str
    project: object
    control: object
    source_crs: object
    working_crs: object

    @property
    def project_area_ha(self) -> float:
        return float(self.project.geometry.area.sum()) / M2_PER_HA

    @property
    def project_union(self):
        return shapely.union_all(self.project.geometry.to_numpy())

    @property
    def control_union(self):
        return shapely.union_all(self.control.geometry.to_numpy()) if len(self.control) else None


def working_crs(gdf):
    """The file's CRS when projected in metres, else an equal-area (LAEA) CRS centred on it."""
    from pyproj import CRS

    crs = CRS.from_user_input(gdf.crs)
    if crs.is_projected and all(a.unit_name in ("metre", "meter") for a in crs.axis_info[:2]):
        return crs
    lonlat = gdf.to_crs("EPSG:4326")
    c = shapely.centroid(shapely.union_all(lonlat.geometry.to_numpy()))
    return CRS.from_proj4(f"+proj=laea +lat_0={c.y:.6f} +lon_0={c.x:.6f} +x_0=0 +y_0=0 "
                          "+ellps=WGS84 +units=m +no_defs")


def _read(path: Path, layer: str | None):
    import geopandas as gpd

    if not path.exists():
        raise InputError(Problem(str(path), "polygon file not found"))
    try:
        return gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as exc:
        raise InputError(Problem(str(path), f"cannot read the polygons: {exc}")) from None


def _check_geometries(gdf, label: str) -> None:
    for i, geom in enumerate(gdf.geometry, start=1):
        if geom is None or geom.is_empty:
            raise InputError(Problem(label, f"feature {i} has no geometry", allowed="a polygon"))
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(Problem(label, f"feature {i} is not a polygon", value=geom.geom_type,
                                     allowed="Polygon or MultiPolygon"))
        if not geom.is_valid:
            raise InputError(Problem(label, f"feature {i} is not a valid polygon",
                                     value=shapely.is_valid_reason(geom),
                                     allowed="valid polygons (e.g. QGIS 'Fix geometries' or shapely.make_valid)"))


def _check_column(gdf, column: str, label: str, what: str) -> None:
    if column not in gdf.columns:
        raise InputError(Problem(label, f"{what} column not found", column=column,
                                 allowed=", ".join(c for c in gdf.columns if c != "geometry") or "none"))
    missing = gdf[column].isna().to_numpy()
    if missing.any():
        raise InputError(Problem(label, f"feature {int(np.flatnonzero(missing)[0]) + 1} has no {what}",
                                 column=column, allowed=f"a {what} on every feature"))


def _check_overlaps(gdf, label: str) -> None:
    geoms = gdf.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        shared = shapely.area(shapely.intersection(geoms[i], geoms[j]))
        if shared > OVERLAP_TOLERANCE * min(geoms[i].area, geoms[j].area):
            fi, fj = gdf["feature"].iloc[i], gdf["feature"].iloc[j]
            raise InputError(Problem(label, f"features {fi} and {fj} overlap", value=f"{shared:.4g} m²",
                                     allowed="non-overlapping polygons (each point belongs to one area)"))


def read_design_areas(path: str | Path, *, strata_column: str | None = None,
                      role_column: str | None = None, layer: str | None = None) -> DesignAreas:
    """Read and check the polygons of a design (see the module docstring)."""
    p = Path(path)
    label = str(p)
    gdf = _read(p, layer)
    if len(gdf) == 0:
        raise InputError(Problem(label, "the file holds no features", allowed="at least one polygon"))
    if gdf.crs is None:
        raise InputError(Problem(label, "polygons have no CRS", allowed="a file with a CRS (e.g. EPSG:4326)"))
    _check_geometries(gdf, label)
    gdf = gdf.reset_index(drop=True)
    gdf["feature"] = np.arange(1, len(gdf) + 1)
    if strata_column is not None:
        _check_column(gdf, strata_column, label, "stratum")
    if role_column is not None:
        _check_column(gdf, role_column, label, "role")
        roles = gdf[role_column].astype(str)
        bad = ~roles.isin(ROLES).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(Problem(label, f"feature {i + 1} has an unknown role", column=role_column,
                                     value=roles.iloc[i], allowed=", ".join(ROLES)))
    else:
        roles = None
    crs = working_crs(gdf)
    work = gdf.to_crs(crs)
    out = work[["feature", "geometry"]].copy()
    out["stratum"] = work[strata_column].astype(str).to_numpy() if strata_column else None
    out["role"] = roles.to_numpy() if roles is not None else "project"
    _check_overlaps(out, label)
    project = out[out["role"] == "project"].drop(columns="role").reset_index(drop=True)
    control = out[out["role"] == "control"].drop(columns="role").reset_index(drop=True)
    if len(project) == 0:
        raise InputError(Problem(label, "no project polygons", column=role_column,
                                 allowed="at least one feature with role 'project'"))
    return DesignAreas(label, project, control, gdf.crs, crs)
