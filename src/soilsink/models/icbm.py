"""ICBM, the Introductory Carbon Balance Model (two pools), solved analytically.

Andrén O., Kätterer T. (1997) ICBM: the introductory carbon balance model for exploration of
soil carbon balances. Ecological Applications 7(4): 1226–1236 (model and its analytic solution)::

    dY/dt = i − k1·r·Y
    dO/dt = h·k1·r·Y − k2·r·O

* ``Y`` young and ``O`` old soil C (here t C/ha; the paper uses kg C/m² = 10 t C/ha),
* ``i`` annual C input to Y (t C/ha/yr), constant within each year,
* ``k1``, ``k2`` decay rates of Y and O (1/yr), ``r`` the external (climate, soil) factor,
* ``h`` humification coefficient: the fraction of the Y outflux entering O; ``1 − h`` is
  respired. CO2 = (1 − h)·k1·r·Y + k2·r·O.

Exact solution over a step ``t`` with ``a = k1·r``, ``b = k2·r`` (the paper's solution,
written with numerically safe kernels)::

    Y(t) = Y0·e^(−a t) + i·F_a
    O(t) = O0·e^(−b t) + h·a·Y0·G + h·i·(F_b − G)
    F_x = (1 − e^(−x t))/x,   G = (e^(−a t) − e^(−b t))/(b − a)   (→ t·e^(−a t) when a = b)

Steady state: ``Y = i/(k1·r)``, ``O = h·i/(k2·r)`` (Andrén & Kätterer 1997).

Second input (manure). Following the regional ICBM (Andrén, Kätterer & Karlsson 2004, Nutr.
Cycl. Agroecosyst. 70: 231–239) a second input stream ``i_m`` enters its own young pool with
the same decay ``k1·r`` and its own humification coefficient ``h_m``. The model is linear, so
each stream adds its own Y/O solution; the old pool is shared.

Default parameters: ``DEFAULTS`` holds the values of Andrén & Kätterer (1997), Table 1:
k1 = 0.8 /yr, k2 = 0.00605 /yr, h = 0.125 (straw and crop residues), r = 1.00 (the Ultuna
frame trial "+N +straw" reference treatment), h = 0.25 for farmyard manure (the "FYM"
treatment) and 0.34 for sewage sludge. Checked against two independent transcriptions of
Table 1 (SoilR ``ICBMModel`` example, Sierra et al. 2012; bgc-md2 ICBM entry). Other
published values (e.g. h_m = 0.31 for manure used in later regional ICBM work) could not be
verified here and are not used as defaults. The whole table is in
``soilsink/data/experiments/icbm_andren_katterer_1997_table1.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from soilsink.io.errors import InputError, Problem
from soilsink.models._params import as_inputs, as_param, broadcast_years, cumulative_from_zero
from soilsink.models.base import Trajectory

#: Andrén & Kätterer (1997), Table 1 (Ultuna frame trial; "+N +straw" reference, r = 1).
DEFAULTS = {"k1_yr": 0.8, "k2_yr": 0.00605, "h": 0.125, "r": 1.0, "h_manure": 0.25}

POOLS = ("young", "young_manure", "old")


def _kernels(a: np.ndarray, b: np.ndarray, t: np.ndarray):
    """E_a, E_b, F_a, F_b, G and ∫G (see module docstring), exact also for a == b."""
    ea, eb = np.exp(-a * t), np.exp(-b * t)
    fa, fb = -np.expm1(-a * t) / a, -np.expm1(-b * t) / b
    d = b - a
    same = d == 0.0
    d_safe = np.where(same, 1.0, d)
    g = np.where(same, t * ea, ea * (-np.expm1(-d_safe * t)) / d_safe)
    # ∫_0^t G ds: from G' = e^(−a s) − b·G and G(0) = 0, b·∫G = F_a − G(t). Exact for a == b
    # too, and free of the cancellation of (F_a − F_b)/(b − a) when a ≈ b.
    g_int = (fa - g) / b
    return ea, eb, fa, fb, g, g_int


@dataclass(frozen=True)
class ICBMStep:
    """Result of one exact step: end pools and the CO2-C released during it (t C/ha)."""

    young: np.ndarray
    young_manure: np.ndarray
    old: np.ndarray
    co2: np.ndarray


def step(
    young_t_ha: ArrayLike,
    old_t_ha: ArrayLike,
    c_input_t_ha_yr: ArrayLike,
    *,
    k1_yr: ArrayLike = DEFAULTS["k1_yr"],
    k2_yr: ArrayLike = DEFAULTS["k2_yr"],
    h: ArrayLike = DEFAULTS["h"],
    r: ArrayLike = DEFAULTS["r"],
    young_manure_t_ha: ArrayLike = 0.0,
    manure_t_ha_yr: ArrayLike = 0.0,
    h_manure: ArrayLike = DEFAULTS["h_manure"],
    dt_yr: ArrayLike = 1.0,
) -> ICBMStep:
    """Exact ICBM step of ``dt_yr`` years with constant inputs; broadcasts over cells.

    CO2 is the integral of the respiration fluxes, ``(1−h)·a·∫Y + (1−h_m)·a·∫Y_m + b·∫O``,
    computed independently of the end states (so mass balance is a check, not an identity).
    """
    k1 = as_param("k1_yr", k1_yr, low=0.0, low_open=True)
    k2 = as_param("k2_yr", k2_yr, low=0.0, low_open=True)
    hh = as_param("h", h, low=0.0, high=1.0)
    hm = as_param("h_manure", h_manure, low=0.0, high=1.0)
    rr = as_param("r", r, low=0.0, low_open=True)
    f = np.asarray
    return _advance(f(young_t_ha, dtype=np.float64), f(young_manure_t_ha, dtype=np.float64),
                    f(old_t_ha, dtype=np.float64), f(c_input_t_ha_yr, dtype=np.float64),
                    f(manure_t_ha_yr, dtype=np.float64), k1 * rr, k2 * rr, hh, hm,
                    f(dt_yr, dtype=np.float64))


def _advance(y0, ym0, o0, i, im, a, b, hh, hm, t, kernels=None) -> ICBMStep:
    """The exact step on checked float arrays (``a = k1·r``, ``b = k2·r``); ``kernels`` are
    those of :func:`_kernels` for ``(a, b, t)``, computed when not given."""
    ea, eb, fa, fb, g, g_int = _kernels(a, b, t) if kernels is None else kernels

    y = y0 * ea + i * fa
    ym = ym0 * ea + im * fa
    o = o0 * eb + a * (hh * y0 + hm * ym0) * g + (hh * i + hm * im) * (fb - g)

    # flux integrals over the step
    y_int = y0 * fa + i * (t - fa) / a
    ym_int = ym0 * fa + im * (t - fa) / a
    fb_int = (t - fb) / b
    o_int = o0 * fb + a * (hh * y0 + hm * ym0) * g_int + (hh * i + hm * im) * (fb_int - g_int)
    co2 = (1.0 - hh) * a * y_int + (1.0 - hm) * a * ym_int + b * o_int
    return ICBMStep(young=y, young_manure=ym, old=o, co2=co2)


def equilibrium_pools(
    c_input_t_ha_yr: ArrayLike,
    *,
    k1_yr: ArrayLike = DEFAULTS["k1_yr"],
    k2_yr: ArrayLike = DEFAULTS["k2_yr"],
    h: ArrayLike = DEFAULTS["h"],
    r: ArrayLike = DEFAULTS["r"],
    manure_t_ha_yr: ArrayLike = 0.0,
    h_manure: ArrayLike = DEFAULTS["h_manure"],
) -> dict[str, np.ndarray]:
    """Steady state ``Y = i/(k1 r)``, ``Y_m = i_m/(k1 r)``, ``O = (h i + h_m i_m)/(k2 r)`` (t C/ha).

    Andrén & Kätterer (1997), with the manure stream added by linearity.
    """
    k1 = as_param("k1_yr", k1_yr, low=0.0, low_open=True)
    k2 = as_param("k2_yr", k2_yr, low=0.0, low_open=True)
    hh = as_param("h", h, low=0.0, high=1.0)
    hm = as_param("h_manure", h_manure, low=0.0, high=1.0)
    rr = as_param("r", r, low=0.0, low_open=True)
    i = np.asarray(c_input_t_ha_yr, dtype=np.float64)
    im = np.asarray(manure_t_ha_yr, dtype=np.float64)
    shape = np.broadcast_shapes(i.shape, im.shape, k1.shape, k2.shape, hh.shape, hm.shape, rr.shape)
    young = np.broadcast_to(i / (k1 * rr), shape).copy()
    young_m = np.broadcast_to(im / (k1 * rr), shape).copy()
    old = np.broadcast_to((hh * i + hm * im) / (k2 * rr), shape).copy()
    return {"young": young, "young_manure": young_m, "old": old}


def equilibrium_soc(c_input_t_ha_yr: ArrayLike, **params: ArrayLike) -> np.ndarray:
    """Total steady-state SOC ``i/(k1 r)·(1 + h k1/k2) + i_m/(k1 r)·(1 + h_m k1/k2)`` (t C/ha)."""
    pools = equilibrium_pools(c_input_t_ha_yr, **params)
    return pools["young"] + pools["young_manure"] + pools["old"]


@dataclass(frozen=True)
class ICBM:
    """ICBM behind :class:`soilsink.models.base.SOMModel` (arrays broadcast over cells).

    Pools (disjoint, SOC = their sum): ``young`` (crop residue input), ``young_manure``
    (manure input, zero without manure) and ``old``. The stable part is the old pool.
    ``manure_t_ha_yr`` is a constant annual manure input (scalar or cell-shaped, t C/ha/yr)
    used by every method; :meth:`simulate` also takes a year-by-year manure series.
    """

    k1_yr: ArrayLike = DEFAULTS["k1_yr"]
    k2_yr: ArrayLike = DEFAULTS["k2_yr"]
    h: ArrayLike = DEFAULTS["h"]
    r: ArrayLike = DEFAULTS["r"]
    h_manure: ArrayLike = DEFAULTS["h_manure"]
    manure_t_ha_yr: ArrayLike = 0.0
    name: str = "icbm"

    def __post_init__(self) -> None:
        equilibrium_pools(0.0, **self._params())  # validates the parameters

    def _params(self) -> dict[str, ArrayLike]:
        return {"k1_yr": self.k1_yr, "k2_yr": self.k2_yr, "h": self.h, "r": self.r,
                "h_manure": self.h_manure}

    def _manure_const(self) -> np.ndarray:
        return as_param("manure_t_ha_yr", self.manure_t_ha_yr, low=0.0)

    def equilibrium(self, c_input_t_ha_yr: ArrayLike) -> dict[str, np.ndarray]:
        """Steady-state pools under constant crop input (and the constant manure input)."""
        return equilibrium_pools(c_input_t_ha_yr, manure_t_ha_yr=self._manure_const(), **self._params())

    def inputs_for_target(self, soc_t_ha: ArrayLike) -> np.ndarray:
        """Crop input (t C/ha/yr) whose steady-state SOC is ``soc_t_ha``, manure held fixed.

        Solves ``SOC = i/(k1 r)·(1 + h k1/k2) + i_m/(k1 r)·(1 + h_m k1/k2)`` for ``i``; negative
        where the manure alone already exceeds the target.
        """
        target = as_param("soc_t_ha", soc_t_ha, low=0.0)
        p = self._params()
        per_unit = equilibrium_soc(1.0, **p)
        from_manure = equilibrium_soc(0.0, manure_t_ha_yr=self._manure_const(), **p)
        return (target - from_manure) / per_unit

    def initial_from_soc(self, soc_t_ha: ArrayLike, c_input_t_ha_yr: ArrayLike) -> dict[str, np.ndarray]:
        """Pools from a measured SOC: young pools at their steady state for the given inputs,
        old = SOC − young. The young pool turns over in about ``1/(k1 r)`` years (1.25 yr with
        Table 1 values), so this choice fades within a few years of simulation."""
        soc = as_param("soc_t_ha", soc_t_ha, low=0.0)
        eq = self.equilibrium(c_input_t_ha_yr)
        old = soc - eq["young"] - eq["young_manure"]
        if np.any(old < 0):
            raise InputError(Problem(file="<model inputs>", column="soc_t_ha",
                                     message="SOC is below the steady-state young pool of the inputs",
                                     value=float(np.broadcast_to(soc, old.shape)[old < 0][0]),
                                     allowed="SOC >= (i + i_m)/(k1 r)"))
        return {"young": eq["young"], "young_manure": eq["young_manure"], "old": old}

    def simulate(
        self,
        initial: dict[str, ArrayLike],
        c_input_t_ha_yr: ArrayLike,
        manure_t_ha_yr: ArrayLike | None = None,
    ) -> Trajectory:
        """Annual run from ``initial`` (``young``, ``old``, optional ``young_manure``; t C/ha).

        ``manure_t_ha_yr`` (optional) has shape ``(n_years, *cells)``; default: the model's
        constant manure input every year.
        """
        i = as_inputs("c_input_t_ha_yr", c_input_t_ha_yr)
        n = i.shape[0]
        if manure_t_ha_yr is None:
            const = self._manure_const()
            m = np.broadcast_to(const, (n, *const.shape))
        else:
            m = as_inputs("manure_t_ha_yr", manure_t_ha_yr)
        if m.shape[0] != n:
            raise InputError(Problem(file="<model inputs>", column="manure_t_ha_yr",
                                     message="manure series and crop input differ in years",
                                     value=m.shape[0], allowed=f"{n} years"))
        if "young" not in initial or "old" not in initial:
            raise InputError(Problem(file="<model inputs>", column="initial",
                                     message="initial state needs the young and old pools",
                                     value=sorted(initial),
                                     allowed="young, old (t C/ha), optional young_manure"))
        y0 = np.asarray(initial["young"], dtype=np.float64)
        o0 = np.asarray(initial["old"], dtype=np.float64)
        ym0 = np.asarray(initial.get("young_manure", 0.0), dtype=np.float64)
        p = {k: np.asarray(v, dtype=np.float64) for k, v in self._params().items()}
        cells = np.broadcast_shapes(i.shape[1:], m.shape[1:], y0.shape, o0.shape, ym0.shape,
                                    *(v.shape for v in p.values()))
        i = broadcast_years(i, cells)
        m = broadcast_years(m, cells)
        out = {name: np.empty((n + 1, *cells)) for name in POOLS}
        co2 = np.empty((n, *cells))
        out["young"][0], out["young_manure"][0], out["old"][0] = y0, ym0, o0
        a, b = p["k1_yr"] * p["r"], p["k2_yr"] * p["r"]
        # The year map is affine: evaluate the exact step on unit states/inputs once per cell,
        # then every year is a few multiply-adds (identical to _advance by linearity).
        one, zero = np.ones(()), np.zeros(())
        kern = _kernels(a, b, one)
        hh, hm = p["h"], p["h_manure"]

        def unit(y, ym, o, ii, mm):
            return _advance(y, ym, o, ii, mm, a, b, hh, hm, one, kern)

        from_y, from_ym = unit(one, zero, zero, zero, zero), unit(zero, one, zero, zero, zero)
        from_o = unit(zero, zero, one, zero, zero)
        from_i, from_m = unit(zero, zero, zero, one, zero), unit(zero, zero, zero, zero, one)
        yy, yi = from_y.young, from_i.young
        mym, mm_ = from_ym.young_manure, from_m.young_manure
        oy, oym, oo, oi, om = from_y.old, from_ym.old, from_o.old, from_i.old, from_m.old
        cy, cym, co, ci, cm = from_y.co2, from_ym.co2, from_o.co2, from_i.co2, from_m.co2
        y_, ym_, o_ = out["young"], out["young_manure"], out["old"]
        for year in range(n):
            y, ym, o, ii, mm = y_[year], ym_[year], o_[year], i[year], m[year]
            y_[year + 1] = yy * y + yi * ii
            ym_[year + 1] = mym * ym + mm_ * mm
            o_[year + 1] = oy * y + oym * ym + oo * o + oi * ii + om * mm
            co2[year] = cy * y + cym * ym + co * o + ci * ii + cm * mm
        soc = out["young"] + out["young_manure"] + out["old"]
        return Trajectory(
            soc_t_ha=soc,
            stable_soc_t_ha=out["old"],
            co2_t_ha=cumulative_from_zero(co2),
            inputs_t_ha=cumulative_from_zero(i + m),
            pools=out,
        )
