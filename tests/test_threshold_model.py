"""Model-based thresholds (Hénin–Dupuis equilibrium h·A/k), reported beside the empirical ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from soilsink.cli import app
from soilsink.io.errors import InputError
from soilsink.threshold import empirical_thresholds, sink_potential
from soilsink.threshold.model import beside, henin_dupuis_thresholds, model_thresholds

PARAMS = pd.DataFrame({"soil_type": ["Luvisol", "Podzol"], "c_input_t_ha_yr": [3.0, 2.0],
                       "h": [0.2, 0.3], "k_per_yr": [0.02, 0.015]})


def test_henin_dupuis_equilibrium_by_hand() -> None:
    out = henin_dupuis_thresholds(PARAMS, ["soil_type"]).set_index("soil_type")
    # C_e = h A / k: 0.2 x 3 / 0.02 = 30; 0.3 x 2 / 0.015 = 40 t C/ha
    assert out.loc["Luvisol", "threshold_soc_t_ha"] == pytest.approx(30.0)
    assert out.loc["Podzol", "threshold_soc_t_ha"] == pytest.approx(40.0)
    assert set(out["method"]) == {"model_henin_dupuis"} and set(out["stat"]) == {"equilibrium"}


def test_equilibrium_is_a_fixed_point_of_the_balance() -> None:
    out = henin_dupuis_thresholds(PARAMS, ["soil_type"])
    c = out["threshold_soc_t_ha"].to_numpy()
    dcdt = PARAMS["h"] * PARAMS["c_input_t_ha_yr"] - PARAMS["k_per_yr"] * c
    np.testing.assert_allclose(dcdt, 0.0, atol=1e-12)


def test_bad_parameters_name_row_and_column() -> None:
    bad = PARAMS.assign(k_per_yr=["0", "x"], row=[2, 3])
    with pytest.raises(InputError) as exc:
        model_thresholds(bad, ["soil_type"], source="m.csv")
    assert [(p.row, p.column) for p in exc.value.problems] == [(2, "k_per_yr"), (3, "k_per_yr")]
    with pytest.raises(InputError, match="unknown model"):
        model_thresholds(PARAMS, ["soil_type"], "century")


def test_beside_and_potential_prefers_empirical_unless_flagged() -> None:
    sites = pd.DataFrame({"site_id": [f"n{i}" for i in range(5)] + ["c1", "c2"],
                          "soil_type": ["Luvisol"] * 5 + ["Luvisol", "Podzol"],
                          "land_use": ["natural"] * 5 + ["cropland"] * 2,
                          "soc_stock_t_ha": [50.0, 52.0, 54.0, 56.0, 58.0, 40.0, 20.0]})
    emp = empirical_thresholds(sites, n_boot=50)
    both = beside(emp, henin_dupuis_thresholds(PARAMS, ["soil_type"]), ["soil_type"]).set_index("soil_type")
    assert both.loc["Luvisol", "threshold_soc_t_ha"] == 54.0
    assert both.loc["Luvisol", "model_threshold_soc_t_ha"] == pytest.approx(30.0)
    assert both.loc["Podzol", "flag"] == "no_reference" and both.loc["Podzol", "n_reference"] == 0
    pot = sink_potential(sites, both.reset_index()).set_index("site_id")
    assert pot.loc["c1", "threshold_soc_t_ha"] == 54.0 and pot.loc["c1", "threshold_method"] == "empirical"
    assert pot.loc["c2", "threshold_soc_t_ha"] == pytest.approx(40.0)
    assert pot.loc["c2", "threshold_method"] == "model_henin_dupuis"
    assert pot.loc["c2", "potential_t_ha"] == pytest.approx(20.0)


def test_cli_method_both(tmp_path: Path) -> None:
    sites = tmp_path / "s.csv"
    sites.write_text("site_id,soil_type,land_use,soc_stock_t_ha\nn1,Luvisol,natural,50\nc1,Podzol,cropland,20\n")
    params = tmp_path / "m.csv"
    PARAMS.to_csv(params, index=False)
    out = tmp_path / "t.csv"
    r = runner_invoke(["threshold", str(sites), "--method", "both", "--model-inputs", str(params), "--min-n", "1",
                       "-o", str(out)])
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out).set_index("soil_type")
    assert t.loc["Podzol", "model_threshold_soc_t_ha"] == pytest.approx(40.0)
    assert t.loc["Luvisol", "threshold_soc_t_ha"] == 50.0
    r = runner_invoke(["threshold", str(sites), "--method", "model", "-o", str(out)])
    assert r.exit_code == 2 and "--model-inputs" in r.output


def runner_invoke(args: list[str]):
    return CliRunner().invoke(app, args)
