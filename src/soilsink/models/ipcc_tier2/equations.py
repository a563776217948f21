"""The equations of the IPCC 2019 Tier 2 steady-state method for mineral soils, one function each.

Source: IPCC (2019) 2019 Refinement to the 2006 IPCC Guidelines for National Greenhouse Gas
Inventories, Volume 4, Chapter 5 (Cropland), section 5.2.3, Equations 5.0A–5.0G; default
parameters in Table 5.5a (``soilsink/data/ipcc_tier2/parameters.csv``). The method is a
three-pool (active, slow, passive) steady-state solution of the Century model (Paustian et al.
1997; Ogle et al. 2012). Each equation of the Refinement has several parts; the functions below
cite them as "Eq. 5.0B part 2" and so on.

All functions are pure, take numpy arrays and broadcast over any cell shape. Monthly arrays have
the 12 months on the first axis. Stocks and inputs may be in any one mass unit per area (the
equations are linear in the input); soilsink uses t C/ha.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def temperature_factor_monthly(tas: ArrayLike, tmax: ArrayLike, topt: ArrayLike,
                               ta: ArrayLike = 0.2, tb: ArrayLike = 2.63) -> np.ndarray:
    """Monthly temperature effect on decomposition (Eq. 5.0E, monthly term).

    ``T_i = ((tmax − tas)/(tmax − topt))^ta · exp(ta/tb · (1 − ((tmax − tas)/(tmax − topt))^tb))``
    for ``tas ≤ tmax``; 0 above ``tmax`` (no decomposition; the ratio is negative there).
    ``tas`` is the monthly mean air temperature, degC.
    """
    tas = np.asarray(tas, dtype=np.float64)
    ratio = (np.asarray(tmax) - tas) / (np.asarray(tmax) - np.asarray(topt))
    ok = ratio >= 0.0
    r = np.where(ok, ratio, 0.0)
    value = r ** ta * np.exp(np.asarray(ta) / tb * (1.0 - r ** tb))
    return np.where(ok, value, 0.0)


def temperature_factor(tas: ArrayLike, tmax: ArrayLike, topt: ArrayLike,
                       ta: ArrayLike = 0.2, tb: ArrayLike = 2.63) -> np.ndarray:
    """Annual temperature factor ``Tfac = Σ T_i / 12`` over the 12 months (Eq. 5.0E)."""
    return np.mean(temperature_factor_monthly(tas, tmax, topt, ta, tb), axis=0)


def mappet(pr: ArrayLike, pet: ArrayLike, mappet_max: ArrayLike = 1.25) -> np.ndarray:
    """Monthly ratio of precipitation to PET, ``min(pr/pet, 1.25)`` (Eq. 5.0F); 1.25 where PET = 0."""
    pr = np.asarray(pr, dtype=np.float64)
    pet = np.asarray(pet, dtype=np.float64)
    safe = np.where(pet > 0.0, pet, 1.0)
    return np.where(pet > 0.0, np.minimum(pr / safe, mappet_max), mappet_max)


def water_factor_monthly(pr: ArrayLike, pet: ArrayLike, irrigated: ArrayLike,
                         wfacpar1: ArrayLike, wfacpar2: ArrayLike, wfacpar3: ArrayLike,
                         wfac_irrigated: ArrayLike, mappet_max: ArrayLike = 1.25) -> np.ndarray:
    """Monthly water effect ``W_i = wfacpar1 + wfacpar2·MAPPET_i − wfacpar3·MAPPET_i²`` (Eq. 5.0F);
    ``W_i = wfac_irrigated`` (0.775) in irrigated months."""
    m = mappet(pr, pet, mappet_max)
    w = wfacpar1 + np.asarray(wfacpar2) * m - np.asarray(wfacpar3) * m * m
    return np.where(np.asarray(irrigated, dtype=bool), wfac_irrigated, w)


def water_factor(pr: ArrayLike, pet: ArrayLike, irrigated: ArrayLike, wfacpar1: ArrayLike,
                 wfacpar2: ArrayLike, wfacpar3: ArrayLike, wfac_irrigated: ArrayLike,
                 wfac_groundwater: ArrayLike = 1.5, mappet_max: ArrayLike = 1.25) -> np.ndarray:
    """Annual water factor ``Wfac = 1.5 · Σ W_i / 12`` (Eq. 5.0F; 1.5 for the ground-water effect)."""
    w = water_factor_monthly(pr, pet, irrigated, wfacpar1, wfacpar2, wfacpar3, wfac_irrigated,
                             mappet_max)
    return np.asarray(wfac_groundwater) * np.mean(w, axis=0)


def f4_active_to_slow(sand_frac: ArrayLike, f5: ArrayLike, f4par1: ArrayLike = 0.17,
                      f4par2: ArrayLike = 0.68) -> np.ndarray:
    """``f4 = 1 − f5 − (f4par1 + f4par2·sand)`` (Eq. 5.0C part 4): share of active-pool decay
    products entering the slow pool; ``sand_frac`` is the sand fraction (0–1)."""
    return 1.0 - np.asarray(f5) - (f4par1 + np.asarray(f4par2) * np.asarray(sand_frac))


def metabolic_input(c_input: ArrayLike, lignin_frac: ArrayLike, nitrogen_frac: ArrayLike,
                    sp1: ArrayLike = 0.85, sp2: ArrayLike = 0.018) -> np.ndarray:
    """``β = C_input · (sp1 − sp2 · LC/NC)`` (Eq. 5.0G part 2), the metabolic share of the input.

    The printed equation turns negative for LC/NC > sp1/sp2 (47.2); a negative metabolic input
    has no meaning, so the fraction is floored at 0 (as the Gurung & Ogle R reference does).
    """
    frac = np.asarray(sp1) - np.asarray(sp2) * np.asarray(lignin_frac) / np.asarray(nitrogen_frac)
    return np.asarray(c_input, dtype=np.float64) * np.maximum(frac, 0.0)


def active_input(c_input: ArrayLike, lignin_frac: ArrayLike, nitrogen_frac: ArrayLike,
                 f1: ArrayLike, f2: ArrayLike, f3: ArrayLike, f4: ArrayLike, f5: ArrayLike,
                 f6: ArrayLike, f7: ArrayLike, f8: ArrayLike, sp1: ArrayLike = 0.85,
                 sp2: ArrayLike = 0.018) -> np.ndarray:
    """``α``, the steady-state C flux into the active pool (Eq. 5.0G part 1)::

        α = [β·f1 + (C·(1 − LC) − β)·f2 + C·LC·f3·(f7 + f6·f8)] / [1 − f4·f7 − f5·f8 − f4·f6·f8]

    It includes, at steady state, the carbon recycled into the active pool from the slow
    (``f7``) and passive (``f8``) pools.
    """
    c = np.asarray(c_input, dtype=np.float64)
    lc = np.asarray(lignin_frac)
    beta = metabolic_input(c, lignin_frac, nitrogen_frac, sp1, sp2)
    num = beta * f1 + (c * (1.0 - lc) - beta) * f2 + c * lc * f3 * (f7 + np.asarray(f6) * f8)
    den = 1.0 - np.asarray(f4) * f7 - np.asarray(f5) * f8 - np.asarray(f4) * f6 * f8
    return num / den


def active_decay_rate(tfac: ArrayLike, wfac: ArrayLike, tillfac: ArrayLike, sand_frac: ArrayLike,
                      kfac_active: ArrayLike, k3par1: ArrayLike = 0.25,
                      k3par2: ArrayLike = 0.75) -> np.ndarray:
    """``k_A = kfac_a · Tfac · Wfac · (k3par1 + k3par2·sand) · tillfac`` (Eq. 5.0B part 3), 1/yr."""
    sand = k3par1 + np.asarray(k3par2) * np.asarray(sand_frac)
    return np.asarray(kfac_active) * tfac * wfac * sand * tillfac


def slow_decay_rate(tfac: ArrayLike, wfac: ArrayLike, tillfac: ArrayLike,
                    kfac_slow: ArrayLike) -> np.ndarray:
    """``k_S = kfac_s · Tfac · Wfac · tillfac`` (Eq. 5.0C part 3), 1/yr."""
    return np.asarray(kfac_slow) * tfac * wfac * tillfac


def passive_decay_rate(tfac: ArrayLike, wfac: ArrayLike, kfac_passive: ArrayLike) -> np.ndarray:
    """``k_P = kfac_p · Tfac · Wfac`` (Eq. 5.0D part 3; tillage does not act on it), 1/yr."""
    return np.asarray(kfac_passive) * tfac * wfac


def active_steady_state(alpha: ArrayLike, k_active: ArrayLike) -> np.ndarray:
    """``Active* = α / k_A`` (Eq. 5.0B part 2)."""
    return np.asarray(alpha) / k_active


def slow_steady_state(c_input: ArrayLike, lignin_frac: ArrayLike, f3: ArrayLike,
                      active_ss: ArrayLike, k_active: ArrayLike, f4: ArrayLike,
                      k_slow: ArrayLike) -> np.ndarray:
    """``Slow* = (C·LC·f3 + Active*·k_A·f4) / k_S`` (Eq. 5.0C part 2)."""
    c = np.asarray(c_input, dtype=np.float64)
    return (c * lignin_frac * f3 + np.asarray(active_ss) * k_active * f4) / k_slow


def passive_steady_state(active_ss: ArrayLike, k_active: ArrayLike, f5: ArrayLike,
                         slow_ss: ArrayLike, k_slow: ArrayLike, f6: ArrayLike,
                         k_passive: ArrayLike) -> np.ndarray:
    """``Passive* = (Active*·k_A·f5 + Slow*·k_S·f6) / k_P`` (Eq. 5.0D part 2)."""
    return (np.asarray(active_ss) * k_active * f5 + np.asarray(slow_ss) * k_slow * f6) / k_passive


def pool_step(previous: ArrayLike, steady_state: ArrayLike, k: ArrayLike,
              tstep_yr: float = 1.0) -> np.ndarray:
    """One year of a pool: ``X_y = X_{y−1} + (X*_y − X_{y−1}) · tstep · k`` with ``tstep·k``
    capped at 1 (Eqs. 5.0B, 5.0C, 5.0D part 1; a pool whose turnover is under one year reaches
    its steady state within the year)."""
    prev = np.asarray(previous, dtype=np.float64)
    return prev + (np.asarray(steady_state) - prev) * np.minimum(tstep_yr * np.asarray(k), 1.0)
