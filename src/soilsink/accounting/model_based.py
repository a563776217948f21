"""Model-based (Tier 3) accounting: run a SOM-balance model for each scenario from measured SOC.

Initialisation (equilibrium + inverse input, as in RothC practice; Coleman & Jenkinson 1996,
RothC-26.3 manual §"running the model in inverse mode"): the site is assumed at steady state
under its pre-project management, so the annual input that makes the model's equilibrium equal
the measured SOC is solved exactly (``model.inputs_for_target``), and the initial pools are the
equilibrium pools under that input (``model.equilibrium``). A measured pool split can be given
instead (``initial_pools``).

Each scenario is then an annual C-input series (t C/ha/yr): absolute values, or relative to the
initial input (``{"factor": f, "add_t_ha_yr": a}`` -> f x A0 + a; ``"initial"`` -> A0, the
business-as-usual steady state). Output trajectories have the year axis LAST (cells..., T+1),
ready for :func:`soilsink.accounting.sink.sink`.

Models come from :func:`soilsink.models.registry.get_model` (Hénin–Dupuis one-pool, ICBM,
RothC). If the registry is not installed, the one-pool Hénin–Dupuis model is available from a
local closed form (dC/dt = h A - k C, exact annual step; Hénin & Dupuis 1945; Andriulo, Mary &
Guérif 1999 Agronomie 19: 365-377, eq. 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from soilsink.io.errors import InputError, Problem
from soilsink.models.base import SOMModel, Trajectory

try:
    from soilsink.models.registry import get_model as _registry_get_model
except ImportError:  # models registry not merged: one-pool fallback below
    _registry_get_model = None

_ONE_POOL_NAMES = ("henin_dupuis", "henin-dupuis", "one_pool", "onepool")


@dataclass(frozen=True)
class _LocalHeninDupuis:
    """One-pool Hénin–Dupuis model, exact annual step (fallback when the registry is absent).

    C(t+1) = C(t) e^-k + h A (1 - e^-k)/k;  equilibrium h A/k;  CO2 = A - dC (mass balance).
    """

    humification: Any
    k_yr: Any
    name: str = "henin_dupuis"

    def __post_init__(self) -> None:
        h, k = np.asarray(self.humification, float), np.asarray(self.k_yr, float)
        if np.any((h <= 0) | (h > 1)) or np.any(k <= 0):
            raise InputError(Problem(file="<model parameters>", column="humification/k_yr",
                                     value=(self.humification, self.k_yr),
                                     message="Hénin–Dupuis needs 0 < humification <= 1 and k_yr > 0",
                                     allowed="0 < h <= 1, k > 0"))

    def equilibrium(self, c_input_t_ha_yr):
        return {"humus": np.asarray(self.humification, float) * np.asarray(c_input_t_ha_yr, float)
                / np.asarray(self.k_yr, float)}

    def inputs_for_target(self, soc_t_ha):
        return np.asarray(self.k_yr, float) * np.asarray(soc_t_ha, float) / np.asarray(self.humification, float)

    def simulate(self, initial, c_input_t_ha_yr) -> Trajectory:
        h, k = np.asarray(self.humification, float), np.asarray(self.k_yr, float)
        c0 = np.asarray(initial.get("humus", initial.get("soc")), float)
        a = np.asarray(c_input_t_ha_yr, float)
        n = a.shape[0]
        cells = np.broadcast_shapes(a.shape[1:], c0.shape, h.shape, k.shape)
        a = np.broadcast_to(a.reshape((n,) + a.shape[1:] + (1,) * (len(cells) - a.ndim + 1)), (n, *cells))
        soc = np.empty((n + 1, *cells))
        soc[0] = c0
        e, f = np.exp(-k), -np.expm1(-k) / k
        for t in range(n):
            soc[t + 1] = soc[t] * e + h * a[t] * f
        cum_in = np.concatenate([np.zeros((1, *cells)), np.cumsum(a, axis=0)])
        co2 = cum_in - (soc - soc[0])
        return Trajectory(soc, soc, co2, cum_in, {"humus": soc})


def get_model(model_name: str, **params: Any) -> SOMModel:
    """The registry's model, or the local one-pool fallback when the registry is absent."""
    if _registry_get_model is not None:
        return _registry_get_model(model_name, **params)
    if model_name.strip().lower() in _ONE_POOL_NAMES:
        try:
            return _LocalHeninDupuis(**params)
        except TypeError as exc:
            raise InputError(Problem(file="<model choice>", column="model", value=model_name,
                                     message=f"bad parameters for henin_dupuis: {exc}",
                                     allowed="humification, k_yr")) from exc
    raise InputError(Problem(file="<model choice>", column="model", value=model_name,
                             message="SOM-balance model not available (soilsink.models.registry not installed)",
                             allowed="henin_dupuis"))


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario's annual states, year axis last: shape (*cells, T+1), t C/ha."""

    name: str
    c_input_t_ha_yr: np.ndarray
    """Inputs used, shape (T, *cells)."""
    soc_t_ha: np.ndarray
    stable_soc_t_ha: np.ndarray
    co2_t_ha: np.ndarray
    inputs_t_ha: np.ndarray
    trajectory: Trajectory = field(repr=False)


