"""SOC stocks per depth: fixed depth and equivalent soil mass (ESM), site attributes.

Bulk-density pedotransfer functions and the coarse-fragment conversion live in
:mod:`soilsink.io.ptf` and :mod:`soilsink.io.coarse` (input harmonisation) and are re-exported.
"""

from soilsink.io.coarse import coarse_mass_to_volume_fraction
from soilsink.io.ptf import PTFS, alexander_1980, manrique_jones_1991
from soilsink.stocks.esm import (
           ESM_METHODS,
           cumulative_profile,
           esm_stock,
           esm_stocks,
           reference_masses,
)
from soilsink.stocks.fixed_depth import fixed_depth_stocks, layer_overlap_cm
from soilsink.stocks.sites import site_attributes

__all__ = ["ESM_METHODS", "PTFS", "alexander_1980", "coarse_mass_to_volume_fraction",
           "cumulative_profile", "esm_stock", "esm_stocks", "fixed_depth_stocks",
           "layer_overlap_cm", "manrique_jones_1991", "reference_masses", "site_attributes"]
