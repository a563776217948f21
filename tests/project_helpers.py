"""Helpers for the project/bundle/verify tests: a sample project file and its soil table."""

from __future__ import annotations

import textwrap
from pathlib import Path

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


def dedent(text: str) -> str:
    return textwrap.dedent(text)
