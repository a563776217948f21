"""The Stevens & Olsen (2004) Voronoi balance index against hand computations."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from soilsink.io.errors import InputError
from soilsink.mrv.balance import voronoi_balance

SQUARE = shapely.box(0, 0, 1, 1)


def test_perfect_balance_is_zero() -> None:
    g = np.linspace(0.1, 0.9, 5)
    xx, yy = np.meshgrid(g, g)
    assert voronoi_balance(xx.ravel(), yy.ravel(), SQUARE) == pytest.approx(0.0, abs=1e-20)
    assert voronoi_balance([0.25, 0.75], [0.5, 0.5], SQUARE) == pytest.approx(0.0, abs=1e-20)


def test_two_points_by_hand() -> None:
    """Points at x = 0.1 and 0.3: the Voronoi edge is x = 0.2, areas 0.2 and 0.8, v = 0.4 and
    1.6 (n = 2), index ((0.4 − 1)² + (1.6 − 1)²) / 2 = 0.36."""
    assert voronoi_balance([0.1, 0.3], [0.5, 0.5], SQUARE) == pytest.approx(0.36)


def test_clipping_to_the_region() -> None:
    """In an L-shaped region the cells are clipped: three points, areas by hand."""
    region = shapely.Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)])  # area 3
    # points at the centres of the three unit squares: cells are exactly those squares
    b = voronoi_balance([0.5, 1.5, 0.5], [0.5, 0.5, 1.5], region)
    assert b == pytest.approx(0.0, abs=1e-20)


def test_needs_distinct_points() -> None:
    with pytest.raises(InputError):
        voronoi_balance([0.5], [0.5], SQUARE)
    with pytest.raises(InputError):
        voronoi_balance([0.5, 0.5], [0.5, 0.5], SQUARE)
