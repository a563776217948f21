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
management = [{{ from_year = 2025, land_use = "cropland", tillage = "full_tillage", input_level = "medium" }}]

[[scenarios]]
name = "notill"
role = "project"
management = [
  {{ from_year = 2025, land_use = "cropland", tillage = "full_tillage", input_level = "medium" }},
  {{ from_year = 2027, land_use = "cropland", tillage = "no_till", input_level = "high_without_manure" }},
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


# ---- stand-ins (same API as soilsink.accounting.ipcc / uncertainty / sink; year axis last) ----

_FAKE_FACTORS = {  # hand-picked numbers for framework tests only, not IPCC values
    "soc_ref": 60.0,
    "f_lu": {"cropland": 0.7},
    "f_mg": {"full_tillage": 1.0, "reduced_tillage": 1.05, "no_till": 1.1},
    "f_i": {"low": 0.9, "medium": 1.0, "high_without_manure": 1.1},
}


class _Normal:
    def __init__(self, mean, sd):
        self.mean, self.sd = float(mean), float(sd)

    def sample(self, rng, n):
        return rng.normal(self.mean, self.sd, n)

    def model_dump(self, mode="json"):
        return {"kind": "normal", "mean": self.mean, "sd": self.sd}


class _Constant(_Normal):
    def __init__(self, value):
        super().__init__(value, 0.0)

    def sample(self, rng, n):
        return np.full(n, self.mean)


class _Factors:
    def __init__(self, land_use, management, input_level):
        self.soc_ref_t_ha = _FAKE_FACTORS["soc_ref"]
        self.f_lu = _FAKE_FACTORS["f_lu"][land_use]
        self.f_mg = _FAKE_FACTORS["f_mg"][management]
        self.f_i = _FAKE_FACTORS["f_i"][input_level]
        self.soc_t_ha = self.soc_ref_t_ha * self.f_lu * self.f_mg * self.f_i
        self.sources = ("test stand-in",)
        self.cells = {"soc_ref": "soc_ref", "f_lu": f"lu|{land_use}", "f_mg": f"mg|{management}",
                      "f_i": f"i|{input_level}"}

    def distributions(self, prefix=""):
        return {prefix + k: _Normal(v, 0.04 * v) for k, v in
                (("soc_ref", self.soc_ref_t_ha), ("f_lu", self.f_lu), ("f_mg", self.f_mg), ("f_i", self.f_i))}


def _fake_ipcc() -> types.ModuleType:
    m = types.ModuleType("soilsink.accounting.ipcc")

    def lookup(edition, climate_zone, soil_class, land_use, management=None, input_level=None):
        return _Factors(land_use, management, input_level)

    def tier1_trajectory(start_t_ha, end_eq_t_ha, years, transition_years=20):
        s = np.asarray(start_t_ha, dtype=float)[..., None]
        e = np.asarray(end_eq_t_ha, dtype=float)[..., None]
        return s + (e - s) * np.minimum(np.arange(years + 1), transition_years) / transition_years

    m.lookup = lookup
    m.tier1_trajectory = tier1_trajectory
    return m


def _fake_uncertainty() -> types.ModuleType:
    m = types.ModuleType("soilsink.accounting.uncertainty")
    m.Dist = dict
    m.Normal = _Normal
    m.Constant = _Constant

    def draw(specs, n, seed):
        rng = np.random.default_rng(seed)
        out = {}
        for name in sorted(specs):
            d = specs[name]
            if isinstance(d, dict):  # a validated override table
                d = _Constant(d["value"]) if d["kind"] == "constant" else _Normal(d["mean"], d["sd"])
            out[name] = np.asarray(d.sample(rng, n), dtype=float)
        return out

    def summarize(x, axis=0):
        x = np.asarray(x, dtype=float)
        q = np.percentile(x, [5.0, 95.0, 2.5, 97.5, 50.0], axis=axis)
        return types.SimpleNamespace(mean=x.mean(axis=axis), median=q[4], sd=x.std(axis=axis, ddof=1),
                                     lo90=q[0], hi90=q[1], lo95=q[2], hi95=q[3], n=x.shape[axis])

    def vm0042_deduction(mean, se):
        return {"mean": mean, "se": se}

    m.draw = draw
    m.summarize = summarize
    m.vm0042_deduction = vm0042_deduction
    return m


def _fake_sink() -> types.ModuleType:
    m = types.ModuleType("soilsink.accounting.sink")
    m.C_TO_CO2 = 44.0 / 12.0

    def sink(baseline, project, area_ha=1.0, years=None, *, threshold_t_ha=None, pool="total"):
        b = np.asarray(baseline, dtype=float)
        p = np.asarray(project, dtype=float)
        pc = p if threshold_t_ha is None else np.minimum(p, np.maximum(threshold_t_ha, p[..., :1]))
        years = p.shape[-1] - 1
        s = ((pc[..., -1] - pc[..., 0]) - (b[..., -1] - b[..., 0])) * area_ha
        return types.SimpleNamespace(
            baseline_change_t_c=(b[..., -1] - b[..., 0]) * area_ha,
            project_change_t_c=(pc[..., -1] - pc[..., 0]) * area_ha,
            project_change_uncapped_t_c=(p[..., -1] - p[..., 0]) * area_ha,
            sink_t_c=s, sink_t_co2e=s * m.C_TO_CO2, sink_t_c_per_yr=s / years,
            not_creditable_t_c=(p[..., -1] - pc[..., -1]) * area_ha,
            annual_sink_t_c=(np.diff(pc, axis=-1) - np.diff(b, axis=-1)) * area_ha,
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
