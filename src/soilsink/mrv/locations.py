"""Spatially balanced sampling locations: balanced acceptance sampling (BAS) on a Halton sequence.

Robertson, B.L., Brown, J.A., McDonald, T. & Jaksons, P. (2013) BAS: Balanced acceptance
sampling of natural resources. *Biometrics* 69: 776-784. The region is enclosed in its
bounding box; two integers u₁, u₂ are drawn at random (the random start); the k-th candidate
(k = 0, 1, 2, …) is the point of the box at the Halton coordinates

    (φ₂(u₁ + k), φ₃(u₂ + k)),

φ_b the radical inverse in base b (van der Corput), computed with
:class:`scipy.stats.qmc.Halton` (unscrambled; ``fast_forward`` to each start). Candidates
outside the region are rejected; the first n accepted, in sequence order, are the sample.
Every point of the region has the same inclusion density, and the sample inherits the even
spread of the Halton sequence (a spatially balanced sample). Because the sample is an initial
run of one sequence, the points that follow (``reserve`` points) extend it and keep it
balanced: an inaccessible location is replaced by the next point of its stratum's sequence.

Here u₁ is drawn uniformly from {0, …, 2¹⁶ − 1} and u₂ from {0, …, 3¹⁰ − 1}: the k-th point
of the sequence is then uniformly distributed over a grid of 2¹⁶ × 3¹⁰ positions in the box
(φ₂(u₁ + k) falls in each interval [j 2⁻¹⁶, (j + 1) 2⁻¹⁶) equally often, φ₃(u₂ + k) in
each [j 3⁻¹⁰, (j + 1) 3⁻¹⁰)), cells about 0.15 m wide in a 10 km box, far below the accuracy with which a location is found in
the field; larger ranges cost time because ``fast_forward`` generates the skipped points.
The starts come from a NumPy generator seeded with ``(seed, role, stratum number)``, so each
stratum's points depend only on the seed, the role (sample or control) and its place in the
sorted list of strata: the same seed gives the same points, bit for bit.

:func:`srs_points` draws simple random points (uniform rejection in the bounding box) for
comparisons, e.g. of the spatial balance (:mod:`soilsink.mrv.balance`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.stats import qmc

from soilsink.io.errors import InputError, Problem

#: random starts: u₁ from {0, …, 2¹⁶ − 1} (base 2), u₂ from {0, …, 3¹⁰ − 1} (base 3)
HALTON_START_RANGE = (2**16, 3**10)
#: seed-stream codes of the roles (part of the seed of each stratum's generator)
ROLE_STREAM = {"sample": 1, "control": 2}
#: below this share of its bounding box a region is too thin to sample by rejection
MIN_ACCEPTANCE = 1e-6


@dataclass(frozen=True)
class BASDraw:
    """BAS points of one region, in sequence order: coordinates, Halton index k, random start."""

    x: np.ndarray
    y: np.ndarray
    halton_index: np.ndarray
    start: tuple[int, int]


def stream(seed: int, role: str, stratum_number: int) -> np.random.Generator:
    """The generator of one stratum and role: ``numpy.random.default_rng([seed, role, h])``."""
    return np.random.default_rng([int(seed), ROLE_STREAM[role], int(stratum_number)])


def _radical_inverse(column: int, start: int, count: int) -> np.ndarray:
    engine = qmc.Halton(d=2, scramble=False)
    engine.fast_forward(start)
    return engine.random(count)[:, column]


def halton_box(start: tuple[int, int], first: int, count: int, bounds) -> tuple[np.ndarray, np.ndarray]:
    """Candidates k = first … first + count − 1 of the random-start Halton sequence in ``bounds``."""
    xmin, ymin, xmax, ymax = bounds
    x = xmin + (xmax - xmin) * _radical_inverse(0, start[0] + first, count)
    y = ymin + (ymax - ymin) * _radical_inverse(1, start[1] + first, count)
    return x, y


def _acceptance(region) -> float:
    xmin, ymin, xmax, ymax = shapely.bounds(region)
    box_area = (xmax - xmin) * (ymax - ymin)
    p = float(shapely.area(region)) / box_area if box_area > 0 else 0.0
    if not p > MIN_ACCEPTANCE:
        raise InputError(Problem("<locations>", "a region is empty or too thin to sample",
                                 value=f"{p:.2g} of its bounding box", allowed=f"> {MIN_ACCEPTANCE:g}"))
    return p


def bas_points(region, n: int, rng: np.random.Generator) -> BASDraw:
    """The first ``n`` BAS points of the (Multi)Polygon ``region`` (Robertson et al. 2013)."""
    p = _acceptance(region)
    start = (int(rng.integers(HALTON_START_RANGE[0])), int(rng.integers(HALTON_START_RANGE[1])))
    shapely.prepare(region)
    bounds = shapely.bounds(region)
    xs, ys, ks = [], [], []
    got, first = 0, 0
    while got < n:
        count = math.ceil((n - got) / p * 1.25) + 32
        x, y = halton_box(start, first, count, bounds)
        inside = shapely.contains_xy(region, x, y)
        k = first + np.flatnonzero(inside)
        xs.append(x[inside])
        ys.append(y[inside])
        ks.append(k)
        got += int(inside.sum())
        first += count
    return BASDraw(np.concatenate(xs)[:n], np.concatenate(ys)[:n], np.concatenate(ks)[:n], start)


def srs_points(region, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` simple random (uniform) points in ``region``, by rejection in its bounding box."""
    p = _acceptance(region)
    shapely.prepare(region)
    xmin, ymin, xmax, ymax = shapely.bounds(region)
    xs, ys, got = [], [], 0
    while got < n:
        count = math.ceil((n - got) / p * 1.25) + 32
        x = rng.uniform(xmin, xmax, count)
        y = rng.uniform(ymin, ymax, count)
        inside = shapely.contains_xy(region, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        got += int(inside.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]
