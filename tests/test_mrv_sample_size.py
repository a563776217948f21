"""Sample size and Neyman allocation against published worked examples and hand computations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from soilsink.accounting.remeasure import paired_change
from soilsink.io.errors import InputError
from soilsink.mrv.sample_size import (
    neyman_allocation,
    neyman_n,
    sample_size_mdd,
    sample_size_precision,
    satterthwaite_df,
    stratified_variance,
)


def test_forest_service_handbook_stratified_example() -> None:
    """USDA Forest Service (2000) Timber Cruising Handbook FSH 2409.12, 'Calculating Sample Size
    for Stratified Random Sample': a 100-acre tract of four stands with area fractions 0.3, 0.1,
    0.2, 0.4 and CVs 40, 65, 80, 35 %; allowable error A = 10 %, t = 2, N = 1000 plots of 1/10
    acre. Published: weighted CV 48.5, n = 86 plots, allocation n1..n4 = 21, 12, 28, 25
    (21.3, 11.5, 28.4, 24.8 before rounding)."""
    w = [0.3, 0.1, 0.2, 0.4]
    cv = [40.0, 65.0, 80.0, 35.0]
    assert np.dot(w, cv) == pytest.approx(48.5)
    conf_t2 = 2 * stats.norm.cdf(2.0) - 1  # the handbook's t = 2
    r = sample_size_precision(w, cv, 100.0, 0.10, conf_t2, population=[300, 100, 200, 400],
                              quantile="normal")
    assert r.q_alpha == pytest.approx(2.0)
    assert r.n == 86
    assert r.n_h == (21, 12, 28, 25)
    shares = 86 * np.array(w) * np.array(cv) / 48.5
    np.testing.assert_allclose(shares, [21.3, 11.5, 28.4, 24.8], atol=0.06)


def test_brus_2022_relative_error_example() -> None:
    """Brus (2022) Spatial Sampling with R, ch. 12 'Computing the required sample size': SOM in
    Voorst, relative error at most 10 % with probability 95 %, prior CV 0.5:
    n = ceiling((u · cv / r)²) = ceiling(96.04) = 97 with the normal quantile u."""
    r = sample_size_precision([1.0], [0.5], 1.0, 0.10, 0.95, quantile="normal")
    assert r.n_first == pytest.approx((stats.norm.ppf(0.975) * 0.5 / 0.1) ** 2)
    assert r.n == 97


def test_brus_2022_one_sample_test_example() -> None:
    """Brus (2022) ch. 12 'Statistical testing of hypothesis': SD 4, smallest relevant difference
    1, α = 0.05 one-sided, power 0.8: 99 with the normal distribution, two units more (101)
    with the t distribution (pwr.t.test)."""
    normal = sample_size_mdd([1.0], [4.0], 1.0, power=0.8, alpha=0.05, alternative="one-sided",
                             quantile="normal")
    t = sample_size_mdd([1.0], [4.0], 1.0, power=0.8, alpha=0.05, alternative="one-sided")
    assert normal.n == 99
    assert t.n == 101


@pytest.mark.parametrize(("sd", "mdd", "alternative"), [(4.0, 1.0, "one-sided"), (10.0, 4.0, "two-sided"),
                                                        (3.0, 2.0, "two-sided")])
def test_mdd_sample_size_has_the_power_by_the_noncentral_t(sd, mdd, alternative) -> None:
    """Independent check: the exact power of the one-sample (paired) t-test at the designed n,
    from the noncentral t distribution, is at least the target (within the (t_α + t_β)
    approximation, 0.005)."""
    r = sample_size_mdd([1.0], [sd], mdd, power=0.8, alpha=0.05, alternative=alternative)
    n = r.n
    delta = mdd / sd * math.sqrt(n)
    tcrit = stats.t.ppf(0.95 if alternative == "one-sided" else 0.975, n - 1)
    power = stats.nct.sf(tcrit, n - 1, delta) + (0 if alternative == "one-sided" else stats.nct.cdf(-tcrit, n - 1, delta))
    assert power >= 0.795


def test_paired_design_matches_the_remeasure_mdd() -> None:
    """A paired design for MDD Δ gives, with the assumed SD, accounting's reported MDD <= Δ."""
    sd, mdd = 6.0, 2.5
    r = sample_size_mdd([1.0], [sd], mdd, power=0.8, alpha=0.05)
    rng = np.random.default_rng(4)
    d = rng.standard_normal(r.n)
    d = (d - d.mean()) / d.std(ddof=1) * sd  # exactly the assumed SD
    got = paired_change(np.zeros(r.n), d, alpha=0.05, beta=0.2)
    assert got.mdd <= mdd
    shorter = paired_change(np.zeros(r.n - 1), d[:-1] / d[:-1].std(ddof=1) * sd)
    assert shorter.mdd > mdd


