"""Numba kernels of Millennial v2: the right-hand side, the daily RK4 run and the steady states.

Equations (numbers of Abramoff et al. 2022, Soil Biol. Biochem. 164:108466, as in the official
``R/models/derivs_V2_MM.R`` of rabramoff/Millennial), pools in g C/m2, time in days:

* Eq. 4   ``w_d = (θ/porosity)^0.5``
* Eq. 15  ``w_b = exp(−λ·matpot) · (kamin + (1 − kamin)·((porosity − θ)/porosity)^0.5) · w_d``
* Eq. 3/14 ``V_pl = α_pl·exp(−Ea_pl/(R·(T + 273.15)))``, ``V_lb`` likewise
* Eq. 2   POM → LMWC ``V_pl·w_d·POM·MIC/(K_pl + MIC)``
* Eq. 5   POM → AGG ``rate_pa·w_d·POM``;  Eq. 6 AGG breakdown ``rate_break·w_d·AGG``
* Eq. 8   leaching ``rate_leach·w_d·LMWC``
* Eq. 9   sorption ``w_d·K_lm·LMWC·(1 − MAOM/Q_max)`` (linear variant: without the bracket)
* Eq. 10  ``K_lm = exp(−p1·pH − p2)·K_des``;  Eq. 11 ``Q_max = BD·pc·(clay + silt)``
* Eq. 12  desorption ``K_des·MAOM/Q_max``
* Eq. 13  uptake ``V_lb·w_b·MIC·LMWC/(K_lb + LMWC)``;  Eq. 16 turnover ``rate_bd·MIC²``
* Eq. 18  MAOM → AGG ``rate_ma·w_d·MAOM``;  Eq. 21 respiration ``uptake·(1 − CUE)``,
  ``CUE = cue_ref − cue_t·(T − tae_ref)``
* Eqs. 1, 7, 17, 20, 19: the balances of POM, LMWC, AGG, MIC, MAOM.

Each flux is zero when a pool it depends on is not positive, as in the official code.
The state vector is (POM, LMWC, AGG, MIC, MAOM) followed by the cumulative CO2, leached C and
input (g C/m2), all integrated by the same RK4 step so that the balance is exact.
"""

from __future__ import annotations

import math

import numba
import numpy as np

PARAM_NAMES = ("param_pi", "param_pa", "kaff_pl", "alpha_pl", "eact_pl", "rate_pa",
               "rate_break", "rate_leach", "kaff_des", "param_p1", "param_p2", "kaff_lb",
               "alpha_lb", "eact_lb", "rate_bd", "rate_ma", "cue_ref", "cue_t", "tae_ref",
               "matpot", "lambda", "porosity", "kamin", "param_pb", "param_pc", "gas_const")
# indices into the parameter rows; two derived entries follow: K_lm (Eq. 10) and Q_max (Eq. 11)
(PI, PA, KPL, APL, EPL, RPA, RBR, RLE, KDES, P1, P2, KLB, ALB, ELB, RBD, RMA, CUER, CUET,
 TAER, MATPOT, LAMBDA, POR, KAMIN, PB, PC, GAS) = range(len(PARAM_NAMES))
KLM, QMAX = len(PARAM_NAMES), len(PARAM_NAMES) + 1
N_ROW = len(PARAM_NAMES) + 2
N_POOL, N_STATE = 5, 8


@numba.njit(cache=True)
def derivs(x, t_c, theta, npp, p, saturating, out):  # pragma: no cover
    """d/dt of the 8-vector ``x`` (g C/m2/d) at soil temperature ``t_c`` (degC), volumetric
    moisture ``theta`` (m3/m3) and plant input ``npp`` (g C/m2/d); ``p`` one parameter row."""
    pom, lmwc, agg, mic, maom = x[0], x[1], x[2], x[3], x[4]
    wd = (theta / p[POR]) ** 0.5
    wb = math.exp(p[LAMBDA] * -p[MATPOT]) * (
        p[KAMIN] + (1.0 - p[KAMIN]) * ((p[POR] - theta) / p[POR]) ** 0.5) * wd
    tk = t_c + 273.15
    vmax_pl = p[APL] * math.exp(-p[EPL] / (p[GAS] * tk))
    vmax_lb = p[ALB] * math.exp(-p[ELB] / (p[GAS] * tk))
    qmax = p[QMAX]
    f_po_lm = vmax_pl * wd * pom * mic / (p[KPL] + mic) if (pom > 0.0 and mic > 0.0) else 0.0
    f_po_ag = p[RPA] * wd * pom if pom > 0.0 else 0.0
    f_ag_br = p[RBR] * wd * agg if agg > 0.0 else 0.0
    f_lm_le = p[RLE] * wd * lmwc if lmwc > 0.0 else 0.0
    if lmwc > 0.0 and maom > 0.0:
        f_lm_ma = wd * p[KLM] * lmwc * ((1.0 - maom / qmax) if saturating else 1.0)
    else:
        f_lm_ma = 0.0
    f_ma_lm = p[KDES] * maom / qmax if maom > 0.0 else 0.0
    f_lm_mb = vmax_lb * wb * mic * lmwc / (p[KLB] + lmwc) if (lmwc > 0.0 and mic > 0.0) else 0.0
    f_mb_tu = p[RBD] * mic ** 2.0 if mic > 0.0 else 0.0
    f_ma_ag = p[RMA] * wd * maom if maom > 0.0 else 0.0
    if mic > 0.0 and lmwc > 0.0:
        f_mb_atm = f_lm_mb * (1.0 - (p[CUER] - p[CUET] * (t_c - p[TAER])))
    else:
        f_mb_atm = 0.0
    out[0] = npp * p[PI] + f_ag_br * p[PA] - f_po_ag - f_po_lm
    out[1] = (npp * (1.0 - p[PI]) - f_lm_le + f_po_lm - f_lm_ma - f_lm_mb
              + f_mb_tu * (1.0 - p[PB]) + f_ma_lm)
    out[2] = f_ma_ag + f_po_ag - f_ag_br
    out[3] = f_lm_mb - f_mb_tu - f_mb_atm
    out[4] = f_lm_ma - f_ma_lm + f_mb_tu * p[PB] - f_ma_ag + f_ag_br * (1.0 - p[PA])
    out[5] = f_mb_atm
    out[6] = f_lm_le
    out[7] = npp


