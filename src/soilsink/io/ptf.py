"""Bulk-density pedotransfer functions (PTFs) used where bulk density was not measured.

Each function takes organic carbon in % (g/100 g) and returns the fine-earth bulk density in
g/cm3. Sources:

- Manrique, L.A. & Jones, C.A. (1991) Bulk density of soils in relation to soil physical and
  chemical properties. Soil Sci. Soc. Am. J. 55: 476–481 (whole data set, about 12 000 pedons):
  ``BD = 1.660 − 0.318 × OC^0.5``.
- Alexander, E.B. (1980) Bulk densities of California soils in relation to other soil
  properties. Soil Sci. Soc. Am. J. 44: 689–692: ``BD = 1.72 − 0.294 × OC^0.5``.

Both are the organic-carbon-only forms as tabulated in PTF comparisons (e.g. Abdelbaki 2018,
Ain Shams Eng. J. 9: 1611–1619, Table 2). They are floored at 0.1 g/cm3 (the validator's lower
bound) so that very organic horizons do not get a negative density.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

BD_FLOOR_G_CM3 = 0.1


def manrique_jones_1991(oc_pct: ArrayLike) -> NDArray[np.float64]:
    """Bulk density (g/cm3) = 1.660 − 0.318 √OC (Manrique & Jones 1991, SSSAJ 55: 476)."""
    oc = np.asarray(oc_pct, dtype=float)
    return np.maximum(1.660 - 0.318 * np.sqrt(oc), BD_FLOOR_G_CM3)


def alexander_1980(oc_pct: ArrayLike) -> NDArray[np.float64]:
    """Bulk density (g/cm3) = 1.72 − 0.294 √OC (Alexander 1980, SSSAJ 44: 689)."""
    oc = np.asarray(oc_pct, dtype=float)
    return np.maximum(1.72 - 0.294 * np.sqrt(oc), BD_FLOOR_G_CM3)


#: PTFs selectable by name; the first is the default.
PTFS: dict[str, Callable[[ArrayLike], NDArray[np.float64]]] = {
    "manrique_jones_1991": manrique_jones_1991,
    "alexander_1980": alexander_1980,
}
DEFAULT_PTF = "manrique_jones_1991"
