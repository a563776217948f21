"""`soilsink stable`: columns, the method on every row, hand-computed capacities, ESM = `soilsink stocks --esm`,
RothC HUM + IOM, bad input -> exit 2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from soilsink.cli import app

runner = CliRunner()

# site a: 0-10 cm (fine-soil mass 1.0 g/cm3 x 10 cm x 100 = 1000 t/ha), 10-30 cm (1.2 x 20 x 100 = 2400 t/ha)
HORIZONS = """site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3,clay_pct,silt_pct,soil_type,land_use,maoc_g_kg
a,0,10,20,1.0,20,30,Luvisol,natural,12
a,10,30,10,1.2,25,30,Luvisol,natural,7
b,0,30,15,1.1,10,20,Luvisol,cropland,
c,0,20,30,0.9,40,40,Luvisol,native_forest,20
c,20,40,10,1.3,40,40,Luvisol,native_forest,8
"""

CLIMATE = """month,temp_c,precip_mm,pet_mm
1,3,50,5
2,4,45,12
3,6,40,30
4,9,50,55
5,13,60,80
6,16,55,95
7,18,60,100
8,18,60,85
9,15,55,50
10,10,60,25
11,6,65,8
12,4,60,4
"""

BASE_COLUMNS = ["site_id", "top_cm", "bottom_cm", "soc_stock_t_ha", "stable_soc_t_ha", "stable_method"]
CAPACITY_COLUMNS = ["capacity_method", "maoc_capacity_t_ha", "saturation_deficit_t_ha", "saturation_ratio"]


@pytest.fixture
def horizons(tmp_path: Path) -> Path:
    p = tmp_path / "h.csv"
    p.write_text(HORIZONS)
    return p


@pytest.fixture
def climate(tmp_path: Path) -> Path:
    p = tmp_path / "clim.csv"
    p.write_text(CLIMATE)
    return p


def _run(*args: str) -> pd.DataFrame:
    out = Path(args[args.index("-o") + 1])
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return pd.read_csv(out, keep_default_na=False, na_values=[""])


@pytest.mark.parametrize("method", ["measured", "hassink_1997", "georgiou_2022", "none", "auto"])
def test_columns_and_method_on_every_row(horizons: Path, tmp_path: Path, method: str) -> None:
    t = _run("stable", str(horizons), "--method", method, "-o", str(tmp_path / "s.csv"))
    capacity = method in ("hassink_1997", "georgiou_2022")
    assert list(t.columns) == BASE_COLUMNS + (CAPACITY_COLUMNS if capacity else []) + ["note"]
    assert len(t) == 3
    assert t["stable_method"].isin(["measured_maoc", "none"]).all()
    # a site has stable carbon exactly when its method is not "none"
    assert (t["stable_soc_t_ha"].notna() == (t["stable_method"] != "none")).all()
    t = t.set_index("site_id")
    if method == "none":
        assert (t["stable_method"] == "none").all()
    else:  # MAOC 12 g/kg x 1000 t/ha + 7 g/kg x 2400 t/ha = 12 + 16.8 t/ha; site b has no fractionation
        assert t.loc["a", "stable_soc_t_ha"] == pytest.approx(28.8)
        assert t.loc["a", "stable_method"] == "measured_maoc" and t.loc["b", "stable_method"] == "none"
    assert t.loc["a", "soc_stock_t_ha"] == pytest.approx(20 + 24)  # 20 g/kg x 1000 + 10 g/kg x 2400, /1000


def test_hassink_capacity_hand_computed(horizons: Path, tmp_path: Path) -> None:
    t = _run("stable", str(horizons), "--method", "hassink_1997", "-o", str(tmp_path / "s.csv")).set_index("site_id")
    # Hassink (1997): 4.09 + 0.37 F g/kg with F = clay + silt here: 50 % -> 22.59, 55 % -> 24.44 g/kg
    cap_a = 22.59 * 1000 / 1000 + 24.44 * 2400 / 1000  # = 81.246 t/ha
    assert t.loc["a", "maoc_capacity_t_ha"] == pytest.approx(cap_a)
    assert t.loc["a", "saturation_deficit_t_ha"] == pytest.approx(cap_a - 28.8)
    assert t.loc["a", "saturation_ratio"] == pytest.approx(28.8 / cap_a)
    assert t.loc["a", "capacity_method"] == "hassink_1997"
    # site b: capacity (4.09 + 0.37 x 30) x 1.1 x 30 x 100 / 1000, but no MAOC: no deficit, no stable carbon
    assert t.loc["b", "maoc_capacity_t_ha"] == pytest.approx(15.19 * 3.3)
    assert np.isnan(t.loc["b", "saturation_deficit_t_ha"]) and np.isnan(t.loc["b", "stable_soc_t_ha"])
    assert "capacity only" in t.loc["b", "note"]


@pytest.mark.parametrize("mineralogy, slope", [("high_activity", 0.86), ("low_activity", 0.48)])
def test_georgiou_capacity_hand_computed(horizons: Path, tmp_path: Path, mineralogy: str, slope: float) -> None:
    t = _run("stable", str(horizons), "--method", "georgiou_2022", "--mineralogy", mineralogy,
             "-o", str(tmp_path / "s.csv")).set_index("site_id")
    cap_a = slope * 50 * 1000 / 1000 + slope * 55 * 2400 / 1000  # 156.52 (2:1) or 87.36 (1:1) t/ha
    assert t.loc["a", "maoc_capacity_t_ha"] == pytest.approx(cap_a)
    assert t.loc["a", "saturation_deficit_t_ha"] == pytest.approx(cap_a - 28.8)


def test_fine_pct_and_mineralogy_columns(tmp_path: Path) -> None:
    src = tmp_path / "h.csv"
    src.write_text("site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3,clay_pct,silt_pct,fine_pct,mineralogy\n"
                   "a,0,10,20,1.0,20,30,30,low_activity\na,10,30,10,1.2,25,30,30,\n")
    t = _run("stable", str(src), "--method", "hassink_1997", "-o", str(tmp_path / "s.csv"))
    # fine_pct (< 20 um) replaces clay + silt: (4.09 + 0.37 x 30) x (1000 + 2400) / 1000
    assert t.loc[0, "maoc_capacity_t_ha"] == pytest.approx(15.19 * 3.4)
    g = _run("stable", str(src), "--method", "georgiou_2022", "-o", str(tmp_path / "g.csv"))
    # layer 1 low activity (0.48), layer 2 the default high activity (0.86)
    assert g.loc[0, "maoc_capacity_t_ha"] == pytest.approx(0.48 * 30 * 1.0 + 0.86 * 30 * 2.4)


@pytest.mark.parametrize("mass", ["3000", "2500"])
def test_esm_equals_stocks_esm(horizons: Path, tmp_path: Path, mass: str) -> None:
    s = _run("stable", str(horizons), "--esm", "--reference-mass", mass, "-o", str(tmp_path / "s.csv"))
    k = _run("stocks", str(horizons), "--esm", "--reference-mass", mass, "-o", str(tmp_path / "k.csv"))
    assert list(s["site_id"]) == list(k["site_id"])
    np.testing.assert_allclose(s["soc_stock_t_ha"], k["soc_stock_t_ha"], rtol=1e-12)
    np.testing.assert_allclose(s["bottom_cm"], k["bottom_cm"], rtol=1e-12)
    # site a, 3000 t/ha: 1000 t/ha of layer 1 and 2000 of layer 2 (16.67 of its 20 cm)
    if mass == "3000":
        a = s.set_index("site_id").loc["a"]
        assert a["soc_stock_t_ha"] == pytest.approx(20 + 20)
        assert a["stable_soc_t_ha"] == pytest.approx(12 + 7 * 2)
        assert a["bottom_cm"] == pytest.approx(10 + 20 * 2000 / 2400)


def test_rothc_method(horizons: Path, climate: Path, tmp_path: Path) -> None:
    from soilsink.stable.rothc_sites import climate_dataset, rothc_site_stable

    t = _run("stable", str(horizons), "--method", "rothc", "--climate", str(climate), "-o", str(tmp_path / "s.csv"))
    assert list(t.columns) == BASE_COLUMNS + ["note"]
    assert (t["stable_method"] == "rothc_hum_iom").all()
    assert ((t["stable_soc_t_ha"] > 0) & (t["stable_soc_t_ha"] < t["soc_stock_t_ha"])).all()
    # the CLI passes thickness-weighted clay over 0-30 cm and depth 30 cm to the RothC inverse mode
    clay = {"a": (20 * 10 + 25 * 20) / 30, "b": 10.0, "c": 40.0}
    sites = t[["site_id", "soc_stock_t_ha"]].assign(clay_pct=t["site_id"].map(clay), depth_cm=30.0)
    expect = rothc_site_stable(sites, climate_dataset(pd.read_csv(climate)))
    np.testing.assert_allclose(t["stable_soc_t_ha"], expect["stable_soc_t_ha"], rtol=1e-10)


def test_rothc_pet_equals_pan_over_075(horizons: Path, climate: Path, tmp_path: Path) -> None:
    c = pd.read_csv(climate)
    pan = tmp_path / "pan.csv"
    c.assign(evap_mm=c["pet_mm"] / 0.75).drop(columns="pet_mm").to_csv(pan, index=False)
    a = _run("stable", str(horizons), "--method", "rothc", "--climate", str(climate), "-o", str(tmp_path / "a.csv"))
    b = _run("stable", str(horizons), "--method", "rothc", "--climate", str(pan), "-o", str(tmp_path / "b.csv"))
    np.testing.assert_allclose(a["stable_soc_t_ha"], b["stable_soc_t_ha"], rtol=1e-12)


def test_rothc_per_site_climate(horizons: Path, climate: Path, tmp_path: Path) -> None:
    c = pd.read_csv(climate)
    warm = c.assign(temp_c=c["temp_c"] + 5)
    per_site = pd.concat([c.assign(site_id="a"), warm.assign(site_id="b"), c.assign(site_id="c")])
    p = tmp_path / "per_site.csv"
    per_site.to_csv(p, index=False)
    shared = _run("stable", str(horizons), "--method", "rothc", "--climate", str(climate),
                  "-o", str(tmp_path / "a.csv")).set_index("site_id")
    own = _run("stable", str(horizons), "--method", "rothc", "--climate", str(p), "-o", str(tmp_path / "b.csv")
               ).set_index("site_id")
    assert own.loc["a", "stable_soc_t_ha"] == pytest.approx(shared.loc["a", "stable_soc_t_ha"], rel=1e-12)
    assert own.loc["b", "stable_soc_t_ha"] != pytest.approx(shared.loc["b", "stable_soc_t_ha"], rel=1e-6)
    p2 = tmp_path / "missing_site.csv"
    per_site[per_site["site_id"] != "c"].to_csv(p2, index=False)
    r = runner.invoke(app, ["stable", str(horizons), "--method", "rothc", "--climate", str(p2),
                            "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and "no climate for 1 site(s): c" in r.output


def _bad_climate(tmp_path: Path) -> Path:
    p = tmp_path / "bad_clim.csv"
    p.write_text("\n".join(CLIMATE.splitlines()[:-1]) + "\n")  # December missing
    return p


@pytest.mark.parametrize(
    "args, text",
    [
        (["--method", "maoc"], "unknown stable-carbon method"),
        (["--method", "rothc"], "needs a monthly climate"),
        (["--climate", "CLIM"], "only by the rothc"),
        (["--method", "rothc", "--climate", "BADCLIM"], "one row per month"),
        (["--reference-mass", "3000"], "without --esm"),
        (["--esm"], "needs a reference mass"),
        (["--esm", "--reference-mass", "-1"], "must be positive"),
        (["--mineralogy", "kaolinite", "--method", "georgiou_2022"], "unknown mineralogy"),
        (["--depth", "30-10"], "top must be"),
    ],
)
def test_bad_input_exit_2(horizons: Path, climate: Path, tmp_path: Path, args: list[str], text: str) -> None:
    args = [str(climate) if a == "CLIM" else str(_bad_climate(tmp_path)) if a == "BADCLIM" else a for a in args]
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["stable", str(horizons), *args, "-o", str(out)])
    assert r.exit_code == 2, r.output
    assert text in r.output and "Traceback" not in r.output
    assert not out.exists()


@pytest.mark.parametrize(
    "extra_col, value, where",
    [("fine_pct", "120", "column 'fine_pct'"), ("mineralogy", "kaolinite", "column 'mineralogy'")],
)
def test_bad_capacity_columns_exit_2(tmp_path: Path, extra_col: str, value: str, where: str) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(f"site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3,clay_pct,silt_pct,{extra_col}\n"
                   f"a,0,30,20,1.0,20,30,{value}\n")
    r = runner.invoke(app, ["stable", str(src), "--method", "georgiou_2022", "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 2 and f"row 2, {where}" in r.output


def test_measured_without_fractionation_exit_2(tmp_path: Path) -> None:
    src = tmp_path / "nofrac.csv"
    src.write_text("site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3\na,0,30,20,1.0\n")
    r = runner.invoke(app, ["stable", str(src), "--method", "measured", "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 2 and "fractionation" in r.output
    t = _run("stable", str(src), "-o", str(tmp_path / "auto.csv"))  # default: none without fractionation
    assert t.loc[0, "stable_method"] == "none"


def test_capacity_without_texture(tmp_path: Path) -> None:
    src = tmp_path / "notexture.csv"
    src.write_text("site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3,clay_pct\na,0,30,20,1.0,20\n")
    r = runner.invoke(app, ["stable", str(src), "--method", "hassink_1997", "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 2 and "notexture.csv" in r.output and "silt_pct" in r.output
    src.write_text("site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3,clay_pct,silt_pct\n"
                   "a,0,10,20,1.0,20,30\na,10,30,20,1.0,,\nb,0,30,20,1.0,20,30\n")
    t = _run("stable", str(src), "--method", "hassink_1997", "-o", str(tmp_path / "o.csv")).set_index("site_id")
    assert np.isnan(t.loc["a", "maoc_capacity_t_ha"]) and "no capacity" in t.loc["a", "note"]
    assert t.loc["b", "maoc_capacity_t_ha"] == pytest.approx((4.09 + 0.37 * 50) * 3.0)


def test_climate_missing_column_message_is_complete(horizons: Path, tmp_path: Path) -> None:
    clim = tmp_path / "nopet.csv"
    clim.write_text("\n".join(",".join(line.split(",")[:3]) for line in CLIMATE.splitlines()) + "\n")
    r = runner.invoke(app, ["stable", str(horizons), "--method", "rothc", "--climate", str(clim),
                            "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 2
    assert "pet_mm or evap_mm" in r.output and "optional site_id, cover, dpm_rpm, c_input" in r.output
