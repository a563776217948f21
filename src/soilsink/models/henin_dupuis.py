"""Hénin–Dupuis one-pool soil organic carbon balance, solved analytically.

Model (Hénin & Dupuis 1945, "bilan de la matière organique"; modern statements in Andriulo,
Mary & Guérif 1999, Agronomie 19:365–377, the basis of the AMG model, and Clivot et al. 2019,
Environ. Model. Softw. 118:99–113; equation numbers not checked here)::

    dC/dt = h·A − k·C

* ``C``  SOC of the active (humified) pool, t C/ha; here the whole SOC stock.
* ``A``  annual C input (residues, roots, manure), t C/ha/yr, constant within each year.
* ``h``  humification coefficient (–): the fraction of the input that becomes soil humus;
  the rest, ``(1 − h)·A``, is respired in the year it enters (the model's convention).
* ``k``  mineralisation rate of the humus, 1/yr.

Exact solution over a step of length ``t`` with constant input::

    C(t) = C0·e^(−k t) + h·A·(1 − e^(−k t))/k            (steady state C_e = h·A/k)
    CO2(0..t) = (1 − h)·A·t + k·∫C ds,  ∫C ds = C0·F + h·A·(t − F)/k,  F = (1 − e^(−k t))/k

CO2 is computed from the flux integral, not as a mass-balance residual, so the identity
``A·t = ΔC + CO2`` is a real check of the solution (see tests).

References
----------
Hénin S., Dupuis M. (1945) Essai de bilan de la matière organique du sol. Annales
Agronomiques 15: 17–29.
Andriulo A., Mary B., Guérif J. (1999) Modelling soil carbon dynamics with various cropping
sequences on the rolling pampas. Agronomie 19: 365–377.
Clivot H. et al. (2019) Modeling soil organic carbon evolution in long-term arable experiments
with AMG model. Environmental Modelling & Software 118: 99–113.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from soilsink.io.errors import InputError, Problem
from soilsink.models._params import as_inputs, as_param, broadcast_years, cumulative_from_zero
from soilsink.models.base import Trajectory

POOL = "humus"


def _check(humification: ArrayLike, k_yr: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    h = as_param("humification", humification, low=0.0, high=1.0)
    k = as_param("k_yr", k_yr, low=0.0, low_open=True)
    return h, k


def _decay_integral(k: np.ndarray, t: ArrayLike) -> np.ndarray:
    """F = ∫_0^t e^(−k s) ds = (1 − e^(−k t))/k, exact for small k·t (expm1)."""
    return -np.expm1(-k * np.asarray(t, dtype=np.float64)) / k


def step(
    soc_t_ha: ArrayLike,
    c_input_t_ha_yr: ArrayLike,
    humification: ArrayLike,
    k_yr: ArrayLike,
    dt_yr: ArrayLike = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact one-pool step of ``dt_yr`` years with constant input.

    Returns ``(soc_end_t_ha, co2_t_ha)``: the SOC at the end and the CO2-C released during the
    step (all t C/ha). Everything broadcasts over cells.
    """
    h, k = _check(humification, k_yr)
    c0 = np.asarray(soc_t_ha, dtype=np.float64)
    a = np.asarray(c_input_t_ha_yr, dtype=np.float64)
    t = np.asarray(dt_yr, dtype=np.float64)
    f = _decay_integral(k, t)
    c_end = c0 * np.exp(-k * t) + h * a * f
    soc_integral = c0 * f + h * a * (t - f) / k
    co2 = (1.0 - h) * a * t + k * soc_integral
    return c_end, co2


def soc_at(
    years: ArrayLike,
    soc0_t_ha: ArrayLike,
    c_input_t_ha_yr: ArrayLike,
    humification: ArrayLike,
    k_yr: ArrayLike,
) -> np.ndarray:
    """SOC (t C/ha) at time ``years`` (≥ 0, any real) under a constant input."""
    c_end, _ = step(soc0_t_ha, c_input_t_ha_yr, humification, k_yr, years)
    return c_end


def equilibrium_soc(c_input_t_ha_yr: ArrayLike, humification: ArrayLike, k_yr: ArrayLike) -> np.ndarray:
    """Steady state ``C_e = h·A/k`` (t C/ha) under constant input ``A`` (t C/ha/yr)."""
    h, k = _check(humification, k_yr)
    return h * np.asarray(c_input_t_ha_yr, dtype=np.float64) / k


def inputs_for_target(soc_t_ha: ArrayLike, humification: ArrayLike, k_yr: ArrayLike) -> np.ndarray:
    """Constant input ``A = k·C/h`` (t C/ha/yr) whose steady state is ``soc_t_ha``.

    Infinite where ``h = 0`` and the target is positive (no input can build humus).
    """
    h, k = _check(humification, k_yr)
    c = as_param("soc_t_ha", soc_t_ha, low=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c == 0.0, 0.0, k * c / h)


def years_to_fraction(k_yr: ArrayLike, fraction: ArrayLike = 0.95) -> np.ndarray:
    """Years to complete ``fraction`` of the approach from any start to equilibrium.

    From ``C(t) − C_e = (C0 − C_e)·e^(−k t)``: ``t = −ln(1 − fraction)/k``; ``fraction = 0.5``
    gives the half-life ``ln 2 / k``. Independent of the start and of the input.
    """
    k = as_param("k_yr", k_yr, low=0.0, low_open=True)
    p = as_param("fraction", fraction, low=0.0, high=1.0)
    with np.errstate(divide="ignore"):
        return -np.log1p(-p) / k


