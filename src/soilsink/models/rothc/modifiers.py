"""RothC rate-modifying factors and soil water (scalar numba functions, used inside the kernel).

Each function follows the subroutine of the same purpose in the official ``RothC.for``
(Rothamsted-Models/RothC_Code, RothC 2.0.0): ``RMF_Tmp``, ``RMF_Moist``, ``RMF_PC`` and
``CALC_SM_VG``. Soil moisture deficits (SMD) are negative numbers in mm for the layer depth.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from soilsink.models.rothc import constants as K


@njit(cache=True, inline="always", error_model="numpy")
def rm_temperature(tas_c: float) -> float:
    """Temperature modifier (-): 47.91 / (exp(106.06 / (T + 18.27)) + 1), 0 below -5 degC.

    RothC.for ``RMF_Tmp``; RothC description eq. for *a*.
    """
    if tas_c < K.TMP_MIN_C:
        return 0.0
    return K.TMP_A / (math.exp(K.TMP_B / (tas_c + K.TMP_C)) + 1.0)


@njit(cache=True, inline="always", error_model="numpy")
def exp_small(x: float) -> float:
    """exp(x) for |x| <= 0.05 by its Taylor series to x^10 (truncation < 1e-24 relative).

    Used for the HUM decay factor exp(-RateM 0.02 / 12): RateM <= 47.91/2 (the temperature
    modifier is bounded by its asymptote), so |x| <= 0.04. Branch-free so loops vectorise.
    """
    p = 1.0 / 3628800.0
    p = p * x + 1.0 / 362880.0
    p = p * x + 1.0 / 40320.0
    p = p * x + 1.0 / 5040.0
    p = p * x + 1.0 / 720.0
    p = p * x + 1.0 / 120.0
    p = p * x + 1.0 / 24.0
    p = p * x + 1.0 / 6.0
    p = p * x + 0.5
    p = p * x + 1.0
    return p * x + 1.0


@njit(cache=True, inline="always", error_model="numpy")
def exp_0_16(y: float) -> float:
    """exp(y) for 0 <= y < 31.5*ln2 (about 21.8): 2^k exactly times a degree-13 Taylor series of
    exp(r), |r| <= ln2/2 (truncation < 1e-17 relative). Branch-free so loops vectorise.
    Used for the temperature modifier, whose exponent 106.06/(T + 18.27) lies in (0, 8] for T >= -5.
    """
    ln2_hi = 0.6931471803691238
    ln2_lo = 1.9082149292705877e-10
    kf = math.floor(y * 1.4426950408889634 + 0.5)
    r = (y - kf * ln2_hi) - kf * ln2_lo
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    # 2^k exactly for 0 <= k < 32, by selects on kf (no integer casts, so loops vectorise)
    s = 1.0
    b4 = kf >= 16.0
    s = s * (65536.0 if b4 else 1.0)
    kf = kf - (16.0 if b4 else 0.0)
    b3 = kf >= 8.0
    s = s * (256.0 if b3 else 1.0)
    kf = kf - (8.0 if b3 else 0.0)
    b2 = kf >= 4.0
    s = s * (16.0 if b2 else 1.0)
    kf = kf - (4.0 if b2 else 0.0)
    b1 = kf >= 2.0
    s = s * (4.0 if b1 else 1.0)
    kf = kf - (2.0 if b1 else 0.0)
    s = s * (2.0 if kf >= 1.0 else 1.0)
    return p * s


@njit(cache=True, inline="always", error_model="numpy")
def rm_temperature_fast(tas_c: float) -> float:
    """:func:`rm_temperature` with :func:`exp_0_16` (same value to ~1e-15 relative).

    The exponent stays inside the fast range: T >= -5 gives 106.06/(T + 18.27) <= 7.99.
    """
    if tas_c < K.TMP_MIN_C:
        return 0.0
    return K.TMP_A / (exp_0_16(K.TMP_B / (tas_c + K.TMP_C)) + 1.0)


@njit(cache=True, inline="always", error_model="numpy")
def rm_plant_cover(pc: float) -> float:
    """Plant-cover modifier (-): 1.0 when ``pc == 0`` (bare), else 0.6 (RothC.for ``RMF_PC``)."""
    if pc == 0.0:
        return K.RM_PC_BARE
    return K.RM_PC_COVERED


@njit(cache=True, error_model="numpy")
def van_genuchten_smd(clay_pct: float, silt_pct: float, bd_g_cm3: float, oc_pct: float, depth_cm: float):
    """Soil moisture deficits (mm, <= 0 below field capacity) from Wösten et al. (1999) / van Genuchten.

    Returns ``(x0, x1, x2, x3)``: deficits between field capacity (-50 mbar) and saturation,
    -1 bar, -15 bar (wilting point) and -1000 bar, times ``10 * depth``.
    RothC.for ``CALC_SM_VG`` (Farina et al. 2013, Geoderma 200:18-30): Wösten J.H.M., Lilly A.,
    Nemes A., Le Bas C. (1999) Geoderma 90:169-185, topsoil (t = 1), OM = 1.72 OC.
    """
    t = 1.0
    om = oc_pct * 1.72
    alpha = math.exp(
        -14.96 + 0.03135 * clay_pct + 0.0351 * silt_pct + 0.646 * om
        + 15.29 * bd_g_cm3 - 0.192 * t - 4.671 * bd_g_cm3**2 - 0.000781 * clay_pct**2
        - 0.00687 * om**2 + 0.0449 / om + 0.0663 * math.log(silt_pct)
        + 0.1482 * math.log(om) - 0.04546 * bd_g_cm3 * silt_pct - 0.4852 * bd_g_cm3 * om
        + 0.00673 * clay_pct * t
    )
    theta_s = (
        0.7919 + 0.001691 * clay_pct - 0.29619 * bd_g_cm3 - 0.000001491 * silt_pct**2
        + 0.0000821 * om**2 + 0.02427 / clay_pct + 0.01113 / silt_pct
        + 0.01472 * math.log(silt_pct) - 0.0000733 * om * clay_pct
        - 0.000619 * bd_g_cm3 * clay_pct - 0.001183 * bd_g_cm3 * om - 0.0001664 * silt_pct * t
    )
    n = math.exp(
        -25.23 - 0.02195 * clay_pct + 0.0074 * silt_pct - 0.194 * om
        + 45.5 * bd_g_cm3 - 7.24 * bd_g_cm3**2 + 0.0003658 * clay_pct**2
        + 0.002885 * om**2 - 12.81 / bd_g_cm3 - 0.1524 / silt_pct
        - 0.01958 / om - 0.2876 * math.log(silt_pct)
        - 0.0709 * math.log(om) - 44.6 * math.log(bd_g_cm3) - 0.02264 * bd_g_cm3 * clay_pct
        + 0.0896 * bd_g_cm3 * om + 0.00718 * clay_pct * t
    ) + 1.0
    theta_r = 0.01
    m = 1.0 - 1.0 / n
    wc = np.empty(5)
    mbars = (0.0, 50.0, 1000.0, 15000.0, 1000000.0)
    for i in range(5):
        wc[i] = theta_r + (theta_s - theta_r) / (1.0 + (alpha * mbars[i]) ** n) ** m
    x0 = (wc[0] - wc[1]) * 10.0 * depth_cm
    x1 = (wc[2] - wc[1]) * 10.0 * depth_cm
    x2 = (wc[3] - wc[1]) * 10.0 * depth_cm
    x3 = (wc[4] - wc[1]) * 10.0 * depth_cm
    return x0, x1, x2, x3


@njit(cache=True, error_model="numpy")
def soil_water_params(
    clay_pct: float, depth_cm: float, silt_pct: float, bd_g_cm3: float, oc_pct: float,
    opt_rmmoist: int, opt_smdbare: int,
):
    """Soil water limits (mm, <= 0) of one soil: ``(smd15_adj, smd1bar, smd_bare, smd_max_adj)``.

    RothC.for ``RMF_Moist``:

    * opt_RMmoist 1 (standard): SMD15 = -(20 + 1.3 clay - 0.01 clay^2) * depth / 23,
      SMD1bar = 0.444 SMD15;
    * opt_RMmoist 2, 3 (Farina et al. 2013): SMD15 and SMD1bar from :func:`van_genuchten_smd`;
    * bare-soil limit: opt_SMDbare 1: 0.556 SMD15 (opt 1) or SMD15 - 0.6388/0.8 (SMD15 - SMD1bar)
      (opt 2, 3); opt_SMDbare 2: SMD15 (wilting point);
    * lowest deficit: SMD15 (opt 1, 3) or the -1000 bar deficit (opt 2).
    """
    if opt_rmmoist == 1:
        smd15 = -(K.SMD_A + K.SMD_B * clay_pct - K.SMD_C * (clay_pct * clay_pct))
        smd15_adj = smd15 * depth_cm / K.SMD_REF_DEPTH_CM
        smd1bar = K.SMD_1BAR_FRAC * smd15_adj
        smd1000 = smd15_adj
    else:
        x0, x1, x2, x3 = van_genuchten_smd(clay_pct, silt_pct, bd_g_cm3, oc_pct, depth_cm)
        smd15_adj = x2
        smd1bar = x1
        smd1000 = x3
    if opt_smdbare == 1:
        if opt_rmmoist == 1:
            smd_bare = K.SMD_BARE_FRAC * smd15_adj
        else:
            smd_bare = smd15_adj - K.SMD_BARE_VG * (smd15_adj - smd1bar)
    else:
        smd_bare = smd15_adj
    if opt_rmmoist == 2:
        smd_max_adj = smd1000
    else:
        smd_max_adj = smd15_adj
    return smd15_adj, smd1bar, smd_bare, smd_max_adj


@njit(cache=True, inline="always", error_model="numpy")
def smd_step(smd_mm: float, rain_mm: float, evap_mm: float, pc: float, smd_max_adj: float, smd_bare: float) -> float:
    """Accumulated soil moisture deficit after one month (mm, <= 0) (RothC.for ``RMF_Moist``).

    ``DF = rain - 0.75 evap``; covered: ``max(SMDmax, min(0, SMD + DF))``;
    bare: ``max(min(SMDbare, SMD), min(0, SMD + DF))``.
    """
    df = rain_mm - K.PEVAP_FACTOR * evap_mm
    wet = min(0.0, smd_mm + df)
    if pc == 1.0:
        return max(smd_max_adj, wet)
    return max(min(smd_bare, smd_mm), wet)


@njit(cache=True, inline="always", error_model="numpy")
def rm_moisture(smd_mm: float, smd15_adj: float, smd1bar: float, min_rm: float, opt_rmmoist: int) -> float:
    """Moisture modifier (-) from the deficit (RothC.for ``RMF_Moist``).

    1 above the -1 bar deficit; below it ``min + (1 - min) (SMD15 - SMD) / (SMD15 - SMD1bar)``;
    with opt_RMmoist 2 the modifier stays at ``min`` below the -15 bar deficit.
    """
    if smd_mm > smd1bar:
        return K.RM_MOIST_MAX
    if opt_rmmoist == 2 and not (smd_mm > smd15_adj):
        return min_rm
    return min_rm + (K.RM_MOIST_MAX - min_rm) * (smd15_adj - smd_mm) / (smd15_adj - smd1bar)


@njit(cache=True, error_model="numpy")
def partition_fractions(clay_pct: float):
    """Fractions of decomposed C going to (CO2, BIO, HUM) (-), summing to 1.

    x = 1.67 (1.85 + 1.60 exp(-0.0786 clay)); CO2 x/(x+1), BIO 0.46/(x+1), HUM 0.54/(x+1)
    (RothC.for ``decomp``; RothC description, "Effects of soil clay content").
    """
    x = K.X_A * (K.X_B + K.X_C * math.exp(-K.X_D * clay_pct))
    return x / (x + 1.0), K.FRAC_BIO / (x + 1.0), K.FRAC_HUM / (x + 1.0)


@njit(cache=True, error_model="numpy")
def cell_constants(clay_pct, depth_cm, silt_pct, bd_g_cm3, oc_pct, opt_rmmoist: int, opt_smdbare: int):
    """Per-cell constants for 1-D soil arrays: rows f_co2, f_bio, f_hum, smd15_adj, smd1bar,
    smd_bare, smd_max_adj (see :func:`partition_fractions`, :func:`soil_water_params`)."""
    n = clay_pct.shape[0]
    out = np.empty((7, n))
    for i in range(n):
        a, b, c = partition_fractions(clay_pct[i])
        w0, w1, w2, w3 = soil_water_params(clay_pct[i], depth_cm[i], silt_pct[i], bd_g_cm3[i], oc_pct[i],
                                           opt_rmmoist, opt_smdbare)
        out[0, i] = a
        out[1, i] = b
        out[2, i] = c
        out[3, i] = w0
        out[4, i] = w1
        out[5, i] = w2
        out[6, i] = w3
    return out
