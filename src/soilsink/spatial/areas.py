"""Cell areas in hectares: exact on longitude/latitude grids, dx·dy on projected grids.

Geographic grids: the area of the ellipsoidal zone between latitudes φ1 < φ2 spanning Δλ
radians of longitude is

    A = (a² (1 − e²) / 2) · Δλ · [q(φ2) − q(φ1)],
    q(φ) = sin φ / (1 − e² sin² φ) − (1 / (2e)) · ln((1 − e sin φ) / (1 + e sin φ))

(Snyder 1987, *Map Projections – A Working Manual*, USGS Professional Paper 1395, eq. 3-12
for q and eq. 3-13/14 for the authalic sphere, whose zone area is R_q² Δλ (sin β2 − sin β1);
the two forms are identical). With e = 0 it reduces to the sphere, A = R² Δλ (sin φ2 − sin φ1).

Check values: a 1° × 1° cell at the equator is 12,308.5 km² on the WGS84 ellipsoid (matches a
densified geodesic polygon from PROJ's ``Geod.polygon_area_perimeter`` to < 1 m²·km⁻²) and
12,364 km² on a sphere of the IUGG mean radius 6,371,008.8 m (the figure often quoted).
"""

from __future__ import annotations

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

#: WGS84 semi-major axis (m) and inverse flattening (NIMA TR8350.2, 3rd ed., 2000, Table 3.1).
WGS84_A_M = 6378137.0
WGS84_INV_F = 298.257223563
#: IUGG mean Earth radius R1 = (2a + b)/3 for WGS84/GRS80 (Moritz 2000, Geodetic Reference System 1980), m.
MEAN_EARTH_RADIUS_M = 6371008.8

M2_PER_HA = 10_000.0


def _q(phi_rad: np.ndarray, e: float) -> np.ndarray:
    """Snyder (1987) eq. 3-12 without the (1 − e²) factor; e > 0."""
    s = np.sin(phi_rad)
    return s / (1.0 - e * e * s * s) - (1.0 / (2.0 * e)) * np.log((1.0 - e * s) / (1.0 + e * s))


def zone_area_m2(
    lat1_deg: np.ndarray | float,
    lat2_deg: np.ndarray | float,
    dlon_deg: np.ndarray | float,
    *,
    a_m: float = WGS84_A_M,
    inv_f: float | None = WGS84_INV_F,
) -> np.ndarray:
    """Area (m²) of the lon/lat box between ``lat1_deg`` and ``lat2_deg`` spanning ``dlon_deg``.

    ``inv_f=None`` (or ``inf``) gives a sphere of radius ``a_m``. Order of the latitudes does
    not matter; the result is non-negative.
    """
    lat1 = np.radians(np.asarray(lat1_deg, dtype=float))
    lat2 = np.radians(np.asarray(lat2_deg, dtype=float))
    dlon = np.radians(np.abs(np.asarray(dlon_deg, dtype=float)))
    if inv_f is None or not np.isfinite(inv_f):
        return np.abs(a_m * a_m * dlon * (np.sin(lat2) - np.sin(lat1)))
    f = 1.0 / inv_f
    e2 = f * (2.0 - f)
    e = np.sqrt(e2)
    return np.abs(0.5 * a_m * a_m * (1.0 - e2) * dlon * (_q(lat2, e) - _q(lat1, e)))


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges from regularly spaced centres (raises on irregular spacing)."""
    c = np.asarray(centres, dtype=float)
    if c.size == 1:
        raise ValueError("cannot infer the cell size of a one-cell axis; give the resolution")
    d = np.diff(c)
    if not np.allclose(d, d[0], rtol=1e-6, atol=0):
        raise ValueError("coordinates are not regularly spaced")
    return np.concatenate([c - d[0] / 2.0, [c[-1] + d[0] / 2.0]])


def cell_area_ha(
    da: xr.DataArray | xr.Dataset,
    *,
    x: str = "x",
    y: str = "y",
    geographic: bool | None = None,
    ellipsoid: bool = True,
) -> xr.DataArray:
    """Area (ha) of every cell of a regular grid with centre coordinates ``x``/``y``.

    Geographic (lon/lat in degrees) grids use the exact ellipsoidal zone formula (WGS84; a
    sphere of the mean radius with ``ellipsoid=False``); projected grids use |dx·dy| in the CRS
    units, which must be metres. ``geographic=None`` asks the rioxarray CRS, then falls back to
    coordinate names (``lon``/``lat``/``longitude``/``latitude``).
    """
    if geographic is None:
        geographic = is_geographic(da, x=x, y=y)
    xs = np.asarray(da[x].values, dtype=float)
    ys = np.asarray(da[y].values, dtype=float)
    if geographic:
        xe, ye = _edges(xs), _edges(ys)
        dlon = np.abs(np.diff(xe))
        if ellipsoid:
            col = zone_area_m2(ye[:-1], ye[1:], 1.0)
        else:
            col = zone_area_m2(ye[:-1], ye[1:], 1.0, a_m=MEAN_EARTH_RADIUS_M, inv_f=None)
        area = np.outer(col, dlon) / M2_PER_HA
    else:
        unit = _linear_unit(da)
        if unit not in (None, "metre", "meter", "m"):
            raise ValueError(f"projected CRS units must be metres, got {unit!r}")
        dx = np.abs(np.diff(_edges(xs)))
        dy = np.abs(np.diff(_edges(ys)))
        area = np.outer(dy, dx) / M2_PER_HA
    out = xr.DataArray(area, coords={y: da[y], x: da[x]}, dims=(y, x), name="cell_area")
    out.attrs.update(units="ha", long_name="cell area", standard_name="cell_area")
    return out


def is_geographic(da: xr.DataArray | xr.Dataset, *, x: str = "x", y: str = "y") -> bool:
    """True when the grid is lon/lat: by its rioxarray CRS, else by coordinate names."""
    crs = _crs(da)
    if crs is not None:
        return bool(crs.is_geographic)
    return x.lower() in ("lon", "longitude") or y.lower() in ("lat", "latitude")


def _crs(da):
    try:
        return da.rio.crs
    except Exception:  # rioxarray not registered or no CRS
        return None


def _linear_unit(da) -> str | None:
    crs = _crs(da)
    if crs is None:
        return None
    units = crs.linear_units
    return None if units in (None, "unknown") else str(units).lower()
