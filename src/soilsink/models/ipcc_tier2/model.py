"""The IPCC 2019 Tier 2 steady-state method behind the annual SOM-model protocol.

    >>> import numpy as np
    >>> from soilsink.models.ipcc_tier2 import IPCCTier2
    >>> m = IPCCTier2(tas=[2, 3, 6, 9, 13, 16, 18, 18, 15, 11, 6, 3],
    ...               pr=[60] * 12, pet=[10, 15, 35, 60, 90, 110, 120, 100, 65, 35, 15, 10],
    ...               sand_pct=30.0, tillage="full")
    >>> eq = m.equilibrium(np.array([3.0]))               # {"active", "slow", "passive"} t C/ha
    >>> tr = m.simulate(eq, np.full((20, 1), 3.5))         # Trajectory, annual

The method (IPCC 2019 Refinement Vol. 4 Ch. 5, Eqs. 5.0A–5.0G; see
:mod:`soilsink.models.ipcc_tier2.equations`) has three pools, each relaxing every year towards
the steady state that the year's input, climate and tillage define (Eq. 5.0B–D part 1).
``equilibrium`` is that steady state (part 2), exact; ``simulate`` is the yearly update.

**Stable carbon** is the passive pool. With the default parameters its turnover time ``1/k_P``
is 65 years at the most favourable climate (optimum temperature, wettest water factor) and about
240 years in the Rothamsted example climate; the slow pool turns over in 2–3 years there under
full tillage (tillage factor 3.0), and in under 10 years untilled, so it is not counted as
stable.

**CO2.** The method updates pools towards their steady states without defining the fluxes of a
transient year, so the CO2 of a year is the balance residual ``input − ΔSOC``. Mass balance
holds by construction; at steady state the residual equals the input, as the flux balance of
the underlying Century pools requires.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numba
import numpy as np
from numpy.typing import ArrayLike

from soilsink.io.errors import InputError, Problem
from soilsink.models._params import as_inputs, as_param, broadcast_years, cumulative_from_zero
from soilsink.models.base import Trajectory
from soilsink.models.ipcc_tier2 import equations as eq
from soilsink.models.ipcc_tier2.parameters import TILLAGE, default_values
from soilsink.models.parameter_tables import with_overrides

POOLS = ("active", "slow", "passive")
SOURCE = "<ipcc_tier2 parameters>"


def _monthly(name: str, value: ArrayLike, *, low: float | None = None) -> np.ndarray:
    arr = as_param(name, value, low=low, source=SOURCE)
    if arr.ndim == 0 or arr.shape[0] != 12:
        raise InputError(Problem(file=SOURCE, column=name, value=str(arr.shape),
                                 message=f"'{name}' needs 12 monthly values on its first axis",
                                 allowed="shape (12,) or (12, *cells)"))
    return arr


def _tillage_factors(tillage: ArrayLike, p: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Tillage class(es) -> (tillage factor, f2), broadcast with any per-cell parameter draws."""
    keys = np.char.lower(np.char.strip(np.asarray(tillage, dtype=str)))
    bad = ~np.isin(keys, list(TILLAGE))
    if np.any(bad):
        raise InputError(Problem(file=SOURCE, column="tillage", value=str(keys[bad].flat[0]),
                                 message="unknown tillage class", allowed=", ".join(TILLAGE)))
    conds = [keys == k for k in TILLAGE]
    tillfac = np.select(conds, [p[t] for t, _ in TILLAGE.values()])
    f2 = np.select(conds, [p[f] for _, f in TILLAGE.values()])
    return tillfac, f2


@dataclass(frozen=True)
class Tier2Rates:
    """Per-cell constants of one site and management: decay rates (1/yr) and the steady-state
    pools per unit of C input (t C/ha per t C/ha/yr)."""

    k_active: np.ndarray
    k_slow: np.ndarray
    k_passive: np.ndarray
    active_per_input: np.ndarray
    slow_per_input: np.ndarray
    passive_per_input: np.ndarray


