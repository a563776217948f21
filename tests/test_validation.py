"""Bad input never passes: each case exits 2 naming file, row, column, value and what is allowed;
encodings, semicolon CSVs and unknown columns are handled as docs/horizons.md says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from soilsink.cli import app
from soilsink.io.errors import InputError, Problem, echo
from soilsink.io.tables import did_you_mean, read_table

runner = CliRunner()
HEADER = "site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3\n"
GOOD = HEADER + "a,0,10,30,1.0\na,10,30,10,1.5\nb,0,30,12,1.3\n"
SITES = "site_id,soil_type,land_use,soc_stock_t_ha\nn1,Luvisol,natural,40\nn2,Luvisol,natural,50\nc1,Luvisol,cropland,30\n"


def stocks(tmp_path: Path, src: Path):
    out = tmp_path / "out.csv"
    return runner.invoke(app, ["stocks", str(src), "-o", str(out)]), out


def bad(res, out: Path | None, *words: str) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    for w in words:
        assert w in res.output, res.output
    if out is not None:
        assert not out.exists()


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(data, bytes):
        p.write_bytes(data)
    else:
        p.write_text(data, encoding="utf-8")
    return p


# ----------------------------------------------------------------------------- tables


CSV_CASES = [
    ("header only", HEADER, ["h.csv", "row 2", "no data rows"]),
    ("empty file", "", ["h.csv", "empty"]),
    ("duplicate column", "site_id,top_cm,bottom_cm,soc_g_kg,soc_g_kg\na,0,10,20,30\n",
     ["h.csv", "row 1", "column 'soc_g_kg'", "columns 4 and 5"]),
    ("values without a column name", "site_id,top_cm,bottom_cm,soc_g_kg,\na,0,10,20,7\n",
     ["h.csv", "row 1", "column 5 has values but no name"]),
    ("row longer than the header", HEADER + "a,0,10,20,1.2,9\n", ["h.csv", "row 2", "6 values", "5 columns"]),
    ("infinite value", HEADER + "a,0,10,inf,1.2\n", ["row 2", "column 'soc_g_kg'", "not a finite number", "0 to 600"]),
    ("decimal comma in a comma CSV", 'site_id,top_cm,bottom_cm,soc_g_kg\na,0,10,"20,5"\n',
     ["row 2", "column 'soc_g_kg'", "'20,5'", "decimal point"]),
]


@pytest.mark.parametrize(("label", "text", "words"), CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_bad_csv_exit_2(tmp_path: Path, label: str, text: str, words: list[str]) -> None:
    res, out = stocks(tmp_path, write(tmp_path, "h.csv", text))
    bad(res, out, *words)


def test_blank_unnamed_trailing_column_is_ignored(tmp_path: Path) -> None:
    res, out = stocks(tmp_path, write(tmp_path, "h.csv", GOOD.replace("\n", ",\n")))
    assert res.exit_code == 0, res.output


def test_duplicate_columns_in_excel_and_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.DataFrame([["a", 0, 10, 20, 30]], columns=["site_id", "top_cm", "bottom_cm", "soc_g_kg", "soc_g_kg"])
    frame.to_excel(tmp_path / "h.xlsx", index=False)
    bad(stocks(tmp_path, tmp_path / "h.xlsx")[0], None, "h.xlsx", "row 1", "column 'soc_g_kg'", "columns 4 and 5")
    table = pa.table([pa.array(["a"]), pa.array([0]), pa.array([10]), pa.array([20.0]), pa.array([30.0])],
                     names=["site_id", "top_cm", "bottom_cm", "soc_g_kg", "soc_g_kg"])
    pq.write_table(table, tmp_path / "h.parquet")
    bad(stocks(tmp_path, tmp_path / "h.parquet")[0], None, "h.parquet", "column 'soc_g_kg'", "columns 4 and 5")


def test_header_only_parquet_and_excel(tmp_path: Path) -> None:
    empty = pd.DataFrame({"site_id": pd.Series([], dtype=str), "top_cm": pd.Series([], dtype=float)})
    empty.to_parquet(tmp_path / "h.parquet")
    empty.to_excel(tmp_path / "h.xlsx", index=False)
    bad(stocks(tmp_path, tmp_path / "h.parquet")[0], None, "h.parquet", "row 1", "no data rows")
    bad(stocks(tmp_path, tmp_path / "h.xlsx")[0], None, "h.xlsx", "row 2", "no data rows")


def test_parquet_boolean_soc_and_string_depths(tmp_path: Path) -> None:
    base = {"site_id": ["a", "b"], "top_cm": [0.0, 0.0], "bottom_cm": [10.0, 30.0], "soc_g_kg": [20.0, 10.0],
            "bulk_density_g_cm3": [1.2, 1.3]}
    pd.DataFrame({**base, "soc_g_kg": [True, False]}).to_parquet(tmp_path / "b.parquet")
    bad(stocks(tmp_path, tmp_path / "b.parquet")[0], None, "b.parquet", "row 1", "row 2", "column 'soc_g_kg'",
        "true/false is not a number", "(value: True)", "0 to 600")
    pd.DataFrame({**base, "top_cm": ["0", "0"], "bottom_cm": ["10", "30"]}).to_parquet(tmp_path / "s.parquet")
    bad(stocks(tmp_path, tmp_path / "s.parquet")[0], None, "s.parquet", "row 1", "column 'top_cm'",
        "column 'bottom_cm'", "text in a Parquet column of numbers", "(value: '10')")
    pd.DataFrame(base).to_parquet(tmp_path / "ok.parquet")  # the same table with numbers passes
    assert stocks(tmp_path, tmp_path / "ok.parquet")[0].exit_code == 0


def test_excel_true_false_is_not_a_number(tmp_path: Path) -> None:
    pd.DataFrame({"site_id": ["a"], "top_cm": [0], "bottom_cm": [10], "soc_g_kg": [True]}).to_excel(
        tmp_path / "h.xlsx", index=False)
    bad(stocks(tmp_path, tmp_path / "h.xlsx")[0], None, "h.xlsx", "row 2", "column 'soc_g_kg'", "true/false")


def test_unknown_column_warns_with_did_you_mean(tmp_path: Path) -> None:
    res, out = stocks(tmp_path, write(tmp_path, "h.csv", "site_id,top_cm,bottom_cm,soc_g_kg,bd,colour\na,0,30,20,1.2,red\n"))
    assert res.exit_code == 0, res.output
    assert "warning" in res.output and "'bd' (did you mean 'bulk_density_g_cm3'?)" in res.output
    assert "'colour'" in res.output
    assert pd.read_csv(out)["bd_source"].iat[0] != "measured"  # bd was not read as bulk density


@pytest.mark.parametrize(("typed", "meant"), [
    ("bd", "bulk_density_g_cm3"), ("clay", "clay_pct"), ("bulk_density", "bulk_density_g_cm3"),
    ("soc_gkg", "soc_g_kg"), ("Site_ID", "site_id"), ("top", "top_cm"),
])
def test_did_you_mean(typed: str, meant: str) -> None:
    from soilsink.io.horizons import KNOWN_COLUMNS

    assert meant in did_you_mean(typed, KNOWN_COLUMNS)


def test_site_table_missing_column_suggests_the_near_miss(tmp_path: Path) -> None:
    src = write(tmp_path, "s.csv", SITES.replace("soc_stock_t_ha", "soc_stock"))
    res = runner.invoke(app, ["threshold", str(src), "-o", str(tmp_path / "t.csv")])
    bad(res, tmp_path / "t.csv", "missing column(s): soc_stock_t_ha", "'soc_stock' for soc_stock_t_ha")


# ----------------------------------------------------------------------------- encodings


def test_utf8_with_and_without_bom_read_the_same(tmp_path: Path) -> None:
    text = GOOD.replace("a,", "Éa,")
    plain = read_table(write(tmp_path, "p.csv", text.encode("utf-8")))
    bom = read_table(write(tmp_path, "b.csv", b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert list(bom.columns) == list(plain.columns) and bom.iloc[:, :-1].equals(plain.iloc[:, :-1])
    assert bom["site_id"].iat[0] == "Éa"


@pytest.mark.parametrize(("encoding", "words"), [
    ("utf-16", ["UTF-16", "save the file as UTF-8"]),
    ("utf-16-le", ["UTF-16", "save the file as UTF-8"]),
    ("latin-1", ["row 3", "not UTF-8", "Latin-1", "'b,0,30,12,1.3,Brûlé'", "save the file as UTF-8"]),
    ("cp1252", ["row 3", "Windows-1252", "save the file as UTF-8"]),
])
def test_other_encodings_say_which_to_save_as(tmp_path: Path, encoding: str, words: list[str]) -> None:
    text = (HEADER.strip() + ",soil_type\n" + "a,0,10,30,1.0,Luvisol\nb,0,30,12,1.3,Brûlé\n")
    res, out = stocks(tmp_path, write(tmp_path, "h.csv", text.encode(encoding)))
    bad(res, out, "h.csv", *words)


def test_semicolon_csv_with_decimal_commas_is_read_and_said(tmp_path: Path) -> None:
    semi = "site_id;top_cm;bottom_cm;soc_g_kg;bulk_density_g_cm3\na;0;10;30;1,0\na;10;30;10;1,5\nb;0;30;12;1,3\n"
    res_semi, out_semi = stocks(tmp_path, write(tmp_path, "semi.csv", semi))
    assert res_semi.exit_code == 0, res_semi.output
    assert "semicolon-separated" in res_semi.output and "decimal commas read as decimal points in " \
        "bulk_density_g_cm3" in res_semi.output
    got = pd.read_csv(out_semi)
    res, out = stocks(tmp_path, write(tmp_path, "comma.csv", GOOD))
    assert res.exit_code == 0 and "semicolon-separated" not in res.output
    pd.testing.assert_frame_equal(got, pd.read_csv(out))
    mixed = semi.replace("b;0;30;12;1,3", "b;0;30;12;1.234,5")  # thousands separator: not a number
    bad(stocks(tmp_path, write(tmp_path, "m.csv", mixed))[0], None, "m.csv", "row 4", "column 'bulk_density_g_cm3'",
        "not a number", "'1.234,5'")


def test_grid_config_must_be_utf8(tmp_path: Path) -> None:
    cfg = write(tmp_path, "CONFIG.toml", "[inputs]\nsoc = 'sôc.tif'\n".encode("latin-1"))
    res = runner.invoke(app, ["grid", "run", str(cfg), "-o", str(tmp_path / "out")])
    bad(res, tmp_path / "out", "CONFIG.toml", "not UTF-8", "save the file as UTF-8")


# ----------------------------------------------------------------------------- sites, thresholds


@pytest.mark.parametrize(("value", "words"), [
    ("1e300", ["row 3", "column 'soc_stock_t_ha'", "out of range", "1e+300", "0 to 10000 t C/ha"]),
    ("-4", ["row 3", "column 'soc_stock_t_ha'", "out of range", "-4"]),
    ("inf", ["row 3", "not a finite number"]),
    ("lots", ["row 3", "not a number", "'lots'"]),
])
def test_implausible_site_stocks_exit_2(tmp_path: Path, value: str, words: list[str]) -> None:
    src = write(tmp_path, "s.csv", SITES.replace("n2,Luvisol,natural,50", f"n2,Luvisol,natural,{value}"))
    res = runner.invoke(app, ["threshold", str(src), "-o", str(tmp_path / "t.csv")])
    bad(res, tmp_path / "t.csv", "s.csv", *words)


@pytest.mark.parametrize(("table", "words"), [
    ("soil_type,threshold_soc_t_ha\nLuvisol,-5\n", ["row 2", "column 'threshold_soc_t_ha'", "out of range", "-5"]),
    ("soil_type,threshold_soc_t_ha\nLuvisol,60\nLuvisol,70\n",
     ["row 3", "column 'soil_type'", "a second threshold for soil_type = 'Luvisol'", "first is on row 2"]),
    ("soil_type,threshold_soc_t_ha,threshold_stable_soc_t_ha\nLuvisol,60,1e300\n",
     ["row 2", "column 'threshold_stable_soc_t_ha'", "out of range"]),
    ("soil_type,threshold_soc_t_ha,method\nLuvisol,60,empirical\nLuvisol,65,empirical\n",
     ["row 3", "method = 'empirical'"]),
])
def test_bad_thresholds_table_exit_2(tmp_path: Path, table: str, words: list[str]) -> None:
    sites = write(tmp_path, "s.csv", SITES)
    thr = write(tmp_path, "thr.csv", table)
    res = runner.invoke(app, ["potential", str(sites), "--thresholds", str(thr), "-o", str(tmp_path / "p.csv")])
    bad(res, tmp_path / "p.csv", "thr.csv", *words)


def test_one_threshold_per_group_and_method_is_fine(tmp_path: Path) -> None:
    sites = write(tmp_path, "s.csv", SITES)
    thr = write(tmp_path, "thr.csv", "soil_type,threshold_soc_t_ha,method,flag\nLuvisol,60,empirical,too_few\n"
                "Luvisol,65,model_rothc,ok\n")
    res = runner.invoke(app, ["potential", str(sites), "--thresholds", str(thr), "-o", str(tmp_path / "p.csv")])
    assert res.exit_code == 0, res.output
    assert set(pd.read_csv(tmp_path / "p.csv")["threshold_soc_t_ha"]) == {65.0}


# ----------------------------------------------------------------------------- grid


@pytest.fixture
def example(tmp_path: Path) -> Path:
    res = runner.invoke(app, ["grid", "example", str(tmp_path / "ex"), "--cells", "16", "--years", "1"])
    assert res.exit_code == 0, res.output
    return tmp_path / "ex"


@pytest.mark.parametrize(("old", "new", "key"), [
    ("depth_cm = 30", "depth_cm = inf", "management.depth_cm"),
    ("dpm_rpm = 1.44", "dpm_rpm = nan", "management.dpm_rpm"),
    ("SSM_low = 1.05", "SSM_low = inf", "scenarios.input_factors.SSM_low"),
    ("enabled = true", "enabled = true\nsoc_rel = nan", "uncertainty.soc_rel"),
])
def test_grid_config_with_non_finite_numbers_is_refused(example: Path, old: str, new: str, key: str) -> None:
    cfg = example / "CONFIG.toml"
    cfg.write_text(cfg.read_text().replace(old, new))
    res = runner.invoke(app, ["grid", "run", str(cfg), "-o", str(example.parent / "out")])
    bad(res, example.parent / "out", key, "finite number")


def test_all_nan_soc_raster_exit_2(example: Path) -> None:
    import xarray as xr

    soc = xr.open_dataarray(example / "soc.tif", engine="rasterio").isel(band=0).load()
    (soc * np.nan).rio.to_raster(example / "soc.tif")
    res = runner.invoke(app, ["grid", "run", str(example / "CONFIG.toml"), "-o", str(example.parent / "out"),
                              "--scheduler", "synchronous", "-q"])
    bad(res, example.parent / "out", "soc.tif", "(soc)", "no valid cell", "16 cells")


def test_grid_thresholds_table_is_validated(example: Path) -> None:
    (example / "thresholds.csv").write_text("soil_type,threshold_soc_t_ha\n1,70\n2,-80\n2,85\n3,90\n")
    res = runner.invoke(app, ["grid", "run", str(example / "CONFIG.toml"), "-o", str(example.parent / "out"),
                              "--scheduler", "synchronous", "-q"])
    bad(res, example.parent / "out", "thresholds.csv", "row 3", "-80", "row 4", "a second threshold")


# ----------------------------------------------------------------------------- messages


@pytest.mark.parametrize(("value", "shown"), [
    (0.1 + 0.2, "0.3"), (110.64750000000001, "110.6475"), (1 / 3, "0.333333333333"), (1e300, "1e+300"),
    (np.float32(0.1), "0.100000001490"[:13].rstrip("0")), (12.0, "12"), (np.int64(7), "7"), (True, "True"),
    ("x" * 200, "'" + "x" * 79 + "…'"), ((1 / 3, 2.5), "(0.333333333333, 2.5)"),
])
def test_numbers_echo_at_most_12_significant_digits(value, shown: str) -> None:
    assert echo(value) == shown
    assert f"(value: {shown})" in str(Problem("f.csv", "bad", 2, "c", value))


def test_many_problems_are_counted_not_all_listed() -> None:
    err = InputError([Problem("f.csv", "bad", row=r, column="c") for r in range(2, 102)])
    text = str(err)
    assert text.startswith("100 problems") and "row 26," in text and "row 27," not in text
    assert "... and 75 more" in text
