"""Sink = capped project change - baseline change: sign, cap, units, shapes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from soilsink.accounting.sink import C_TO_CO2, cap_trajectory_local, sink
from soilsink.io.errors import InputError
from soilsink.models.base import Trajectory

traj = arrays(np.float64, st.integers(2, 25), elements=st.floats(0, 400))


def test_hand_example():
    base = np.array([50.0, 49.0, 48.0])       # loses 2 t/ha
    proj = np.array([50.0, 52.0, 55.0])       # gains 5 t/ha
    r = sink(base, proj, area_ha=10)
    assert r.baseline_change_t_c == pytest.approx(-20)
    assert r.project_change_t_c == pytest.approx(50)
    assert r.sink_t_c == pytest.approx(70)
    assert r.sink_t_co2e == pytest.approx(70 * 44 / 12)
    assert r.sink_t_c_per_yr == pytest.approx(35)
    assert r.annual_sink_t_c.tolist() == pytest.approx([30, 40])
    capped = sink(base, proj, area_ha=10, threshold_t_ha=53)
    assert capped.project_change_t_c == pytest.approx(30)
    assert capped.not_creditable_t_c == pytest.approx(20)
    assert capped.sink_t_c == pytest.approx(50)


def test_stock_above_threshold_keeps_start_as_ceiling():
    proj = np.array([60.0, 62.0, 58.0])
    r = sink(np.full(3, 60.0), proj, threshold_t_ha=55)
    assert r.project_creditable_soc_t_ha.tolist() == [60, 60, 58]
    assert r.sink_t_c == pytest.approx(-2)   # losses still count


def test_c_to_co2():
    assert C_TO_CO2 == pytest.approx(3.6667, abs=1e-4)


@given(traj, st.floats(0, 50), st.floats(0.01, 1000))
def test_sink_sign(b, gain, area):
    """A project that stays at or above the baseline (same start) never has a negative sink."""
    p = b + gain * np.linspace(0, 1, b.size)
    r = sink(b, p, area_ha=area)
    assert r.sink_t_c >= -1e-9 * max(1.0, area * b.max())
    assert r.sink_t_co2e == pytest.approx(r.sink_t_c * C_TO_CO2)
    assert np.sum(r.annual_sink_t_c) == pytest.approx(r.sink_t_c, abs=1e-6 * max(1, area * 400))


@given(traj, traj, st.one_of(st.none(), st.floats(0, 400)))
@settings(max_examples=200)
def test_cap_properties(b, p, thr):
    n = min(b.size, p.size)
    b, p = b[:n], p[:n]
    r = sink(b, p, threshold_t_ha=thr)
    u = sink(b, p)
    tol = 1e-9 * 400
    assert r.not_creditable_t_c >= -tol
    assert r.sink_t_c <= u.sink_t_c + tol
    assert r.project_change_t_c + r.not_creditable_t_c == pytest.approx(r.project_change_uncapped_t_c, abs=tol)
    if thr is None or thr >= p.max():
        assert r.sink_t_c == pytest.approx(u.sink_t_c, abs=tol)
    else:
        assert np.all(r.project_creditable_soc_t_ha <= max(thr, p[0]) + tol)
    if thr is not None and p[0] >= thr:
        assert r.project_change_t_c <= tol   # nothing above the threshold is ever credited


def test_vectorised_fields_draws_years():
    rng = np.random.default_rng(1)
    f, d, t = 4, 50, 21
    base = 40 + rng.normal(0, 1, (f, d, 1)) + np.zeros(t)
    proj = base + np.linspace(0, 8, t)
    area = np.array([1.0, 2.0, 3.0, 4.0])
    thr = np.array([100.0, 100.0, 44.0, 100.0])
    r = sink(base, proj, area_ha=area, threshold_t_ha=thr)
    assert r.sink_t_c.shape == (f, d)
    assert r.annual_sink_t_c.shape == (f, d, t - 1)
    assert r.sink_t_c[0] == pytest.approx(np.full(d, 8.0))
    assert r.sink_t_c[3] == pytest.approx(np.full(d, 32.0))
    assert np.all(r.sink_t_c[2] < 24.0)   # capped field
    df = r.to_frame(["a", "b", "c", "d"])
    assert len(df) == f * t and set(df["field_id"]) == {"a", "b", "c", "d"}
    last = df[df["year"] == t - 1].set_index("field_id")
    assert last.loc["a", "cumulative_sink_t_c"] == pytest.approx(8.0)


def test_years_truncates_and_model_trajectory_pools():
    soc = np.array([[50.0, 40.0], [51.0, 41.0], [53.0, 42.0]])  # (years+1, cells)
    stable = soc * 0.5
    tr = Trajectory(soc, stable, np.zeros_like(soc), np.zeros_like(soc))
    base = Trajectory(np.repeat(soc[:1], 3, 0), np.repeat(stable[:1], 3, 0), np.zeros_like(soc), np.zeros_like(soc))
    r = sink(base, tr)
    assert r.sink_t_c.tolist() == pytest.approx([3.0, 2.0])
    rs = sink(base, tr, pool="stable")
    assert rs.sink_t_c.tolist() == pytest.approx([1.5, 1.0])
    assert sink(base, tr, years=1).sink_t_c.tolist() == pytest.approx([1.0, 1.0])


def test_local_cap_rule():
    cap, over = cap_trajectory_local(np.array([[30.0, 35, 45], [50, 52, 49]]), np.array([40.0, 40.0]))
    assert cap.tolist() == [[30, 35, 40], [50, 50, 49]]
    assert over.tolist() == [[0, 0, 5], [0, 2, 0]]
    cap, over = cap_trajectory_local(np.array([[30.0, 35, 45]]), np.array([np.nan]))
    assert cap.tolist() == [[30, 35, 45]] and over.tolist() == [[0, 0, 0]]


@pytest.mark.parametrize("kwargs", [dict(pool="labile"), dict(years=9), dict(area_ha=-1.0)])
def test_bad_input(kwargs):
    with pytest.raises(InputError):
        sink(np.zeros(3), np.ones(3), **kwargs)


def test_threshold_layer_cap_agrees_with_local_rule():
    threshold = pytest.importorskip("soilsink.threshold")
    if not hasattr(threshold, "cap_trajectory"):
        pytest.skip("threshold layer has no cap_trajectory")
    rng = np.random.default_rng(3)
    p = rng.uniform(20, 80, (5, 7, 11))
    thr = rng.uniform(30, 70, (5, 7))
    thr[0, 0] = np.nan
    a, b = threshold.cap_trajectory(p, thr)
    c, d = cap_trajectory_local(p, thr)
    assert np.allclose(a, c) and np.allclose(b, d)
