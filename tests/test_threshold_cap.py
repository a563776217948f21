"""The cap: never raises a trajectory, never removes carbon present at t0, monotone."""

from __future__ import annotations

import numpy as np
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from soilsink.threshold import cap_trajectory

traj = arrays(np.float64, st.integers(1, 30), elements=st.floats(0, 500, allow_nan=False))
thr = st.floats(0, 500, allow_nan=False)


def test_by_hand() -> None:
    cred, over = cap_trajectory(np.array([40.0, 45.0, 55.0, 60.0, 48.0]), 50.0)
    np.testing.assert_allclose(cred, [40, 45, 50, 50, 48])
    np.testing.assert_allclose(over, [0, 0, 5, 10, 0])
    # starts above the threshold: the start is kept, gains above it are not creditable, losses count
    cred, over = cap_trajectory(np.array([60.0, 65.0, 55.0]), 50.0)
    np.testing.assert_allclose(cred, [60, 60, 55])
    np.testing.assert_allclose(over, [0, 5, 0])


def test_per_site_thresholds_and_axis() -> None:
    p = np.array([[10.0, 20.0, 30.0], [10.0, 20.0, 30.0]])
    cred, _ = cap_trajectory(p, np.array([15.0, np.nan]))
    np.testing.assert_allclose(cred, [[10, 15, 15], [10, 20, 30]])  # NaN threshold: uncapped
    cred_t, _ = cap_trajectory(p.T, np.array([15.0, 25.0]), axis=0)
    np.testing.assert_allclose(cred_t.T, [[10, 15, 15], [10, 20, 25]])


def test_xarray() -> None:
    p = xr.DataArray([[10.0, 20.0, 30.0]], dims=("site", "time"))
    cred, over = cap_trajectory(p, xr.DataArray([25.0], dims="site"))
    np.testing.assert_allclose(cred.values, [[10, 20, 25]])
    np.testing.assert_allclose(over.values, [[0, 0, 5]])


@given(traj, thr)
def test_never_raises_and_keeps_t0(p: np.ndarray, t: float) -> None:
    cred, over = cap_trajectory(p, t)
    assert np.all(cred <= p)
    assert cred[0] == p[0]
    assert np.all(over >= 0)
    np.testing.assert_allclose(cred + over, p)
    assert np.all(cred <= max(t, p[0]))


@given(traj, thr, st.floats(0, 100), st.floats(0, 100))
def test_monotone_in_trajectory_and_threshold(p: np.ndarray, t: float, dp: float, dt: float) -> None:
    cred, _ = cap_trajectory(p, t)
    assert np.all(cap_trajectory(p + dp, t)[0] >= cred)
    assert np.all(cap_trajectory(p, t + dt)[0] >= cred)


@given(traj, thr)
def test_rising_trajectory_stays_rising(p: np.ndarray, t: float) -> None:
    rising = np.sort(p)
    cred, _ = cap_trajectory(rising, t)
    assert np.all(np.diff(cred) >= 0)
