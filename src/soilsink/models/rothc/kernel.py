"""The RothC monthly step and its hot loops (numba, float64, parallel over cells).

One month, as in the official ``RothC.for`` (subroutines ``RothC`` and ``decomp``):

1. modifiers: temperature ``a``, moisture ``b`` (updates the soil moisture deficit), cover ``c``;
   ``RateM = a b c``;
2. each active pool decays by ``exp(-RateM k / 12)``; of what decomposes a fraction x/(x+1)
   is CO2, 0.46/(x+1) goes to BIO and 0.54/(x+1) to HUM;
3. plant C enters DPM and RPM in the ratio DPM/RPM : 1, farmyard manure 0.49 DPM, 0.49 RPM,
   0.02 HUM;
4. radiocarbon: the "radioactive" C of each pool, ``R = C exp(-conr age)``, follows the same
   flows, decays by ``exp(-conr / 12)`` and new C enters at ``modern/100``. The official code
   stores the ages and rebuilds ``R`` from them each month; carrying ``R`` is the same algebra
   (``age = ln(C / R) / conr``) without a log/exp round trip.

Forcing arrays are 2-D ``(n_months, n_cells)`` views of any strides (a shared climate series
is a zero-stride view, never copied per cell). Cells are processed in blocks so that each
month reads contiguous memory.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange, types

from soilsink.models.rothc import constants as K
from soilsink.models.rothc.modifiers import (
    exp_0_16,
    exp_small,
    rm_moisture,
    rm_plant_cover,
    rm_temperature,
    smd_step,
)

#: state columns
DPM, RPM, BIO, HUM, SMD, CO2, R_DPM, R_RPM, R_BIO, R_HUM = range(10)
N_STATE = 10
#: output rows of ``out``
OUT_NAMES = ("DPM", "RPM", "BIO", "HUM", "SOC", "CO2")
#: diagnostic rows
DIAG_NAMES = ("RM_TMP", "RM_Moist", "SMD", "RM_PC")

BLOCK = 1024

_F2 = types.Array(types.float64, 2, "A", readonly=True)
_F1 = types.Array(types.float64, 1, "A", readonly=True)
_I1 = types.Array(types.int64, 1, "C")
_S2 = types.Array(types.float64, 2, "C")
_O3 = types.Array(types.float64, 3, "A")


@njit(cache=True, inline="always", error_model="numpy")
def _step(
    dpm, rpm, bio, hum, smd, co2, rd, rr, rb, rh,
    tas, pr, evap, pc, cin, fym, dr, modern_pct,
    f_co2, f_bio, f_hum, smd15, smd1bar, smd_bare, smd_max, min_rm, opt_rmmoist, radiocarbon,
):
    """One month for one cell; returns the new state and the three modifiers."""
    rm_t = rm_temperature(tas)
    smd = smd_step(smd, pr, evap, pc, smd_max, smd_bare)
    rm_m = rm_moisture(smd, smd15, smd1bar, min_rm, opt_rmmoist)
    rm_p = rm_plant_cover(pc)
    rate = rm_t * rm_m * rm_p
    e_d = math.exp(-rate * K.K_DPM * K.TSTEP_MONTH)
    e_r = math.exp(-rate * K.K_RPM * K.TSTEP_MONTH)
    e_b = math.exp(-rate * K.K_BIO * K.TSTEP_MONTH)
    e_h = math.exp(-rate * K.K_HUM * K.TSTEP_MONTH)
    d1 = dpm * e_d
    r1 = rpm * e_r
    b1 = bio * e_b
    h1 = hum * e_h
    dd = dpm - d1
    rd_ = rpm - r1
    bd = bio - b1
    hd = hum - h1
    co2 = co2 + dd * f_co2 + rd_ * f_co2 + bd * f_co2 + hd * f_co2
    bio_new = b1 + dd * f_bio + rd_ * f_bio + bd * f_bio + hd * f_bio
    hum_new = h1 + dd * f_hum + rd_ * f_hum + bd * f_hum + hd * f_hum
    pl_dpm = dr / (dr + 1.0) * cin
    pl_rpm = 1.0 / (dr + 1.0) * cin
    fym_d = K.FYM_DPM * fym
    fym_r = K.FYM_RPM * fym
    fym_h = K.FYM_HUM * fym
    dpm_new = d1 + pl_dpm + fym_d
    rpm_new = r1 + pl_rpm + fym_r
    hum_new = hum_new + fym_h
    if radiocarbon:
        mc = modern_pct / 100.0
        exc = K.EXC_MONTH
        gd = (1.0 - e_d) * rd
        gr = (1.0 - e_r) * rr
        gb = (1.0 - e_b) * rb
        gh = (1.0 - e_h) * rh
        rd_new = mc * fym_d + mc * pl_dpm + e_d * rd * exc
        rr_new = mc * fym_r + mc * pl_rpm + e_r * rr * exc
        rb_new = (e_b * rb + gd * f_bio + gr * f_bio + gb * f_bio + gh * f_bio) * exc
        rh_new = mc * fym_h + (e_h * rh + gd * f_hum + gr * f_hum + gb * f_hum + gh * f_hum) * exc
    else:
        rd_new = rd
        rr_new = rr
        rb_new = rb
        rh_new = rh
    return (dpm_new, rpm_new, bio_new, hum_new, smd, co2, rd_new, rr_new, rb_new, rh_new,
            rm_t, rm_m, rm_p)


_RUN_SIG = types.void(
    _F2, _F2, _F2, _F2, _F2, _F2, _F2, _F2,  # tas pr evap pc cin fym dpm_rpm modern
    _F1, _F1, _F1, _F1, _F1, _F1, _F1, _F1, _F1,  # iom f_co2 f_bio f_hum smd15 smd1bar smd_bare smd_max min_rm
    types.int64, types.boolean,  # opt_rmmoist, radiocarbon
    _S2,  # state (n_cells, N_STATE), updated in place
    _O3, _O3, _O3,  # out (6, nt, nc), out_r (4 or 0, nt, nc), diag (4 or 0, nt, nc)
)


@njit(cache=True, inline="always", error_model="numpy")
def _pow_decay(e_h):
    """``(e_d, e_r, e_b)`` from ``e_h = exp(-RateM k_HUM / 12)``: the rate constants are
    k_DPM = 500 k_HUM, k_RPM = 15 k_HUM, k_BIO = 33 k_HUM, so the decay factors are powers
    of e_h (relative difference to ``exp`` below 1e-13)."""
    e2 = e_h * e_h
    e4 = e2 * e2
    e8 = e4 * e4
    e16 = e8 * e8
    e32 = e16 * e16
    e64 = e32 * e32
    e128 = e64 * e64
    e256 = e128 * e128
    e_r = e8 * e4 * e2 * e_h
    e_b = e32 * e_h
    e_d = e256 * e128 * e64 * e32 * e16 * e4
    return e_d, e_r, e_b


# slots of the per-block work buffer ``w`` (each BLOCK long): forcing, parameters, state, temporaries
(_W_T, _W_P, _W_E, _W_PC, _W_CI, _W_FY, _W_DR, _W_MOD,
 _W_FC, _W_FB, _W_FH, _W_S15, _W_S1, _W_SB, _W_SM, _W_MIN, _W_IOM,
 _W_D, _W_R, _W_B, _W_H, _W_SMD, _W_CO2, _W_QD, _W_QR, _W_QB, _W_QH,
 _W_SOC, _W_RMT, _W_RMM, _W_RMP, _W_EH, _W_ED, _W_ER, _W_EB, _W_PLD, _W_PLR, _W_FYD,
 _W_DRD, _W_DRR) = range(40)
_NW = 40


@njit(cache=True, inline="always", error_model="numpy")
def _copy_row(w, off, row):
    """``w[off:off + len(row)] = row`` (row may be strided or zero-stride).

    The contiguous case is a separate branch: inside it the compiler knows the stride is 8 bytes
    and emits vector loads instead of gathers."""
    if row.strides[0] == 8:
        for j in range(row.shape[0]):
            w[off + j] = row[j]
    elif row.strides[0] == 0:
        v = row[0]
        for j in range(row.shape[0]):
            w[off + j] = v
    else:
        for j in range(row.shape[0]):
            w[off + j] = row[j]


@njit(cache=True, inline="always", error_model="numpy")
def _put_row(row, w, off):
    """``row[:] = w[off:off + len(row)]`` (vector stores when ``row`` is contiguous)."""
    if row.strides[0] == 8:
        for j in range(row.shape[0]):
            row[j] = w[off + j]
    else:
        for j in range(row.shape[0]):
            row[j] = w[off + j]


@njit(cache=True, inline="always", error_model="numpy")
def _plant_split(w, n):
    """Per-cell plant-input split ``dr / (dr + 1)`` and ``1 / (dr + 1)`` (computed only when the
    DPM/RPM ratio row changes; the month then multiplies by c_input exactly as :func:`_step`)."""
    B = BLOCK
    for j in range(n):
        dr = w[_W_DR * B + j]
        w[_W_DRD * B + j] = dr / (dr + 1.0)
        w[_W_DRR * B + j] = 1.0 / (dr + 1.0)


@njit(cache=True, inline="always", error_model="numpy")
def _month_block(w, is2, keep, n):
    """One month for the first ``n`` cells of the BLOCK-cell work buffer (branch-free,
    vectorisable). ``keep`` (a literal at each call site): also store the modifiers, decay
    factors and plant inputs that the radiocarbon step and the diagnostics read."""
    B = BLOCK
    for j in range(n):
        T = w[_W_T * B + j]
        rm_t = K.TMP_A / (exp_0_16(K.TMP_B / (T + K.TMP_C)) + 1.0)
        rm_t = 0.0 if T < K.TMP_MIN_C else rm_t
        pcv = w[_W_PC * B + j]
        smd0 = w[_W_SMD * B + j]
        df = w[_W_P * B + j] - K.PEVAP_FACTOR * w[_W_E * B + j]
        wet = min(0.0, smd0 + df)
        covered = max(w[_W_SM * B + j], wet)
        bare = max(min(w[_W_SB * B + j], smd0), wet)
        smd = covered if pcv == 1.0 else bare
        s15 = w[_W_S15 * B + j]
        s1 = w[_W_S1 * B + j]
        mn = w[_W_MIN * B + j]
        rm_m = mn + (K.RM_MOIST_MAX - mn) * (s15 - smd) / (s15 - s1)
        rm_m = mn if (is2 and not (smd > s15)) else rm_m
        rm_m = K.RM_MOIST_MAX if smd > s1 else rm_m
        rm_p = K.RM_PC_BARE if pcv == 0.0 else K.RM_PC_COVERED
        rate = rm_t * rm_m * rm_p
        e_h = exp_small(-rate * K.K_HUM * K.TSTEP_MONTH)
        e_d, e_r, e_b = _pow_decay(e_h)
        dpm = w[_W_D * B + j]
        rpm = w[_W_R * B + j]
        bio = w[_W_B * B + j]
        hum = w[_W_H * B + j]
        d1 = dpm * e_d
        r1 = rpm * e_r
        b1 = bio * e_b
        h1 = hum * e_h
        dd = dpm - d1
        rd_ = rpm - r1
        bd = bio - b1
        hd = hum - h1
        fc = w[_W_FC * B + j]
        fb = w[_W_FB * B + j]
        fh = w[_W_FH * B + j]
        co2 = w[_W_CO2 * B + j] + dd * fc + rd_ * fc + bd * fc + hd * fc
        bio_new = b1 + dd * fb + rd_ * fb + bd * fb + hd * fb
        hum_new = h1 + dd * fh + rd_ * fh + bd * fh + hd * fh
        ci = w[_W_CI * B + j]
        fy = w[_W_FY * B + j]
        pl_dpm = w[_W_DRD * B + j] * ci  # (dr / (dr + 1)) ci, as in _step
        pl_rpm = w[_W_DRR * B + j] * ci  # (1 / (dr + 1)) ci
        dpm_new = d1 + pl_dpm + K.FYM_DPM * fy
        rpm_new = r1 + pl_rpm + K.FYM_RPM * fy
        hum_new = hum_new + K.FYM_HUM * fy
        w[_W_D * B + j] = dpm_new
        w[_W_R * B + j] = rpm_new
        w[_W_B * B + j] = bio_new
        w[_W_H * B + j] = hum_new
        w[_W_SMD * B + j] = smd
        w[_W_CO2 * B + j] = co2
        w[_W_SOC * B + j] = dpm_new + rpm_new + bio_new + hum_new + w[_W_IOM * B + j]
        if not keep:
            continue
        w[_W_RMT * B + j] = rm_t
        w[_W_RMM * B + j] = rm_m
        w[_W_RMP * B + j] = rm_p
        w[_W_EH * B + j] = e_h
        w[_W_ED * B + j] = e_d
        w[_W_ER * B + j] = e_r
        w[_W_EB * B + j] = e_b
        w[_W_PLD * B + j] = pl_dpm
        w[_W_PLR * B + j] = pl_rpm


@njit(cache=True, inline="always", error_model="numpy")
def _radio_block(w, n):
    """Radioactive C of the four pools for the first ``n`` cells after :func:`_month_block`."""
    B = BLOCK
    exc = K.EXC_MONTH
    for j in range(n):
        mc = w[_W_MOD * B + j] / 100.0
        fy = w[_W_FY * B + j]
        fb = w[_W_FB * B + j]
        fh = w[_W_FH * B + j]
        e_h = w[_W_EH * B + j]
        e_d = w[_W_ED * B + j]
        e_r = w[_W_ER * B + j]
        e_b = w[_W_EB * B + j]
        qd = w[_W_QD * B + j]
        qr = w[_W_QR * B + j]
        qb = w[_W_QB * B + j]
        qh = w[_W_QH * B + j]
        gd = (1.0 - e_d) * qd
        gr = (1.0 - e_r) * qr
        gb = (1.0 - e_b) * qb
        gh = (1.0 - e_h) * qh
        w[_W_QD * B + j] = mc * (K.FYM_DPM * fy) + mc * w[_W_PLD * B + j] + e_d * qd * exc
        w[_W_QR * B + j] = mc * (K.FYM_RPM * fy) + mc * w[_W_PLR * B + j] + e_r * qr * exc
        w[_W_QB * B + j] = (e_b * qb + gd * fb + gr * fb + gb * fb + gh * fb) * exc
        w[_W_QH * B + j] = mc * (K.FYM_HUM * fy) + (e_h * qh + gd * fh + gr * fh + gb * fh + gh * fh) * exc


@njit(_RUN_SIG, cache=True, parallel=True, nogil=True, error_model="numpy")
def run_months(
    tas, pr, evap, pc, cin, fym, dpm_rpm, modern,
    iom, f_co2, f_bio, f_hum, smd15, smd1bar, smd_bare, smd_max, min_rm,
    opt_rmmoist, radiocarbon,
    state, out, out_r, diag,
):
    """Run every cell through all months of the forcing, writing end-of-month values.

    ``out[i, t, c]``: DPM, RPM, BIO, HUM, SOC, accumulated CO2 (t C/ha); ``out_r``: radioactive
    C of DPM, RPM, BIO, HUM (written when it has 4 rows); ``diag``: RM_TMP, RM_Moist, SMD (mm),
    RM_PC (written when it has 4 rows). ``state`` holds the start state and receives the end state.

    Same algebra as :func:`_step`, written for speed: each block of BLOCK cells is copied into
    a small work buffer, and the month is computed by a branch-free loop over the block that the
    compiler vectorises (SIMD); the decay factors of DPM, RPM and BIO are powers of the HUM
    one and the exponentials are evaluated by series (see ``modifiers.exp_small``/``exp_0_16``).
    """
    nt = tas.shape[0]
    nc = state.shape[0]
    want_r = out_r.shape[0] == 4
    want_d = diag.shape[0] == 4
    is2 = opt_rmmoist == 2
    keep = radiocarbon or want_d
    fym_t = fym.strides[0] != 0
    dr_t = dpm_rpm.strides[0] != 0
    nblocks = (nc + BLOCK - 1) // BLOCK
    B = BLOCK
    for ib in prange(nblocks):
        c0 = ib * B
        nb = min(B, nc - c0)
        w = np.zeros(_NW * B)
        for j in range(B):
            c = min(c0 + j, nc - 1)
            w[_W_FC * B + j] = f_co2[c]
            w[_W_FB * B + j] = f_bio[c]
            w[_W_FH * B + j] = f_hum[c]
            w[_W_S15 * B + j] = smd15[c]
            w[_W_S1 * B + j] = smd1bar[c]
            w[_W_SB * B + j] = smd_bare[c]
            w[_W_SM * B + j] = smd_max[c]
            w[_W_MIN * B + j] = min_rm[c]
            w[_W_IOM * B + j] = iom[c]
            w[_W_D * B + j] = state[c, 0]
            w[_W_R * B + j] = state[c, 1]
            w[_W_B * B + j] = state[c, 2]
            w[_W_H * B + j] = state[c, 3]
            w[_W_SMD * B + j] = state[c, 4]
            w[_W_CO2 * B + j] = state[c, 5]
            w[_W_QD * B + j] = state[c, 6]
            w[_W_QR * B + j] = state[c, 7]
            w[_W_QB * B + j] = state[c, 8]
            w[_W_QH * B + j] = state[c, 9]
        full = nb == B
        nv = min(B, (nb + 7) // 8 * 8)  # lanes computed: a multiple of the vector width
        for t in range(nt):
            if full:  # row views: nonnegative affine indices, the copies vectorise
                _copy_row(w, _W_T * B, tas[t, c0:c0 + B])
                _copy_row(w, _W_P * B, pr[t, c0:c0 + B])
                _copy_row(w, _W_E * B, evap[t, c0:c0 + B])
                _copy_row(w, _W_PC * B, pc[t, c0:c0 + B])
                _copy_row(w, _W_CI * B, cin[t, c0:c0 + B])
                if fym_t or t == 0:  # time-constant inputs are copied once
                    _copy_row(w, _W_FY * B, fym[t, c0:c0 + B])
                if dr_t or t == 0:
                    _copy_row(w, _W_DR * B, dpm_rpm[t, c0:c0 + B])
                    _plant_split(w, B)
            else:  # last block: pad with the last cell
                for j in range(nv):
                    c = min(c0 + j, nc - 1)
                    w[_W_T * B + j] = tas[t, c]
                    w[_W_P * B + j] = pr[t, c]
                    w[_W_E * B + j] = evap[t, c]
                    w[_W_PC * B + j] = pc[t, c]
                    w[_W_CI * B + j] = cin[t, c]
                    w[_W_FY * B + j] = fym[t, c]
                    w[_W_DR * B + j] = dpm_rpm[t, c]
                _plant_split(w, nv)
            if keep:
                _month_block(w, is2, True, nv)
            else:
                _month_block(w, is2, False, nv)
            if radiocarbon:
                for j in range(nv):
                    c = min(c0 + j, nc - 1)
                    w[_W_MOD * B + j] = modern[t, c]
                _radio_block(w, nv)
            _put_row(out[0, t, c0:c0 + nb], w, _W_D * B)
            _put_row(out[1, t, c0:c0 + nb], w, _W_R * B)
            _put_row(out[2, t, c0:c0 + nb], w, _W_B * B)
            _put_row(out[3, t, c0:c0 + nb], w, _W_H * B)
            _put_row(out[4, t, c0:c0 + nb], w, _W_SOC * B)
            _put_row(out[5, t, c0:c0 + nb], w, _W_CO2 * B)
            if want_r:
                for j in range(nb):
                    c = c0 + j
                    out_r[0, t, c] = w[_W_QD * B + j]
                    out_r[1, t, c] = w[_W_QR * B + j]
                    out_r[2, t, c] = w[_W_QB * B + j]
                    out_r[3, t, c] = w[_W_QH * B + j]
            if want_d:
                for j in range(nb):
                    c = c0 + j
                    diag[0, t, c] = w[_W_RMT * B + j]
                    diag[1, t, c] = w[_W_RMM * B + j]
                    diag[2, t, c] = w[_W_SMD * B + j]
                    diag[3, t, c] = w[_W_RMP * B + j]
        for j in range(nb):
            c = c0 + j
            state[c, 0] = w[_W_D * B + j]
            state[c, 1] = w[_W_R * B + j]
            state[c, 2] = w[_W_B * B + j]
            state[c, 3] = w[_W_H * B + j]
            state[c, 4] = w[_W_SMD * B + j]
            state[c, 5] = w[_W_CO2 * B + j]
            state[c, 6] = w[_W_QD * B + j]
            state[c, 7] = w[_W_QR * B + j]
            state[c, 8] = w[_W_QB * B + j]
            state[c, 9] = w[_W_QH * B + j]


_SPIN_SIG = types.void(
    _F2, _F2, _F2, _F2, _F2, _F2, _F2, _F2,
    _F1, _F1, _F1, _F1, _F1, _F1, _F1, _F1, _F1,
    types.int64, types.boolean, types.float64, types.int64,
    _S2, _I1,
)


@njit(_SPIN_SIG, cache=True, parallel=True, nogil=True, error_model="numpy")
def spinup(
    tas, pr, evap, pc, cin, fym, dpm_rpm, modern,
    iom, f_co2, f_bio, f_hum, smd15, smd1bar, smd_bare, smd_max, min_rm,
    opt_rmmoist, radiocarbon, tol, max_years,
    state, months,
):
    """The official equilibrium loop (Shell.for): cycle the 12 months of forcing from the given
    state until the December total of DPM+RPM+BIO+HUM changes by less than ``tol`` (t C/ha) from
    one year to the next. ``months[c]`` receives the months it took (-1: not converged within
    ``max_years``). Accumulated CO2 is reset to 0 at the end, as the official driver does.
    """
    nc = state.shape[0]
    for c in prange(nc):
        dpm = state[c, 0]
        rpm = state[c, 1]
        bio = state[c, 2]
        hum = state[c, 3]
        smd = state[c, 4]
        co2 = state[c, 5]
        rd = state[c, 6]
        rr = state[c, 7]
        rb = state[c, 8]
        rh = state[c, 9]
        toc1 = 0.0
        n = -1
        for year in range(max_years):
            for k in range(12):
                res = _step(
                    dpm, rpm, bio, hum, smd, co2, rd, rr, rb, rh,
                    tas[k, c], pr[k, c], evap[k, c], pc[k, c], cin[k, c], fym[k, c],
                    dpm_rpm[k, c], modern[k, c],
                    f_co2[c], f_bio[c], f_hum[c], smd15[c], smd1bar[c], smd_bare[c],
                    smd_max[c], min_rm[c], opt_rmmoist, radiocarbon,
                )
                dpm, rpm, bio, hum, smd, co2, rd, rr, rb, rh = (
                    res[0], res[1], res[2], res[3], res[4], res[5], res[6], res[7], res[8], res[9]
                )
            toc0 = toc1
            toc1 = dpm + rpm + bio + hum
            if abs(toc1 - toc0) < tol:
                n = 12 * (year + 1)
                break
        months[c] = n
        state[c, 0] = dpm
        state[c, 1] = rpm
        state[c, 2] = bio
        state[c, 3] = hum
        state[c, 4] = smd
        state[c, 5] = 0.0
        state[c, 6] = rd
        state[c, 7] = rr
        state[c, 8] = rb
        state[c, 9] = rh


@njit(cache=True, inline="always", error_model="numpy")
def _solve_periodic(m, v, out, off):
    """Solve ``(I - M) x = v`` for the 4x4 block-lower-triangular year map of the pools.

    DPM and RPM decay independently (diagonal block); BIO and HUM form a 2x2 block fed by all
    four pools. Writes ``x`` into ``out[off:off+4]``.
    """
    x_d = _div0(v[0], 1.0 - m[0, 0])
    x_r = _div0(v[1], 1.0 - m[1, 1])
    rhs_b = v[2] + m[2, 0] * x_d + m[2, 1] * x_r
    rhs_h = v[3] + m[3, 0] * x_d + m[3, 1] * x_r
    a11 = 1.0 - m[2, 2]
    a12 = -m[2, 3]
    a21 = -m[3, 2]
    a22 = 1.0 - m[3, 3]
    det = a11 * a22 - a12 * a21
    out[off + 0] = x_d
    out[off + 1] = x_r
    out[off + 2] = _div0(rhs_b * a22 - a12 * rhs_h, det)
    out[off + 3] = _div0(a11 * rhs_h - a21 * rhs_b, det)


@njit(cache=True, inline="always")
def _div0(num, den):
    """``num / den``, but 0 for 0/0: a pool that neither receives carbon nor decomposes during
    the year (rate modifier 0, e.g. minRM_Moist = 0 in a permanently dry soil) stays at the
    official spin-up's start value, 0. A positive input with no decomposition has no steady
    state (inf)."""
    if num == 0.0 and den == 0.0:
        return 0.0
    return num / den


@njit(cache=True, inline="always", error_model="numpy")
def _affine_compose(a, b, sa, sb, phi, g, tmp, tv):
    """In place: ``phi <- (sa a) phi`` and ``g <- (sa a) g + sb b`` (4x4, no allocation)."""
    for i in range(4):
        acc = 0.0
        for k in range(4):
            acc += a[i, k] * g[k]
        tv[i] = sa * acc + sb * b[i]
        for j in range(4):
            acc = 0.0
            for k in range(4):
                acc += a[i, k] * phi[k, j]
            tmp[i, j] = sa * acc
    for i in range(4):
        g[i] = tv[i]
        for j in range(4):
            phi[i, j] = tmp[i, j]


_EQ_SIG = types.void(
    _F2, _F2, _F2, _F2, _F2, _F2, _F2, _F2,
    _F1, _F1, _F1, _F1, _F1, _F1, _F1, _F1, _F1,
    types.int64, types.boolean, types.int64,
    _S2,
)


@njit(_EQ_SIG, cache=True, parallel=True, nogil=True, error_model="numpy")
def exact_equilibrium(
    tas, pr, evap, pc, cin, fym, dpm_rpm, modern,
    iom, f_co2, f_bio, f_hum, smd15, smd1bar, smd_bare, smd_max, min_rm,
    opt_rmmoist, radiocarbon, max_smd_years,
    state,
):
    """Exact periodic steady state at the end of month 12 of the 12-month forcing.

    The soil moisture deficit is first cycled (from ``state[:, SMD]``) until its December value
    repeats (the deficit recursion is a clamp, so it becomes exactly periodic). With the 12
    monthly modifiers fixed, each month is an affine map ``C -> A_m C + b_m`` of the four active
    pools; the year map is ``C -> Phi C + g`` and the periodic state solves ``(I - Phi) C = g``.
    The radioactive C follows ``R -> exc A_m R + (modern/100) b_m`` and is solved the same way.
    Accumulated CO2 is 0 at the solution.
    """
    nc = state.shape[0]
    for c in prange(nc):
        smd = state[c, 4]
        for _ in range(max_smd_years):
            smd0 = smd
            for k in range(12):
                smd = smd_step(smd, pr[k, c], evap[k, c], pc[k, c], smd_max[c], smd_bare[c])
            if smd == smd0:
                break
        phi = np.eye(4)
        g = np.zeros(4)
        phr = np.eye(4)
        gr = np.zeros(4)
        a = np.zeros((4, 4))
        b = np.zeros(4)
        tmp = np.empty((4, 4))
        tv = np.empty(4)
        smd_k = smd
        for k in range(12):
            # the month's input vector b_m: one step from empty pools
            res = _step(
                0.0, 0.0, 0.0, 0.0, smd_k, 0.0, 0.0, 0.0, 0.0, 0.0,
                tas[k, c], pr[k, c], evap[k, c], pc[k, c], cin[k, c], fym[k, c],
                dpm_rpm[k, c], modern[k, c],
                f_co2[c], f_bio[c], f_hum[c], smd15[c], smd1bar[c], smd_bare[c],
                smd_max[c], min_rm[c], opt_rmmoist, radiocarbon,
            )
            smd_k = res[4]
            b[0] = res[0]
            b[1] = res[1]
            b[2] = res[2]
            b[3] = res[3]
            rate = res[10] * res[11] * res[12]
            e_d = math.exp(-rate * K.K_DPM * K.TSTEP_MONTH)
            e_r = math.exp(-rate * K.K_RPM * K.TSTEP_MONTH)
            e_b = math.exp(-rate * K.K_BIO * K.TSTEP_MONTH)
            e_h = math.exp(-rate * K.K_HUM * K.TSTEP_MONTH)
            fb = f_bio[c]
            fh = f_hum[c]
            a[0, 0] = e_d
            a[1, 1] = e_r
            a[2, 0] = fb * (1.0 - e_d)
            a[2, 1] = fb * (1.0 - e_r)
            a[2, 2] = e_b + fb * (1.0 - e_b)
            a[2, 3] = fb * (1.0 - e_h)
            a[3, 0] = fh * (1.0 - e_d)
            a[3, 1] = fh * (1.0 - e_r)
            a[3, 2] = fh * (1.0 - e_b)
            a[3, 3] = e_h + fh * (1.0 - e_h)
            _affine_compose(a, b, 1.0, 1.0, phi, g, tmp, tv)
            if radiocarbon:
                _affine_compose(a, b, K.EXC_MONTH, modern[k, c] / 100.0, phr, gr, tmp, tv)
        x = np.empty(8)
        _solve_periodic(phi, g, x, 0)
        if radiocarbon:
            _solve_periodic(phr, gr, x, 4)
        else:
            x[4:] = 0.0
        state[c, 0] = x[0]
        state[c, 1] = x[1]
        state[c, 2] = x[2]
        state[c, 3] = x[3]
        state[c, 4] = smd
        state[c, 5] = 0.0
        state[c, 6] = x[4]
        state[c, 7] = x[5]
        state[c, 8] = x[6]
        state[c, 9] = x[7]
