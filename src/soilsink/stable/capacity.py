"""Capacity of the fine fraction to hold mineral-associated organic carbon (MAOC).

Two published equations, selectable by name (:data:`CAPACITY_METHODS`):

``hassink_1997``
    Hassink, J. (1997) The capacity of soils to preserve organic C and N by their association
    with clay and silt particles. *Plant and Soil* 191: 77–87 (abstract, p. 77):
    ``C_sat = 4.09 + 0.37 × F`` with C_sat in g C per kg soil and F the percentage of primary
    particles < 20 µm (clay + fine silt). The regression was fitted on that < 20 µm fraction;
    feeding clay + silt (< 50 µm) over-estimates the capacity (silt 20–50 µm holds little C).

``georgiou_2022``
    Georgiou, K. et al. (2022) Global stocks and capacity of mineral-associated soil organic
    carbon. *Nature Communications* 13: 3797. Maximum MOC = slope × (silt + clay %) g C/kg,
    the 90th-percentile (boundary-line) slope fitted on their synthesis of 1,144 profiles:
    0.86 for soils dominated by high-activity (2:1) clay minerals and 0.48 for low-activity
    (1:1 clays, kaolinite + gibbsite) minerals, i.e. 86 and 48 mg C per g fine mineral.
    Checked against the authors' published analysis code, ``global_analysis.py`` in
    github.com/katerina-georgiou/soilC-saturation (``slope21 = 0.86``, ``slope11 = 0.48``,
    ``Qmax_gkg = texture * slope``). Separate slopes by land use were not verified and are not
    offered.

The saturation deficit is capacity − current MAOC (never negative); the saturation ratio is
current / capacity.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: Hassink (1997) Plant Soil 191:77–87, abstract p. 77: intercept (g C/kg) and slope (g C/kg per %).
HASSINK_1997_INTERCEPT_G_KG = 4.09
HASSINK_1997_SLOPE_G_KG_PER_PCT = 0.37

#: Georgiou et al. (2022) Nat Commun 13:3797, MOC_max slopes (g C/kg soil per % silt+clay),
#: from the authors' code (global_analysis.py: slope21 = 0.86, slope11 = 0.48).
GEORGIOU_2022_SLOPE_G_KG_PER_PCT: dict[str, float] = {
    "high_activity": 0.86,  # 2:1 clays (smectite, illite/mica, vermiculite, chlorite)
    "low_activity": 0.48,  # 1:1 clays and oxides (kaolinite, gibbsite)
}

CAPACITY_METHODS = ("hassink_1997", "georgiou_2022")


def _fine_pct(fine_pct: ArrayLike) -> np.ndarray:
    arr = np.asarray(fine_pct, dtype=float)
    bad = (arr < 0) | (arr > 100)
    if np.any(bad):
        raise ValueError(f"fine fraction must be within 0–100 %, got {arr[bad].ravel()[:5]}")
    return arr


def hassink_1997_maoc_capacity(fine_pct: ArrayLike) -> np.ndarray:
    """MAOC capacity (g C/kg soil) from the fine fraction (%) by Hassink (1997).

    ``fine_pct`` is the % of particles < 20 µm (clay + fine silt), see the module docstring.
    NaN in, NaN out.
    """
    return HASSINK_1997_INTERCEPT_G_KG + HASSINK_1997_SLOPE_G_KG_PER_PCT * _fine_pct(fine_pct)


def georgiou_2022_maoc_capacity(silt_clay_pct: ArrayLike, mineralogy: ArrayLike = "high_activity") -> np.ndarray:
    """Maximum MAOC (g C/kg soil) from silt + clay (%) by Georgiou et al. (2022).

    ``mineralogy`` is ``"high_activity"`` or ``"low_activity"`` (scalar or array broadcast
    against ``silt_clay_pct``); see :data:`GEORGIOU_2022_SLOPE_G_KG_PER_PCT`.
    """
    x = _fine_pct(silt_clay_pct)
    kind = np.asarray(mineralogy, dtype=object)
    unknown = sorted({str(k) for k in np.ravel(kind)} - set(GEORGIOU_2022_SLOPE_G_KG_PER_PCT))
    if unknown:
        raise ValueError(
            f"unknown mineralogy {unknown}; allowed: {', '.join(GEORGIOU_2022_SLOPE_G_KG_PER_PCT)}"
        )
    slope = np.vectorize(GEORGIOU_2022_SLOPE_G_KG_PER_PCT.__getitem__, otypes=[float])(kind)
    return slope * x


def maoc_capacity(fine_pct: ArrayLike, method: str = "hassink_1997", mineralogy: ArrayLike = "high_activity") -> np.ndarray:
    """Dispatch to a capacity equation by name (:data:`CAPACITY_METHODS`), in g C/kg soil."""
    if method == "hassink_1997":
        return hassink_1997_maoc_capacity(fine_pct)
    if method == "georgiou_2022":
        return georgiou_2022_maoc_capacity(fine_pct, mineralogy)
    raise ValueError(f"unknown capacity method {method!r}; allowed: {', '.join(CAPACITY_METHODS)}")


def saturation_deficit(maoc: ArrayLike, capacity: ArrayLike) -> np.ndarray:
    """Saturation deficit = max(0, capacity − MAOC), same units as the inputs (g/kg or t/ha)."""
    return np.maximum(np.asarray(capacity, dtype=float) - np.asarray(maoc, dtype=float), 0.0)


def saturation_ratio(maoc: ArrayLike, capacity: ArrayLike) -> np.ndarray:
    """Degree of saturation = MAOC / capacity (dimensionless; NaN where capacity ≤ 0)."""
    cap = np.asarray(capacity, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cap > 0, np.asarray(maoc, dtype=float) / cap, np.nan)
