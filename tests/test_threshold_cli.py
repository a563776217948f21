"""`soilsink threshold` and `soilsink potential`: documented columns, horizons input, bad input -> exit 2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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


# --- stable-carbon method and ESM options -------------------------------------------------------

HORIZONS = """site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3,clay_pct,silt_pct,soil_type,land_use,maoc_g_kg
a,0,10,20,1.0,20,30,Luvisol,natural,12
a,10,30,10,1.2,25,30,Luvisol,natural,7
b,0,30,15,1.1,10,20,Luvisol,cropland,
c,0,20,30,0.9,40,40,Luvisol,native_forest,20
c,20,40,10,1.3,40,40,Luvisol,native_forest,8
"""

CLIMATE = "month,temp_c,precip_mm,pet_mm\n" + "".join(
    f"{m},{t},{p},{e}\n" for m, t, p, e in zip(range(1, 13), [3, 4, 6, 9, 13, 16, 18, 18, 15, 10, 6, 4],
                                               [50, 45, 40, 50, 60, 55, 60, 60, 55, 60, 65, 60],
                                               [5, 12, 30, 55, 80, 95, 100, 85, 50, 25, 8, 4], strict=True))


@pytest.fixture
def horizons_csv(tmp_path: Path) -> Path:
    p = tmp_path / "h.csv"
    p.write_text(HORIZONS)
    return p


@pytest.fixture
def climate_csv(tmp_path: Path) -> Path:
    p = tmp_path / "clim.csv"
    p.write_text(CLIMATE)
    return p


def _ok(*args: str) -> pd.DataFrame:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return pd.read_csv(args[args.index("-o") + 1], keep_default_na=False, na_values=[""])


def test_stable_method_none_every_row_named(horizons_csv: Path, tmp_path: Path) -> None:
    t = _ok("threshold", str(horizons_csv), "--min-n", "1", "--stable-method", "none", "-o", str(tmp_path / "t.csv"))
    assert "threshold_stable_soc_t_ha" not in t.columns
    assert (t["stable_method"] == "none").all()
    p = _ok("potential", str(horizons_csv), "--thresholds", str(tmp_path / "t.csv"), "--stable-method", "none",
            "-o", str(tmp_path / "p.csv"))
    assert (p["stable_method"] == "none").all() and "current_stable_soc_t_ha" not in p.columns


def test_stable_method_rothc_matches_stable_command(horizons_csv: Path, climate_csv: Path, tmp_path: Path) -> None:
    s = _ok("stable", str(horizons_csv), "--method", "rothc", "--climate", str(climate_csv),
            "-o", str(tmp_path / "s.csv")).set_index("site_id")
    t = _ok("threshold", str(horizons_csv), "--min-n", "1", "--stable-method", "rothc", "--climate", str(climate_csv),
            "-o", str(tmp_path / "t.csv")).iloc[0]
    assert t["stable_method"] == "rothc_hum_iom"
    # reference sites a and c (b is cropland): median of two = their mean
    assert t["threshold_stable_soc_t_ha"] == pytest.approx(s.loc[["a", "c"], "stable_soc_t_ha"].mean(), rel=1e-9)
    p = _ok("potential", str(horizons_csv), "--thresholds", str(tmp_path / "t.csv"), "--stable-method", "rothc",
            "--climate", str(climate_csv), "-o", str(tmp_path / "p.csv")).set_index("site_id")
    assert (p["stable_method"] == "rothc_hum_iom").all()
    assert p.loc["b", "current_stable_soc_t_ha"] == pytest.approx(s.loc["b", "stable_soc_t_ha"], rel=1e-9)


def test_stable_method_rothc_on_site_table(climate_csv: Path, tmp_path: Path) -> None:
    from soilsink.stable.rothc_sites import climate_dataset, rothc_site_stable

    src = tmp_path / "sites.csv"
    src.write_text("site_id,soil_type,land_use,soc_stock_t_ha,stable_soc_t_ha,clay_pct\n"
                   "n1,L,natural,40,1,20\nn2,L,natural,60,1,30\nc1,L,cropland,30,,25\n")
    t = _ok("threshold", str(src), "--min-n", "1", "--depth", "0-30", "--stable-method", "rothc",
            "--climate", str(climate_csv), "-o", str(tmp_path / "t.csv")).iloc[0]
    sites = pd.DataFrame({"site_id": ["n1", "n2"], "soc_stock_t_ha": [40.0, 60.0], "clay_pct": [20.0, 30.0],
                          "depth_cm": 30.0})
    expect = rothc_site_stable(sites, climate_dataset(pd.read_csv(climate_csv)))["stable_soc_t_ha"].mean()
    assert t["threshold_stable_soc_t_ha"] == pytest.approx(expect, rel=1e-9)  # the given column (1) is replaced
    assert t["stable_method"] == "rothc_hum_iom"


def test_capacity_method_in_potential_hand_computed(horizons_csv: Path, tmp_path: Path) -> None:
    _ok("threshold", str(horizons_csv), "--min-n", "1", "-o", str(tmp_path / "t.csv"))
    p = _ok("potential", str(horizons_csv), "--thresholds", str(tmp_path / "t.csv"), "--stable-method",
            "hassink_1997", "-o", str(tmp_path / "p.csv")).set_index("site_id")
    for c in ("capacity_method", "maoc_capacity_t_ha", "maoc_saturation_deficit_t_ha", "maoc_saturation_ratio"):
        assert c in p.columns
    cap_a = (4.09 + 0.37 * 50) * 1.0 + (4.09 + 0.37 * 55) * 2.4  # Hassink (1997), t/ha over 0-30 cm
    assert p.loc["a", "maoc_capacity_t_ha"] == pytest.approx(cap_a)
    assert p.loc["a", "maoc_saturation_deficit_t_ha"] == pytest.approx(cap_a - 28.8)
    assert p.loc["a", "stable_method"] == "measured_maoc" and p.loc["b", "stable_method"] == "none"
    # the threshold's saturation ratio (current / threshold) is kept apart from the MAOC one
    assert p.loc["a", "saturation_ratio"] == pytest.approx(44.0 / 55.5)


def test_esm_threshold_equals_stocks_esm(horizons_csv: Path, tmp_path: Path) -> None:
    k = _ok("stocks", str(horizons_csv), "--esm", "--reference-mass", "3000", "-o", str(tmp_path / "k.csv"))
    k = k.set_index("site_id")["soc_stock_t_ha"]
    t = _ok("threshold", str(horizons_csv), "--min-n", "1", "--esm", "--reference-mass", "3000",
            "-o", str(tmp_path / "t.csv")).iloc[0]
    assert t["threshold_soc_t_ha"] == pytest.approx(k[["a", "c"]].median(), rel=1e-12)
    # stable: a 12 + 7 x 2000/1000 = 26; c: 20 x 1800/1000 + 8 x 1200/1000 = 45.6 t/ha -> median 35.8
    assert t["threshold_stable_soc_t_ha"] == pytest.approx(35.8)
    p = _ok("potential", str(horizons_csv), "--thresholds", str(tmp_path / "t.csv"), "--esm", "--reference-mass",
            "3000", "-o", str(tmp_path / "p.csv")).set_index("site_id")
    np.testing.assert_allclose(p.loc[k.index, "current_soc_t_ha"], k, rtol=1e-12)


@pytest.mark.parametrize(
    "command, args, text",
    [
        ("threshold", ["--stable-method", "hassink_1997"], "capacity equation"),
        ("threshold", ["--stable-method", "georgiou_2022"], "capacity equation"),
        ("threshold", ["--stable-method", "bogus"], "unknown stable-carbon method"),
        ("threshold", ["--stable-method", "rothc"], "needs a monthly climate"),
        ("threshold", ["--reference-mass", "3000"], "without --esm"),
        ("threshold", ["--esm"], "needs a reference mass"),
        ("potential", ["--stable-method", "rothc", "--climate", "BADCLIM"], "pet_mm or evap_mm"),
    ],
)
def test_stable_and_esm_options_bad_input_exit_2(horizons_csv: Path, tmp_path: Path, command: str,
                                                 args: list[str], text: str) -> None:
    bad = tmp_path / "badclim.csv"
    bad.write_text("month,temp_c,precip_mm\n1,3,50\n")
    thr = tmp_path / "t.csv"
    thr.write_text("soil_type,n_reference,threshold_soc_t_ha,stat,method,flag\nLuvisol,2,50,median,empirical,ok\n")
    extra = ["--thresholds", str(thr)] if command == "potential" else []
    out = tmp_path / "out.csv"
    r = runner.invoke(app, [command, str(horizons_csv), *extra, *[str(bad) if a == "BADCLIM" else a for a in args],
                            "-o", str(out)])
    assert r.exit_code == 2, r.output
    assert text in r.output and "Traceback" not in r.output
    assert not out.exists()


def test_site_table_rejects_esm_capacity_and_missing_columns(site_csv: Path, climate_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    cases = [
        (["--esm", "--reference-mass", "3000"], "horizons table"),
        (["--stable-method", "rothc", "--climate", str(climate_csv)], "clay_pct"),
    ]
    for args, text in cases:
        r = runner.invoke(app, ["threshold", str(site_csv), *args, "-o", str(out)])
        assert r.exit_code == 2 and text in r.output, (args, r.output)
    thr = tmp_path / "t.csv"
    _ok("threshold", str(site_csv), "--min-n", "1", "-o", str(thr))
    r = runner.invoke(app, ["potential", str(site_csv), "--thresholds", str(thr), "--stable-method", "hassink_1997",
                            "-o", str(out)])
    assert r.exit_code == 2 and "horizons table" in r.output
    nostable = tmp_path / "nostable.csv"
    nostable.write_text("site_id,soil_type,land_use,soc_stock_t_ha\nn1,L,natural,40\n")
    r = runner.invoke(app, ["threshold", str(nostable), "--stable-method", "measured", "-o", str(out)])
    assert r.exit_code == 2 and "stable_soc_t_ha" in r.output
    assert not out.exists()
