"""RothC rate modifiers, soil water options (opt_RMmoist 1/2/3, opt_SMDbare 1/2) and fast maths."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from soilsink.models import rothc
from soilsink.models.rothc import kernel
from soilsink.models.rothc.modifiers import (
    exp_0_16,
    exp_small,
    partition_fractions,
    rm_moisture,
    rm_plant_cover,
    rm_temperature,
    rm_temperature_fast,
    smd_step,
    soil_water_params,
    van_genuchten_smd,
)


@pytest.mark.parametrize(
    ("tas", "expected"),
    # official month_results.out (RothC 2.0.0), printed to 4 decimals
    [(3.99, 0.4050), (5.37, 0.5335), (13.55, 1.6506), (16.06, 2.0863), (-2.6, 0.0550)],
)
def test_temperature_modifier_official_values(tas, expected):
    assert rm_temperature(tas) == pytest.approx(expected, abs=5e-5)
    assert rm_temperature(-5.01) == 0.0


@settings(deadline=None)
@given(st.floats(-5.0, 60.0))
def test_fast_temperature_equals_libm(t):
    assert rm_temperature_fast(t) == pytest.approx(rm_temperature(t), rel=1e-14)


@settings(deadline=None)
@given(st.floats(-0.05, 0.0))
def test_exp_small(x):
    assert exp_small(x) == pytest.approx(math.exp(x), rel=2e-16)


@settings(deadline=None)
@given(st.floats(0.0, 21.0))
def test_exp_0_16(y):
    assert exp_0_16(y) == pytest.approx(math.exp(y), rel=1e-15)


@settings(deadline=None)
@given(st.floats(0.0, 24.0))
def test_decay_powers_equal_exp(rate):
    e_h = math.exp(-rate * 0.02 / 12)
    e_d, e_r, e_b = kernel._pow_decay(e_h)
    assert e_d == pytest.approx(math.exp(-rate * 10.0 / 12), rel=1e-13, abs=1e-300)
    assert e_r == pytest.approx(math.exp(-rate * 0.3 / 12), rel=1e-14)
    assert e_b == pytest.approx(math.exp(-rate * 0.66 / 12), rel=1e-14)


def test_partition_fractions_clay_23_4():
    # x = 1.67 (1.85 + 1.60 exp(-0.0786 * 23.4)), hand-computed
    x = 1.67 * (1.85 + 1.60 * math.exp(-0.0786 * 23.4))
    f = partition_fractions(23.4)
    assert f == pytest.approx((x / (x + 1), 0.46 / (x + 1), 0.54 / (x + 1)))
    assert sum(f) == pytest.approx(1.0, abs=1e-15)


def test_standard_soil_water_and_moisture_modifier():
    # opt 1: SMD15 = -(20 + 1.3*23.4 - 0.01*23.4^2) * 23/23 = -44.944 mm (hand-computed)
    s15, s1, sb, smax = soil_water_params(23.4, 23.0, np.nan, np.nan, np.nan, 1, 1)
    assert s15 == pytest.approx(-44.9444, abs=1e-4)
    assert s1 == pytest.approx(0.444 * s15)
    assert sb == pytest.approx(0.556 * s15)
    assert smax == s15
    # official month output 1939-05: SMD -34.07 -> RM_Moist 0.5480
    assert rm_moisture(-34.07, s15, s1, 0.2, 1) == pytest.approx(0.5480, abs=2e-4)
    assert rm_moisture(-10.0, s15, s1, 0.2, 1) == 1.0
    # covered soil dries to SMD15, bare soil stops at the bare limit
    assert smd_step(-40.0, 0.0, 100.0, 1.0, smax, sb) == smax
    assert smd_step(-10.0, 0.0, 100.0, 0.0, smax, sb) == sb
    assert smd_step(-40.0, 0.0, 100.0, 0.0, smax, sb) == -40.0  # already drier: kept
    assert smd_step(-40.0, 100.0, 0.0, 0.0, smax, sb) == 0.0
    assert rm_plant_cover(1.0) == 0.6 and rm_plant_cover(0.0) == 1.0
    _, _, sb2, _ = soil_water_params(23.4, 23.0, np.nan, np.nan, np.nan, 1, 2)
    assert sb2 == s15  # opt_SMDbare 2: bare soil dries to wilting point


def _wosten_theta(clay, silt, bd, oc, h_cm):
    """Wösten et al. (1999) topsoil PTF and van Genuchten (1980) water content, written
    independently from the paper's equations (Table 4 of Wösten et al. 1999)."""
    om = 1.72 * oc
    a = math.exp(-14.96 + 0.03135 * clay + 0.0351 * silt + 0.646 * om + 15.29 * bd - 0.192
                 - 4.671 * bd**2 - 0.000781 * clay**2 - 0.00687 * om**2 + 0.0449 / om
                 + 0.0663 * math.log(silt) + 0.1482 * math.log(om) - 0.04546 * bd * silt
                 - 0.4852 * bd * om + 0.00673 * clay)
    ts = (0.7919 + 0.001691 * clay - 0.29619 * bd - 0.000001491 * silt**2 + 0.0000821 * om**2
          + 0.02427 / clay + 0.01113 / silt + 0.01472 * math.log(silt) - 0.0000733 * om * clay
          - 0.000619 * bd * clay - 0.001183 * bd * om - 0.0001664 * silt)
    n = 1 + math.exp(-25.23 - 0.02195 * clay + 0.0074 * silt - 0.194 * om + 45.5 * bd - 7.24 * bd**2
                     + 0.0003658 * clay**2 + 0.002885 * om**2 - 12.81 / bd - 0.1524 / silt
                     - 0.01958 / om - 0.2876 * math.log(silt) - 0.0709 * math.log(om)
                     - 44.6 * math.log(bd) - 0.02264 * bd * clay + 0.0896 * bd * om + 0.00718 * clay)
    m = 1 - 1 / n
    return 0.01 + (ts - 0.01) / (1 + (a * h_cm) ** n) ** m


