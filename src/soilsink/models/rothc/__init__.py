"""RothC (Rothamsted carbon model), identical to the official RothC 2.0.0, vectorised over cells.

See ``docs/rothc.md``. Public API: :func:`simulate`, :func:`equilibrium`,
:func:`inputs_for_target`, :func:`falloon_iom`, and the official file layer
:func:`read_official_input`, :func:`run_official`, :func:`write_results`.
"""

from soilsink.models.rothc.api import equilibrium, falloon_iom, open_pan_from_pet, simulate
from soilsink.models.rothc.inverse import inputs_for_target
from soilsink.models.rothc.model import RothCModel, som_model
from soilsink.models.rothc.official_io import (
    MONTH_COLUMNS,
    YEAR_COLUMNS,
    read_official_input,
    read_official_results,
    run_official,
    write_results,
)

__all__ = [
    "RothCModel",
    "som_model",
    "equilibrium",
    "falloon_iom",
    "open_pan_from_pet",
    "inputs_for_target",
    "simulate",
    "MONTH_COLUMNS",
    "YEAR_COLUMNS",
    "read_official_input",
    "read_official_results",
    "run_official",
    "write_results",
]
