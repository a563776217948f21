"""The grid workflow: arithmetic of the GSOCseq recipe, cap, masking, and bit-for-bit identity
between one call per cell, serial chunked runs and a Dask LocalCluster of 2 workers.

Plumbing tests run with a toy one-pool engine (tests/spatial_toy.py) so they do not depend on
RothC; ``test_rothc_*`` repeat the cell-by-cell check with the real engine when it is present.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from soilsink.spatial.config import GridConfig, load_config  # noqa: E402
from soilsink.spatial.example import write_example  # noqa: E402
from soilsink.spatial.run import load_inputs, run_grid  # noqa: E402
from soilsink.spatial.workflow import (  # noqa: E402
    Settings,
    cap_end,
    miami_npp,
    sequestration_cells,
    sequestration_grid,
)
from spatial_toy import ToyEngine, _decay  # noqa: E402

TOY = ToyEngine()


def _settings(**kw) -> Settings:
    cfg = GridConfig.model_validate({"inputs": {k: "x.tif" for k in ("soc", "clay", "tas", "pr", "evap")}})
    return replace(Settings.from_config(cfg), **kw)


def test_miami_npp_hand_values() -> None:
    # T = 10 degC, P = 700 mm: NPP_T = 3000/(1+exp(1.315-1.19)) = 1406.4; NPP_P = 3000(1-exp(-0.4648)) = 1115.3
    assert float(miami_npp(10.0, 700.0)) == pytest.approx(3000 * (1 - np.exp(-0.000664 * 700)), rel=1e-12)
    assert float(miami_npp(10.0, 700.0)) == pytest.approx(1115.3, abs=0.1)
    # cold and wet: temperature limits
    assert float(miami_npp(0.0, 3000.0)) == pytest.approx(3000 / (1 + np.exp(1.315)), rel=1e-12)


def test_constant_climate_rates_match_closed_form() -> None:
    """Constant climate, no warm-up change: SOC_t0 = measured SOC; forward with factor f from
    the equilibrium H* gives H_N = f H* + (1 - f) H* e^N, so ASR = (f - 1) H* (1 - e^N) / years."""
    n, years = 3, 5
    soc = np.array([40.0, 60.0, 80.0])
    clay = np.array([20.0, 30.0, 40.0])
    tas = np.full((years * 12, n), 12.0)
    pr = np.full((years * 12, n), 60.0)
    evap = np.full((years * 12, n), 40.0)
    s = _settings(uncertainty=False, warmup_inputs="constant")
    out = sequestration_cells(soc, clay, tas, pr, evap, s, engine=TOY)
    np.testing.assert_allclose(out["soc_t0"], soc, rtol=1e-12)
    iom = 0.049 * soc**1.139
    np.testing.assert_allclose(out["iom"], iom, rtol=1e-12)
    h_star = soc - iom
    e_n = float(_decay(np.array(12.0))) ** (s.forward_years * 12)
    for i, f in enumerate(s.input_factors):
        asr = (f - 1) * h_star * (1 - e_n) / s.forward_years
        np.testing.assert_allclose(out["asr"][i], asr, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(out["rsr"][i], asr, rtol=1e-9, atol=1e-12)  # BAU stays at H*
    assert np.all(out["rsr"][0] == 0)
    np.testing.assert_allclose(out["stable_soc_t0"], soc, rtol=1e-12)  # toy: all in HUM + IOM


def test_uncertainty_bounds_bracket_and_follow_gsocseq_factors() -> None:
    n = 2
    tas = np.tile(10 + 8 * np.sin(2 * np.pi * (np.arange(24) - 3) / 12), (n, 1)).T
    pr = np.full((24, n), 60.0)
    evap = np.full((24, n), 50.0)
    out = sequestration_cells(np.array([50.0, 70.0]), np.array([25.0, 35.0]), tas, pr, evap, _settings(), engine=TOY)
    assert np.all(out["soc_t0_low"] < out["soc_t0"]) and np.all(out["soc_t0"] < out["soc_t0_high"])
    assert np.all(out["soc_end_low"] < out["soc_end"]) and np.all(out["soc_end"] < out["soc_end_high"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 200), st.floats(0, 200), st.floats(0, 200)), min_size=1, max_size=20))
def test_cap_never_raises_and_keeps_what_is_below(triples) -> None:
    end, t0, thr = (np.array(v) for v in zip(*triples, strict=True))
    capped = cap_end(end, t0, thr)
    assert np.all(capped <= end)
    below = end <= np.maximum(thr, t0)
    np.testing.assert_array_equal(capped[below], end[below])
    np.testing.assert_array_equal(capped[~below], np.maximum(thr, t0)[~below])
    np.testing.assert_array_equal(cap_end(end, t0, np.full_like(thr, np.nan)), end)  # no threshold: no cap


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("ex")
    write_example(d, 300, warmup_years=3)
    return d / "CONFIG.toml"


def _with_chunk(cfg: GridConfig, chunk: int) -> GridConfig:
    return cfg.model_copy(update={"run": cfg.run.model_copy(update={"chunk": chunk})})


def test_grid_equals_one_call_per_cell_bit_for_bit(example: Path) -> None:
    cfg = load_config(example)
    inputs = load_inputs(_with_chunk(cfg, 7))
    s = Settings.from_config(cfg)
    grid = sequestration_grid(inputs, s, TOY).compute()
    ref = inputs.compute()
    checked = 0
    for iy in range(0, ref.sizes["y"], 3):
        for ix in range(0, ref.sizes["x"], 4):
            c = ref.isel(y=[iy], x=[ix])
            soc = c["soc"].values.ravel()
            if not np.isfinite(soc).all():
                assert np.isnan(grid["soc_t0"].values[iy, ix])
                assert np.isnan(grid["asr"].values[:, iy, ix]).all()
                continue
            one = sequestration_cells(
                soc, c["clay"].values.ravel(),
                *(c[k].values.reshape(-1, 1) for k in ("tas", "pr", "evap")), s,
                threshold_soc=c["threshold_soc"].values.ravel(),
                threshold_stable_soc=c["threshold_stable_soc"].values.ravel(), engine=TOY,
            )
            for name, val in one.items():
                got = grid[name].values[..., iy, ix]
                np.testing.assert_array_equal(got, val.reshape(got.shape), err_msg=f"{name} at {iy},{ix}")
            checked += 1
    assert checked > 10
    assert np.isnan(grid["soc_t0"].values).sum() == np.isnan(ref["soc"].values).sum()  # nodata masked


def test_serial_chunkings_and_dask_cluster_identical(example: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    cfg = load_config(example)
    run_grid(_with_chunk(cfg, 5), tmp_path / "a", scheduler="synchronous", engine=TOY, progress=False)
    run_grid(_with_chunk(cfg, 1000), tmp_path / "b", scheduler="synchronous", engine=TOY, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        run_grid(_with_chunk(cfg, 6), tmp_path / "c", scheduler=cluster.scheduler_address, engine=TOY, progress=False)
    a = xr.open_dataset(tmp_path / "a" / "results.nc")
    for other in ("b", "c"):
        b = xr.open_dataset(tmp_path / other / "results.nc")
        for v in a.data_vars:
            np.testing.assert_array_equal(a[v].values, b[v].values, err_msg=f"{v} differs in run {other}")
        assert (tmp_path / other / "zonal.csv").read_bytes() == (tmp_path / "a" / "zonal.csv").read_bytes()
    assert a["asr"].attrs["units"] == "t C ha-1 yr-1"
    assert list(a["scenario"].values) == ["BAU", "SSM_low", "SSM_medium", "SSM_high"]
    # threshold cap applied per soil type
    capped, end = a["soc_end_capped"].values, a["soc_end"].values
    ok = np.isfinite(end)
    assert np.all(capped[ok] <= end[ok])


def test_rothc_grid_equals_one_call_per_cell(example: Path) -> None:
    pytest.importorskip("soilsink.models.rothc")
    from soilsink.spatial.engine import RothCEngine

    eng = RothCEngine()
    cfg = load_config(example)
    inputs = load_inputs(_with_chunk(cfg, 6)).isel(y=slice(0, 6), x=slice(0, 8))
    s = Settings.from_config(cfg)
    grid = sequestration_grid(inputs, s, eng).compute()
    ref = inputs.compute()
    for iy, ix in ((0, 0), (2, 5), (5, 7)):
        c = ref.isel(y=[iy], x=[ix])
        one = sequestration_cells(
            c["soc"].values.ravel(), c["clay"].values.ravel(),
            *(c[k].values.reshape(-1, 1) for k in ("tas", "pr", "evap")), s,
            threshold_soc=c["threshold_soc"].values.ravel(),
            threshold_stable_soc=c["threshold_stable_soc"].values.ravel(), engine=eng,
        )
        for name, val in one.items():
            got = grid[name].values[..., iy, ix]
            np.testing.assert_array_equal(got, val.reshape(got.shape), err_msg=name)
        assert abs(float(one["soc_t0"][0]) - float(c["soc"].values.ravel()[0])) < 0.3 * float(c["soc"].values.ravel()[0])
