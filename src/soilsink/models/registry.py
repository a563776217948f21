"""Pick a SOM-balance model by name, behind the shared :class:`~soilsink.models.base.SOMModel`.

    >>> import numpy as np
    >>> from soilsink.models.registry import get_model
    >>> model = get_model("icbm", r=1.1)
    >>> eq = model.equilibrium(np.array([2.0, 3.0]))          # t C/ha per pool
    >>> traj = model.simulate(eq, np.full((30, 2), 2.5))       # Trajectory, annual

Names: ``"henin_dupuis"`` (one pool; needs ``humification`` and ``k_yr``), ``"icbm"`` (two
pools; Andrén & Kätterer 1997 Table 1 defaults) and ``"rothc"``. RothC is imported lazily
from :mod:`soilsink.models.rothc`, which provides the adapter as a factory
``som_model(**params) -> SOMModel`` (or a class ``RothCModel``/``RothC``); until that module
exists, asking for ``"rothc"`` raises a clear error.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from soilsink.io.errors import InputError, Problem
from soilsink.models.base import SOMModel
from soilsink.models.henin_dupuis import HeninDupuis
from soilsink.models.icbm import ICBM

MODEL_NAMES = ("henin_dupuis", "icbm", "rothc")

_ALIASES = {"henin-dupuis": "henin_dupuis", "one_pool": "henin_dupuis", "onepool": "henin_dupuis",
            "hénin_dupuis": "henin_dupuis", "two_pool": "icbm"}

# Attribute names tried, in order, on soilsink.models.rothc to build its SOMModel adapter.
ROTHC_FACTORIES = ("som_model", "RothCModel", "RothC")


#: The shared vocabulary of accounting (project files) -> RothC adapter argument names.
_ROTHC_NAMES = {"clay_pct": "clay", "depth_cm": "depth", "iom_t_ha": "iom", "temp_c": "tas_c",
                "precip_mm": "rain_mm", "silt_pct": "silt", "bd_g_cm3": "bd", "oc_pct": "oc"}


def _rothc_vocabulary(params: dict[str, Any], module: Any) -> dict[str, Any]:
    """Accounting's argument names -> RothC's; a PET series becomes open-pan evaporation
    (``soilsink.models.rothc.open_pan_from_pet``)."""
    out = {_ROTHC_NAMES.get(k, k): v for k, v in params.items()}
    if "pet_mm" in out:
        if "evap_mm" in out:
            raise InputError(Problem(file="<model choice>", column="climate", value="pet_mm + evap_mm",
                                     message="give either PET or open-pan evaporation, not both"))
        out["evap_mm"] = module.open_pan_from_pet(out.pop("pet_mm"))
    return out


def _rothc(**params: Any) -> SOMModel:
    try:
        module = importlib.import_module("soilsink.models.rothc")
    except ModuleNotFoundError as exc:
        if exc.name != "soilsink.models.rothc":
            raise
        raise InputError(Problem(file="<model choice>", column="model", value="rothc",
                                 message="the RothC engine (soilsink.models.rothc) is not installed",
                                 allowed="henin_dupuis, icbm")) from exc
    params = _rothc_vocabulary(params, module)
    for attr in ROTHC_FACTORIES:
        factory: Callable[..., SOMModel] | None = getattr(module, attr, None)
        if factory is not None:
            try:
                return factory(**params)
            except ValueError as exc:
                raise InputError(Problem(file="<model choice>", column="model", value="rothc",
                                         message=f"bad RothC parameters: {exc}")) from exc
    raise InputError(Problem(file="<model choice>", column="model", value="rothc",
                             message="soilsink.models.rothc has no SOMModel adapter "
                                     f"({' / '.join(ROTHC_FACTORIES)})",
                             allowed="henin_dupuis, icbm"))


_FACTORIES: dict[str, Callable[..., SOMModel]] = {
    "henin_dupuis": HeninDupuis,
    "icbm": ICBM,
    "rothc": _rothc,
}


def get_model(name: str, **params: Any) -> SOMModel:
    """The model called ``name`` built with ``params`` (see each model for its parameters)."""
    key = _ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in _FACTORIES:
        raise InputError(Problem(file="<model choice>", column="model", value=name,
                                 message="unknown SOM-balance model",
                                 allowed=", ".join(MODEL_NAMES)))
    try:
        return _FACTORIES[key](**params)
    except TypeError as exc:  # wrong parameter names
        raise InputError(Problem(file="<model choice>", column="model", value=name,
                                 message=f"bad parameters for {key}: {exc}")) from exc
