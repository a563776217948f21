"""``soilsink design`` end to end: outputs, reproducibility, report, bad input (exit 2)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

from mrv_helpers import X0, Y0, write_fields, write_raster
from soilsink.cli import app
from soilsink.mrv.output import read_stratum_areas

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, ["design", *map(str, args)])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def fields(tmp_path) -> Path:
    return write_fields(tmp_path / "fields.gpkg")


def test_given_strata_precision_design(tmp_path, fields) -> None:
    out = tmp_path / "design.gpkg"
    r = _run(fields, "-o", out, "--seed", 42, "--strata-column", "zone", "--role-column", "role",
             "--target-precision", 10, "--confidence", 0.9, "--cv", 0.3, "--controls", 3, "--reserve", 2)
    assert r.exit_code == 0, r.output
    assert "strata without control area" in r.output  # D and E have no control polygon
    pts = gpd.read_file(out, layer="points")
    strata = gpd.read_file(out, layer="strata")
    assert set(pts.columns) >= {"point_id", "stratum", "role", "reserve", "order", "x", "y", "lon", "lat"}
    samples = pts[(pts.role == "sample") & ~pts.reserve]
    assert samples.groupby("stratum").size().tolist() == [6, 6, 5, 5, 5]  # 27, proportional (equal CV)
    ctrl = pts[(pts.role == "control") & ~pts.reserve]
    assert ctrl.groupby("stratum").size().to_dict() == {"A": 3, "B": 3, "C": 3}
    assert (pts[pts.reserve].groupby(["stratum", "role"]).size() == 2).all()
    assert pts["point_id"].is_unique
    # every point inside its own stratum polygon of its role
    for (h, role), group in pts.groupby(["stratum", "role"]):
        geom = strata[(strata.stratum == h) & (strata.role == ("project" if role == "sample" else "control"))].geometry.iloc[0]
        assert shapely.contains_xy(geom, group.x, group.y).all()
    assert read_stratum_areas(out) == pytest.approx({h: 2000.0 for h in "ABCDE"})
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "n = 27" in html and "Stevens" in html


def test_same_seed_same_bytes_other_seed_other_points(tmp_path, fields) -> None:
    args = ["--seed", 7, "--strata-column", "zone", "--mdd", 3.0, "--cv", 0.2, "--mean", 50, "--correlation", 0.6]
    a, b, c = (tmp_path / f"{k}.gpkg" for k in "abc")
    for out, seed in ((a, 7), (b, 7), (c, 8)):
        r = _run(fields, "-o", out, *args[2:], "--seed", seed)
        assert r.exit_code == 0, r.output
    assert _digest(a) == _digest(b)
    assert _digest(a.with_suffix(".html")) == _digest(b.with_suffix(".html"))
    pa, pc = gpd.read_file(a, layer="points"), gpd.read_file(c, layer="points")
    assert len(pa) == len(pc) and not np.allclose(pa.x, pc.x)


def test_kmeans_pilot_mdd_design(tmp_path, fields) -> None:
    soc = write_raster(tmp_path / "soc.tif", lambda x, y: 40 + 15 * np.sin((x - X0) / 1500.0))
    clay = write_raster(tmp_path / "clay.tif", lambda x, y: 15 + 0.001 * (y - Y0))
    rng = np.random.default_rng(1)
    pilot = pd.DataFrame({"x": rng.uniform(X0, X0 + 10_000, 60), "y": rng.uniform(Y0, Y0 + 10_000, 60),
                          "change_t_ha": rng.normal(1.0, 2.5, 60)})
    pilot.to_csv(tmp_path / "pilot.csv", index=False)
    out = tmp_path / "k.gpkg"
    r = _run(fields, "-o", out, "--seed", 3, "--kmeans", 3, "--covariates", f"{soc},{clay}",
             "--cell-size", 200, "--mdd", 1.0, "--power", 0.8, "--pilot", tmp_path / "pilot.csv")
    assert r.exit_code == 0, r.output
    pts = gpd.read_file(out, layer="points")
    assert sorted(pts.stratum.unique()) == ["1", "2", "3"]
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "k-means strata" in html and "change_t_ha" in html


def test_two_sample_controls_mirror_the_sample(tmp_path) -> None:
    g = gpd.GeoDataFrame({"zone": ["A", "B", "A", "B"], "role": ["project", "project", "control", "control"]},
                         geometry=[shapely.box(X0, Y0, X0 + 2000, Y0 + 2000), shapely.box(X0 + 2000, Y0, X0 + 3000, Y0 + 2000),
                                   shapely.box(X0 + 5000, Y0, X0 + 6000, Y0 + 1000), shapely.box(X0 + 7000, Y0, X0 + 8000, Y0 + 1000)],
                         crs="EPSG:32631")
    g.to_file(tmp_path / "two.gpkg", driver="GPKG")
    out = tmp_path / "t.gpkg"
    r = _run(tmp_path / "two.gpkg", "-o", out, "--seed", 1, "--strata-column", "zone", "--role-column", "role",
             "--mdd", 4, "--test", "two-sample", "--cv", 0.2, "--mean", 60)
    assert r.exit_code == 0, r.output
    pts = gpd.read_file(out, layer="points")
    n = pts.groupby(["role", "stratum"]).size()
    assert n["sample"].tolist() == n["control"].tolist()


def test_stratum_names_are_escaped_in_the_report(tmp_path) -> None:
    g = gpd.GeoDataFrame({"zone": ["<script>alert(1)</script>", "b&c"]},
                         geometry=[shapely.box(X0, Y0, X0 + 1000, Y0 + 1000), shapely.box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
                         crs="EPSG:32631")
    g.to_file(tmp_path / "x.gpkg", driver="GPKG")
    out = tmp_path / "x_out.gpkg"
    r = _run(tmp_path / "x.gpkg", "-o", out, "--seed", 1, "--strata-column", "zone", "--target-precision", 20, "--cv", 0.3)
    assert r.exit_code == 0, r.output
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "b&amp;c" in html


BAD = [
    (["--strata-column", "soil", "--target-precision", 10, "--cv", 0.3], "stratum column not found"),
    (["--target-precision", 10, "--mdd", 2, "--cv", 0.3], "exactly one target"),
    (["--target-precision", 10], "give the prior variance one way"),
    (["--mdd", 2, "--cv", 0.3], "needs the prior SD in t C/ha"),
    (["--kmeans", 3, "--target-precision", 10, "--cv", 0.3], "need covariate rasters"),
    (["--strata-column", "zone", "--kmeans", 3, "--covariates", "a.tif", "--target-precision", 10, "--cv", 0.3],
     "choose one way to stratify"),
    (["--kmeans", 3, "--covariates", "missing.tif", "--target-precision", 10, "--cv", 0.3], "raster file not found"),
    (["--target-precision", 10, "--cv", 0.3, "--controls", 2], "control points need control polygons"),
    (["--target-precision", 10, "--cv", 0.3, "--confidence", 1.5], "confidence"),
    (["--target-precision", 10, "--pilot", "nope.csv"], "file not found"),
    (["--mdd", 2, "--cv", 0.3, "--mean", 50, "--test", "three-sample"], "unknown test"),
    (["--target-precision", 10, "--cv", 0.3, "--test", "two-sample"], "belong to an --mdd target"),
    (["--mdd", 2, "--cv", 0.3, "--mean", 50, "--test", "two-sample", "--correlation", 0.5], "applies to a paired test"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_exits_2_with_a_message(tmp_path, fields, args, message) -> None:
    out = tmp_path / "bad.gpkg"
    r = _run(fields, "-o", out, "--seed", 1, *args)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert message in r.output
    assert not out.exists() and not out.with_suffix(".html").exists()


def test_outputs_replace_their_own_kind_but_never_an_input_or_other_file(tmp_path, fields) -> None:
    args = ["--seed", 1, "--target-precision", 10, "--cv", 0.3]
    out = tmp_path / "d.gpkg"
    assert _run(fields, "-o", out, *args).exit_code == 0
    first = _digest(out)
    r = _run(fields, "-o", out, *args[:1], 2, *args[2:])  # another seed replaces the design
    assert r.exit_code == 0, r.output
    assert _digest(out) != first
    before = _digest(fields)
    r = _run(fields, "-o", fields, *args)  # the input itself
    assert r.exit_code == 2 and "input" in r.output and _digest(fields) == before
    mine = tmp_path / "notes.gpkg"
    mine.with_suffix(".html").mkdir()  # a folder where the report would go
    r = _run(fields, "-o", mine, *args)
    assert r.exit_code == 2 and "is a folder" in r.output and not mine.exists()
    r = _run(fields, "-o", tmp_path / "d.shp", *args)
    assert r.exit_code == 2 and ".gpkg" in r.output


def test_lonlat_polygons_give_points_in_lonlat(tmp_path) -> None:
    g = gpd.GeoDataFrame({"zone": ["A", "B"]}, geometry=[shapely.box(3.0, 45.0, 3.02, 45.02),
                                                         shapely.box(3.02, 45.0, 3.05, 45.02)], crs="EPSG:4326")
    g.to_file(tmp_path / "ll.geojson")
    out = tmp_path / "ll.gpkg"
    r = _run(tmp_path / "ll.geojson", "-o", out, "--seed", 9, "--strata-column", "zone",
             "--target-precision", 8, "--cv", 0.25)
    assert r.exit_code == 0, r.output
    pts = gpd.read_file(out, layer="points")
    assert pts.crs.to_epsg() == 4326
    np.testing.assert_allclose(pts.x, pts.lon)
    for h, geom in zip(g.zone, g.geometry, strict=True):
        s = pts[pts.stratum == h]
        # edges are straight in the equal-area frame: allow 1e-7° (about 1 cm) at the boundary
        assert shapely.contains_xy(geom.buffer(1e-7), s.x, s.y).all()
    areas = read_stratum_areas(out)
    assert sum(areas.values()) == pytest.approx(
        sum(float(a) for a in gpd.GeoSeries(g.geometry, crs=4326).to_crs("EPSG:3035").area) / 1e4, rel=1e-4)
