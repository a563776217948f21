"""Array layer between the xarray API / official files and the numba kernels.

Cells are flattened to one axis. Forcing is a mapping of 2-D arrays ``(n_months or 1,
n_cells or 1)`` that are broadcast to ``(n_months, n_cells)`` as zero-stride views.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from soilsink.models.rothc import constants as K
from soilsink.models.rothc import kernel
from soilsink.models.rothc.modifiers import cell_constants

FORCING = ("tas", "pr", "evap", "cover", "c_input", "fym", "dpm_rpm", "modern")
FORCING_DEFAULTS = {"fym": 0.0, "dpm_rpm": K.DPM_RPM_DEFAULT, "modern": 100.0}


@dataclass(frozen=True)
class CellParams:
    """Per-cell constants of the kernel (1-D float64 arrays of length ``n_cells``)."""

    iom: np.ndarray
    f_co2: np.ndarray
    f_bio: np.ndarray
    f_hum: np.ndarray
    smd15: np.ndarray
    smd1bar: np.ndarray
    smd_bare: np.ndarray
    smd_max: np.ndarray
    min_rm: np.ndarray
    opt_rmmoist: int

    @property
    def n_cells(self) -> int:
        return self.iom.shape[0]

    def args(self) -> tuple:
        return (self.iom, self.f_co2, self.f_bio, self.f_hum, self.smd15, self.smd1bar,
                self.smd_bare, self.smd_max, self.min_rm)


def cell_params(
    n_cells: int, *, clay, depth, iom, silt=np.nan, bd=np.nan, oc=np.nan,
    min_rm_moist=K.MIN_RM_MOIST_DEFAULT, opt_rmmoist: int = 1, opt_smdbare: int = 1,
) -> CellParams:
    """Soil constants per cell: C partition from clay, soil-water limits (see modifiers)."""
    if opt_rmmoist not in (1, 2, 3):
        raise ValueError(f"opt_rmmoist must be 1, 2 or 3, not {opt_rmmoist!r}")
    if opt_smdbare not in (1, 2):
        raise ValueError(f"opt_smdbare must be 1 or 2, not {opt_smdbare!r}")

    def vec(x):
        return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), (n_cells,)))

    clay_v, depth_v, silt_v, bd_v, oc_v = vec(clay), vec(depth), vec(silt), vec(bd), vec(oc)
    k = cell_constants(clay_v, depth_v, silt_v, bd_v, oc_v, int(opt_rmmoist), int(opt_smdbare))
    return CellParams(vec(iom), *(k[i].copy() for i in range(7)), vec(min_rm_moist), int(opt_rmmoist))


def forcing_views(forcing: Mapping[str, np.ndarray], n_months: int, n_cells: int) -> tuple:
    """The eight kernel forcing arrays as read-only ``(n_months, n_cells)`` views (no copies)."""
    out = []
    for name in FORCING:
        v = forcing.get(name)
        if v is None:
            if name not in FORCING_DEFAULTS:
                raise KeyError(name)
            v = FORCING_DEFAULTS[name]
        a = np.asarray(v, dtype=np.float64)
        if a.ndim == 0:
            a = a.reshape((1, 1))
        elif a.ndim != 2:
            raise ValueError(f"forcing {name!r} must be a scalar or 2-D (months, cells), got {a.shape}")
        out.append(np.broadcast_to(a, (n_months, n_cells)))
    return tuple(out)


def initial_state(params: CellParams) -> np.ndarray:
    """Empty active pools, SMD 0, CO2 0 (the official start of the equilibrium run)."""
    return np.zeros((params.n_cells, kernel.N_STATE))


def equilibrium_state(
    forcing12: tuple, params: CellParams, *, mode: str = "exact", radiocarbon: bool = False,
    tol: float = K.SPINUP_TOL_T_HA, max_years: int = 100_000, max_smd_years: int = 100_000,
) -> tuple[np.ndarray, np.ndarray]:
    """Equilibrium state ``(n_cells, N_STATE)`` under 12 months of forcing and months taken.

    ``mode="exact"``: periodic steady state solved exactly (months = 0); ``"spinup"``: the
    official loop from empty pools (months = months it took, -1 if it did not converge within
    ``max_years``). A cell with no decomposition in any month has no steady state: its exact
    pools are inf (or nan) and a warning is given.
    """
    state = initial_state(params)
    months = np.zeros(params.n_cells, dtype=np.int64)
    if mode == "exact":
        kernel.exact_equilibrium(*forcing12, *params.args(), params.opt_rmmoist, bool(radiocarbon),
                                 int(max_smd_years), state)
    elif mode == "spinup":
        kernel.spinup(*forcing12, *params.args(), params.opt_rmmoist, bool(radiocarbon), float(tol),
                      int(max_years), state, months)
    else:
        raise ValueError(f"equilibrium must be 'exact' or 'spinup', not {mode!r}")
    bad = ~np.isfinite(state[:, :4]).all(axis=1)
    if bad.any():
        import warnings

        warnings.warn(f"RothC: no steady state in {int(bad.sum())} cell(s) (no decomposition all year)",
                      RuntimeWarning, stacklevel=2)
    return state, months


def run(
    forcing: tuple, params: CellParams, state: np.ndarray, *, radiocarbon: bool = False,
    diagnostics: bool = False,
) -> dict[str, np.ndarray]:
    """Run the months of ``forcing`` from ``state`` (updated in place); arrays ``(n_months, n_cells)``."""
    nt = forcing[0].shape[0]
    nc = params.n_cells
    out = np.empty((6, nt, nc))
    out_r = np.empty((4 if radiocarbon else 0, nt, nc))
    diag = np.empty((4 if diagnostics else 0, nt, nc))
    kernel.run_months(*forcing, *params.args(), params.opt_rmmoist, bool(radiocarbon), state,
                      out, out_r, diag)
    res = dict(zip(kernel.OUT_NAMES, out, strict=True))
    if radiocarbon:
        res.update(zip(("R_DPM", "R_RPM", "R_BIO", "R_HUM"), out_r, strict=True))
    if diagnostics:
        res.update(zip(kernel.DIAG_NAMES, diag, strict=True))
    return res


def radiocarbon_age(c_t_ha: np.ndarray, r_t_ha: np.ndarray) -> np.ndarray:
    """Radiocarbon age (yr) ``ln(C / R) / conr``, 0 where the pool is <= 0 (RothC.for ``decomp``)."""
    c = np.asarray(c_t_ha, dtype=np.float64)
    r = np.asarray(r_t_ha, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        age = np.log(c / r) / K.CONR
    return np.where(c <= 0.0, 0.0, age)


def delta14c(age_yr: np.ndarray) -> np.ndarray:
    """delta14C (per mil) = (exp(-age / 8035) - 1) * 1000 (Shell.for ``Total_Delta``)."""
    return (np.exp(-np.asarray(age_yr) / K.DELTA_MEAN_LIFE_YR) - 1.0) * 1000.0


def total_radiocarbon(pools: Mapping[str, np.ndarray], iom: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Total radiocarbon age (yr) and delta14C (per mil) of SOC, IOM at 50 000 yr."""
    iom = np.asarray(iom, dtype=np.float64)
    r_tot = (pools["R_DPM"] + pools["R_RPM"] + pools["R_BIO"] + pools["R_HUM"]
             + iom * np.exp(-K.CONR * K.IOM_RAGE_YR))
    soc = pools["DPM"] + pools["RPM"] + pools["BIO"] + pools["HUM"] + iom
    age = radiocarbon_age(soc, r_tot)
    return age, delta14c(age)
