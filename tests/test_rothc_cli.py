"""``soilsink rothc run``: official columns, full precision, bad input -> exit 2 naming file and line."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from soilsink.cli import app
from soilsink.models.rothc import MONTH_COLUMNS, YEAR_COLUMNS

runner = CliRunner()

# a small v2 input written here (constant climate, crop cover most of the year)
_HEAD = """title
info
units
 opt_RMmoist  opt_SMDbare
    1          1
 units
clay depth iom nsteps
23.4 23.0 3.0041 {n}
units
year month modern Tmp Rain Evap C_inp FYM PC DPM_RPM
"""
_TMP = [3.7, 3.1, 5.5, 7.4, 10.9, 14.4, 16.3, 16.2, 13.8, 9.5, 6.2, 4.1]
_RAIN = [52.2, 42.9, 35.2, 52, 64.9, 46.3, 63.5, 60.6, 58.8, 63.4, 72.5, 60.9]
_EVAP = [6.6, 17.3, 40.7, 70.5, 103.5, 117.3, 130.1, 106.9, 61.9, 29.5, 8.8, 3.9]


def _write_input(path, years=3, bad_line=None):
    lines = []
    for y in range(years):
        for m in range(12):
            cin = 1.74 if m == 7 else 0.0
            pc = 0 if m == 8 else 1
            lines.append(f"{1 if y == 0 else 2000 + y}\t{m + 1}\t100\t{_TMP[m]}\t{_RAIN[m]}\t{_EVAP[m]}\t{cin}\t0\t{pc}\t1.44")
    if bad_line is not None:
        lines[bad_line] = lines[bad_line].replace("\t100\t", "\tabc\t")
    path.write_text(_HEAD.format(n=12 * years) + "\n".join(lines) + "\n")
    return path


def test_run_writes_official_columns_full_precision(tmp_path):
    inp = _write_input(tmp_path / "in.dat")
    out = tmp_path / "out"
    res = runner.invoke(app, ["rothc", "run", str(inp), "-o", str(out), "--equilibrium", "spinup"])
    assert res.exit_code == 0, res.output
    m = pd.read_csv(out / "month_results.csv")
    y = pd.read_csv(out / "year_results.csv")
    assert list(m.columns) == MONTH_COLUMNS
    assert list(y.columns) == YEAR_COLUMNS
    assert len(m) == 24 and len(y) == 3
    assert y["Month"].iloc[0] > 12 and (y["Month"].iloc[1:] == 12).all()
    # full precision: values are not rounded to 4 decimals
    assert (np.abs(m["SOC_t_C_ha"] * 1e4 - np.round(m["SOC_t_C_ha"] * 1e4)) > 1e-6).any()
    text = (out / "month_results.csv").read_text().splitlines()[1]
    assert len(text.split(",")[-1]) > 8


def test_run_exact_is_default(tmp_path):
    inp = _write_input(tmp_path / "in.dat")
    res = runner.invoke(app, ["rothc", "run", str(inp), "-o", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    y = pd.read_csv(tmp_path / "o" / "year_results.csv")
    assert y["Month"].iloc[0] == 0


def test_run_official_example(tmp_path, shared_reference):
    src = shared_reference / "rothc" / "RothC_input.dat"
    if not src.is_file():
        import pytest

        pytest.skip(f"{src} not found")
    inp = tmp_path / "RothC_input.dat"
    shutil.copy(src, inp)  # into the test's temporary folder only
    res = runner.invoke(app, ["rothc", "run", str(inp), "-o", str(tmp_path / "o"), "--equilibrium", "spinup"])
    assert res.exit_code == 0, res.output
    y = pd.read_csv(tmp_path / "o" / "year_results.csv")
    assert y["Month"].iloc[0] == 20916


def test_bad_value_exit_2_names_file_and_line(tmp_path):
    inp = _write_input(tmp_path / "bad.dat", bad_line=14)
    res = runner.invoke(app, ["rothc", "run", str(inp), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "bad.dat" in res.output and "row 25" in res.output and "modern" in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "o" / "month_results.csv").exists()


def test_too_few_rows_exit_2(tmp_path):
    inp = _write_input(tmp_path / "short.dat")
    text = inp.read_text().splitlines()
    inp.write_text("\n".join(text[:-5]) + "\n")
    res = runner.invoke(app, ["rothc", "run", str(inp), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "short.dat" in res.output and "nsteps" in res.output


def test_missing_file_exit_2(tmp_path):
    res = runner.invoke(app, ["rothc", "run", str(tmp_path / "nope.dat"), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2


def test_equilibrium_command(tmp_path):
    inp = _write_input(tmp_path / "in.dat")
    res = runner.invoke(app, ["rothc", "equilibrium", str(inp)])
    assert res.exit_code == 0, res.output
    assert "SOC_t_C_ha" in res.output
