"""Design areas (reading, checks, equal-area frame) and strata (given, k-means)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from mrv_helpers import UTM, X0, Y0, write_fields, write_raster
from soilsink.io.errors import InputError, InputWarning
from soilsink.mrv.areas import read_design_areas
from soilsink.mrv.covariates import open_covariates, sample_at
from soilsink.mrv.strata import given_strata, kmeans_strata, single_stratum, stratum_of_points
from soilsink.spatial.areas import zone_area_m2


def test_given_strata_dissolve_and_areas(tmp_path) -> None:
    areas = read_design_areas(write_fields(tmp_path / "f.gpkg"), strata_column="zone", role_column="role")
    assert areas.working_crs == areas.source_crs  # UTM in metres is kept
    s = given_strata(areas)
    assert s.names == list("ABCDE")
    np.testing.assert_allclose(s.project["area_ha"], 2000.0)  # 2 km × 10 km bands
    np.testing.assert_allclose(s.weights, 0.2)
    assert list(s.control["stratum"]) == ["A", "B", "C"]
    np.testing.assert_allclose(s.control["area_ha"], 100.0)
    one = single_stratum(areas)
    assert one.names == ["all"] and one.project["area_ha"].iloc[0] == pytest.approx(10_000.0)


def test_lonlat_polygons_are_projected_to_equal_area(tmp_path) -> None:
    """A 0.1° × 0.1° box at 45° N: the LAEA area matches the exact ellipsoidal zone area."""
    g = gpd.GeoDataFrame({"id": [1]}, geometry=[box(3.0, 45.0, 3.1, 45.1)], crs="EPSG:4326")
    g.to_file(tmp_path / "ll.geojson")
    areas = read_design_areas(tmp_path / "ll.geojson")
    assert "laea" in areas.working_crs.to_proj4()
    exact_ha = float(zone_area_m2(45.0, 45.1, 0.1)) / 1e4
    # straight edges in LAEA vs parallels on the ellipsoid: relative difference far below 1e-4
    assert areas.project_area_ha == pytest.approx(exact_ha, rel=1e-4)


@pytest.mark.parametrize(("frame", "match"), [
    (gpd.GeoDataFrame({"zone": ["A"]}, geometry=[box(0, 0, 1, 1)]), "no CRS"),
    (gpd.GeoDataFrame({"zone": ["A"]}, geometry=[shapely.Point(0, 0)], crs=UTM), "not a polygon"),
    (gpd.GeoDataFrame({"zone": ["A"]}, geometry=[Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])], crs=UTM),
     "not a valid polygon"),
    (gpd.GeoDataFrame({"zone": ["A", "B"]}, geometry=[box(0, 0, 2, 2), box(1, 1, 3, 3)], crs=UTM),
     "features 1 and 2 overlap"),
])
def test_bad_polygons_are_named(tmp_path, frame, match) -> None:
    path = tmp_path / "bad.gpkg"
    frame.to_file(path, driver="GPKG")
    with pytest.raises(InputError, match=match):
        read_design_areas(path)


def test_bad_columns_and_roles(tmp_path) -> None:
    path = write_fields(tmp_path / "f.gpkg")
    with pytest.raises(InputError, match="stratum column not found.*allowed: zone, role"):
        read_design_areas(path, strata_column="soil")
    g = gpd.read_file(path)
    g.loc[2, "role"] = "buffer"
    g.to_file(tmp_path / "r.gpkg", driver="GPKG")
    with pytest.raises(InputError, match="feature 3 has an unknown role.*'buffer'.*project, control"):
        read_design_areas(tmp_path / "r.gpkg", role_column="role")
    with pytest.raises(InputError, match="not found"):
        read_design_areas(tmp_path / "nope.gpkg")


def _step(xx, yy):
    """Covariate with two levels: 10 west of the project's middle, 30 east of it."""
    return np.where(xx < X0 + 5000, 10.0, 30.0) + 0.0 * yy