def years_to_reach(
    soc_start_t_ha: ArrayLike,
    soc_target_t_ha: ArrayLike,
    c_input_t_ha_yr: ArrayLike,
    humification: ArrayLike,
    k_yr: ArrayLike,
) -> np.ndarray:
    """Years until SOC moving from ``soc_start`` toward ``C_e`` first equals ``soc_target``.

    ``t = ln((C0 − C_e)/(C_target − C_e))/k``; ``inf`` where the target lies at or beyond the
    equilibrium (never reached), 0 where target == start, ``nan`` where the target is on the
    other side of the start (SOC moves away from it).
    """
    h, k = _check(humification, k_yr)
    c0 = np.asarray(soc_start_t_ha, dtype=np.float64)
    ct = np.asarray(soc_target_t_ha, dtype=np.float64)
    ce = h * np.asarray(c_input_t_ha_yr, dtype=np.float64) / k
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (c0 - ce) / (ct - ce)
        t = np.log(ratio) / k
    t = np.where(ratio >= 1.0, t, np.nan)  # target between start and equilibrium
    t = np.where((ct - ce) * (c0 - ce) <= 0.0, np.inf, t)  # at/beyond equilibrium
    t = np.where(ct == c0, 0.0, t)
    return t


def simulate_soc(
    soc0_t_ha: ArrayLike,
    c_input_t_ha_yr: ArrayLike,
    humification: ArrayLike,
    k_yr: ArrayLike,
) -> tuple[np.ndarray, np.ndarray]:
    """Annual run with piecewise-constant inputs ``(n_years, *cells)``.

    Returns ``(soc, co2_per_year)``: SOC of shape ``(n_years + 1, *cells)`` (index 0 the start)
    and CO2-C released in each year, shape ``(n_years, *cells)``, t C/ha.
    """
    h, k = _check(humification, k_yr)
    a = as_inputs("c_input_t_ha_yr", c_input_t_ha_yr)
    c0 = as_param("soc0_t_ha", soc0_t_ha, low=0.0)
    cells = np.broadcast_shapes(a.shape[1:], c0.shape, h.shape, k.shape)
    n = a.shape[0]
    a = broadcast_years(a, cells)
    soc = np.empty((n + 1, *cells))
    co2 = np.empty((n, *cells))
    soc[0] = c0
    # per-cell coefficients of the exact yearly step (see ``step``):
    # C1 = e·C0 + h·F·A;  CO2 = (1 − h)·A + k·∫C = (k·F)·C0 + (1 − h + h·(1 − F))·A
    # with ∫C = C0·F + h·A·(1 − F)/k over one year
    f = _decay_integral(k, 1.0)
    e = np.exp(-k)
    soc_from_a = h * f
    co2_from_c = k * f
    co2_from_a = (1.0 - h) + h * (1.0 - f)
    for year in range(n):
        soc[year + 1] = soc[year] * e + soc_from_a * a[year]
        co2[year] = co2_from_c * soc[year] + co2_from_a * a[year]
    return soc, co2


@dataclass(frozen=True)
class HeninDupuis:
    """The one-pool model behind :class:`soilsink.models.base.SOMModel`.

    ``humification`` (–) and ``k_yr`` (1/yr) are site-specific and have no universal default
    (calibrate them with :func:`soilsink.models.calibrate.fit_henin_dupuis`); both may be
    arrays broadcasting over cells. The single pool is named ``"humus"``; it is the whole SOC
    and also the stable part (the model has no labile pool: the non-humified input is respired
    in the year it enters).
    """

    humification: ArrayLike
    k_yr: ArrayLike
    name: str = "henin_dupuis"

    def __post_init__(self) -> None:
        _check(self.humification, self.k_yr)

    def equilibrium(self, c_input_t_ha_yr: ArrayLike) -> dict[str, np.ndarray]:
        return {POOL: equilibrium_soc(c_input_t_ha_yr, self.humification, self.k_yr)}

    def inputs_for_target(self, soc_t_ha: ArrayLike) -> np.ndarray:
        return inputs_for_target(soc_t_ha, self.humification, self.k_yr)

    def years_to_fraction(self, fraction: ArrayLike = 0.95) -> np.ndarray:
        return years_to_fraction(self.k_yr, fraction)

    def simulate(self, initial: dict[str, ArrayLike], c_input_t_ha_yr: ArrayLike) -> Trajectory:
        """``initial`` is ``{"humus": C0}`` (``{"soc": C0}`` is accepted too), t C/ha."""
        if POOL not in initial and "soc" not in initial:
            raise InputError(Problem(file="<model inputs>", column="initial",
                                     message="initial state needs the humus pool",
                                     value=sorted(initial), allowed="{'humus': t C/ha}"))
        c0 = initial[POOL] if POOL in initial else initial["soc"]
        soc, co2 = simulate_soc(c0, c_input_t_ha_yr, self.humification, self.k_yr)
        a = broadcast_years(np.asarray(c_input_t_ha_yr, dtype=np.float64), co2.shape[1:])
        return Trajectory(
            soc_t_ha=soc,
            stable_soc_t_ha=soc,
            co2_t_ha=cumulative_from_zero(co2),
            inputs_t_ha=cumulative_from_zero(a),
            pools={POOL: soc},
        )
