"""Measured stable stocks from fractionation columns and capacity stocks, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from soilsink.io.errors import InputError
from soilsink.io.horizons import validate_horizons
from soilsink.stable.measured import capacity_stocks, stable_stocks


def horizons(**extra) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "site_id": ["A", "A", "B", "B", "C"],
            "top_cm": [0, 10, 0, 15, 0],
            "bottom_cm": [10, 30, 15, 30, 30],
            "soc_g_kg": [20.0, 10.0, 30.0, 12.0, 8.0],
            "bulk_density_g_cm3": [1.0, 1.5, 1.2, 1.4, 1.3],
            "clay_pct": [20.0, 30.0, 10.0, 10.0, 40.0],
            "silt_pct": [30.0, 30.0, 20.0, 20.0, 40.0],
        }
    )
    for k, v in extra.items():
        df[k] = v
    return validate_horizons(df, "h.csv")


def test_stable_from_maoc_frac_and_poc_by_hand() -> None:
    h = horizons(maoc_g_kg=[12.0, np.nan, np.nan, np.nan, np.nan],
                 maoc_frac=[np.nan, 0.8, np.nan, np.nan, np.nan],
                 poc_g_kg=[np.nan, np.nan, 10.0, 2.0, np.nan])
    out = stable_stocks(h, 0, 30).set_index("site_id")
    # A: 12 g/kg x 1.0 x 10 cm x 0.1 = 12 t/ha; + 0.8 x 10 g/kg x 1.5 x 20 cm x 0.1 = 24 -> 36
    assert out.loc["A", "stable_soc_t_ha"] == pytest.approx(36.0)
    assert out.loc["A", "stable_source"] == "maoc_frac+maoc_g_kg"
    # B: (30-10) x 1.2 x 15 x 0.1 = 36; (12-2) x 1.4 x 15 x 0.1 = 21 -> 57
    assert out.loc["B", "stable_soc_t_ha"] == pytest.approx(57.0)
    assert out.loc["B", "stable_method"] == "measured_maoc"
    # C has no fractionation data: reported, no stock
    assert out.loc["C", "stable_method"] == "none" and np.isnan(out.loc["C", "stable_soc_t_ha"])


def test_incomplete_site_gets_no_stable_stock() -> None:
    h = horizons(maoc_g_kg=[12.0, np.nan, 20.0, 8.0, np.nan])
    out = stable_stocks(h, 0, 30).set_index("site_id")
    assert np.isnan(out.loc["A", "stable_soc_t_ha"]) and out.loc["A", "stable_method"] == "none"
    assert out.loc["B", "stable_soc_t_ha"] == pytest.approx(20 * 1.2 * 15 * 0.1 + 8 * 1.4 * 15 * 0.1)
    # only the top 10 cm of A is needed for 0-10 cm
    assert stable_stocks(h, 0, 10).set_index("site_id").loc["A", "stable_soc_t_ha"] == pytest.approx(12.0)


def test_maoc_above_soc_is_an_error_with_row() -> None:
    h = horizons(maoc_g_kg=[25.0, np.nan, np.nan, np.nan, np.nan])
    with pytest.raises(InputError) as exc:
        stable_stocks(h, 0, 30, source="h.csv")
    p = exc.value.problems[0]
    assert (p.row, p.column) == (2, "maoc_g_kg")


def test_capacity_stocks_hassink_by_hand() -> None:
    h = horizons(maoc_g_kg=[12.0, 8.0, np.nan, np.nan, 5.0])
    out = capacity_stocks(h, 0, 30, method="hassink_1997").set_index("site_id")
    # A: (4.09 + 0.37*50) x 1.0 x 10 x 0.1 + (4.09 + 0.37*60) x 1.5 x 20 x 0.1
    cap_a = (4.09 + 0.37 * 50) * 1.0 + (4.09 + 0.37 * 60) * 3.0
    assert out.loc["A", "maoc_capacity_t_ha"] == pytest.approx(cap_a)
    stable_a = 12.0 + 8.0 * 3.0
    assert out.loc["A", "saturation_deficit_t_ha"] == pytest.approx(cap_a - stable_a)
    assert out.loc["A", "saturation_ratio"] == pytest.approx(stable_a / cap_a)
    assert np.isnan(out.loc["B", "saturation_deficit_t_ha"])
    assert set(out["capacity_method"]) == {"hassink_1997"}


def test_capacity_stocks_georgiou_low_activity() -> None:
    out = capacity_stocks(horizons(), 0, 30, method="georgiou_2022", mineralogy="low_activity").set_index("site_id")
    # C: 0.48 x 80 % = 38.4 g/kg x 1.3 x 30 cm x 0.1
    assert out.loc["C", "maoc_capacity_t_ha"] == pytest.approx(38.4 * 1.3 * 3.0)


def test_capacity_needs_texture() -> None:
    h = horizons().drop(columns=["silt_pct"])
    with pytest.raises(InputError, match="silt_pct"):
        capacity_stocks(h)
