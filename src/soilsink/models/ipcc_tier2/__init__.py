"""IPCC 2019 Tier 2 steady-state method for mineral soils (three pools: active, slow, passive).

:mod:`.equations` has the equations (Eqs. 5.0A–5.0G), :mod:`.parameters` the Table 5.5a
defaults with sources, :mod:`.model` the :class:`IPCCTier2` model behind the annual protocol.
"""

from soilsink.models.ipcc_tier2.model import POOLS, IPCCTier2
from soilsink.models.ipcc_tier2.parameters import parameter_table

__all__ = ["IPCCTier2", "POOLS", "parameter_table"]