@numba.njit(parallel=True, cache=True)
def _run(inputs, a0, s0, p0, ma, ms, mp, xa, xs, xp, out_a, out_s, out_p):  # pragma: no cover
    """Yearly update X_y = (1 − m)·X_{y−1} + m·x·C_y per pool (Eqs. 5.0B–D part 1 with the
    steady states of part 2 written as x·C_y; m = min(k, 1)); cells flattened on axis 1.
    The coefficients ``m``, ``x`` have one row (constant climate) or one row per year."""
    n_years, n_cells = inputs.shape
    per_year = ma.shape[0] > 1
    for c in numba.prange(n_cells):
        a, s, p = a0[c], s0[c], p0[c]
        out_a[0, c], out_s[0, c], out_p[0, c] = a, s, p
        for y in range(n_years):
            r = y if per_year else 0
            ci = inputs[y, c]
            a = a + (xa[r, c] * ci - a) * ma[r, c]
            s = s + (xs[r, c] * ci - s) * ms[r, c]
            p = p + (xp[r, c] * ci - p) * mp[r, c]
            out_a[y + 1, c], out_s[y + 1, c], out_p[y + 1, c] = a, s, p


@dataclass(frozen=True)
class IPCCTier2:
    """IPCC 2019 Tier 2 steady-state method for a mineral soil (0–30 cm), vectorised over cells.

    Parameters (vocabulary names; arrays broadcast over a trailing cell shape)
    ----------
    tas : monthly mean air temperature, degC, shape ``(12, *cells)``.
    pr : monthly precipitation, mm/month, ``(12, *cells)``.
    pet : monthly potential evapotranspiration, mm/month, ``(12, *cells)``.
    sand_pct : sand content of the 0–30 cm layer, %.
    tillage : ``"full"``, ``"reduced"``, ``"no"`` or ``"unknown"`` (one per cell or one for all).
    irrigated : months irrigated (bool, ``(12, *cells)`` or one value), default none.
    lignin_frac, nitrogen_frac : lignin and nitrogen fractions of the C input (-); defaults are
        for an input of unknown quality (see the data file); use Table 5.5b values per crop.
    parameters : overrides of the Table 5.5a defaults by name (``parameter_table()``), scalars
        or cell arrays (e.g. Monte Carlo draws).
    """

    tas: ArrayLike
    pr: ArrayLike
    pet: ArrayLike
    sand_pct: ArrayLike
    tillage: ArrayLike = "full"
    irrigated: ArrayLike = False
    lignin_frac: ArrayLike | None = None
    nitrogen_frac: ArrayLike | None = None
    parameters: Mapping[str, ArrayLike] = field(default_factory=dict)
    name: str = "ipcc_tier2"
    pools: tuple[str, ...] = POOLS
    stable_pools: tuple[str, ...] = ("passive",)
    stable_definition: str = ("IPCC Tier 2 passive pool (IPCC 2019 Refinement Vol. 4 Ch. 5, "
                              "Eqs. 5.0A-5.0G)")

    def __post_init__(self) -> None:
        object.__setattr__(self, "_values", with_overrides(default_values(), self.parameters,
                                                          model="Tier 2", source=SOURCE))
        object.__setattr__(self, "_rates", self._compute_rates(self.tas, self.pr, self.pet,
                                                               self.irrigated))

    @property
    def parameter_values(self) -> dict[str, ArrayLike]:
        """Every parameter in use (defaults with overrides); sources in :func:`parameter_table`."""
        return dict(self._values)  # type: ignore[attr-defined]

    def _compute_rates(self, tas: ArrayLike, pr: ArrayLike, pet: ArrayLike,
                       irrigated: ArrayLike) -> Tier2Rates:
        """Rates and unit steady states for monthly climate with the months on axis 0 (any
        further leading axis, e.g. years, broadcasts in front of the cells)."""
        p = {k: np.asarray(v, dtype=np.float64) for k, v in self.parameter_values.items()}
        tas = _monthly("tas", tas)
        pr = _monthly("pr", pr, low=0.0)
        pet = _monthly("pet", pet, low=0.0)
        sand = as_param("sand_pct", self.sand_pct, low=0.0, high=100.0, source=SOURCE) / 100.0
        lc = as_param("lignin_frac", p["lignin_frac"] if self.lignin_frac is None
                      else self.lignin_frac, low=0.0, high=1.0, source=SOURCE)
        nc = as_param("nitrogen_frac", p["nitrogen_frac"] if self.nitrogen_frac is None
                      else self.nitrogen_frac, low=0.0, high=1.0, low_open=True, source=SOURCE)
        irrigated = np.asarray(irrigated, dtype=bool)
        if irrigated.ndim:  # months on axis 0, like the climate
            if irrigated.shape[0] != 12:
                raise InputError(Problem(file=SOURCE, column="irrigated",
                                         value=str(irrigated.shape),
                                         message="'irrigated' needs 12 monthly values on its "
                                                 "first axis (or one value)",
                                         allowed="True/False, shape (12,) or (12, *cells)"))
            pad = (1,) * (tas.ndim - irrigated.ndim)
            irrigated = irrigated.reshape((12, *pad, *irrigated.shape[1:]))
        tillfac, f2 = _tillage_factors(self.tillage, p)
        tfac = eq.temperature_factor(tas, p["tmax"], p["topt"], p["ta"], p["tb"])
        wfac = eq.water_factor(pr, pet, irrigated, p["wfacpar1"], p["wfacpar2"], p["wfacpar3"],
                               p["wfac_irrigated"], p["wfac_groundwater"], p["mappet_max"])
        f4 = eq.f4_active_to_slow(sand, p["f5"], p["f4par1"], p["f4par2"])
        ka = eq.active_decay_rate(tfac, wfac, tillfac, sand, p["kfac_active"], p["k3par1"],
                                  p["k3par2"])
        ks = eq.slow_decay_rate(tfac, wfac, tillfac, p["kfac_slow"])
        kp = eq.passive_decay_rate(tfac, wfac, p["kfac_passive"])
        if np.any(ka <= 0) or np.any(ks <= 0) or np.any(kp <= 0):
            raise InputError(Problem(file=SOURCE, column="tas", value=float(np.max(tas)),
                                     message="no decomposition: the temperature factor is 0 "
                                             "(every month above tmax)",
                                     allowed=f"some month below tmax = {float(np.min(p['tmax']))} degC"))
        alpha = eq.active_input(1.0, lc, nc, p["f1"], f2, p["f3"], f4, p["f5"], p["f6"], p["f7"],
                                p["f8"], p["sp1"], p["sp2"])
        a1 = eq.active_steady_state(alpha, ka)
        s1 = eq.slow_steady_state(1.0, lc, p["f3"], a1, ka, f4, ks)
        p1 = eq.passive_steady_state(a1, ka, p["f5"], s1, ks, p["f6"], kp)
        shape = np.broadcast_shapes(a1.shape, s1.shape, p1.shape)
        b = [np.broadcast_to(x, shape) for x in (ka, ks, kp, a1, s1, p1)]
        return Tier2Rates(*b)

    @property
    def rates(self) -> Tier2Rates:
        """Decay rates and steady state per unit input of every cell."""
        return self._rates  # type: ignore[attr-defined]

    def equilibrium(self, c_input_t_ha_yr: ArrayLike) -> dict[str, np.ndarray]:
        """Steady-state pools (t C/ha) for a constant annual input (Eqs. 5.0B–D part 2), exact."""
        c = as_param("c_input_t_ha_yr", c_input_t_ha_yr, low=0.0, source="<model inputs>")
        r = self.rates
        return {"active": c * r.active_per_input, "slow": c * r.slow_per_input,
                "passive": c * r.passive_per_input}

    def inputs_for_target(self, soc_t_ha: ArrayLike) -> np.ndarray:
        """Annual input (t C/ha/yr) whose steady-state SOC is ``soc_t_ha``; exact, because every
        steady state of the method is proportional to the input."""
        soc = as_param("soc_t_ha", soc_t_ha, low=0.0, source="<model inputs>")
        r = self.rates
        return soc / (r.active_per_input + r.slow_per_input + r.passive_per_input)

    def rates_for_years(self, tas: ArrayLike, pr: ArrayLike, pet: ArrayLike,
                        irrigated: ArrayLike | None = None) -> Tier2Rates:
        """Rates and unit steady states of each year of a climate series: ``tas``, ``pr``,
        ``pet`` (and ``irrigated``) of shape ``(n_years, 12, *cells)``; results
        ``(n_years, *cells)``. Without ``irrigated``, the model's irrigated months every year."""
        arrays = [np.asarray(x, dtype=np.float64) for x in (tas, pr, pet)]
        for name, x in zip(("tas", "pr", "pet"), arrays, strict=True):
            if x.ndim < 2 or x.shape[1] != 12:
                raise InputError(Problem(file=SOURCE, column=name, value=str(x.shape),
                                         message=f"a yearly '{name}' series needs 12 months "
                                                 "on its second axis",
                                         allowed="shape (n_years, 12, *cells)"))
        # the cell axes of the series align with the model's cells, the year axis stays in front
        ndim = max(self.rates.k_active.ndim, *(x.ndim - 2 for x in arrays))

        def months_first(x: np.ndarray) -> np.ndarray:
            x = x.reshape((*x.shape[:2], *(1,) * (ndim - (x.ndim - 2)), *x.shape[2:]))
            return np.moveaxis(x, 1, 0)

        if irrigated is None:  # the model's irrigated months, every year
            irr = np.asarray(self.irrigated, dtype=bool)
        else:
            irr = np.asarray(irrigated, dtype=bool)
            irr = months_first(irr) if irr.ndim >= 2 else irr
        tas_m, pr_m, pet_m = (months_first(x) for x in arrays)
        return self._compute_rates(tas_m, pr_m, pet_m, irr)

    def simulate(self, initial: Mapping[str, ArrayLike], c_input_t_ha_yr: ArrayLike, *,
                 tas: ArrayLike | None = None, pr: ArrayLike | None = None,
                 pet: ArrayLike | None = None, irrigated: ArrayLike | None = None) -> Trajectory:
        """Yearly run from ``initial`` pools (t C/ha) under annual inputs ``(n_years, *cells)``.

        Climate: the model's monthly climate every year, or a yearly series ``tas``, ``pr``,
        ``pet`` (optionally ``irrigated``) of shape ``(n_years, 12, *cells)``, whose factors
        then change year by year as the method applies them in an inventory. A management
        change is a run of the model built for the new management from the pools of the old
        one (e.g. its ``equilibrium``).
        """
        missing = [k for k in POOLS if k not in initial]
        if missing:
            raise InputError(Problem(file="<model inputs>", column="initial", value=sorted(initial),
                                     message=f"initial state lacks pool(s) {missing}",
                                     allowed=", ".join(POOLS)))
        i = as_inputs("c_input_t_ha_yr", c_input_t_ha_yr)
        n = i.shape[0]
        if tas is None and pr is None and pet is None:
            r, per_year = self.rates, False
        elif tas is None or pr is None or pet is None:
            raise InputError(Problem(file="<model inputs>", column="tas, pr, pet",
                                     message="a yearly climate series needs tas, pr and pet",
                                     value="partial"))
        else:
            r, per_year = self.rates_for_years(tas, pr, pet, irrigated), True
            if r.k_active.shape[0] != n:
                raise InputError(Problem(file="<model inputs>", column="tas",
                                         value=r.k_active.shape[0],
                                         message="climate series and inputs differ in years",
                                         allowed=f"{n} years"))
        coef_cells = r.k_active.shape[1:] if per_year else r.k_active.shape
        init = [np.asarray(initial[k], dtype=np.float64) for k in POOLS]
        cells = np.broadcast_shapes(i.shape[1:], coef_cells, *(x.shape for x in init))
        flat = int(np.prod(cells))
        ii = np.ascontiguousarray(broadcast_years(i, cells).reshape(n, flat))

        def cell(x):
            return np.ascontiguousarray(np.broadcast_to(x, cells).reshape(flat), dtype=np.float64)

        def coef(x):
            rows = x.shape[0] if per_year else 1
            full = np.broadcast_to(x.reshape((rows, *x.shape[per_year:])), (rows, *cells))
            return np.ascontiguousarray(full.reshape(rows, flat), dtype=np.float64)

        out = [np.empty((n + 1, flat)) for _ in POOLS]
        _run(ii, *(cell(x) for x in init),
             coef(np.minimum(r.k_active, 1.0)), coef(np.minimum(r.k_slow, 1.0)),
             coef(np.minimum(r.k_passive, 1.0)), coef(r.active_per_input),
             coef(r.slow_per_input), coef(r.passive_per_input), *out)
        pools = {k: v.reshape((n + 1, *cells)) for k, v in zip(POOLS, out, strict=True)}
        soc = pools["active"] + pools["slow"] + pools["passive"]
        inputs = cumulative_from_zero(ii.reshape((n, *cells)))
        co2 = inputs - (soc - soc[0])
        return Trajectory(soc_t_ha=soc, stable_soc_t_ha=pools["passive"].copy(), co2_t_ha=co2,
                          inputs_t_ha=inputs, pools=pools)
