"""The embedded demo horizons table (src/soilsink/data/demo, see SOURCE.md there).

Spot values are NEON DP1.10047.001 RELEASE-2021 figures (KSSL laboratory data) as published in
spc_biogeochem / spc_bulkdensity / spc_particlesize; they guard against accidental edits.
"""

from pathlib import Path

import pandas as pd
import pytest

DEMO = Path(__file__).resolve().parents[1] / "src" / "soilsink" / "data" / "demo"
COLUMNS = ["site_id", "top_cm", "bottom_cm", "soc_g_kg", "bulk_density_g_cm3", "coarse_mass_pct",
           "clay_pct", "silt_pct", "soil_type", "land_use", "sampled_on", "lon", "lat"]


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return pd.read_csv(DEMO / "horizons.csv")


def test_files_and_columns(demo):
    assert (DEMO / "SOURCE.md").is_file()
    assert list(demo.columns) == COLUMNS


def test_profiles_contiguous_without_overlap(demo):
    for site, g in demo.sort_values(["site_id", "top_cm"]).groupby("site_id"):
        assert g.top_cm.iloc[0] == 0, site
        assert (g.top_cm.to_numpy()[1:] == g.bottom_cm.to_numpy()[:-1]).all(), site
        assert (g.bottom_cm > g.top_cm).all(), site


def test_both_natural_and_cultivated_land_uses(demo):
    per_site = demo.drop_duplicates("site_id").land_use.value_counts()
    assert per_site.get("native_forest", 0) >= 5
    assert per_site.get("cropland", 0) >= 5
    assert demo.site_id.nunique() >= 20


def test_values_in_physical_ranges(demo):
    assert demo.soc_g_kg.between(0, 600).all()
    assert demo.bulk_density_g_cm3.dropna().between(0.1, 2.65).all()
    assert (demo.clay_pct + demo.silt_pct).le(100).all()
    assert demo.coarse_mass_pct.between(0, 100).all()
    assert demo.lat.between(-90, 90).all() and demo.lon.between(-180, 180).all()


@pytest.mark.parametrize(
    ("site", "top", "soc", "bd", "clay", "silt"),
    [
        # SERC_020 Ap (16N03611): carbonTot 9.3 g/kg, Db 1/3 bar 1.69, clay 22.6 %, silt 12.6 %
        ("SERC_020", 0, 9.3, 1.69, 22.6, 12.6),
        # SERC_001 A (16N03559): carbonTot 43.3, compliant-cavity field-moist Db 0.95
        ("SERC_001", 0, 43.3, 0.95, 17.7, 32.2),
        # SERC_012 BCt (16N03596): carbonTot 2, intact-core field-moist Db 1.31
        ("SERC_012", 93, 2.0, 1.31, 22.0, 11.0),
    ],
)
def test_spot_values_match_neon(demo, site, top, soc, bd, clay, silt):
    row = demo[(demo.site_id == site) & (demo.top_cm == top)].iloc[0]
    assert row.soc_g_kg == pytest.approx(soc)
    assert row.bulk_density_g_cm3 == pytest.approx(bd)
    assert row.clay_pct == pytest.approx(clay)
    assert row.silt_pct == pytest.approx(silt)


def test_provenance_rows_match(demo):
    prov = pd.read_csv(DEMO / "horizons_provenance.csv")
    key = ["site_id", "top_cm", "bottom_cm"]
    assert prov[key].reset_index(drop=True).equals(demo.sort_values(key)[key].reset_index(drop=True))
    assert prov.neon_horizon_id.is_unique


def test_reads_as_canonical_horizons():
    horizons = pytest.importorskip("soilsink.io.horizons")
    h = horizons.read_horizons(DEMO / "horizons.csv")
    assert (h.bd_source == "measured").all()
