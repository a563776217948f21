"""`soilsink demo` runs on embedded real data and writes its outputs where it says."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from soilsink.cli import app
from soilsink.data import data_path, demo_horizons_path

runner = CliRunner()


def test_demo_data_is_packaged_with_its_source() -> None:
    assert demo_horizons_path().exists()
    source = data_path("demo", "SOURCE.md").read_text(encoding="utf-8").lower()
    assert "licen" in source and "citation" in source


def test_demo_writes_stocks_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "outputs written to" in result.output
    table = pd.read_csv(out / "stocks" / "stocks_0-30cm.csv")
    assert table.site_id.nunique() >= 20
    assert table.soc_stock_t_ha.notna().mean() > 0.8
    assert (table.soc_stock_t_ha.dropna() > 0).all()
    assert (out / "stocks" / "summary.md").read_text().startswith("# soilsink demo")
