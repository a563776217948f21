"""Spatial balance of a sample: the Voronoi-based index of Stevens & Olsen (2004).

Stevens, D.L. & Olsen, A.R. (2004) Spatially balanced sampling of natural resources. *J. Am.
Stat. Assoc.* 99: 262-278. For a sample of n points in a region A, let P_i be the Voronoi
polygon of point i clipped to A and v_i the sum of the inclusion probabilities of the
population inside P_i. For an equal-probability design over a continuous area the inclusion
density is n / |A|, so ``v_i = n · |P_i| / |A|`` and Σ v_i = n. A perfectly balanced sample
has every v_i = 1; the index is the variance of the v_i about 1,

    B = (1/n) Σ (v_i − 1)²

(smaller is better balanced). For a simple random sample the v_i tend to the normalised cell
areas of a planar Poisson–Voronoi tessellation, whose variance is about 0.28 (Gilbert 1962,
*Ann. Math. Stat.* 33: 958-972), a little more with the clipping at the region's edge;
spatially balanced designs give lower values (Robertson et al. 2013, *Biometrics* 69: 776-784,
compare BAS and GRTS with this index).
"""

from __future__ import annotations

import numpy as np
import shapely

from soilsink.io.errors import InputError, Problem


def voronoi_balance(x, y, region) -> float:
    """Stevens & Olsen (2004) balance index of the points (x, y) in the polygon ``region``.

    Coordinates in a projected (equal-area) CRS. Needs at least 2 distinct points.
    """
    xy = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    if xy.shape[0] < 2 or np.unique(xy, axis=0).shape[0] != xy.shape[0]:
        raise InputError(Problem("<balance>", "the balance index needs at least 2 distinct points",
                                 value=xy.shape[0], allowed=">= 2 distinct points"))
    area = float(shapely.area(region))
    envelope = shapely.buffer(shapely.envelope(region), np.sqrt(area))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=envelope))
    v = xy.shape[0] * shapely.area(shapely.intersection(cells, region)) / area
    return float(np.mean((v - 1.0) ** 2))
