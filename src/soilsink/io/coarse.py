"""Coarse fragments (> 2 mm): converting a mass fraction to a volume fraction.

SOC stocks use the fine-earth bulk density (mass of fine earth per volume of fine earth) and
the volume fraction of coarse fragments ``v``: stock = SOC × BD_fine × thickness × (1 − v).
When coarse fragments are reported as a mass fraction ``m`` of the whole (oven-dry) sample,
the volumes of the two components give (Poeplau, Vos & Don 2017, SOIL 3: 61–66, Eqs. 1–4;
rock fragments of density ``rho_coarse``, by default 2.65 g/cm3, the density of quartz used
there and in FAO GSOC mapping guidance):

    v = (m / rho_coarse) / (m / rho_coarse + (1 − m) / BD_fine)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

ROCK_DENSITY_G_CM3 = 2.65


def coarse_mass_to_volume_fraction(
    coarse_mass_frac: ArrayLike,
    bulk_density_fine_g_cm3: ArrayLike,
    rock_density_g_cm3: float = ROCK_DENSITY_G_CM3,
) -> NDArray[np.float64]:
    """Volume fraction (0–1) of coarse fragments from their mass fraction (0–1).

    ``bulk_density_fine_g_cm3`` is the fine-earth bulk density. See the module docstring.
    """
    m = np.asarray(coarse_mass_frac, dtype=float)
    bd = np.asarray(bulk_density_fine_g_cm3, dtype=float)
    coarse_vol = m / rock_density_g_cm3
    fine_vol = (1.0 - m) / bd
    with np.errstate(invalid="ignore", divide="ignore"):
        v = coarse_vol / (coarse_vol + fine_vol)
    return np.where(m >= 1.0, 1.0, v)
