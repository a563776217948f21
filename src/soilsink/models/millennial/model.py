"""Millennial v2 behind the annual SOM-model protocol (daily RK4 inside, annual outside).

    >>> import numpy as np
    >>> from soilsink.models.millennial import Millennial
    >>> m = Millennial(clay_pct=25, silt_pct=40, bd_g_cm3=1.3, ph=6.5, tsoil=11.0, theta=0.25)
    >>> eq = m.equilibrium(np.array([2.0]))                # t C/ha per pool, exact
    >>> tr = m.simulate(eq, np.full((10, 1), 2.5))          # Trajectory, one row per year

Model: Abramoff et al. (2022) Soil Biol. Biochem. 164:108466, as the official R code
(``derivs_V2_MM.R`` of rabramoff/Millennial) defines it; equations in
:mod:`soilsink.models.millennial.kernel`. Time step one day, classical RK4 (the official R
driver's ``deSolve`` ``rk4``). Pools POM, LMWC, AGG, MIC, MAOM; **stable carbon is MAOM**,
whose sorption saturates at ``Q_max = BD·pc·(clay + silt)`` (Eq. 11).

Units: the model works in g C/m2 and g C/m2/d; at this interface t C/ha and t C/ha/yr
(1 t C/ha = 100 g C/m2; a year is 365 days). ``Q_max`` of the official code is per m2 of a
1 m soil column (BD in kg/m3 times g C/kg); ``depth_cm`` makes the column explicit and
defaults to 100 cm, which reproduces the official code.

Losses: Millennial loses C as respired CO2 and as leached LMWC (Eq. 8). ``co2_t_ha`` of the
trajectory holds both (all C leaving the soil, so that input = ΔSOC + co2_t_ha);
:meth:`Millennial.run` returns them apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from soilsink.io.errors import InputError, Problem
from soilsink.models._params import as_inputs, as_param, broadcast_years
from soilsink.models.base import Trajectory
from soilsink.models.millennial import kernel as k
from soilsink.models.millennial.forcing import soil_forcing_from_monthly
from soilsink.models.millennial.parameters import default_values
from soilsink.models.parameter_tables import with_overrides

POOLS = ("POM", "LMWC", "AGG", "MIC", "MAOM")
SOURCE = "<millennial parameters>"
G_M2_PER_T_HA = 100.0
DAYS = 365


@dataclass(frozen=True)
class MillennialRun:
    """Annual states of a daily run (g C/m2 converted to t C/ha): pools ``(n_years + 1, *cells)``
    and cumulative CO2, leached C and input since the start."""

    pools: dict[str, np.ndarray]
    co2_t_ha: np.ndarray
    leached_t_ha: np.ndarray
    inputs_t_ha: np.ndarray


def _daily(name: str, value: ArrayLike, low: float, high: float | None = None,
           low_open: bool = False) -> np.ndarray:
    """A forcing given as one value (per cell) or 365 daily values on the first axis."""
    arr = as_param(name, value, low=low, high=high, low_open=low_open,
                   source="<millennial forcing>")
    return arr if arr.ndim and arr.shape[0] == DAYS else arr[np.newaxis]


@dataclass(frozen=True)
class Millennial:
    """Millennial v2 for one soil and climate, vectorised over a trailing cell shape.

    Parameters (vocabulary names)
    ----------
    clay_pct, silt_pct : clay and silt content, % (Q_max uses their sum).
    bd_g_cm3 : bulk density, g/cm3.
    ph : soil pH (-), Eq. 10.
    tsoil : soil temperature, degC: one value per cell or ``(365, *cells)`` daily values (a
        first axis of length 365 is always the day axis: give 365 constant cells as (1, 365)).
    theta : volumetric soil moisture, m3/m3 (below ``porosity``), same shapes as ``tsoil``.
        From monthly climate see :func:`soilsink.models.millennial.forcing.soil_forcing_from_monthly`.
    depth_cm : depth of the soil column for Q_max (default 100 cm, the official code's).
    saturating : True for the official Langmuir sorption (Eq. 9); False for linear sorption
        ``w_d·K_lm·LMWC`` (desorption keeps its rate ``K_des/Q_max``, so both variants share
        every parameter and differ only by the saturation term).
    input_shape : daily shares of the annual input, ``(365, *cells)`` summing to 1 (default
        uniform).
    parameters : overrides of the calibrated parameters by name (scalars or cell arrays).
    """

    clay_pct: ArrayLike
    silt_pct: ArrayLike
    bd_g_cm3: ArrayLike
    ph: ArrayLike
    tsoil: ArrayLike
    theta: ArrayLike
    depth_cm: ArrayLike = 100.0
    saturating: bool = True
    input_shape: ArrayLike | None = None
    parameters: Mapping[str, ArrayLike] = field(default_factory=dict)
    name: str = "millennial"
    pools: tuple[str, ...] = POOLS
    stable_pools: tuple[str, ...] = ("MAOM",)
    stable_definition: str = ("Millennial v2 mineral-associated organic matter, MAOM "
                              "(Abramoff et al. 2022)")

    def __post_init__(self) -> None:
        object.__setattr__(self, "_values", with_overrides(default_values(), self.parameters,
                                                          model="Millennial", source=SOURCE))
        p = self.parameter_values
        por = np.asarray(p["porosity"], dtype=np.float64)
        tsoil = _daily("tsoil", self.tsoil, low=-60.0, high=60.0)
        theta = _daily("theta", self.theta, low=0.0, low_open=True)
        if np.any(theta > por):
            raise InputError(Problem(file="<millennial forcing>", column="theta",
                                     value=float(np.max(theta)),
                                     message="soil moisture above the porosity",
                                     allowed=f"0 < theta <= porosity ({float(np.min(por))})"))
        shape = (np.full((DAYS,), 1.0 / DAYS) if self.input_shape is None
                 else as_param("input_shape", self.input_shape, low=0.0, source=SOURCE))
        if shape.shape[0] != DAYS or not np.allclose(shape.sum(axis=0), 1.0, rtol=1e-12):
            raise InputError(Problem(file=SOURCE, column="input_shape", value=str(shape.shape),
                                     message="daily input shares must be 365 values summing to 1",
                                     allowed="shape (365, *cells), sum 1"))
        object.__setattr__(self, "_forcing", (tsoil, theta, shape))
        object.__setattr__(self, "_rows", self._parameter_rows(p))

    @classmethod
    def from_monthly_climate(cls, *, tas: ArrayLike, pr: ArrayLike, pet: ArrayLike,
                             theta_fc: ArrayLike, theta_wp: ArrayLike, depth_cm: ArrayLike = 100.0,
                             **site) -> Millennial:
        """The model driven by monthly climate (``tas`` degC, ``pr``, ``pet`` mm/month, 12 values
        each): daily soil temperature and moisture from
        :func:`soilsink.models.millennial.forcing.soil_forcing_from_monthly` with field
        capacity ``theta_fc`` and wilting point ``theta_wp`` (m3/m3) over ``depth_cm``;
        ``site``: the other keyword parameters of :class:`Millennial`."""
        tsoil, theta = soil_forcing_from_monthly(tas, pr, pet, theta_fc, theta_wp, depth_cm)
        return cls(tsoil=tsoil, theta=theta, depth_cm=depth_cm, **site)

    @property
    def parameter_values(self) -> dict[str, ArrayLike]:
        """Every parameter in use (calibrated values with overrides); sources in
        :func:`soilsink.models.millennial.parameter_table`."""
        return dict(self._values)  # type: ignore[attr-defined]

    def _parameter_rows(self, p: Mapping[str, ArrayLike]) -> np.ndarray:
        """``(*cells, N_ROW)`` parameter rows with K_lm (Eq. 10) and Q_max (Eq. 11) appended."""
        clay = as_param("clay_pct", self.clay_pct, low=0.0, high=100.0, source=SOURCE)
        silt = as_param("silt_pct", self.silt_pct, low=0.0, high=100.0, source=SOURCE)
        if np.any(clay + silt <= 0) or np.any(clay + silt > 100):
            raise InputError(Problem(file=SOURCE, column="clay_pct + silt_pct",
                                     value=float(np.max(clay + silt)),
                                     message="clay + silt out of range", allowed="(0, 100] %"))
        bd = as_param("bd_g_cm3", self.bd_g_cm3, low=0.0, high=3.0, low_open=True, source=SOURCE)
        ph = as_param("ph", self.ph, low=0.0, high=14.0, source=SOURCE)
        depth = as_param("depth_cm", self.depth_cm, low=0.0, low_open=True, source=SOURCE)
        vals = [as_param(n, p[n], source=SOURCE) for n in k.PARAM_NAMES]
        klm = np.exp(-vals[k.P1] * ph - vals[k.P2]) * vals[k.KDES]                  # Eq. 10
        qmax = (bd * 1000.0) * vals[k.PC] * (clay + silt) * (depth / 100.0)          # Eq. 11
        cells = np.broadcast_shapes(klm.shape, qmax.shape, *(v.shape for v in vals))
        return np.stack([np.broadcast_to(v, cells) for v in (*vals, klm, qmax)], axis=-1)

    @property
    def kernel_parameters(self) -> np.ndarray:
        """Parameter rows ``(*cells, N_ROW)`` in the order of :data:`kernel.PARAM_NAMES`, with
        K_lm (Eq. 10) and Q_max (Eq. 11, g C/m2) appended: the ``p`` of the kernel functions."""
        return self._rows  # type: ignore[attr-defined]

    @property
    def qmax_t_ha(self) -> np.ndarray:
        """Sorption capacity Q_max (Eq. 11), t C/ha per cell."""
        return self._rows[..., k.QMAX] / G_M2_PER_T_HA  # type: ignore[attr-defined]

    # --- shapes -------------------------------------------------------------------------
    def _cells(self, *shapes: tuple[int, ...]) -> tuple[int, ...]:
        tsoil, theta, shape = self._forcing  # type: ignore[attr-defined]
        return np.broadcast_shapes(self._rows.shape[:-1], tsoil.shape[1:], theta.shape[1:],  # type: ignore[attr-defined]
                                   shape.shape[1:], *shapes)

    def _flat_forcing(self, cells: tuple[int, ...]):
        tsoil, theta, shape = self._forcing  # type: ignore[attr-defined]
        n = int(np.prod(cells))

        def daily(a):
            a = a.reshape((a.shape[0], *(1,) * (len(cells) - a.ndim + 1), *a.shape[1:]))
            full = np.broadcast_to(a if a.shape[0] == DAYS else np.repeat(a, DAYS, axis=0),
                                   (DAYS, *cells))
            return np.ascontiguousarray(full.reshape(DAYS, n).T)

        rows = np.ascontiguousarray(np.broadcast_to(self._rows, (*cells, k.N_ROW)).reshape(n, k.N_ROW))  # type: ignore[attr-defined]
        return daily(tsoil), daily(theta), daily(shape), rows

    def _constant_forcing(self) -> bool:
        tsoil, theta, shape = self._forcing  # type: ignore[attr-defined]
        return all(np.all(a == a[:1]) for a in (tsoil, theta, shape))

    # --- protocol -----------------------------------------------------------------------
    def equilibrium_mean_forcing(self, c_input_t_ha_yr: ArrayLike) -> dict[str, np.ndarray]:
        """Exact steady state under the annual-mean forcing (the official ``Solve_Model``
        definition: mean soil temperature, moisture and input), t C/ha."""
        c = as_param("c_input_t_ha_yr", c_input_t_ha_yr, low=0.0, source="<model inputs>")
        cells = self._cells(c.shape)
        t, w, s, rows = self._flat_forcing(cells)
        n = rows.shape[0]
        npp = np.broadcast_to(c, cells).reshape(n) * G_M2_PER_T_HA / DAYS
        out = np.empty((n, k.N_POOL))
        k.steady_state_cells(np.ascontiguousarray(npp), t.mean(axis=1), w.mean(axis=1), rows,
                             self.saturating, out)
        return {name: out[:, i].reshape(cells) / G_M2_PER_T_HA for i, name in enumerate(POOLS)}

    def equilibrium(self, c_input_t_ha_yr: ArrayLike, tol: float = 1e-13) -> dict[str, np.ndarray]:
        """Steady state (t C/ha) of :meth:`simulate` under a constant annual input, solved directly.

        Constant forcing: the exact root of the equations (:meth:`equilibrium_mean_forcing`).
        Seasonal forcing: the start-of-year state that one year maps onto itself (periodic
        steady state), by Newton's method from the mean-forcing root; no spin-up run.
        """
        start = self.equilibrium_mean_forcing(c_input_t_ha_yr)
        if self._constant_forcing():
            return start
        c = as_param("c_input_t_ha_yr", c_input_t_ha_yr, low=0.0, source="<model inputs>")
        cells = self._cells(c.shape)
        t, w, s, rows = self._flat_forcing(cells)
        n = rows.shape[0]
        x0 = np.stack([np.broadcast_to(start[p], cells).reshape(n) for p in POOLS], axis=1)
        x0 = np.ascontiguousarray(x0 * G_M2_PER_T_HA)
        npp = np.ascontiguousarray(np.broadcast_to(c, cells).reshape(n, 1) * G_M2_PER_T_HA)
        out, iters = np.empty_like(x0), np.empty(n, dtype=np.int64)
        k.periodic_steady_state(x0, t, w, npp, s, rows, self.saturating, tol, 30, out, iters)
        if np.any(iters < 0):
            raise InputError(Problem(file="<model inputs>", column="c_input_t_ha_yr",
                                     value=int(np.sum(iters < 0)),
                                     message="periodic steady state did not converge in 30 "
                                             "Newton steps for some cells"))
        return {name: out[:, i].reshape(cells) / G_M2_PER_T_HA for i, name in enumerate(POOLS)}

    def inputs_for_target(self, soc_t_ha: ArrayLike, rtol: float = 1e-12) -> np.ndarray:
        """Annual input (t C/ha/yr) whose steady-state SOC is ``soc_t_ha``.

        Steady-state SOC rises monotonically with the input; the input is found per cell by
        the Illinois (regula falsi) method on a bracket, to ``rtol`` in SOC.
        """
        target = as_param("soc_t_ha", soc_t_ha, low=0.0, low_open=True, source="<model inputs>")

        def soc(c):
            return sum(self.equilibrium(c).values())

        lo = np.zeros(np.shape(soc(np.broadcast_to(target, target.shape))))
        hi = np.ones_like(lo)
        target = np.broadcast_to(target, lo.shape)
        f_hi = soc(hi) - target
        for _ in range(60):  # grow the bracket
            if np.all(f_hi >= 0):
                break
            hi = np.where(f_hi < 0, hi * 4.0, hi)
            f_hi = soc(hi) - target
        f_lo = -target.astype(np.float64)
        side = np.zeros(lo.shape)
        x = hi
        for _ in range(200):
            x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
            fx = soc(x) - target
            if np.all(np.abs(fx) <= rtol * target):
                break
            left = fx * f_lo > 0
            lo, f_lo = np.where(left, x, lo), np.where(left, fx, f_lo)
            hi, f_hi = np.where(left, hi, x), np.where(left, f_hi, fx)
            f_hi = np.where(left & (side == 1), f_hi * 0.5, f_hi)
            f_lo = np.where(~left & (side == -1), f_lo * 0.5, f_lo)
            side = np.where(left, 1, -1)
        else:
            raise InputError(Problem(file="<model inputs>", column="soc_t_ha",
                                     value=float(np.max(target)),
                                     message="no input found whose steady state has this SOC",
                                     allowed="SOC reachable at a finite input"))
        return x

    def run(self, initial: Mapping[str, ArrayLike], c_input_t_ha_yr: ArrayLike) -> MillennialRun:
        """Daily RK4 run from ``initial`` pools (t C/ha) with annual inputs ``(n_years, *cells)``.

        Every forcing is a daily series interpolated linearly between days (the official
        driver's ``approxfun``), the input included: where the input changes from one year
        to the next, half a day of the change moves across the year end, so the cumulative
        ``inputs_t_ha`` (the integrated input) differs from the sum of the annual inputs by
        ``(I_last − I_first)·shape[0]/2``.
        """
        missing = [p for p in POOLS if p not in initial]
        if missing:
            raise InputError(Problem(file="<model inputs>", column="initial", value=sorted(initial),
                                     message=f"initial state lacks pool(s) {missing}",
                                     allowed=", ".join(POOLS)))
        i = as_inputs("c_input_t_ha_yr", c_input_t_ha_yr)
        init = [as_param(p, initial[p], low=0.0, source="<model inputs>") for p in POOLS]
        n_years = i.shape[0]
        cells = self._cells(i.shape[1:], *(x.shape for x in init))
        t, w, s, rows = self._flat_forcing(cells)
        n = rows.shape[0]
        x0 = np.zeros((n, k.N_STATE))
        for j, x in enumerate(init):
            x0[:, j] = np.broadcast_to(x, cells).reshape(n) * G_M2_PER_T_HA
        npp = np.ascontiguousarray(broadcast_years(i, cells).reshape(n_years, n).T * G_M2_PER_T_HA)
        annual = np.empty((n, n_years + 1, k.N_STATE))
        k.run_cells(x0, t, w, npp, s, rows, self.saturating, annual)
        out = np.moveaxis(annual, 0, -1).reshape((n_years + 1, k.N_STATE, *cells)) / G_M2_PER_T_HA
        return MillennialRun(pools={p: out[:, j] for j, p in enumerate(POOLS)},
                             co2_t_ha=out[:, 5], leached_t_ha=out[:, 6], inputs_t_ha=out[:, 7])

    def simulate(self, initial: Mapping[str, ArrayLike], c_input_t_ha_yr: ArrayLike) -> Trajectory:
        """Annual states of the daily run (see :meth:`run`); ``co2_t_ha`` = CO2 + leached C."""
        r = self.run(initial, c_input_t_ha_yr)
        soc = sum(r.pools.values())
        return Trajectory(soc_t_ha=soc, stable_soc_t_ha=r.pools["MAOM"].copy(),
                          co2_t_ha=r.co2_t_ha + r.leached_t_ha, inputs_t_ha=r.inputs_t_ha,
                          pools=r.pools)