@dataclass(frozen=True)
class ModelScenarios:
    model_name: str
    initial_input_t_ha_yr: np.ndarray
    initial_pools: dict[str, np.ndarray]
    runs: dict[str, ScenarioRun]

    def soc(self, scenario: str, pool: str = "total") -> np.ndarray:
        run = self.runs[scenario]
        return run.soc_t_ha if pool == "total" else run.stable_soc_t_ha


def _scenario_inputs(name: str, spec, a0: np.ndarray, years: int) -> np.ndarray:
    cells = a0.shape
    if isinstance(spec, str):
        if spec != "initial":
            raise InputError(Problem(file="<scenarios>", column=name, value=spec,
                                     message="unknown scenario input", allowed="'initial', a number, "
                                     "an annual series, or {factor, add_t_ha_yr}"))
        a = np.broadcast_to(a0, (years, *cells))
    elif isinstance(spec, Mapping):
        unknown = set(spec) - {"factor", "add_t_ha_yr"}
        if unknown:
            raise InputError(Problem(file="<scenarios>", column=name, value=sorted(unknown),
                                     message="unknown keys in a relative scenario input",
                                     allowed="factor, add_t_ha_yr"))
        f = np.asarray(spec.get("factor", 1.0), float)
        add = np.asarray(spec.get("add_t_ha_yr", 0.0), float)
        f = f.reshape(f.shape + (1,) * len(cells)) if f.ndim == 1 else f
        add = add.reshape(add.shape + (1,) * len(cells)) if add.ndim == 1 else add
        a = np.broadcast_to(a0 * f + add, (years, *cells))
    else:
        x = np.asarray(spec, float)
        if x.ndim == 1 and x.shape[0] == years:
            x = x.reshape((years,) + (1,) * len(cells))
        try:
            a = np.broadcast_to(x, (years, *cells))
        except ValueError:
            raise InputError(Problem(file="<scenarios>", column=name, value=x.shape,
                                     message="scenario inputs do not fit (years, cells)",
                                     allowed=f"scalar, ({years},) or ({years}, {', '.join(map(str, cells))})")) from None
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise InputError(Problem(file="<scenarios>", column=name, value=float(np.nanmin(a)),
                                 message="C inputs must be finite and >= 0 t C/ha/yr", allowed=">= 0"))
    return np.array(a, dtype=float)


def run_model_scenarios(model_name: str, initial_soc_t_ha, clay_pct=None, climate: Mapping[str, Any] | None = None,
                        scenarios: Mapping[str, Any] | None = None, *, years: int = 20,
                        model_params: Mapping[str, Any] | None = None,
                        initial_pools: Mapping[str, Any] | None = None) -> ModelScenarios:
    """Initialise ``model_name`` at the measured SOC and run every scenario for ``years`` years.

    ``initial_soc_t_ha``: scalar or array of cells (fields, draws ...). ``clay_pct`` and
    ``climate`` (a mapping of the model's climate arguments) are passed to the model factory
    together with ``model_params`` (e.g. ``humification``/``k_yr`` for Hénin–Dupuis, ``r`` for
    ICBM). ``scenarios``: name -> input spec (see module docstring). Returns
    :class:`ModelScenarios`; trajectories have the year axis last.
    """
    if not scenarios:
        raise InputError(Problem(file="<scenarios>", message="at least one scenario is needed",
                                 allowed="e.g. {'baseline': 'initial', 'project': {'factor': 1.2}}"))
    if years < 1:
        raise InputError(Problem(file="<scenarios>", message="years must be >= 1", value=years, allowed=">= 1"))
    params = dict(model_params or {})
    if clay_pct is not None:
        params["clay_pct"] = clay_pct
    if climate is not None:
        params.update(climate)
    model = get_model(model_name, **params)
    soc0 = np.asarray(initial_soc_t_ha, dtype=float)
    if np.any(~np.isfinite(soc0)) or np.any(soc0 < 0):
        raise InputError(Problem(file="<initial SOC>", message="initial SOC must be finite and >= 0 t C/ha",
                                 value=float(np.nanmin(soc0)), allowed=">= 0"))
    a0 = np.asarray(model.inputs_for_target(soc0), dtype=float)
    pools0 = ({k: np.asarray(v, float) for k, v in initial_pools.items()} if initial_pools is not None
              else {k: np.asarray(v, float) for k, v in model.equilibrium(a0).items()})
    cells = np.broadcast_shapes(a0.shape, soc0.shape)
    a0 = np.broadcast_to(a0, cells)
    runs = {}
    for name, spec in scenarios.items():
        a = _scenario_inputs(name, spec, a0, years)
        tr = model.simulate(pools0, a)
        runs[name] = ScenarioRun(name, a, np.moveaxis(tr.soc_t_ha, 0, -1),
                                 np.moveaxis(tr.stable_soc_t_ha, 0, -1),
                                 np.moveaxis(tr.co2_t_ha, 0, -1), np.moveaxis(tr.inputs_t_ha, 0, -1), tr)
    return ModelScenarios(getattr(model, "name", model_name), a0, pools0, runs)
