"""The design as a GeoPackage: layer ``points`` and layer ``strata``.

``points``: one row per location, ``point_id`` (``P0001``… samples, ``C0001``… controls),
``stratum``, ``role`` (``sample`` | ``control``), ``reserve`` (True for the replacement points
that follow a stratum's sample in its BAS sequence), ``order`` (position in that sequence, 1 =
first), ``halton_index`` (k of the random-start Halton sequence), ``x``, ``y`` (in the polygon
file's CRS) and ``lon``, ``lat`` (WGS84, for GPS devices); point geometry in the file's CRS.

``strata``: one (Multi)Polygon per stratum and role (``project`` | ``control``) with
``stratum``, ``role``, ``area_ha`` (equal-area, as used for the weights) and ``weight``
(W_h = A_h / A over the project strata; empty for control strata).

:func:`read_stratum_areas` gives back ``{stratum: area_ha}`` of the project strata, the areas
:func:`soilsink.mrv.estimate.stratified_estimate` needs.

The file is written with GDAL's ``OGR_CURRENT_DATE`` fixed, so the same design gives the same
bytes.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pandas as pd

from soilsink.io.atomic import atomic_path
from soilsink.io.errors import InputError, Problem

POINTS_LAYER = "points"
STRATA_LAYER = "strata"
#: fixed GeoPackage timestamp (identical files from identical designs)
FIXED_DATE = "2000-01-01T00:00:00.000Z"


def points_frame(design):
    """The ``points`` layer as a GeoDataFrame in the polygon file's CRS."""
    import geopandas as gpd
    from pyproj import Transformer

    p = design.points
    work = design.areas.working_crs
    x, y = Transformer.from_crs(work, design.areas.source_crs, always_xy=True).transform(
        p["x_work"].to_numpy(), p["y_work"].to_numpy())
    lon, lat = Transformer.from_crs(work, "EPSG:4326", always_xy=True).transform(
        p["x_work"].to_numpy(), p["y_work"].to_numpy())
    out = p[["point_id", "stratum", "role", "reserve", "order", "halton_index"]].copy()
    out["x"], out["y"] = np.asarray(x), np.asarray(y)
    out["lon"], out["lat"] = np.asarray(lon), np.asarray(lat)
    return gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(out["x"], out["y"]),
                            crs=design.areas.source_crs)


def strata_frame(design):
    """The ``strata`` layer as a GeoDataFrame in the polygon file's CRS."""
    import geopandas as gpd

    parts = []
    for role, table in (("project", design.strata.project), ("control", design.strata.control)):
        if len(table):
            t = table.copy()
            t.insert(1, "role", role)
            t["weight"] = t["area_ha"] / t["area_ha"].sum() if role == "project" else np.nan
            parts.append(t)
    frame = pd.concat(parts, ignore_index=True)
    g = gpd.GeoDataFrame(frame, geometry="geometry", crs=design.areas.working_crs)
    return g.to_crs(design.areas.source_crs)


@contextlib.contextmanager
def _fixed_gdal_date():
    import pyogrio

    old = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": old})


def write_geopackage(design, path: str | Path, *, inputs=()) -> Path:
    """Write both layers to ``path`` atomically (:func:`soilsink.io.atomic.atomic_path`, kind
    ``geopackage``: an existing GeoPackage is replaced, an input never)."""
    path = Path(path)
    points, strata = points_frame(design), strata_frame(design)
    with atomic_path(path, kind="geopackage", inputs=inputs) as tmp, _fixed_gdal_date():
        points.to_file(tmp, layer=POINTS_LAYER, driver="GPKG")
        strata.to_file(tmp, layer=STRATA_LAYER, driver="GPKG")
    return path


def read_stratum_areas(path: str | Path) -> dict[str, float]:
    """``{stratum: area_ha}`` of the project strata of a design GeoPackage."""
    import geopandas as gpd

    p = Path(path)
    if not p.exists():
        raise InputError(Problem(str(p), "design file not found"))
    try:
        strata = gpd.read_file(p, layer=STRATA_LAYER)
    except Exception as exc:
        raise InputError(Problem(str(p), f"cannot read the '{STRATA_LAYER}' layer: {exc}",
                                 allowed="a GeoPackage written by soilsink design")) from None
    project = strata[strata["role"] == "project"]
    return {str(h): float(a) for h, a in zip(project["stratum"], project["area_ha"], strict=True)}