def test_eq_5_25_by_hand_with_fpc() -> None:
    """n = (Σ W_h S_h)² / (V + Σ W_h S_h² / N) for two strata of N = 600 and 400 units."""
    w, s, pop, v = [0.6, 0.4], [10.0, 20.0], [600, 400], 1.5
    hand = (0.6 * 10 + 0.4 * 20) ** 2 / (1.5 + (0.6 * 100 + 0.4 * 400) / 1000)
    assert neyman_n(w, s, v, pop) == pytest.approx(hand)
    assert neyman_n(w, s, v) == pytest.approx(14.0**2 / 1.5)


def test_stratified_variance_and_satterthwaite_by_hand() -> None:
    w, s, n = [0.5, 0.3, 0.2], [4.0, 9.0, 1.0], [10, 6, 4]
    a = [0.25 * 16 / 10, 0.09 * 81 / 6, 0.04 * 1 / 4]
    assert stratified_variance(w, s, n) == pytest.approx(sum(a))
    ne = sum(a) ** 2 / (a[0] ** 2 / 9 + a[1] ** 2 / 5 + a[2] ** 2 / 3)
    assert satterthwaite_df(w, s, n) == pytest.approx(ne)
    assert satterthwaite_df([1.0], [3.0], [12]) == pytest.approx(11.0)
    assert min(9, 5, 3) <= ne <= 9 + 5 + 3


def test_two_sample_needs_twice_the_variance_budget() -> None:
    """Two-sample with normal quantiles: n per group = 2 (z_α + z_β)² S² / Δ², rounded up."""
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    r = sample_size_mdd([1.0], [5.0], 2.0, test="two-sample", quantile="normal")
    assert r.n == math.ceil(2 * z**2 * 25 / 4)
    assert r.se == pytest.approx(math.sqrt(2 * 25 / r.n))
    t = sample_size_mdd([1.0], [5.0], 2.0, test="two-sample")
    assert t.df == pytest.approx(2 * (t.n - 1))


def test_returned_n_is_the_smallest_that_meets_the_target() -> None:
    w, s = [0.2, 0.5, 0.3], [3.0, 8.0, 5.0]
    r = sample_size_precision(w, s, [40, 55, 50], 0.05, 0.9)
    assert r.achieved <= r.target
    n_h = neyman_allocation(r.n - 1, w, s)
    df = satterthwaite_df(w, s, n_h)
    assert stats.t.ppf(0.95, df) * math.sqrt(stratified_variance(w, s, n_h)) > r.target


def test_neyman_allocation_rounds_and_respects_bounds() -> None:
    assert neyman_allocation(10, [0.5, 0.5], [1.0, 1.0]).tolist() == [5, 5]
    # a stratum with a tiny share still gets the minimum
    assert neyman_allocation(20, [0.98, 0.01, 0.01], [1.0, 1.0, 1.0]).tolist() == [16, 2, 2]
    # over-allocation (Cochran §5.8): a stratum cannot take more than its N_h units
    got = neyman_allocation(30, [0.2, 0.8], [50.0, 1.0], population=[8, 200])
    assert got.tolist() == [8, 22]
    with pytest.raises(InputError, match="too few points"):
        neyman_allocation(3, [0.5, 0.5], [1.0, 1.0])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 10.0), st.floats(0.0, 50.0)), min_size=1, max_size=8),
       st.integers(0, 500), st.integers(2, 4))
def test_allocation_sums_to_n_and_meets_the_minimum(strata, extra, minimum) -> None:
    w = np.array([a for a, _ in strata])
    w = w / w.sum()
    s = np.array([b for _, b in strata])
    if not np.any(s > 0):
        s[0] = 1.0
    n = minimum * len(strata) + extra
    got = neyman_allocation(n, w, s, minimum=minimum)
    assert got.sum() == n
    assert np.all(got >= minimum)
    # Neyman shares are met to within one point where no bound binds
    free = got > minimum
    if free.sum() >= 2:
        share = w[free] * s[free] / (w[free] * s[free]).sum() * got[free].sum()
        assert np.all(np.abs(got[free] - share) < 1.0 + 1e-9)


@pytest.mark.parametrize("bad", [
    dict(weights=[0.5, 0.6], sd=[1, 1]),
    dict(weights=[1.0], sd=[-1.0]),
    dict(weights=[0.5, 0.5], sd=[0.0, 0.0]),
])
def test_bad_inputs_are_input_errors(bad) -> None:
    with pytest.raises(InputError):
        sample_size_precision(bad["weights"], bad["sd"], 1.0, 0.1, 0.9)


def test_bad_targets_are_input_errors() -> None:
    with pytest.raises(InputError, match="confidence"):
        sample_size_precision([1.0], [1.0], 1.0, 0.1, 1.0)
    with pytest.raises(InputError, match="non-zero prior mean"):
        sample_size_precision([1.0], [1.0], 0.0, 0.1, 0.9)
    with pytest.raises(InputError, match="positive"):
        sample_size_mdd([1.0], [1.0], 0.0)
    with pytest.raises(InputError, match="more points than can be designed"):
        sample_size_precision([1.0], [1.0], 1.0, 1e-5, 0.9)
