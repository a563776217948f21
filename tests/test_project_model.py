"""Model-based (Tier 3) projects through run_project: Hénin–Dupuis by hand, ICBM stable pool."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from soilsink.accounting.project import load_project
from soilsink.accounting.runner import run_project

PROJECT = """
[project]
name = "model test"
start_year = 2025
end_year = 2045

[method]
kind = "model"
model = "{model}"
{params}

[uncertainty]
draws = {draws}
seed = 1
{dists}

[threshold]
enabled = {cap}
source = "field"
pool = "{pool}"

[[fields]]
id = "f1"
area_ha = 10
climate_zone = "warm_temperate_moist"
soil_class = "LAC"
threshold_t_ha = {threshold}
soil = {{ soc_t_ha = 50.0 }}

[[scenarios]]
name = "baseline"
role = "baseline"
management = [{{ from_year = 2025, land_use = "cropland", c_input_t_ha_yr = 2.0 }}]

[[scenarios]]
name = "more_input"
role = "project"
management = [{{ from_year = 2025, land_use = "cropland", c_input_t_ha_yr = 2.5, manure_c_t_ha_yr = 0.5 }}]
"""

HD = 'parameters = { humification = 0.2, k_yr = 0.02 }\nparameters_source = "test values"'


def _project(tmp_path: Path, model="henin_dupuis", params=HD, draws=2, dists="", cap="false",
             threshold=500.0, pool="total") -> Path:
    p = tmp_path / "P.toml"
    p.write_text(PROJECT.format(model=model, params=params, draws=draws, dists=dists, cap=cap,
                                threshold=threshold, pool=pool))
    return p


def test_henin_dupuis_by_hand(tmp_path: Path) -> None:
    """C0 = 50 at steady state: A0 = k C0 / h = 0.02 × 50 / 0.2 = 5 t C/ha/yr (model units).
    Project inputs (2.5 + 0.5) / 2.0 = 1.5 × A0 = 7.5; equilibrium h A / k = 75.
    C(20) = 75 + (50 - 75) e^(-0.4) (Hénin–Dupuis exact solution); sink = (C(20) - 50) × 10 ha."""
    res = run_project(load_project(_project(tmp_path)))
    r = res.results
    base = r[(r.field_id == "f1") & (r.scenario == "baseline")]
    np.testing.assert_allclose(base["soc_t_ha_mean"], 50.0)
    c20 = 75 + (50 - 75) * np.exp(-0.4)
    proj = r[(r.field_id == "f1") & (r.scenario == "more_input")].set_index("year")
    assert proj.loc[2045, "soc_t_ha_mean"] == pytest.approx(c20)
    assert proj.loc[2035, "soc_t_ha_mean"] == pytest.approx(75 + (50 - 75) * np.exp(-0.2))
    s = res.summary["scenarios"]["more_input"]["fields"]["f1"]
    assert s["total_sink_t_c"]["mean"] == pytest.approx((c20 - 50) * 10)
    assert s["total_sink_t_co2e"]["mean"] == pytest.approx((c20 - 50) * 10 * 44 / 12)
    # the one-pool model's only pool is also its stable pool
    assert s["stable_sink_t_c"]["mean"] == pytest.approx((c20 - 50) * 10)


def test_threshold_caps_model_sink(tmp_path: Path) -> None:
    """C(20) = 58.24 t/ha; threshold 55 t/ha: creditable gain 5 t/ha × 10 ha = 50 t C, the rest
    (C(20) − 55) × 10 ha is not creditable."""
    res = run_project(load_project(_project(tmp_path, cap="true", threshold=55.0)))
    s = res.summary["scenarios"]["more_input"]["fields"]["f1"]
    c20 = 75 + (50 - 75) * np.exp(-0.4)
    assert s["total_sink_t_c"]["mean"] == pytest.approx(50.0)
    assert s["total_not_creditable_t_c"]["mean"] == pytest.approx((c20 - 55) * 10)


def test_icbm_defaults_stable_pool_and_uncertainty(tmp_path: Path) -> None:
    dists = ('[uncertainty.distributions]\n'
             '"f1.soc_start" = { kind = "normal", mean = 50.0, sd = 3.0 }\n'
             '"more_input.c_input" = { kind = "normal", mean = 1.0, sd = 0.1 }')
    res = run_project(load_project(_project(tmp_path, model="icbm", params="", draws=400, dists=dists)))
    s = res.summary["scenarios"]["more_input"]["fields"]["f1"]
    assert s["total_sink_t_c"]["mean"] > 0
    assert s["total_sink_t_c"]["lo95"] < s["total_sink_t_c"]["mean"] < s["total_sink_t_c"]["hi95"]
    # ICBM's old pool is the stable part: it gains less than total SOC over 20 years
    assert 0 < s["stable_sink_t_c"]["mean"] < s["total_sink_t_c"]["mean"]
    run = {(x.field_id, x.scenario): x for x in res.runs}
    b = run[("f1", "baseline")]
    np.testing.assert_allclose(b.soc_t_ha[:, -1], b.soc_t_ha[:, 0])  # baseline at steady state


def test_stable_threshold_caps_only_the_stable_sink(tmp_path: Path) -> None:
    """Hénin–Dupuis: stable = total trajectory. A stable-pool threshold of 55 t/ha caps the
    stable sink at (55 − 50) × 10 = 50 t C and leaves the total-SOC sink uncapped."""
    res = run_project(load_project(_project(tmp_path, cap="true", threshold=55.0, pool="stable")))
    s = res.summary["scenarios"]["more_input"]["fields"]["f1"]
    c20 = 75 + (50 - 75) * np.exp(-0.4)
    assert s["stable_sink_t_c"]["mean"] == pytest.approx(50.0)
    assert s["total_sink_t_c"]["mean"] == pytest.approx((c20 - 50) * 10)
    assert s["total_not_creditable_t_c"]["mean"] == 0.0


def test_bad_climate_table_named(tmp_path: Path) -> None:
    from soilsink.accounting.model_runs import _climate
    from soilsink.io.errors import InputError

    rows = "\n".join(f"{m},{5 + m},60,{'x' if m == 4 else 40}" for m in range(1, 13))
    (tmp_path / "clim.csv").write_text("month,temp_c,precip_mm,pet_mm\n" + rows + "\n")
    p = _project(tmp_path, model="rothc", params="")
    p.write_text(p.read_text().replace('soil = { soc_t_ha = 50.0 }',
                                       'soil = { soc_t_ha = 50.0 }\nclimate = { table = "clim.csv" }'))
    cfg = load_project(p)
    with pytest.raises(InputError) as info:
        _climate(cfg.fields[0])
    text = str(info.value)
    assert "clim.csv" in text and "row 5" in text and "pet_mm" in text


def _rothc_adapter_present() -> bool:
    import importlib

    from soilsink.models.registry import ROTHC_FACTORIES

    try:
        module = importlib.import_module("soilsink.models.rothc")
    except ImportError:
        return False
    return any(hasattr(module, a) for a in ROTHC_FACTORIES)


needs_rothc = pytest.mark.skipif(not _rothc_adapter_present(),
                                 reason="the RothC SOMModel adapter (soilsink.models.rothc.som_model) is not merged yet")


def _rothamsted_climate(shared_reference: Path) -> str:
    """Year-1 climate of the official RothC example (Rothamsted), PET = 0.75 × open pan."""
    rows = (shared_reference / "rothc" / "RothC_input.dat").read_text().splitlines()[10:22]
    vals = [r.split() for r in rows]
    temp = [float(v[3]) for v in vals]
    rain = [float(v[4]) for v in vals]
    pet = [round(0.75 * float(v[5]), 6) for v in vals]
    return (f'climate = {{ temp_c = {temp}, precip_mm = {rain}, pet_mm = {pet}, '
            f'source = "RothC official example input (Rothamsted-Models/RothC_Code), year 1" }}')


@needs_rothc
def test_rothc_project_bounds(tmp_path: Path, shared_reference: Path) -> None:
    """RothC is affine in the input with a fixed inert pool (IOM, Falloon et al. 1998:
    0.049 × SOC^1.139): the project equilibrium under 1.5 × A0 is IOM + 1.5 × (50 − IOM), and
    after 20 years the stock lies between 50 and that equilibrium; the baseline stays at 50."""
    p = _project(tmp_path, model="rothc", params="")
    p.write_text(p.read_text().replace('soil = { soc_t_ha = 50.0 }',
                                       'soil = { soc_t_ha = 50.0, clay_pct = 23.4 }\n'
                                       + _rothamsted_climate(shared_reference)))
    res = run_project(load_project(p))
    run = {(x.field_id, x.scenario): x for x in res.runs}
    base, proj = run[("f1", "baseline")], run[("f1", "more_input")]
    np.testing.assert_allclose(base.soc_t_ha, 50.0, rtol=1e-6)
    iom = 0.049 * 50.0 ** 1.139
    eq = iom + 1.5 * (50.0 - iom)
    assert 50.0 < proj.soc_t_ha[0, -1] < eq
    s = res.summary["scenarios"]["more_input"]["fields"]["f1"]
    assert 0 < s["stable_sink_t_c"]["mean"] < s["total_sink_t_c"]["mean"]


def test_rothc_needs_clay(tmp_path: Path, shared_reference: Path) -> None:
    from soilsink.io.errors import InputError

    p = _project(tmp_path, model="rothc", params="")
    p.write_text(p.read_text().replace('soil = { soc_t_ha = 50.0 }',
                                       'soil = { soc_t_ha = 50.0 }\n' + _rothamsted_climate(shared_reference)))
    with pytest.raises(InputError, match=r"fields\[0\].soil.clay_pct"):
        run_project(load_project(p))
