"""The one small interface shared by the SOM-balance models (RothC, ICBM, Hénin–Dupuis).

Accounting swaps models through :class:`SOMModel`. Everything is annual at this interface
(RothC runs monthly inside its adapter) and vectorised: inputs and parameters broadcast over
any trailing "cell" shape (fields, grid cells, Monte Carlo draws).

Mass balance, for every model and every year::

    sum of inputs = (SOC_end - SOC_start) + CO2 released      (all t C/ha)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class Trajectory:
    """Annual states of a simulation.

    Arrays have shape ``(n_years + 1, *cells)``: index 0 is the initial state, index ``i``
    the state at the end of year ``i``.

    Attributes
    ----------
    soc_t_ha : total SOC, t C/ha.
    stable_soc_t_ha : stable part (RothC HUM + IOM; ICBM old pool; Hénin–Dupuis humus pool), t C/ha.
    co2_t_ha : cumulative CO2-C released since the start (0 at index 0), t C/ha.
    inputs_t_ha : cumulative C input since the start (0 at index 0), t C/ha.
    pools : every model pool by name (t C/ha), same shape.
    """

    soc_t_ha: np.ndarray
    stable_soc_t_ha: np.ndarray
    co2_t_ha: np.ndarray
    inputs_t_ha: np.ndarray
    pools: dict[str, np.ndarray] = field(default_factory=dict)


@runtime_checkable
class SOMModel(Protocol):
    """A soil organic matter balance model behind one small interface.

    ``c_input_t_ha_yr`` is the annual C input (plant residues, roots, manure as the model
    defines them), t C/ha/yr. For :meth:`simulate` it has shape ``(n_years, *cells)`` (or
    broadcasts to it); for :meth:`equilibrium` shape ``cells``.
    """

    name: str

    def equilibrium(self, c_input_t_ha_yr: np.ndarray) -> dict[str, np.ndarray]:
        """Pools (t C/ha) of the steady state under constant annual input, solved exactly."""
        ...

    def inputs_for_target(self, soc_t_ha: np.ndarray) -> np.ndarray:
        """Annual input (t C/ha/yr) whose steady state has total SOC = ``soc_t_ha`` (exact)."""
        ...

    def simulate(self, initial: dict[str, np.ndarray], c_input_t_ha_yr: np.ndarray) -> Trajectory:
        """Run from ``initial`` pools with the given annual inputs; return annual states."""
        ...
