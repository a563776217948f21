"""Calibration: recovery of known parameters from synthetic series, and a published series
(Rothamsted Highfield Bare Fallow, Poulton et al. 2022, e-RA doi:10.23637/rrs1-SOILCN1959-2014-01)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from soilsink.io.errors import InputError
from soilsink.models import henin_dupuis as hd
from soilsink.models import icbm
from soilsink.models.calibrate import (
    FitResult,
    fit_henin_dupuis,
    fit_icbm,
    load_experiment,
    predict_henin_dupuis,
    predict_icbm,
)

YEARS = np.arange(0.0, 41.0, 2.0)


def test_one_pool_recovers_parameters_without_noise() -> None:
    truth = {"soc0_t_ha": 45.0, "humification": 0.25, "k_yr": 0.03}
    inputs = np.where(np.arange(41) < 20, 3.0, 6.0)  # input doubles after 20 years
    soc = predict_henin_dupuis(YEARS, truth, inputs)
    fit = fit_henin_dupuis(YEARS, soc, inputs)
    for name, value in truth.items():
        assert fit.params[name] == pytest.approx(value, rel=1e-6)
    assert fit.rmse_t_ha < 1e-8 and fit.success


def test_one_pool_confidence_intervals_cover_truth_with_noise() -> None:
    truth = {"soc0_t_ha": 60.0, "humification": 0.2, "k_yr": 0.04}
    rng = np.random.default_rng(11)
    inputs = np.full(41, 5.0)
    hits = np.zeros(3)
    n_rep = 40
    for _ in range(n_rep):
        soc = predict_henin_dupuis(YEARS, truth, inputs) + rng.normal(0.0, 1.0, YEARS.size)
        fit = fit_henin_dupuis(YEARS, soc, inputs)
        hits += [(lo <= truth[n] <= hi) for n, lo, hi in zip(fit.names, fit.ci95_low, fit.ci95_high, strict=True)]
    # nominal 95 %: with 40 replicates expect ~38; fewer than 33 would flag broken intervals
    assert np.all(hits >= 33), hits


def test_one_pool_matches_analytic_solution_at_fractional_times() -> None:
    p = {"soc0_t_ha": 30.0, "humification": 0.3, "k_yr": 0.05}
    t = np.array([0.0, 0.5, 3.25, 10.0])
    np.testing.assert_allclose(predict_henin_dupuis(t, p, 4.0), hd.soc_at(t, 30.0, 4.0, 0.3, 0.05), rtol=1e-12)


def test_icbm_recovers_parameters_without_noise() -> None:
    truth = {"young0_t_ha": 3.0, "old0_t_ha": 41.0, "r": 1.3, "h": 0.2}
    rng = np.random.default_rng(5)
    inputs = rng.uniform(1.5, 4.0, 41)
    manure = np.where(np.arange(41) % 2 == 0, 1.0, 0.0)
    soc = predict_icbm(YEARS, truth, inputs, manure)
    fit = fit_icbm(YEARS, soc, inputs, manure, free=("old0_t_ha", "r", "h"),
                   fixed={"young0_t_ha": 3.0, "young_manure0_t_ha": 0.0})
    for name in ("old0_t_ha", "r", "h"):
        assert fit.params[name] == pytest.approx(truth[name], rel=1e-6)


def test_icbm_confidence_intervals_cover_truth_with_noise() -> None:
    truth = {"young0_t_ha": 2.5, "old0_t_ha": 50.0, "r": 1.2}
    rng = np.random.default_rng(7)
    inputs = np.full(41, 2.0)
    hits = np.zeros(2)
    n_rep = 40
    for _ in range(n_rep):
        soc = predict_icbm(YEARS, truth, inputs) + rng.normal(0.0, 0.8, YEARS.size)
        fit = fit_icbm(YEARS, soc, inputs, free=("old0_t_ha", "r"), fixed={"young0_t_ha": 2.5})
        assert np.all(fit.std_error > 0) and not fit.at_bound.any()
        hits += [(lo <= truth[n] <= hi) for n, lo, hi in zip(fit.names, fit.ci95_low, fit.ci95_high, strict=True)]
    assert np.all(hits >= 33), hits


def test_icbm_prediction_equals_model_trajectory() -> None:
    p = {"young0_t_ha": 2.0, "old0_t_ha": 40.0, **icbm.DEFAULTS}
    traj = icbm.ICBM().simulate({"young": 2.0, "old": 40.0}, np.full(10, 2.5))
    np.testing.assert_allclose(predict_icbm(np.arange(11.0), p, 2.5), traj.soc_t_ha, rtol=1e-12)


# ---- the published series -------------------------------------------------------------


@pytest.fixture(scope="module")
def highfield() -> pd.DataFrame:
    df = load_experiment("rothamsted_highfield_bare_fallow_soc")
    dates = pd.to_datetime(df["sample_date"])
    df["years"] = (dates - dates.min()).dt.days / 365.25
    return df


def _lack_of_fit_p(fit: FitResult, df: pd.DataFrame) -> float:
    """F test of lack of fit against pure error from the four replicate sub-plots."""
    pure = ((df.soc_stock_t_ha - df.groupby("sample_year").soc_stock_t_ha.transform("mean")) ** 2).sum()
    n_groups, n = df.sample_year.nunique(), len(df)
    rss = fit.residual_sd_t_ha**2 * fit.dof
    p = len(fit.names)
    f = ((rss - pure) / (n_groups - p)) / (pure / (n - n_groups))
    return float(stats.f.sf(f, n_groups - p, n - n_groups))


def test_highfield_data_file(highfield: pd.DataFrame) -> None:
    assert len(highfield) == 32 and set(highfield.sub_plot) == {1, 2, 3, 4}
    assert highfield.source.str.contains("10.23637/rrs1-SOILCN1959-2014-01").all()
    assert (highfield.c_input_t_ha_yr == 0).all()  # bare fallow: no inputs
    # stock = %SOC x soil weight (Mkg/ha) x 10, as the dataset computes it
    np.testing.assert_allclose(highfield.soc_stock_t_ha,
                               highfield.soc_pct * highfield.soil_weight_Mkg_ha * 10, rtol=1e-3)


def test_highfield_one_pool_fit_is_rejected_by_lack_of_fit(highfield: pd.DataFrame) -> None:
    """A single exponential decay cannot follow the fast-then-slow loss after ploughing."""
    fit = fit_henin_dupuis(highfield.years, highfield.soc_stock_t_ha, 0.0,
                           free=("soc0_t_ha", "k_yr"))
    assert fit.success and 0.005 < fit.params["k_yr"] < 0.05
    assert _lack_of_fit_p(fit, highfield) < 0.01


def test_highfield_icbm_fit(highfield: pd.DataFrame) -> None:
    """Two pools fit within replicate error; the old-pool decay rate is well determined and its
    CI contains the Ultuna bare-fallow value of Table 1 (k2·r = 0.00605 × 1.32 = 0.0080 /yr), a
    cross-site comparison, not a calibration target."""
    fit = fit_icbm(highfield.years, highfield.soc_stock_t_ha, 0.0,
                   free=("young0_t_ha", "old0_t_ha", "k1_yr", "k2_yr"))
    assert fit.success and not fit.at_bound.any()
    assert _lack_of_fit_p(fit, highfield) > 0.05
    one_pool = fit_henin_dupuis(highfield.years, highfield.soc_stock_t_ha, 0.0, free=("soc0_t_ha", "k_yr"))
    assert fit.rmse_t_ha < one_pool.rmse_t_ha
    k2 = fit.to_frame().set_index("parameter").loc["k2_yr"]
    assert k2.ci95_low > 0 and k2.ci95_low <= 0.00605 * 1.32 <= k2.ci95_high
    assert fit.params["k1_yr"] > fit.params["k2_yr"]
    total0 = fit.params["young0_t_ha"] + fit.params["old0_t_ha"]
    assert total0 == pytest.approx(highfield.query("sample_year == 1959").soc_stock_t_ha.mean(), abs=3.0)


# ---- bad input ---------------------------------------------------------------------------


def test_bad_calibration_input() -> None:
    with pytest.raises(InputError, match="differ in length"):
        fit_henin_dupuis([0, 1, 2], [40, 39], 1.0)
    with pytest.raises(InputError, match=">= 0"):
        fit_henin_dupuis([-1, 1, 2, 3], [40, 39, 38, 37], 1.0)
    with pytest.raises(InputError, match="more than 3 observations"):
        fit_henin_dupuis([0, 1, 2], [40, 39, 38], 1.0)
    with pytest.raises(InputError, match="unknown parameter"):
        fit_icbm(YEARS, np.full(YEARS.size, 40.0), 1.0, free=("k3_yr",))
    with pytest.raises(InputError, match="do not cover"):
        fit_henin_dupuis(YEARS, np.full(YEARS.size, 40.0), np.ones(10))
    with pytest.raises(InputError, match="no such experiment"):
        load_experiment("does_not_exist")
