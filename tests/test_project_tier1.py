"""IPCC Tier 1 through run_project: a worked example by hand, shared draws, overrides."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from project_helpers import write_project
from soilsink.accounting.project import load_project
from soilsink.accounting.runner import run_project
from soilsink.io.errors import InputError

CONSTANTS = """
[uncertainty.distributions]
soc_ref = { kind = "constant", value = 95.0 }
f_lu = { kind = "constant", value = 0.69 }
f_i = { kind = "constant", value = 1.0 }
"baseline.f_mg" = { kind = "constant", value = 1.0 }
"notill.f_mg" = { kind = "constant", value = 1.10 }
"""


def _with(path: Path, extra: str) -> Path:
    text = path.read_text().replace("[uncertainty]\n", "[uncertainty]\n", 1)
    path.write_text(text + extra)
    return path


def test_worked_example_by_hand(tmp_path: Path) -> None:
    """S0 = 95 × 0.69 = 65.55 t/ha (baseline equilibrium, baseline stays there). The project's
    F_MG is overridden to 1.10 for the whole scenario, so its two management steps have the same
    factors and form one transition from 2025: equilibrium 65.55 × 1.10 = 72.105 t/ha, reached
    linearly over D = 20 years (IPCC 2006 Vol. 4 Ch. 2 Eq. 2.25), i.e. exactly in 2045.
    Sink of field north (12.5 ha) = 6.555 × 12.5 = 81.9375 t C.
    """
    path = _with(write_project(tmp_path, draws=3), CONSTANTS)
    res = run_project(load_project(path))
    r = res.results
    base = r[(r.field_id == "north") & (r.scenario == "baseline")]
    np.testing.assert_allclose(base["soc_t_ha_mean"], 65.55)
    proj = r[(r.field_id == "north") & (r.scenario == "notill")].set_index("year")
    assert proj.loc[2025, "soc_t_ha_mean"] == pytest.approx(65.55)
    assert proj.loc[2027, "soc_t_ha_mean"] == pytest.approx(65.55 + 6.555 * 2 / 20)
    assert proj.loc[2045, "soc_t_ha_mean"] == pytest.approx(72.105)
    sink_ha = 6.555
    f = res.summary["scenarios"]["notill"]["fields"]["north"]
    assert f["total_sink_t_c"]["mean"] == pytest.approx(sink_ha * 12.5)
    assert f["total_sink_t_co2e"]["mean"] == pytest.approx(sink_ha * 12.5 * 44 / 12)
    assert f["total_sink_t_c_per_yr"]["mean"] == pytest.approx(sink_ha * 12.5 / 20)
    total = res.summary["scenarios"]["notill"]["total"]["total_sink_t_c"]["mean"]
    assert total == pytest.approx(sink_ha * 20.0)  # both fields identical per ha, 20 ha in all


def test_shared_default_factor_draws_correlate_fields(tmp_path: Path) -> None:
    # both fields share climate zone, soil class and management: identical draws of every factor
    res = run_project(load_project(write_project(tmp_path, draws=200)))
    runs = {(x.field_id, x.scenario): x.soc_t_ha for x in res.runs}
    np.testing.assert_array_equal(runs[("north", "notill")], runs[("south", "notill")])
    assert np.std(runs[("north", "notill")][:, -1]) > 0


def test_field_scoped_override_gets_own_draws(tmp_path: Path) -> None:
    extra = '\n[uncertainty.distributions]\n"south.soc_ref" = { kind = "normal", mean = 70.0, sd = 3.0 }\n'
    res = run_project(load_project(_with(write_project(tmp_path, draws=300), extra)))
    runs = {(x.field_id, x.scenario): x.soc_t_ha for x in res.runs}
    assert not np.array_equal(runs[("north", "baseline")][:, 0], runs[("south", "baseline")][:, 0])
    assert "override|south.soc_ref" in res.parameters


def test_override_with_unknown_field_is_named(tmp_path: Path) -> None:
    extra = '\n[uncertainty.distributions]\n"east.soc_ref" = { kind = "normal", mean = 70.0, sd = 3.0 }\n'
    with pytest.raises(InputError, match="east.soc_ref"):
        run_project(load_project(_with(write_project(tmp_path, draws=10), extra)))


def test_measured_start_stock(tmp_path: Path) -> None:
    """soc_ref = 'measured': S0 is the measured stock; the project moves by F_step/F_baseline."""
    path = _with(write_project(tmp_path, draws=3), CONSTANTS)
    path.write_text(path.read_text().replace('edition = "2019"', 'edition = "2019"\nsoc_ref = "measured"'))
    res = run_project(load_project(path))
    r = res.results
    # north: soil.csv P1 0-30 cm, 14 g/kg × 1.35 g/cm3 × 30 cm × 0.1 = 56.7 t/ha; south: 55.0 given
    for fid, s0 in (("north", 56.7), ("south", 55.0)):
        proj = r[(r.field_id == fid) & (r.scenario == "notill")].set_index("year")
        assert proj.loc[2025, "soc_t_ha_mean"] == pytest.approx(s0)
        assert proj.loc[2045, "soc_t_ha_mean"] == pytest.approx(s0 * 1.10)  # 20 years = full transition


def test_management_change_restarts_the_transition(tmp_path: Path) -> None:
    """Default factors: full tillage/medium until 2027, then no-till/high: the 20-year transition
    to the new equilibrium starts in 2027 (stock flat before), so by 2045 it is 18/20 of the way."""
    extra = """
[uncertainty.distributions]
soc_ref = { kind = "constant", value = 95.0 }
f_lu = { kind = "constant", value = 0.69 }
"baseline.f_mg" = { kind = "constant", value = 1.0 }
"baseline.f_i" = { kind = "constant", value = 1.0 }
"""
    res = run_project(load_project(_with(write_project(tmp_path, draws=400), extra)))
    r = res.results
    proj = r[(r.field_id == "north") & (r.scenario == "notill")].set_index("year")
    runs = {(x.field_id, x.scenario): x.soc_t_ha for x in res.runs}
    p = runs[("north", "notill")]
    # S0 = 95 × 0.69 × 1 × 1 (baseline overridden); the project's steps keep their drawn table factors
    s0 = 95.0 * 0.69
    np.testing.assert_allclose(p[:, 0], s0)
    eq = p[:, 2] + (p[:, -1] - p[:, 2]) / (18 / 20)  # the equilibrium implied by the last 18 years
    np.testing.assert_allclose(p[:, 12], p[:, 2] + (eq - p[:, 2]) * 10 / 20)
    assert proj.loc[2045, "soc_t_ha_mean"] > s0


def test_unknown_ipcc_categories_named_by_key_path(tmp_path: Path) -> None:
    path = write_project(tmp_path, draws=5)
    text = path.read_text().replace('input_level = "high_without_manure"', 'input_level = "huge"')
    text = text.replace('soil_class = "HAC"\nsoil_type = "Luvisol"\nthreshold_t_ha = 500.0\nsoil = { soc_t_ha',
                        'soil_class = "XYZ"\nsoil_type = "Luvisol"\nthreshold_t_ha = 500.0\nsoil = { soc_t_ha')
    path.write_text(text)
    with pytest.raises(InputError) as info:
        run_project(load_project(path))
    msg = str(info.value)
    assert "key 'scenarios[1].management[1].input_level'" in msg and "high_without_manure" in msg
    assert "key 'fields[1].soil_class'" in msg and "LAC" in msg