@numba.njit(cache=True)
def rk4_day(x, t0, t1, w0, w1, n0, n1, p, saturating, k1, k2, k3, k4, tmp):  # pragma: no cover
    """One classical RK4 step of one day (deSolve ``rk4`` with unit step). Forcing is linear
    between the day's start (``t0, w0, n0``) and end values, as R's ``approxfun`` gives it."""
    tm, wm, nm = t0 + (t1 - t0) * 0.5, w0 + (w1 - w0) * 0.5, n0 + (n1 - n0) * 0.5
    derivs(x, t0, w0, n0, p, saturating, k1)
    for i in range(N_STATE):
        tmp[i] = x[i] + 0.5 * k1[i]
    derivs(tmp, tm, wm, nm, p, saturating, k2)
    for i in range(N_STATE):
        tmp[i] = x[i] + 0.5 * k2[i]
    derivs(tmp, tm, wm, nm, p, saturating, k3)
    for i in range(N_STATE):
        tmp[i] = x[i] + k3[i]
    derivs(tmp, t1, w1, n1, p, saturating, k4)
    for i in range(N_STATE):
        x[i] = x[i] + (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]) / 6.0


@numba.njit(cache=True)
def run_cell(x, tsoil, theta, npp_year, shape, p, saturating, annual):  # pragma: no cover
    """Daily run of one cell over ``len(npp_year)`` years of 365 days; ``x`` (8,) is updated in
    place and each year-end state is written to ``annual[y + 1]``.

    Forcing: ``tsoil``, ``theta``, ``shape`` are 365 daily values repeated every year; the
    input of day ``d`` of year ``y`` is ``npp_year[y]·shape[d]`` (g C/m2/d). Values are
    interpolated linearly between consecutive days across year ends (the last year's pattern
    continues after the run), like ``approxfun`` over the whole daily series.
    """
    work = np.empty((5, N_STATE))
    k1, k2, k3, k4, tmp = work[0], work[1], work[2], work[3], work[4]
    n_years = npp_year.shape[0]
    for i in range(N_STATE):
        annual[0, i] = x[i]
    for y in range(n_years):
        y_next = y + 1 if y + 1 < n_years else y
        for d in range(365):
            e = d + 1 if d < 364 else 0
            n0 = npp_year[y] * shape[d]
            n1 = npp_year[y] * shape[e] if d < 364 else npp_year[y_next] * shape[0]
            rk4_day(x, tsoil[d], tsoil[e], theta[d], theta[e], n0, n1, p, saturating,
                    k1, k2, k3, k4, tmp)
        for i in range(N_STATE):
            annual[y + 1, i] = x[i]


@numba.njit(parallel=True, cache=True)
def run_cells(x0, tsoil, theta, npp_year, shape, par, saturating, annual):  # pragma: no cover
    """:func:`run_cell` for every cell (axis 0 of ``x0``, ``tsoil``, ... ``annual``) in parallel."""
    for c in numba.prange(x0.shape[0]):
        x = x0[c].copy()
        run_cell(x, tsoil[c], theta[c], npp_year[c], shape[c], par[c], saturating, annual[c])


