"""Measure-remeasure projects: paired ESM change by hand, shared sampling-error shift."""

from __future__ import annotations

from pathlib import Path

import pytest

from soilsink.accounting.project import load_project
from soilsink.accounting.runner import run_project
from soilsink.io.errors import InputError

BASE = "site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3\nA,0,30,10,1.3\nB,0,30,12,1.3\nC,0,30,8,1.3\n"
FOLLOW = "site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3\nA,0,30,11,1.3\nB,0,30,13,1.3\nC,0,30,9.5,1.3\n"

PROJECT = """
[project]
name = "resampling"
start_year = 2020
end_year = 2030

[method]
kind = "measure_remeasure"
baseline_samples = "base.csv"
followup_samples = "follow.csv"

[uncertainty]
draws = 4000
seed = 3

[threshold]
enabled = false

[[fields]]
id = "a"
area_ha = 10
climate_zone = "cool_temperate_moist"
soil_class = "HAC"
soil = { site_id = "A" }

[[fields]]
id = "c"
area_ha = 5
climate_zone = "cool_temperate_moist"
soil_class = "HAC"
soil = { site_id = "C" }

[[scenarios]]
name = "baseline"
role = "baseline"
management = [{ from_year = 2020, land_use = "cropland" }]

[[scenarios]]
name = "project"
role = "project"
management = [{ from_year = 2020, land_use = "cropland" }]
"""


def test_paired_change_by_hand(tmp_path: Path) -> None:
    """Same bulk density and depth at both samplings, so ESM = fixed-depth stocks:
    SOC = g/kg × 1.3 × 30 × 0.1 -> changes A 3.9, B 3.9, C 5.85 t/ha; mean 4.55,
    SD = sqrt((0.65² + 0.65² + 1.3²)/2) = 1.1258, SE = SD/sqrt(3) = 0.65."""
    (tmp_path / "base.csv").write_text(BASE)
    (tmp_path / "follow.csv").write_text(FOLLOW)
    (tmp_path / "P.toml").write_text(PROJECT)
    res = run_project(load_project(tmp_path / "P.toml"))
    rm = res.summary["remeasure"]
    assert rm["n_sites"] == 3
    assert rm["mean_change_t_ha"] == pytest.approx(4.55)
    assert rm["se_t_ha"] == pytest.approx(0.65, rel=1e-6)
    f = res.summary["scenarios"]["project"]["fields"]
    assert f["a"]["total_sink_t_c"]["mean"] == pytest.approx(3.9 * 10, abs=0.2)
    assert f["c"]["total_sink_t_c"]["mean"] == pytest.approx(5.85 * 5, abs=0.1)
    # the sampling error is one shift shared by both fields: total SD = SE × (10 + 5) ha
    total = res.summary["scenarios"]["project"]["total"]["total_sink_t_c"]
    assert total["sd"] == pytest.approx(0.65 * 15, rel=0.05)
    r = res.results
    mid = r[(r.field_id == "a") & (r.scenario == "project") & (r.year == 2025)]
    assert float(mid["soc_t_ha_median"].iloc[0]) == pytest.approx(39.0 + 3.9 / 2, abs=0.1)


def test_unknown_site_is_named(tmp_path: Path) -> None:
    (tmp_path / "base.csv").write_text(BASE)
    (tmp_path / "follow.csv").write_text(FOLLOW)
    (tmp_path / "P.toml").write_text(PROJECT.replace('site_id = "C"', 'site_id = "Z"'))
    with pytest.raises(InputError, match=r"fields\[1\].soil.site_id"):
        run_project(load_project(tmp_path / "P.toml"))
