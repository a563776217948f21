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
    assert per_site.get("pasture", 0) >= 1
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
        # ORNL_029 A (17N02603): carbonTot 57.5, Db 1/3 bar 1.26, clay 63.1 %, silt 33.8 %
        ("ORNL_029", 0, 57.5, 1.26, 63.1, 33.8),
        # ORNL_007 A (17N02621): carbonTot 11.9, no bulk density published (left empty)
        ("ORNL_007", 0, 11.9, None, 20.8, 61.6),
    ],
)
def test_spot_values_match_neon(demo, site, top, soc, bd, clay, silt):
    row = demo[(demo.site_id == site) & (demo.top_cm == top)].iloc[0]
    assert row.soc_g_kg == pytest.approx(soc)
    if bd is None:
        assert pd.isna(row.bulk_density_g_cm3)
    else:
        assert row.bulk_density_g_cm3 == pytest.approx(bd)
    assert row.clay_pct == pytest.approx(clay)
    assert row.silt_pct == pytest.approx(silt)


def test_provenance_rows_match(demo):
    prov = pd.read_csv(DEMO / "horizons_provenance.csv")
    key = ["site_id", "top_cm", "bottom_cm"]
    assert prov[key].reset_index(drop=True).equals(demo.sort_values(key)[key].reset_index(drop=True))
    assert prov.neon_horizon_id.is_unique


def test_coarse_mass_is_sum_of_2_to_20_mm_fractions(demo):
    prov = pd.read_csv(DEMO / "horizons_provenance.csv")
    key = ["site_id", "top_cm"]
    m = demo.merge(prov, on=key)
    expected = (m.coarseFrag2To5_g_kg + m.coarseFrag5To20_g_kg) / 10.0
    assert (m.coarse_mass_pct - expected).abs().max() < 1e-9


def test_missing_bulk_density_only_where_neon_has_none(demo):
    prov = pd.read_csv(DEMO / "horizons_provenance.csv")
    m = demo.merge(prov, on=["site_id", "top_cm"])
    assert (m.bulk_density_g_cm3.isna() == m.bd_sample_type.isna()).all()


def test_reads_as_canonical_horizons():
    horizons = pytest.importorskip("soilsink.io.horizons")
    with pytest.warns(Warning):  # the PTF fills the 13 layers without a measured density
        h = horizons.read_horizons(DEMO / "horizons.csv")
    assert (h.bd_source == "measured").sum() == 134
    assert h.site_id.nunique() == 35


def test_package_exposes_demo_path():
    data = pytest.importorskip("soilsink.data")
    if not hasattr(data, "demo_horizons_path"):
        pytest.skip("soilsink.data.demo_horizons_path lives on main (lead's demo command)")
    path = data.demo_horizons_path()
    assert path.parts[-3:] == ("data", "demo", "horizons.csv")
    assert path.is_file()
