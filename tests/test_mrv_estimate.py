"""Stratified estimator of a mean change, paired by location, against hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from soilsink.accounting.remeasure import paired_change
from soilsink.io.errors import InputError, InputWarning
from soilsink.mrv.estimate import pair_by_location, stratified_estimate

TABLE = pd.DataFrame({
    "stratum": ["A"] * 4 + ["B"] * 3,
    "point_id": [f"P{i}" for i in range(7)],
    "change_t_ha": [1.0, 3.0, 2.0, 6.0, -1.0, 0.0, 4.0],
})
AREAS = {"A": 300.0, "B": 100.0}


def test_stratified_mean_and_se_by_hand() -> None:
    """A: mean 3, s² = (4 + 0 + 1 + 9)/3 = 14/3; B: mean 1, s² = (4 + 1 + 9)/2 = 7.
    W = 0.75, 0.25: mean = 2.5; v = 0.5625·(14/3)/4 + 0.0625·7/3 = 0.65625 + 0.1458333."""
    e = stratified_estimate(TABLE, AREAS)
    assert e.mean == pytest.approx(2.5)
    v = 0.5625 * (14 / 3) / 4 + 0.0625 * 7 / 3
    assert e.se == pytest.approx(np.sqrt(v))
    g = [0.5625 * (14 / 3) / 4, 0.0625 * 7 / 3]
    df = sum(g) ** 2 / (g[0] ** 2 / 3 + g[1] ** 2 / 2)
    assert e.df == pytest.approx(df)
    t = stats.t.ppf(0.975, df)
    assert e.ci == pytest.approx((2.5 - t * np.sqrt(v), 2.5 + t * np.sqrt(v)))
    assert e.total == pytest.approx(400 * 2.5)
    assert e.total_se == pytest.approx(400 * np.sqrt(v))
    assert e.strata["n"].tolist() == [4, 3]
    assert e.strata["sd"].tolist() == pytest.approx([np.sqrt(14 / 3), np.sqrt(7)])


def test_finite_population_correction() -> None:
    e = stratified_estimate(TABLE, AREAS, population={"A": 8, "B": 6})
    v = 0.5625 * (14 / 3) * (1 / 4 - 1 / 8) + 0.0625 * 7 * (1 / 3 - 1 / 6)
    assert e.se == pytest.approx(np.sqrt(v))


def test_one_stratum_equals_the_paired_change_of_accounting() -> None:
    rng = np.random.default_rng(2)
    base = 40 + 5 * rng.standard_normal(25)
    follow = base + 1.0 + rng.standard_normal(25)
    b = pd.DataFrame({"point_id": [f"P{i}" for i in range(25)], "stratum": "all", "soc_stock_t_ha": base})
    f = b.assign(soc_stock_t_ha=follow)
    e = stratified_estimate(pair_by_location(b, f), {"all": 12.5}, confidence=0.95)
    ref = paired_change(base, follow, alpha=0.05)
    assert e.mean == pytest.approx(ref.mean)
    assert e.se == pytest.approx(ref.se)
    assert e.ci == pytest.approx(ref.ci)


def test_pair_by_location_joins_warns_and_checks_strata() -> None:
    b = pd.DataFrame({"point_id": ["P1", "P2", "P3"], "stratum": ["A", "A", "B"],
                      "soc_stock_t_ha": [40.0, 42.0, 50.0]})
    f = pd.DataFrame({"point_id": ["P2", "P1", "P4"], "stratum": ["A", "A", "B"],
                      "soc_stock_t_ha": [43.5, 41.0, 55.0]})
    with pytest.warns(InputWarning, match="measured only once"):
        out = pair_by_location(b, f)
    assert out.to_dict("list") == {"stratum": ["A", "A"], "point_id": ["P1", "P2"], "change_t_ha": [1.0, 1.5]}
    f2 = f.assign(stratum=["B", "A", "B"])
    with pytest.raises(InputError, match="changed stratum"):
        pair_by_location(b.iloc[:2], f2.iloc[:2])


def test_estimate_errors_name_the_problem() -> None:
    with pytest.raises(InputError, match="at least 2 locations"):
        stratified_estimate(TABLE.iloc[:5], AREAS)
    with pytest.raises(InputError, match="has no area"):
        stratified_estimate(TABLE, {"A": 300.0})
    with pytest.raises(InputError, match="positive area"):
        stratified_estimate(TABLE, {"A": 300.0, "B": 0.0})
    bad = TABLE.copy()
    bad.loc[2, "change_t_ha"] = np.nan
    with pytest.raises(InputError, match="not a number"):
        stratified_estimate(bad, AREAS)
    with pytest.raises(InputError, match="missing column"):
        stratified_estimate(TABLE.drop(columns="change_t_ha"), AREAS)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.01, 1e4), st.lists(st.floats(-20, 20), min_size=7, max_size=7))
def test_estimate_depends_on_area_shares_only(scale, values) -> None:
    t = TABLE.assign(change_t_ha=values)
    if t.groupby("stratum")["change_t_ha"].std().min() == 0:
        return
    a = stratified_estimate(t, AREAS)
    b = stratified_estimate(t, {k: v * scale for k, v in AREAS.items()})
    assert b.mean == pytest.approx(a.mean, abs=1e-9)
    assert b.se == pytest.approx(a.se, rel=1e-9)
    assert min(values) - 1e-9 <= a.mean <= max(values) + 1e-9
