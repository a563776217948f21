"""Invariants of run_project (hypothesis): totals add up, CO2e = 44/12 C, sink scales with area."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from project_helpers import write_project
from soilsink.accounting.project import project_from_dict
from soilsink.accounting.runner import run_project


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a1=st.floats(0.1, 500), a2=st.floats(0.1, 500), seed=st.integers(0, 2**31), thr=st.floats(20, 200))
def test_totals_and_units(tmp_path: Path, a1: float, a2: float, seed: int, thr: float) -> None:
    data = tomllib.loads(write_project(tmp_path, draws=50, seed=seed, threshold=thr).read_text())
    data["fields"][0]["area_ha"] = a1
    data["fields"][1]["area_ha"] = a2
    res = run_project(project_from_dict(data, base_dir=tmp_path))
    sc = res.summary["scenarios"]["notill"]
    per = [sc["fields"][f]["total_sink_t_c"]["mean"] for f in ("north", "south")]
    assert sc["total"]["total_sink_t_c"]["mean"] == pytest.approx(sum(per), rel=1e-9, abs=1e-9)
    for q in [*sc["fields"].values(), sc["total"]]:
        assert q["total_sink_t_co2e"]["mean"] == pytest.approx(q["total_sink_t_c"]["mean"] * 44 / 12, abs=1e-9)
        # capped + not creditable = uncapped project change minus baseline change
        uncapped = q["total_project_change_uncapped_t_c"]["mean"] - q["total_baseline_change_t_c"]["mean"]
        assert q["total_sink_t_c"]["mean"] + q["total_not_creditable_t_c"]["mean"] == pytest.approx(
            uncapped, rel=1e-9, abs=1e-9)
        assert q["total_not_creditable_t_c"]["lo95"] >= 0
    # both fields share strata, threshold and draws: the same sink per hectare whatever the area
    assert per[0] / a1 == pytest.approx(per[1] / a2, rel=1e-9, abs=1e-12)
