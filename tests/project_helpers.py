"""Helpers for the project/bundle/verify tests: sample project files and, while the science
modules are not on this branch yet, small stand-ins installed into ``sys.modules``.

The stand-ins follow the documented API (issue 5 sections 2-3) with plain formulas:
linear Tier 1 transition, sink = ΔP_capped − ΔB; they are used only when the real module
cannot be imported.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
import types
from pathlib import Path

import numpy as np

PROJECT_TOML = """\
[project]
name = "Test farm"
start_year = 2025
end_year = 2045

[method]
kind = "ipcc_tier1"
edition = "2019"

[uncertainty]
draws = {draws}
seed = {seed}

[threshold]
enabled = true
source = "field"

[[fields]]
id = "north"
area_ha = 12.5
lon = 4.35
lat = 50.85
climate_zone = "warm_temperate_moist"
soil_class = "HAC"
soil_type = "Luvisol"
threshold_t_ha = {threshold}
soil = {{ horizons = "soil.csv", site_id = "P1" }}

[[fields]]
id = "south"
area_ha = 7.5
lon = 4.36
lat = 50.84
climate_zone = "warm_temperate_moist"
soil_class = "HAC"
soil_type = "Luvisol"
threshold_t_ha = {threshold}
soil = {{ soc_t_ha = 55.0 }}

[[scenarios]]
name = "baseline"
role = "baseline"
management = [{{ from_year = 2025, land_use = "cropland", tillage = "full", input_level = "medium" }}]

[[scenarios]]
name = "notill"
role = "project"
management = [
  {{ from_year = 2025, land_use = "cropland", tillage = "full", input_level = "medium" }},
  {{ from_year = 2027, land_use = "cropland", tillage = "no_till", input_level = "high" }},
]
"""

SOIL_CSV = """\
site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3,clay_pct
P1,0,30,14.0,1.35,22
"""


def write_project(folder: Path, *, draws: int = 200, seed: int = 7, threshold: float = 500.0) -> Path:
    """Write PROJECT.toml and soil.csv into ``folder``; return the project file path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "soil.csv").write_text(SOIL_CSV)
    path = folder / "PROJECT.toml"
    path.write_text(PROJECT_TOML.format(draws=draws, seed=seed, threshold=threshold))
    return path


def _missing(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return True
    return False


# ---- stand-ins ------------------------------------------------------------------------------

_FAKE_FACTORS = {  # hand-picked numbers for framework tests only, not IPCC values
    "soc_ref": 60.0,
    "f_lu": {"cropland": 0.7},
    "f_mg": {"full": 1.0, "reduced": 1.05, "no_till": 1.1},
    "f_i": {"low": 0.9, "medium": 1.0, "high": 1.1},
}


class _Factors:
    def __init__(self, land_use, management, input_level):
        self.soc_ref_t_ha = _FAKE_FACTORS["soc_ref"]
        self.f_lu = _FAKE_FACTORS["f_lu"][land_use]
        self.f_mg = _FAKE_FACTORS["f_mg"][management]
        self.f_i = _FAKE_FACTORS["f_i"][input_level]
        self.soc_t_ha = self.soc_ref_t_ha * self.f_lu * self.f_mg * self.f_i
        self.sources = ["test stand-in"]

    def distributions(self, prefix):
        return {
            f"{prefix}soc_ref": {"kind": "normal", "mean": self.soc_ref_t_ha, "sd": 5.0},
            f"{prefix}f_lu": {"kind": "normal", "mean": self.f_lu, "sd": 0.03},
            f"{prefix}f_mg": {"kind": "normal", "mean": self.f_mg, "sd": 0.03},
            f"{prefix}f_i": {"kind": "normal", "mean": self.f_i, "sd": 0.03},
        }


def _fake_ipcc() -> types.ModuleType:
    m = types.ModuleType("soilsink.accounting.ipcc")

    def lookup(edition, climate_zone, soil_class, land_use, management, input_level):
        return _Factors(land_use, management, input_level)

    def tier1_trajectory(start_t_ha, end_eq_t_ha, years, transition_years=20):
        t = np.arange(years + 1).reshape((-1,) + (1,) * np.ndim(start_t_ha))
        frac = np.minimum(t / transition_years, 1.0)
        return start_t_ha + (end_eq_t_ha - start_t_ha) * frac

    m.lookup = lookup
    m.tier1_trajectory = tier1_trajectory
    return m


def _fake_uncertainty() -> types.ModuleType:
    m = types.ModuleType("soilsink.accounting.uncertainty")
    m.Dist = dict

    def draw(specs, n, seed):
        rng = np.random.default_rng(seed)
        out = {}
        for name in sorted(specs):
            d = specs[name]
            if d["kind"] == "constant":
                out[name] = np.full(n, float(d["value"]))
            else:
                out[name] = rng.normal(d["mean"], d["sd"], n)
        return out

    def vm0042_deduction(mean, se):
        return {"mean": mean, "se": se}

    m.draw = draw
    m.vm0042_deduction = vm0042_deduction
    return m


def _fake_sink() -> types.ModuleType:
    m = types.ModuleType("soilsink.accounting.sink")
    m.C_TO_CO2 = 44.0 / 12.0

    def sink(baseline, project, area_ha=1.0, years=None, *, threshold_t_ha=None, pool="total"):
        b = np.asarray(baseline, dtype=float)
        p = np.asarray(project, dtype=float)
        pc = p if threshold_t_ha is None else np.minimum(p, np.maximum(threshold_t_ha, p[0]))
        years = years if years is not None else len(p) - 1
        s = ((pc[-1] - pc[0]) - (b[-1] - b[0])) * area_ha
        return types.SimpleNamespace(
            baseline_change_t_c=(b[-1] - b[0]) * area_ha,
            project_change_t_c=(pc[-1] - pc[0]) * area_ha,
            project_change_uncapped_t_c=(p[-1] - p[0]) * area_ha,
            sink_t_c=s,
            sink_t_co2e=s * m.C_TO_CO2,
            sink_t_c_per_yr=s / years,
            not_creditable_t_c=(p[-1] - pc[-1]) * area_ha,
        )

    m.sink = sink
    return m


def install_standins() -> list[str]:
    """Install stand-ins for science modules that are not importable; return their names."""
    installed = []
    for name, make in (
        ("soilsink.accounting.ipcc", _fake_ipcc),
        ("soilsink.accounting.uncertainty", _fake_uncertainty),
        ("soilsink.accounting.sink", _fake_sink),
    ):
        if _missing(name):
            sys.modules[name] = make()
            import soilsink.accounting as acc

            setattr(acc, name.rsplit(".", 1)[1], sys.modules[name])
            installed.append(name)
    return installed


def dedent(text: str) -> str:
    return textwrap.dedent(text)
