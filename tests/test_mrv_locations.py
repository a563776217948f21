"""BAS locations: the Halton construction, reproducibility, points inside, spatial balance vs SRS."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from soilsink.io.errors import InputError
from soilsink.mrv.balance import voronoi_balance
from soilsink.mrv.locations import bas_points, halton_box, srs_points, stream

#: an irregular region (m): a pentagon with a hole
REGION = shapely.Polygon([(0, 0), (1000, 0), (1000, 400), (300, 1000), (0, 800)],
                         holes=[[(200, 200), (400, 200), (400, 400), (200, 400)]])


def _radical_inverse(i: int, base: int) -> float:
    """φ_b(i) by hand: mirror the base-b digits of i about the radix point."""
    out, f = 0.0, 1.0 / base
    while i:
        i, d = divmod(i, base)
        out += d * f
        f /= base
    return out


def test_halton_box_is_the_random_start_halton_sequence() -> None:
    """Candidate k is (φ₂(u₁ + k), φ₃(u₂ + k)) scaled to the box (Robertson et al. 2013)."""
    start, first, count = (37, 1000), 5, 20
    x, y = halton_box(start, first, count, (10.0, 20.0, 110.0, 70.0))
    ks = range(first, first + count)
    np.testing.assert_allclose(x, [10 + 100 * _radical_inverse(start[0] + k, 2) for k in ks], rtol=0, atol=1e-9)
    np.testing.assert_allclose(y, [20 + 50 * _radical_inverse(start[1] + k, 3) for k in ks], rtol=0, atol=1e-9)
    # the textbook start of the sequence: (0, 0), (1/2, 1/3), (1/4, 2/3), (3/4, 1/9)
    x, y = halton_box((0, 0), 0, 4, (0.0, 0.0, 1.0, 1.0))
    np.testing.assert_allclose(x, [0, 0.5, 0.25, 0.75])
    np.testing.assert_allclose(y, [0, 1 / 3, 2 / 3, 1 / 9])


def test_bas_is_reproducible_by_seed_and_differs_between_seeds() -> None:
    a = bas_points(REGION, 40, stream(11, "sample", 2))
    b = bas_points(REGION, 40, stream(11, "sample", 2))
    c = bas_points(REGION, 40, stream(12, "sample", 2))
    d = bas_points(REGION, 40, stream(11, "control", 2))
    assert a.start == b.start and np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)
    assert not np.array_equal(a.x, d.x)


def test_reserve_points_extend_the_sample() -> None:
    short = bas_points(REGION, 25, stream(3, "sample", 0))
    long = bas_points(REGION, 31, stream(3, "sample", 0))
    np.testing.assert_array_equal(long.x[:25], short.x)
    assert np.all(np.diff(long.halton_index) > 0)


def test_bas_is_better_balanced_than_simple_random_sampling() -> None:
    """Stevens & Olsen (2004) index over 100 seeds: BAS well below SRS on average."""
    bas, srs = [], []
    for seed in range(100):
        d = bas_points(REGION, 30, stream(seed, "sample", 0))
        bas.append(voronoi_balance(d.x, d.y, REGION))
        srs.append(voronoi_balance(*srs_points(REGION, 30, stream(seed, "control", 0)), REGION))
    assert np.mean(bas) < 0.5 * np.mean(srs)
    assert np.mean(np.array(bas) < np.array(srs)) > 0.9


def test_bas_inclusion_is_even_over_the_region() -> None:
    """Equal inclusion density: first points over many seeds fall in the two halves of a
    rectangle in proportion to their areas (binomial 99.9 % bounds)."""
    rect = shapely.box(0, 0, 300, 100)
    left = 0
    seeds = 400
    for seed in range(seeds):
        d = bas_points(rect, 1, stream(seed, "sample", 0))
        left += int(d.x[0] < 100)  # one third of the area
    p = left / seeds
    assert abs(p - 1 / 3) < 3.3 * np.sqrt(1 / 3 * 2 / 3 / seeds)


def _star(seed: int, k: int):
    rng = np.random.default_rng(seed)
    ang = np.sort(rng.uniform(0, 2 * np.pi, k))
    r = rng.uniform(200, 1000, k)
    return shapely.Polygon(np.column_stack([r * np.cos(ang), r * np.sin(ang)]))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 12), st.integers(1, 60), st.integers(0, 1_000))
def test_every_point_lies_inside_the_region(shape_seed, k, n, seed) -> None:
    region = shapely.make_valid(_star(shape_seed, k))
    region = shapely.union_all([g for g in shapely.get_parts(region) if g.area > 0])
    d = bas_points(region, n, stream(seed, "sample", 0))
    assert d.x.size == n
    assert shapely.contains_xy(region, d.x, d.y).all()
    x, y = srs_points(region, n, stream(seed, "control", 0))
    assert shapely.contains_xy(region, x, y).all()


def test_empty_region_is_an_input_error() -> None:
    with pytest.raises(InputError, match="too thin"):
        bas_points(shapely.Polygon(), 3, stream(0, "sample", 0))