def test_kmeans_recovers_two_known_zones(tmp_path) -> None:
    areas = read_design_areas(write_fields(tmp_path / "f.gpkg"), role_column="role")
    cov = open_covariates([write_raster(tmp_path / "soc.tif", _step)])
    s = kmeans_strata(areas, cov, 2, seed=5, cell_m=250.0)
    assert s.names == ["1", "2"]
    # stratum 1 = the low covariate (west), 2 = east; 5,000 ha each (cell edges fall on the step)
    np.testing.assert_allclose(s.project["area_ha"], [5000.0, 5000.0], rtol=1e-9)
    assert s.project["area_ha"].sum() == pytest.approx(10_000.0, rel=1e-9)  # strata partition the project
    np.testing.assert_allclose(s.kmeans.centres["soc"], [10.0, 30.0])
    w, e = s.project.geometry
    assert w.centroid.x < X0 + 5000 < e.centroid.x
    # the controls (east of the project, covariate 30) fall in stratum 2
    assert list(s.control["stratum"]) == ["2"]
    assert s.control["area_ha"].sum() == pytest.approx(300.0)


def test_kmeans_is_deterministic_and_fills_gaps(tmp_path) -> None:
    areas = read_design_areas(write_fields(tmp_path / "f.gpkg", controls=False))

    def smooth(xx, yy):
        v = 40 + 15 * np.sin(xx / 1500.0) + 5 * np.cos(yy / 900.0)
        return np.where((xx > X0 + 3000) & (xx < X0 + 3500) & (yy < Y0 + 2000), np.nan, v)

    cov = open_covariates([write_raster(tmp_path / "soc.tif", smooth),
                           write_raster(tmp_path / "clay.tif", lambda xx, yy: 0.002 * (yy - Y0))])
    with pytest.warns(InputWarning, match="lack a covariate value"):
        a = kmeans_strata(areas, cov, 4, seed=1, cell_m=250.0)
    with pytest.warns(InputWarning):
        b = kmeans_strata(areas, cov, 4, seed=1, cell_m=250.0)
    assert (a.project.geometry.to_wkb() == b.project.geometry.to_wkb()).all()
    assert a.kmeans.n_filled > 0
    assert a.project["area_ha"].sum() == pytest.approx(10_000.0, rel=1e-9)
    union = shapely.union_all(a.project.geometry.to_numpy())
    assert union.symmetric_difference(areas.project_union).area < 1e-3
    assert a.kmeans.centres["soc"].is_monotonic_increasing


def test_kmeans_input_errors(tmp_path) -> None:
    areas = read_design_areas(write_fields(tmp_path / "f.gpkg", controls=False))
    flat = open_covariates([write_raster(tmp_path / "flat.tif", lambda xx, yy: 0 * xx + 3.0)])
    with pytest.raises(InputError, match="constant over the project"):
        kmeans_strata(areas, flat, 3, seed=0)
    step = open_covariates([write_raster(tmp_path / "step.tif", _step)])
    with pytest.raises(InputError, match="more strata than distinct"):
        kmeans_strata(areas, step, 3, seed=0)
    far = open_covariates([write_raster(tmp_path / "far.tif", _step, extent=(0, 0, 1000, 1000))])
    with pytest.raises(InputError, match="no cell of the project"):
        kmeans_strata(areas, far, 2, seed=0)


def test_covariates_are_read_across_crs(tmp_path) -> None:
    """A raster in lon/lat is read at UTM points after transforming them."""
    from pyproj import Transformer

    path = write_raster(tmp_path / "lon.tif", lambda lon, lat: lon, cell_m=0.001, crs="EPSG:4326",
                        extent=(2.9, 45.0, 3.2, 45.2))
    da = open_covariates([path])["lon"]
    lon, lat = 3.05, 45.1
    x, y = Transformer.from_crs("EPSG:4326", UTM, always_xy=True).transform(lon, lat)
    got = sample_at(da, np.array([x, 0.0]), np.array([y, 0.0]), UTM)
    assert got[0] == pytest.approx(lon, abs=0.001)
    assert np.isnan(got[1])  # outside the raster


def test_stratum_of_points(tmp_path) -> None:
    s = given_strata(read_design_areas(write_fields(tmp_path / "f.gpkg"), strata_column="zone",
                                       role_column="role"))
    got = stratum_of_points(s.project, np.array([X0 + 100, X0 + 9900, X0 - 5]), np.array([Y0 + 5] * 3))
    assert got.tolist() == ["A", "E", ""]
