"""Validation statistics against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from soilsink.io.errors import InputError
from soilsink.mrv import validation as v

OBS = [10.0, 20.0, 30.0, 40.0]
PRED = [12.0, 18.0, 33.0, 41.0]  # errors PRED − OBS: +2, −2, +3, +1


def test_hand_computed_statistics() -> None:
    assert v.bias(OBS, PRED) == pytest.approx(1.0)  # (2 − 2 + 3 + 1) / 4
    assert v.relative_bias_pct(OBS, PRED) == pytest.approx(4.0)  # 1 / 25
    assert v.rmse(OBS, PRED) == pytest.approx(np.sqrt(18 / 4))  # (4 + 4 + 9 + 1) / 4
    assert v.relative_rmse_pct(OBS, PRED) == pytest.approx(100 * np.sqrt(4.5) / 25)
    assert v.max_error(OBS, PRED) == pytest.approx(3.0)
    assert v.modelling_efficiency(OBS, PRED) == pytest.approx(1 - 18 / 500)  # Σ(OBS − Ō)² = 225+25+25+225
    assert v.coefficient_of_residual_mass(OBS, PRED) == pytest.approx((100 - 104) / 100)


def test_efficiency_reference_points() -> None:
    assert v.modelling_efficiency(OBS, OBS) == 1.0
    assert v.modelling_efficiency(OBS, [25.0] * 4) == pytest.approx(0.0)  # the observed mean
    assert v.modelling_efficiency(OBS, [40.0, 30.0, 20.0, 10.0]) < 0


def test_interval_coverage_and_binomial_test() -> None:
    lo = [9.0, 21.0, 29.0, 40.0]
    hi = [11.0, 25.0, 31.0, 41.0]  # the second misses (20 < 21); end points count
    assert v.interval_coverage(OBS, lo, hi) == pytest.approx(0.75)
    t = v.coverage_test(OBS, lo, hi, 0.95)
    assert (t.n, t.inside) == (4, 3)
    # two-sided exact binomial p for 3 of 4 at p0 = 0.95: PRED(X <= 3) = 1 − 0.95⁴ (the upper tail
    # X = 4 has probability 0.8145 > PRED(X = 3), so only the lower tail counts)
    assert t.p_value == pytest.approx(1 - 0.95**4)
    assert t.ci95[0] < 0.75 < t.ci95[1]


def test_bad_inputs() -> None:
    with pytest.raises(InputError, match="one prediction per observation"):
        v.rmse(OBS, PRED[:3])
    with pytest.raises(InputError, match="finite"):
        v.bias([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(InputError, match="vary"):
        v.modelling_efficiency([5.0, 5.0], [4.0, 6.0])
    with pytest.raises(InputError, match="lower > upper"):
        v.interval_coverage(OBS, [11.0] * 4, [9.0] * 4)
