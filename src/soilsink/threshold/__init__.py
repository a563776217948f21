"""soilsink.threshold: natural reference soils, thresholds per soil type, sink potential, the cap.

See docs/threshold.md.
"""

from soilsink.threshold.cap import cap_trajectory
from soilsink.threshold.empirical import empirical_thresholds, parse_stat
from soilsink.threshold.natural import MANAGED_LAND_USES, NATURAL_LAND_USES, is_reference
from soilsink.threshold.potential import sink_potential
from soilsink.threshold.sites import validate_sites

__all__ = [
    "MANAGED_LAND_USES",
    "NATURAL_LAND_USES",
    "cap_trajectory",
    "empirical_thresholds",
    "is_reference",
    "parse_stat",
    "sink_potential",
    "validate_sites",
]
