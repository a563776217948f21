"""Millennial v2 (Abramoff et al. 2022): POM, LMWC, AGG, MIC and MAOM with saturating sorption.

:mod:`.kernel` has the equations (numba), :mod:`.parameters` the official parameter set with
sources, :mod:`.forcing` the daily soil forcing from monthly climate, :mod:`.model` the
:class:`Millennial` model behind the annual protocol.
"""

from soilsink.models.millennial.model import POOLS, Millennial, MillennialRun
from soilsink.models.millennial.parameters import parameter_table

__all__ = ["Millennial", "MillennialRun", "POOLS", "parameter_table"]