def test_van_genuchten_deficits():
    clay, silt, bd, oc, depth = 23.4, 58.6, 1.27, 0.94, 23.0  # the official v2 example soil
    x0, x1, x2, x3 = van_genuchten_smd(clay, silt, bd, oc, depth)
    fc = _wosten_theta(clay, silt, bd, oc, 50.0)  # -50 mbar = 50 cm (field capacity)
    for x, h in ((x1, 1000.0), (x2, 15000.0), (x3, 1000000.0)):
        assert x == pytest.approx((_wosten_theta(clay, silt, bd, oc, h) - fc) * 10 * depth, rel=1e-12)
    assert x0 > 0 > x1 > x2 > x3
    s15, s1, sb, smax = soil_water_params(clay, depth, silt, bd, oc, 2, 1)
    assert (s15, s1, smax) == (x2, x1, x3)
    assert sb == pytest.approx(x2 - 0.6388 / 0.8 * (x2 - x1))
    assert soil_water_params(clay, depth, silt, bd, oc, 3, 1)[3] == x2
    # opt 2: below the -15 bar deficit the modifier stays at its minimum
    assert rm_moisture(x2 - 5.0, x2, x1, 0.2, 2) == 0.2
    assert rm_moisture(x2 - 5.0, x2, x1, 0.2, 3) < 0.2  # opt 1/3: linear function continues


def _dry_ds(n_years=2):
    nt = 12 * n_years
    m = np.arange(nt) % 12
    return xr.Dataset({
        "tas": ("time", 20.0 + 5 * np.sin(2 * np.pi * m / 12)), "pr": ("time", 40.0 + 40.0 * np.cos(2 * np.pi * m / 12)),
        "evap": ("time", 80.0 - 70.0 * np.cos(2 * np.pi * m / 12)), "cover": ("time", np.ones(nt)),
        "c_input": ("time", np.full(nt, 0.1)), "clay": 23.4, "depth": 23.0, "iom": 3.0,
        "silt": 58.6, "bd": 1.27, "oc": 0.94,
    })


def test_options_change_dry_soil_decomposition():
    ds = _dry_ds()
    soc = {opt: float(rothc.equilibrium(ds, opt_rmmoist=opt)["SOC"]) for opt in (1, 2, 3)}
    assert len({round(v, 6) for v in soc.values()}) == 3
    # a higher moisture floor speeds decomposition in a dry climate: less SOC
    lo = float(rothc.equilibrium(ds, min_rm_moist=0.2)["SOC"])
    hi = float(rothc.equilibrium(ds, min_rm_moist=0.5)["SOC"])
    assert hi < lo
