"""soilsink.mrv: monitoring design and statistics for carbon projects (see docs/mrv.md).

* :mod:`~soilsink.mrv.design` (:func:`run_design`): polygons → strata → sample size →
  balanced locations, with :mod:`~soilsink.mrv.output` writing the GeoPackage;
* :mod:`~soilsink.mrv.sample_size`: Neyman allocation and sample sizes (Cochran 1977);
* :mod:`~soilsink.mrv.locations`: balanced acceptance sampling (Robertson et al. 2013);
* :mod:`~soilsink.mrv.balance`: the Voronoi spatial-balance index (Stevens & Olsen 2004);
* :mod:`~soilsink.mrv.estimate`: the stratified estimator of a mean change, paired by location;
* :mod:`~soilsink.mrv.validation`: bias, RMSE, modelling efficiency, interval coverage.
"""

from soilsink.mrv.estimate import StratifiedEstimate, pair_by_location, stratified_estimate
from soilsink.mrv.output import read_stratum_areas
from soilsink.mrv.sample_size import (
    SampleSize,
    neyman_allocation,
    sample_size_mdd,
    sample_size_precision,
)

__all__ = [
    "SampleSize",
    "StratifiedEstimate",
    "neyman_allocation",
    "pair_by_location",
    "read_stratum_areas",
    "sample_size_mdd",
    "sample_size_precision",
    "stratified_estimate",
]
