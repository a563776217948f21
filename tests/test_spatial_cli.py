"""``soilsink grid example`` / ``grid run`` from the command line: outputs and friendly errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from soilsink.cli import app

runner = CliRunner()


def test_example_writes_a_config_that_validates(tmp_path: Path) -> None:
    res = runner.invoke(app, ["grid", "example", str(tmp_path / "ex"), "--cells", "100", "--years", "2"])
    assert res.exit_code == 0, res.output
    for name in ("CONFIG.toml", "soc.tif", "clay.tif", "soil_type.tif", "climate.nc", "thresholds.csv", "regions.geojson"):
        assert (tmp_path / "ex" / name).exists(), name
    from soilsink.spatial.config import load_config
    from soilsink.spatial.run import load_inputs

    cfg = load_config(tmp_path / "ex" / "CONFIG.toml")
    ds = load_inputs(cfg)
    assert ds.sizes["y"] * ds.sizes["x"] == 100
    assert ds["tas"].sizes["time"] == 24
    assert np.isfinite(ds["threshold_soc"].values).any()


def test_run_rejects_mismatched_raster_with_exit_2(tmp_path: Path) -> None:
    runner.invoke(app, ["grid", "example", str(tmp_path / "ex"), "--cells", "100", "--years", "1"])
    clay = xr.open_dataarray(tmp_path / "ex" / "clay.tif", engine="rasterio").isel(band=0, x=slice(0, 8))
    clay.rio.to_raster(tmp_path / "ex" / "clay.tif")
    res = runner.invoke(app, ["grid", "run", str(tmp_path / "ex" / "CONFIG.toml"), "-o", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "clay.tif" in res.output and "shape" in res.output
    assert "Traceback" not in res.output


def test_run_rejects_bad_config_with_exit_2(tmp_path: Path) -> None:
    runner.invoke(app, ["grid", "example", str(tmp_path / "ex"), "--cells", "100", "--years", "1"])
    cfg = tmp_path / "ex" / "CONFIG.toml"
    cfg.write_text(cfg.read_text().replace("forward_years = 20", "forward_years = -3"))
    res = runner.invoke(app, ["grid", "run", str(cfg), "-o", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "forward_years" in res.output


def test_run_end_to_end_with_rothc(tmp_path: Path) -> None:
    pytest.importorskip("soilsink.models.rothc")
    runner.invoke(app, ["grid", "example", str(tmp_path / "ex"), "--cells", "100", "--years", "2"])
    res = runner.invoke(app, ["grid", "run", str(tmp_path / "ex" / "CONFIG.toml"), "-o", str(tmp_path / "out"),
                              "--scheduler", "synchronous", "--quiet"])
    assert res.exit_code == 0, res.output
    ds = xr.open_dataset(tmp_path / "out" / "results.nc")
    assert ds["soc_end"].attrs["units"] == "t C ha-1"
    assert (tmp_path / "out" / "zonal.csv").exists()
    ok = np.isfinite(ds["soc_t0"].values)
    assert ok.sum() > 50
    high = ds["asr"].sel(scenario="SSM_high").values[ok]
    bau = ds["asr"].sel(scenario="BAU").values[ok]
    assert np.all(high > bau)  # more input, more carbon


def test_land_use_mask(tmp_path: Path) -> None:
    runner.invoke(app, ["grid", "example", str(tmp_path / "ex"), "--cells", "100", "--years", "1"])
    soil_type = xr.open_dataarray(tmp_path / "ex" / "soil_type.tif", engine="rasterio").isel(band=0)
    soil_type.rio.to_raster(tmp_path / "ex" / "land_use.tif")  # reuse the codes 1-3 as land uses
    cfg_path = tmp_path / "ex" / "CONFIG.toml"
    cfg_path.write_text(cfg_path.read_text()
                        .replace('soil_type = "soil_type.tif"', 'soil_type = "soil_type.tif"\nland_use = "land_use.tif"')
                        .replace("warmup_inputs", "land_use_codes = [2]\nwarmup_inputs"))
    from soilsink.spatial.config import load_config
    from soilsink.spatial.run import load_inputs

    ds = load_inputs(load_config(cfg_path)).compute()
    lu = soil_type.values
    assert np.all(np.isnan(ds["soc"].values[lu != 2]))
    assert np.all(np.isfinite(ds["soc"].values[lu == 2]))
