"""`soilsink stocks`: outputs, and every validation error gives exit 2 naming row and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from soilsink.cli import app

runner = CliRunner()
HEADER = "site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3,coarse_vol_pct\n"
GOOD = HEADER + "a,0,10,30,1.0,0\na,10,40,10,1.5,5\nb,0,30,12,1.3,0\n"


def run(tmp_path: Path, text: str, *args: str, name: str = "h.csv"):
    src = tmp_path / name
    src.write_text(text)
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["stocks", str(src), "-o", str(out), *args])
    return result, out


def test_fixed_depth_output_columns_and_values(tmp_path: Path) -> None:
    result, out = run(tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    df = pd.read_csv(out).set_index("site_id")
    for col in ("top_cm", "bottom_cm", "soil_mass_t_ha", "soc_stock_t_ha", "method", "bd_source"):
        assert col in df.columns
    # a: 30*1*10*0.1 + 10*1.5*20*0.95*0.1 = 30 + 28.5
    assert df.loc["a", "soc_stock_t_ha"] == pytest.approx(58.5, rel=1e-9)
    assert df.loc["b", "soc_stock_t_ha"] == pytest.approx(46.8, rel=1e-9)


def test_esm_with_reference_table(tmp_path: Path) -> None:
    base = tmp_path / "base.csv"
    base.write_text(HEADER + "a,0,30,20,1.0,0\nb,0,30,20,1.0,0\n")
    result, out = run(tmp_path, GOOD, "--esm", "--reference", str(base))
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out).set_index("site_id")
    assert set(df.method) == {"esm_linear"}
    # a: reference 3000 t/ha; 0-10 cm holds 1000 t (30 t C), then 2000 t at 10 g/kg -> 20 t C
    assert df.loc["a", "soc_stock_t_ha"] == pytest.approx(50.0, rel=1e-9)


def test_parquet_and_excel_read_the_same(tmp_path: Path) -> None:
    df = pd.read_csv(pd.io.common.StringIO(GOOD))
    df.to_parquet(tmp_path / "h.parquet")
    df.to_excel(tmp_path / "h.xlsx", index=False)
    res = []
    for name in ("h.parquet", "h.xlsx"):
        out = tmp_path / f"{name}.out.csv"
        r = runner.invoke(app, ["stocks", str(tmp_path / name), "-o", str(out)])
        assert r.exit_code == 0, r.output
        res.append(pd.read_csv(out).soc_stock_t_ha.tolist())
    assert res[0] == pytest.approx(res[1]) and res[0] == pytest.approx([58.5, 46.8])


BAD = [
    ("missing column", "site_id,top_cm,bottom_cm\na,0,10\n", None, "soc_g_kg"),
    ("non-numeric", HEADER + "a,0,10,abc,1.0,0\n", "row 2", "soc_g_kg"),
    ("soc range", HEADER + "a,0,10,700,1.0,0\n", "row 2", "soc_g_kg"),
    ("bd range", HEADER + "a,0,10,20,1.0,0\nb,0,10,20,3.1,0\n", "row 3", "bulk_density_g_cm3"),
    ("coarse range", HEADER + "a,0,10,20,1.0,120\n", "row 2", "coarse_vol_pct"),
    ("top >= bottom", HEADER + "a,10,10,20,1.0,0\n", "row 2", "bottom_cm"),
    ("overlap", HEADER + "a,0,20,20,1.0,0\na,15,30,20,1.0,0\n", "row 3", "top_cm"),
]


@pytest.mark.parametrize(("label", "text", "row", "column"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exit_2_names_row_and_column(tmp_path: Path, label, text, row, column) -> None:
    result, out = run(tmp_path, text)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "h.csv" in result.output
    if row:
        assert row in result.output
    assert column in result.output
    assert not out.exists()
    assert not list(tmp_path.glob("*.tmp*")) and not list(tmp_path.glob(".out.csv*"))


def test_gap_is_a_warning_not_an_error(tmp_path: Path) -> None:
    result, out = run(tmp_path, HEADER + "a,0,10,20,1.0,0\na,15,40,20,1.0,0\n")
    assert result.exit_code == 0, result.output
    assert "gap" in result.output
    assert "gap" in pd.read_csv(out).note.iat[0]


def test_esm_needs_a_reference(tmp_path: Path) -> None:
    result, out = run(tmp_path, GOOD, "--esm")
    assert result.exit_code == 2 and not out.exists()


def test_values_in_square_brackets_survive_in_error_messages(tmp_path: Path) -> None:
    result, out = run(tmp_path, HEADER + "a,0,10,[12],1.0,0\n")
    assert result.exit_code == 2
    assert "[12]" in result.output