@numba.njit(cache=True)
def steady_state_constant(npp, t_c, theta, p, saturating, out):  # pragma: no cover
    """Exact steady state (POM, LMWC, AGG, MIC, MAOM) under constant forcing.

    At steady state MIC gives the uptake ``U = rate_bd·MIC²/CUE`` (Eq. 20) and from it LMWC
    (Eq. 13 inverted); the whole-soil balance ``npp = leaching + (1 − CUE)·U`` is then one
    equation in MIC, decreasing from ``npp`` to −∞ on ``(0, V_lb·w_b·CUE/rate_bd)``, solved by
    bisection to the last bit. POM, MAOM (a 2×2 linear system of Eqs. 1 and 19 with Eq. 17)
    and AGG follow. With ``CUE ≤ 0`` microbes cannot persist: MIC = 0 and LMWC = npp/leaching.
    """
    wd = (theta / p[POR]) ** 0.5
    wb = math.exp(p[LAMBDA] * -p[MATPOT]) * (
        p[KAMIN] + (1.0 - p[KAMIN]) * ((p[POR] - theta) / p[POR]) ** 0.5) * wd
    tk = t_c + 273.15
    vpl = p[APL] * math.exp(-p[EPL] / (p[GAS] * tk)) * wd
    vlb = p[ALB] * math.exp(-p[ELB] / (p[GAS] * tk)) * wb
    cue = p[CUER] - p[CUET] * (t_c - p[TAER])
    kl, kpa, kbr, kma = p[RLE] * wd, p[RPA] * wd, p[RBR] * wd, p[RMA] * wd
    ks, kd, q = p[KLM] * wd, p[KDES] / p[QMAX], p[QMAX]
    mic = 0.0
    if cue > 0.0 and npp > 0.0:
        c = p[RBD] / cue
        lo, hi = 0.0, vlb / c
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if mid <= lo or mid >= hi:
                break
            u = c * mid * mid
            lm = p[KLB] * c * mid / (vlb - c * mid)
            if npp - kl * lm - (1.0 - cue) * u > 0.0:
                lo = mid
            else:
                hi = mid
        mic = 0.5 * (lo + hi)
        lmwc = p[KLB] * c * mic / (vlb - c * mic)
    else:
        lmwc = npp / kl
    h = vpl * mic / (p[KPL] + mic)
    turn = p[RBD] * mic * mic
    a11 = kpa * (1.0 - p[PA]) + h
    a12 = -p[PA] * kma
    a21 = -(1.0 - p[PA]) * kpa
    a22 = (ks * lmwc / q if saturating else 0.0) + kd + p[PA] * kma
    b1 = npp * p[PI]
    b2 = ks * lmwc + p[PB] * turn
    det = a11 * a22 - a12 * a21
    pom = (b1 * a22 - a12 * b2) / det
    maom = (a11 * b2 - a21 * b1) / det
    out[0] = pom
    out[1] = lmwc
    out[2] = (kma * maom + kpa * pom) / kbr
    out[3] = mic
    out[4] = maom


@numba.njit(parallel=True, cache=True)
def steady_state_cells(npp, t_c, theta, par, saturating, out):  # pragma: no cover
    """:func:`steady_state_constant` for every cell (axis 0) in parallel."""
    for c in numba.prange(npp.shape[0]):
        steady_state_constant(npp[c], t_c[c], theta[c], par[c], saturating, out[c])


@numba.njit(parallel=True, cache=True)
def periodic_steady_state(x0, tsoil, theta, npp_year, shape, par, saturating, tol,
                          max_iter, out, iters):  # pragma: no cover
    """Start-of-year state that one year of seasonal forcing maps onto itself, per cell.

    Newton's method on ``F(x) = Φ(x) − x`` (``Φ`` the one-year RK4 map under a constant annual
    input) from ``x0`` (the steady state of the mean forcing), with a forward-difference
    Jacobian; stops when ``max|F| ≤ tol·max(x)``. ``iters[c]`` is the iteration count, −1 if
    it did not converge.
    """
    for c in numba.prange(x0.shape[0]):
        npp1 = npp_year[c, :1]
        buf = np.empty((2, N_STATE))
        x = x0[c].copy()
        iters[c] = -1
        jac = np.empty((N_POOL, N_POOL))
        for it in range(max_iter):
            y = np.zeros(N_STATE)
            y[:N_POOL] = x
            run_cell(y, tsoil[c], theta[c], npp1, shape[c], par[c], saturating, buf)
            f = y[:N_POOL] - x
            scale = np.max(np.abs(x))
            if np.max(np.abs(f)) <= tol * scale:
                iters[c] = it
                break
            for j in range(N_POOL):
                hj = 1e-7 * max(abs(x[j]), 1e-6 * scale)
                z = np.zeros(N_STATE)
                z[:N_POOL] = x
                z[j] += hj
                run_cell(z, tsoil[c], theta[c], npp1, shape[c], par[c], saturating, buf)
                for i in range(N_POOL):
                    jac[i, j] = (z[i] - (x[i] + (hj if i == j else 0.0)) - f[i]) / hj
            step = np.linalg.solve(jac, -f)
            for i in range(N_POOL):
                x[i] = max(x[i] + step[i], 0.5 * x[i])
        out[c] = x
