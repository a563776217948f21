"""soilsink.stable: stable organic carbon, measured (MAOC) or estimated (capacity equations,
RothC HUM + IOM). Every output row names the method that produced it. See docs/threshold.md.
"""

from soilsink.stable.capacity import (
    CAPACITY_METHODS,
    GEORGIOU_2022_SLOPE_G_KG_PER_PCT,
    HASSINK_1997_INTERCEPT_G_KG,
    HASSINK_1997_SLOPE_G_KG_PER_PCT,
    georgiou_2022_maoc_capacity,
    hassink_1997_maoc_capacity,
    maoc_capacity,
    saturation_deficit,
    saturation_ratio,
)
from soilsink.stable.model import STABLE_POOLS, rothc_equilibrium_stable, rothc_stable_soc
from soilsink.stable.rothc_sites import climate_dataset, rothc_site_stable
from soilsink.stable.sites import STABLE_METHODS, site_stable_table

__all__ = [
    "CAPACITY_METHODS",
    "GEORGIOU_2022_SLOPE_G_KG_PER_PCT",
    "HASSINK_1997_INTERCEPT_G_KG",
    "HASSINK_1997_SLOPE_G_KG_PER_PCT",
    "STABLE_METHODS",
    "STABLE_POOLS",
    "climate_dataset",
    "georgiou_2022_maoc_capacity",
    "hassink_1997_maoc_capacity",
    "maoc_capacity",
    "rothc_equilibrium_stable",
    "rothc_site_stable",
    "rothc_stable_soc",
    "saturation_deficit",
    "saturation_ratio",
    "site_stable_table",
]
