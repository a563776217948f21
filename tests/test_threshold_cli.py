"""`soilsink threshold` and `soilsink potential`: documented columns, horizons input, bad input -> exit 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from soilsink.cli import app

runner = CliRunner()

SITE_CSV = """site_id,soil_type,land_use,soc_stock_t_ha,stable_soc_t_ha
n1,Luvisol,natural,40,25
n2,Luvisol,native_forest,50,30
n3,Luvisol,native_grassland,60,
n4,Cambisol,natural,80,50
c1,Luvisol,cropland,35,20
c2,Cambisol,cropland,30,15
c3,Gleysol,cropland,45,25
"""

THRESHOLD_COLUMNS = [
    "soil_type", "n_reference", "threshold_soc_t_ha", "threshold_soc_t_ha_ci_low", "threshold_soc_t_ha_ci_high",
    "n_reference_stable", "threshold_stable_soc_t_ha", "threshold_stable_soc_t_ha_ci_low",
    "threshold_stable_soc_t_ha_ci_high", "stable_method", "stat", "method", "flag",
]


@pytest.fixture
def site_csv(tmp_path: Path) -> Path:
    p = tmp_path / "sites.csv"
    p.write_text(SITE_CSV)
    return p


def test_threshold_and_potential_from_site_table(site_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "thr.csv"
    r = runner.invoke(app, ["threshold", str(site_csv), "--min-n", "2", "--seed", "3", "-o", str(out)])
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert list(t.columns) == THRESHOLD_COLUMNS
    t = t.set_index("soil_type")
    assert t.loc["Luvisol", "threshold_soc_t_ha"] == 50.0  # median of 40, 50, 60
    assert t.loc["Luvisol", "threshold_stable_soc_t_ha"] == 27.5  # median of 25, 30
    assert t.loc["Cambisol", "flag"] == "too_few" and t.loc["Gleysol", "flag"] == "no_reference"
    assert t.loc["Luvisol", "stable_method"] == "given"
    # reproducible
    out2 = tmp_path / "thr2.csv"
    runner.invoke(app, ["threshold", str(site_csv), "--min-n", "2", "--seed", "3", "-o", str(out2)])
    assert out.read_bytes() == out2.read_bytes()

    pot = tmp_path / "pot.csv"
    r = runner.invoke(app, ["potential", str(site_csv), "--thresholds", str(out), "-o", str(pot)])
    assert r.exit_code == 0, r.output
    p = pd.read_csv(pot).set_index("site_id")
    for col in ("current_soc_t_ha", "threshold_soc_t_ha", "potential_t_ha", "saturation_ratio",
                "current_stable_soc_t_ha", "threshold_stable_soc_t_ha", "stable_potential_t_ha",
                "stable_saturation_ratio", "status"):
        assert col in p.columns
    assert p.loc["c1", "potential_t_ha"] == 15.0 and p.loc["c1", "saturation_ratio"] == pytest.approx(0.7)
    assert p.loc["c3", "status"] == "no_threshold"  # reported, not dropped
    assert p.loc["c1", "stable_method"] == "given"
    assert len(p) == 7


def test_threshold_from_horizons_table(tmp_path: Path) -> None:
    rows = ["site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3,soil_type,land_use,maoc_frac"]
    for i, soc in enumerate([10.0, 20.0, 30.0]):
        rows.append(f"n{i},0,30,{soc},1.0,Luvisol,natural,0.5")
    rows.append("c0,0,30,5,1.0,Luvisol,cropland,0.5")
    src = tmp_path / "h.csv"
    src.write_text("\n".join(rows) + "\n")
    out = tmp_path / "t.csv"
    r = runner.invoke(app, ["threshold", str(src), "--depth", "0-30", "--min-n", "3", "-o", str(out)])
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out).iloc[0]
    # stocks 10/20/30 g/kg x 1.0 x 30 cm x 0.1 = 30/60/90 t/ha -> median 60; stable half of it
    assert t["threshold_soc_t_ha"] == pytest.approx(60.0)
    assert t["threshold_stable_soc_t_ha"] == pytest.approx(30.0)
    assert t["n_reference"] == 3 and t["flag"] == "ok"
    assert t["stable_method"] == "measured_maoc"


@pytest.mark.parametrize(
    "text, where",
    [
        ("site_id,soil_type,land_use,soc_stock_t_ha\nn1,Luvisol,natural,abc\n", "row 2, column 'soc_stock_t_ha'"),
        ("site_id,soil_type,land_use,soc_stock_t_ha\nn1,Luvisol,natural,4\nn1,Luvisol,natural,5\n", "row 3, column 'site_id'"),
        ("site_id,soil_type,land_use,reference,soc_stock_t_ha\nn1,Luvisol,cropland,yes,4\n", "row 2, column 'reference'"),
        ("site_id,land_use,soc_stock_t_ha\nn1,natural,4\n", "soil_type"),
        ("site_id,soil_type,land_use,soc_stock_t_ha,stable_soc_t_ha\nn1,L,natural,4,9\n", "row 2, column 'stable_soc_t_ha'"),
    ],
)
def test_bad_site_table_exit_2(tmp_path: Path, text: str, where: str) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(text)
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["threshold", str(src), "-o", str(out)])
    assert r.exit_code == 2
    assert "bad.csv" in r.output and where in r.output
    assert "Traceback" not in r.output
    assert not out.exists()


def test_bad_options_exit_2(site_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    for args in (["--stat", "mode"], ["--depth", "30-0"], ["--by", "climate_zone"], ["--min-n", "0"]):
        r = runner.invoke(app, ["threshold", str(site_csv), *args, "-o", str(out)])
        assert r.exit_code == 2, (args, r.output)
    assert not out.exists()
    r = runner.invoke(app, ["threshold", str(tmp_path / "missing.csv"), "-o", str(out)])
    assert r.exit_code == 2
    r = runner.invoke(app, ["potential", str(site_csv), "--thresholds", str(site_csv), "-o", str(out)])
    assert r.exit_code == 2 and "threshold_soc_t_ha" in r.output


def test_horizons_site_not_covering_depth_is_left_out_with_warning(tmp_path: Path) -> None:
    src = tmp_path / "h.csv"
    src.write_text("site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3,soil_type,land_use\n"
                   "n1,0,30,10,1.0,Luvisol,natural\nn2,0,10,10,1.0,Luvisol,natural\n")
    out = tmp_path / "t.csv"
    r = runner.invoke(app, ["threshold", str(src), "--min-n", "1", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "n2" in r.output and "left out" in r.output
    assert pd.read_csv(out).loc[0, "n_reference"] == 1
