"""Cell areas: exact ellipsoidal zone areas on lon/lat grids, dx*dy on projected grids."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from soilsink.spatial.areas import MEAN_EARTH_RADIUS_M, cell_area_ha, zone_area_m2


def test_one_degree_cell_at_equator_wgs84_matches_densified_geodesic_polygon() -> None:
    pyproj = pytest.importorskip("pyproj")
    geod = pyproj.Geod(ellps="WGS84")
    # the parallel at 1 deg N is not a geodesic: densify it so PROJ integrates the true box
    lons = np.r_[np.linspace(0, 1, 2001), np.linspace(1, 0, 2001)]
    lats = np.r_[np.zeros(2001), np.ones(2001)]
    area_proj, _ = geod.polygon_area_perimeter(lons, lats)
    ours = float(zone_area_m2(0.0, 1.0, 1.0))
    assert ours == pytest.approx(abs(area_proj), rel=1e-7)
    assert ours / 1e6 == pytest.approx(12308.46, abs=0.01)  # km2, WGS84


def test_one_degree_cell_on_mean_sphere_is_the_quoted_12364_km2() -> None:
    # R^2 * dlon * (sin 1deg - sin 0): 6371.0088^2 * 0.0174533 * 0.0174524 = 12,363.7 km2
    sphere = float(zone_area_m2(0.0, 1.0, 1.0, a_m=MEAN_EARTH_RADIUS_M, inv_f=None)) / 1e6
    assert sphere == pytest.approx(12363.7, abs=0.1)


def test_whole_wgs84_ellipsoid_surface() -> None:
    # closed form for an oblate spheroid, S = 2 pi a^2 [1 + (1 - e^2)/e * atanh(e)]
    # (a different formula from the zone integral), = 510,065,621.724 km2 for WGS84
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    e = np.sqrt(e2)
    closed = 2 * np.pi * a * a * (1 + (1 - e2) / e * np.arctanh(e))
    assert float(zone_area_m2(-90, 90, 360)) == pytest.approx(closed, rel=1e-12)
    assert closed / 1e6 == pytest.approx(510065621.724, abs=0.001)


@settings(max_examples=50, deadline=None)
@given(st.floats(-89, 88), st.floats(0.01, 1.0), st.floats(0.01, 1.0))
def test_zone_areas_add_up(lat: float, d1: float, d2: float) -> None:
    lat2 = min(lat + d1, 89.0)
    lat3 = min(lat2 + d2, 90.0)
    whole = zone_area_m2(lat, lat3, 1.0)
    parts = zone_area_m2(lat, lat2, 1.0) + zone_area_m2(lat2, lat3, 1.0)
    assert whole == pytest.approx(parts, rel=1e-9)


def test_cell_area_grid_geographic_and_projected() -> None:
    da = xr.DataArray(np.zeros((2, 3)), coords={"y": [0.75, 0.25], "x": [10.25, 10.75, 11.25]}, dims=("y", "x"))
    geo = cell_area_ha(da.rio.write_crs("EPSG:4326"))
    assert geo.attrs["units"] == "ha"
    expect = zone_area_m2(0.5, 1.0, 0.5) / 1e4
    assert float(geo[0, 0]) == pytest.approx(float(expect), rel=1e-12)
    assert float(geo[0, 0]) < float(geo[1, 0])  # cells shrink away from the equator
    proj = xr.DataArray(np.zeros((2, 2)), coords={"y": [500.0, -500.0], "x": [500.0, 1500.0]}, dims=("y", "x"))
    proj = proj.rio.write_crs("EPSG:3035")
    assert np.allclose(cell_area_ha(proj).values, 100.0)  # 1 km x 1 km = 100 ha
