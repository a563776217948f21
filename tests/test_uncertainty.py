"""Distributions, seeded draws and summaries against known distributions; the deduction rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from soilsink.accounting.uncertainty import (
    Constant,
    Dist,
    LogNormal,
    Normal,
    Triangular,
    TruncNormal,
    Uniform,
    draw,
    ipcc_factor,
    summarize,
    vm0042_deduction,
)
from soilsink.io.errors import InputError

N = 200_000


def test_same_seed_identical_draws_and_different_seed_differs():
    specs = {"a": Normal(mean=1, sd=0.1), "b": Uniform(low=0, high=2), "c": LogNormal(mean=3, sd=1)}
    d1, d2 = draw(specs, 1000, seed=42), draw(dict(reversed(list(specs.items()))), 1000, seed=42)
    for k in specs:
        assert np.array_equal(d1[k], d2[k])          # order of declaration does not matter
    d3 = draw(specs, 1000, seed=43)
    assert not np.array_equal(d1["a"], d3["a"])
    assert not np.array_equal(d1["a"], (d1["b"] - 1) * 0.1 + 1)  # independent streams


def test_summarize_normal_matches_quantiles():
    x = draw({"x": Normal(mean=10, sd=2)}, N, seed=1)["x"]
    s = summarize(x)
    assert s.mean == pytest.approx(10, abs=0.02)
    assert s.median == pytest.approx(10, abs=0.03)
    assert s.sd == pytest.approx(2, rel=0.01)
    assert (s.lo95, s.hi95) == pytest.approx((10 - 1.959964 * 2, 10 + 1.959964 * 2), abs=0.05)
    assert (s.lo90, s.hi90) == pytest.approx((10 - 1.644854 * 2, 10 + 1.644854 * 2), abs=0.05)


def test_summarize_uniform_and_axis():
    x = draw({"u": Uniform(low=0, high=1)}, N, seed=2)["u"]
    s = summarize(x)
    assert (s.lo95, s.lo90, s.hi90, s.hi95) == pytest.approx((0.025, 0.05, 0.95, 0.975), abs=0.005)
    two = summarize(np.stack([x, 2 * x]), axis=1)
    assert two.mean == pytest.approx([0.5, 1.0], abs=0.005)


@pytest.mark.parametrize("dist,mean,sd", [
    (LogNormal(mean=5, sd=2), 5, 2),
    (Triangular(low=0, mode=1, high=4), 5 / 3, np.sqrt((0 + 1 + 16 - 0 - 0 - 4) / 18)),
    (Uniform(low=2, high=4), 3, 2 / np.sqrt(12)),
    (Constant(value=7), 7, 0),
])
def test_moments(dist, mean, sd):
    x = dist.sample(np.random.default_rng(3), N)
    assert x.mean() == pytest.approx(mean, rel=0.01, abs=1e-9)
    assert x.std() == pytest.approx(sd, rel=0.02, abs=1e-9)
    assert dist.mean_value == pytest.approx(mean)


def test_truncnormal_bounds_and_mean():
    d = TruncNormal(mean=1.0, sd=1.0, low=0.0)
    x = d.sample(np.random.default_rng(4), N)
    assert x.min() >= 0
    assert x.mean() == pytest.approx(stats.truncnorm.mean(-1, np.inf, loc=1, scale=1), rel=0.01)
    assert d.mean_value == pytest.approx(1 + stats.norm.pdf(1) / stats.norm.cdf(1), rel=1e-9)


def test_ipcc_factor_95_interval_is_the_published_error():
    d = ipcc_factor(0.69, 12)
    assert d.sd == pytest.approx(0.69 * 12 / 196)
    x = d.sample(np.random.default_rng(5), N)
    lo, hi = np.percentile(x, [2.5, 97.5])
    assert (lo, hi) == pytest.approx((0.69 * 0.88, 0.69 * 1.12), rel=0.005)
    assert isinstance(ipcc_factor(1.0, 0), Constant)
    with pytest.raises(InputError):
        ipcc_factor(1.0, -3)


def test_dist_union_parses_project_file_dicts():
    ta = TypeAdapter(Dist)
    assert isinstance(ta.validate_python({"kind": "triangular", "low": 0, "mode": 1, "high": 2}), Triangular)
    with pytest.raises(ValidationError):
        ta.validate_python({"kind": "normal", "mean": 1, "sd": -1})
    with pytest.raises(ValidationError):
        ta.validate_python({"kind": "beta", "a": 1})


def test_draw_accepts_project_file_mappings():
    a = draw({"x": {"kind": "normal", "mean": 1, "sd": 0.1}}, 100, seed=3)["x"]
    b = draw({"x": Normal(mean=1, sd=0.1)}, 100, seed=3)["x"]
    assert np.array_equal(a, b)
    with pytest.raises(InputError) as e:
        draw({"x": {"kind": "uniform", "low": 2, "high": 1}}, 10, seed=1)
    assert e.value.problems[0].column == "x"


def test_deduction_by_hand():
    """VM0042 v2 (probability of exceedance): credited = mean - t(2/3, df) x SE.

    Large-sample t = Phi^-1(2/3) = 0.4307 (the value quoted for VM0042); df = 1 gives
    tan(pi/6) = 0.5774. No threshold: even a small UNC is deducted in full.
    """
    t_inf = 0.4307272992954574  # Phi^-1(2/3)
    small = vm0042_deduction(100.0, 5.0)
    assert small.t_value == pytest.approx(0.4307, abs=5e-5)
    assert small.uncertainty_pct == pytest.approx(100 * t_inf * 5 / 100)
    assert small.credited == pytest.approx(100 - t_inf * 5) and small.deduction > 0
    big = vm0042_deduction(100.0, 20.0)
    assert big.credited == pytest.approx(100 * (1 - big.uncertainty_pct / 100))
    assert big.credited == pytest.approx(100 - t_inf * 20)
    one_df = vm0042_deduction(100.0, 10.0, df=1)
    assert one_df.t_value == pytest.approx(np.tan(np.pi / 6))
    assert one_df.credited == pytest.approx(100 - np.tan(np.pi / 6) * 10)
    assert vm0042_deduction(1.0, 10.0).credited == 0.0  # UNC > 100 %: nothing credited
    z = 1.6448536269514722
    cons = vm0042_deduction(100.0, 20.0, conservative=True)
    assert cons.credited == pytest.approx(100 - z * 20)
    t_small = vm0042_deduction(100.0, 5.0, df=9, conservative=True)
    assert t_small.credited == pytest.approx(100 - stats.t.ppf(0.95, 9) * 5)
    assert vm0042_deduction(-5.0, 1.0).credited == -5.0


@given(st.floats(0.01, 1e6), st.floats(0.0, 1e6), st.floats(0.0, 1e6))
def test_deduction_properties(mean, se1, se2):
    """0 <= credited <= mean; more uncertainty never credits more; deduction + credited = mean."""
    a, b = vm0042_deduction(mean, min(se1, se2)), vm0042_deduction(mean, max(se1, se2))
    for d in (a, b):
        assert 0.0 <= d.credited <= mean
        assert d.credited + d.deduction == pytest.approx(mean)
    assert b.credited <= a.credited + 1e-9 * mean
