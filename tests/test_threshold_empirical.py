"""Empirical thresholds: hand-computed statistics, reproducible bootstrap, cultivated sites excluded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soilsink.io.errors import InputError
from soilsink.threshold import empirical_thresholds


def sites() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site_id": [f"s{i}" for i in range(12)],
            "soil_type": ["Luvisol"] * 4 + ["Cambisol"] * 5 + ["Luvisol", "Cambisol", "Podzol"],
            "land_use": ["natural", "native_forest", "native_grassland", "natural",
                         "natural", "natural", "native_shrubland", "native_wetland", "natural",
                         "cropland", "cropland", "cropland"],
            "soc_stock_t_ha": [10.0, 20.0, 30.0, 40.0, 1.0, 2.0, 3.0, 4.0, 100.0, 500.0, 500.0, 50.0],
            "stable_soc_t_ha": [6.0, 12.0, 18.0, 24.0, 0.5, 1.0, np.nan, 2.0, 60.0, 300.0, 300.0, 30.0],
        }
    )


def test_hand_computed_median_mean_percentile() -> None:
    med = empirical_thresholds(sites(), min_n=5, n_boot=50).set_index("soil_type")
    # Luvisol reference stocks 10, 20, 30, 40 -> median 25; Cambisol 1, 2, 3, 4, 100 -> median 3
    assert med.loc["Luvisol", "threshold_soc_t_ha"] == 25.0
    assert med.loc["Cambisol", "threshold_soc_t_ha"] == 3.0
    # stable: Luvisol 6, 12, 18, 24 -> 15; Cambisol 0.5, 1, 2, 60 (one blank) -> 1.5
    assert med.loc["Luvisol", "threshold_stable_soc_t_ha"] == 15.0
    assert med.loc["Cambisol", "threshold_stable_soc_t_ha"] == 1.5
    assert med.loc["Cambisol", "n_reference_stable"] == 4
    mean = empirical_thresholds(sites(), stat="mean", n_boot=50).set_index("soil_type")
    assert mean.loc["Cambisol", "threshold_soc_t_ha"] == pytest.approx(110.0 / 5)
    p90 = empirical_thresholds(sites(), stat="p90", n_boot=50).set_index("soil_type")
    # linear interpolation (numpy default, Hyndman & Fan type 7): rank 0.9*(4-1) = 2.7 -> 30 + 0.7*10
    assert p90.loc["Luvisol", "threshold_soc_t_ha"] == pytest.approx(37.0)
    assert set(p90["stat"]) == {"p90"}


def test_flags_counts_and_columns() -> None:
    out = empirical_thresholds(sites(), min_n=5, n_boot=50).set_index("soil_type")
    assert out.loc["Luvisol", "n_reference"] == 4 and out.loc["Luvisol", "flag"] == "too_few"
    assert out.loc["Cambisol", "n_reference"] == 5 and out.loc["Cambisol", "flag"] == "ok"
    # Podzol has only a cropland site: reported, with no statistic
    assert out.loc["Podzol", "n_reference"] == 0 and out.loc["Podzol", "flag"] == "no_reference"
    assert np.isnan(out.loc["Podzol", "threshold_soc_t_ha"])
    for name in ("threshold_soc_t_ha", "threshold_stable_soc_t_ha"):
        assert (out[f"{name}_ci_low"].dropna() <= out[name].dropna()).all()
        assert (out[f"{name}_ci_high"].dropna() >= out[name].dropna()).all()


def test_bootstrap_reproducible_and_seed_dependent() -> None:
    a = empirical_thresholds(sites(), seed=42, n_boot=500)
    b = empirical_thresholds(sites(), seed=42, n_boot=500)
    pd.testing.assert_frame_equal(a, b)
    # the mean of a 4-5 site resample takes many values, so the bounds move with the seed
    m42 = empirical_thresholds(sites(), stat="mean", seed=42, n_boot=500)
    m43 = empirical_thresholds(sites(), stat="mean", seed=43, n_boot=500)
    assert not np.allclose(m42["threshold_soc_t_ha_ci_low"].iloc[:2], m43["threshold_soc_t_ha_ci_low"].iloc[:2])


def test_bootstrap_of_a_group_does_not_depend_on_other_groups() -> None:
    full = empirical_thresholds(sites(), seed=7, n_boot=300).set_index("soil_type")
    only = empirical_thresholds(sites()[sites()["soil_type"] == "Luvisol"], seed=7, n_boot=300).set_index("soil_type")
    pd.testing.assert_series_equal(full.loc["Luvisol", only.columns], only.loc["Luvisol"], check_names=False)


def test_bootstrap_interval_two_values_by_hand() -> None:
    # resamples of {10, 20} of size 2 have median 10 (p = 1/4), 15 (1/2) or 20 (1/4):
    # with many resamples the 2.5 % and 97.5 % points are 10 and 20.
    df = pd.DataFrame({"site_id": ["a", "b"], "soil_type": ["X", "X"], "land_use": ["natural"] * 2,
                       "soc_stock_t_ha": [10.0, 20.0]})
    out = empirical_thresholds(df, n_boot=4000, min_n=1).iloc[0]
    assert (out["threshold_soc_t_ha_ci_low"], out["threshold_soc_t_ha"], out["threshold_soc_t_ha_ci_high"]) == (
        10.0, 15.0, 20.0)


def test_group_by_two_columns() -> None:
    df = sites().assign(climate_zone=["wet"] * 2 + ["dry"] * 10)
    out = empirical_thresholds(df, by=["soil_type", "climate_zone"], n_boot=20)
    row = out[(out.soil_type == "Luvisol") & (out.climate_zone == "wet")].iloc[0]
    assert row["n_reference"] == 2 and row["threshold_soc_t_ha"] == 15.0


def test_bad_stat_and_missing_column() -> None:
    with pytest.raises(InputError, match="statistic"):
        empirical_thresholds(sites(), stat="mode")
    with pytest.raises(InputError, match="missing column"):
        empirical_thresholds(sites(), by=["climate_zone"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1e4, allow_nan=False), min_size=1, max_size=6), st.sampled_from(["median", "mean", "p75"]))
def test_cultivated_sites_never_enter_a_threshold(cultivated: list[float], stat: str) -> None:
    natural = sites().iloc[:9]
    crops = pd.DataFrame({"site_id": [f"c{i}" for i in range(len(cultivated))], "soil_type": "Luvisol",
                          "land_use": "cropland", "soc_stock_t_ha": cultivated, "stable_soc_t_ha": np.nan})
    base = empirical_thresholds(natural, stat=stat, n_boot=30, seed=1)
    mixed = empirical_thresholds(pd.concat([natural, crops], ignore_index=True), stat=stat, n_boot=30, seed=1)
    pd.testing.assert_frame_equal(base, mixed)
