"""Capacity equations against the values their papers print, and the saturation deficit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from soilsink.stable import (
    georgiou_2022_maoc_capacity,
    hassink_1997_maoc_capacity,
    maoc_capacity,
    saturation_deficit,
    saturation_ratio,
)


def test_hassink_1997_printed_equation() -> None:
    # Hassink (1997) Plant Soil 191:77-87, abstract p. 77: y = 4.09 + 0.37 x
    # (y: g C/kg soil associated with particles < 20 um; x: % particles < 20 um).
    assert hassink_1997_maoc_capacity(0.0) == pytest.approx(4.09)
    assert hassink_1997_maoc_capacity(50.0) == pytest.approx(4.09 + 0.37 * 50.0)  # 22.59 g C/kg
    assert hassink_1997_maoc_capacity(100.0) == pytest.approx(41.09)


def test_georgiou_2022_printed_slopes() -> None:
    # Georgiou et al. (2022) Nat Commun 13:3797: MOC_max of 86 mg C per g fine mineral for
    # high-activity and 48 mg C per g for low-activity minerals; the authors' code
    # (github.com/katerina-georgiou/soilC-saturation, global_analysis.py) uses
    # Qmax_gkg = (silt+clay %) * slope with slope21 = 0.86, slope11 = 0.48.
    assert georgiou_2022_maoc_capacity(100.0, "high_activity") == pytest.approx(86.0)
    assert georgiou_2022_maoc_capacity(100.0, "low_activity") == pytest.approx(48.0)
    # a loam with 60 % silt + clay: 0.86 * 60 = 51.6 g C/kg (HAC), 0.48 * 60 = 28.8 (LAC)
    got = georgiou_2022_maoc_capacity([60.0, 60.0], ["high_activity", "low_activity"])
    np.testing.assert_allclose(got, [51.6, 28.8])


def test_dispatch_and_bad_input() -> None:
    assert maoc_capacity(30.0, "hassink_1997") == pytest.approx(4.09 + 0.37 * 30)
    assert maoc_capacity(30.0, "georgiou_2022", "low_activity") == pytest.approx(14.4)
    with pytest.raises(ValueError, match="unknown capacity method"):
        maoc_capacity(30.0, "made_up")
    with pytest.raises(ValueError, match="mineralogy"):
        georgiou_2022_maoc_capacity(30.0, "medium")
    with pytest.raises(ValueError, match="0–100"):
        hassink_1997_maoc_capacity(120.0)
    assert np.isnan(hassink_1997_maoc_capacity(np.nan))


def test_deficit_and_ratio_by_hand() -> None:
    np.testing.assert_allclose(saturation_deficit([10.0, 30.0], [25.0, 25.0]), [15.0, 0.0])
    np.testing.assert_allclose(saturation_ratio([10.0, 30.0], [25.0, 25.0]), [0.4, 1.2])
    assert np.isnan(saturation_ratio(1.0, 0.0))


@given(st.floats(0, 100), st.floats(0, 100))
def test_capacity_increases_with_fine_fraction(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert hassink_1997_maoc_capacity(lo) <= hassink_1997_maoc_capacity(hi)
    assert georgiou_2022_maoc_capacity(lo) <= georgiou_2022_maoc_capacity(hi)
    assert georgiou_2022_maoc_capacity(hi, "low_activity") <= georgiou_2022_maoc_capacity(hi, "high_activity")
