"""xarray API: :func:`simulate` and :func:`equilibrium` over any number of cell dimensions.

``ds`` has a monthly ``time`` dimension and any other dimensions (cells, or y/x). Variables
(units): ``clay`` (%), ``depth`` (cm), optional ``iom`` (t C/ha), ``tas`` (degC), ``pr``
(mm/month), ``evap`` (open-pan mm/month), ``cover`` (0 bare / 1 covered), ``c_input`` and
``fym`` (t C/ha/month), ``dpm_rpm`` (-), ``modern`` (% modern C, radiocarbon only), and for
opt_RMmoist 2/3 ``silt`` (%), ``bd`` (g/cm3), ``oc`` (%). Any variable may lack any dimension;
it is broadcast as a zero-stride view (a shared climate series is never copied per cell).

Without ``iom`` the IOM is taken from Falloon et al. (1998), IOM = 0.049 SOC^1.139, with SOC
the equilibrium SOC itself (IOM does not affect the active pools, so this is solved exactly
per cell by Newton's method).
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from soilsink.io.errors import InputError, Problem
from soilsink.models.rothc import constants as K
from soilsink.models.rothc import core

TIME = "time"
_STATIC = ("clay", "depth", "iom", "silt", "bd", "oc")
_REQUIRED = ("clay", "depth", "tas", "pr", "evap", "cover", "c_input")
_UNITS = {
    "DPM": ("t ha-1", "decomposable plant material carbon"),
    "RPM": ("t ha-1", "resistant plant material carbon"),
    "BIO": ("t ha-1", "microbial biomass carbon"),
    "HUM": ("t ha-1", "humified organic matter carbon"),
    "IOM": ("t ha-1", "inert organic matter carbon"),
    "SOC": ("t ha-1", "soil organic carbon (DPM+RPM+BIO+HUM+IOM)"),
    "CO2": ("t ha-1", "CO2-C released since the equilibrium state (accumulated)"),
    "deltaC": ("1e-3", "delta14C of soil organic carbon (per mil)"),
    "rage": ("year", "radiocarbon age of soil organic carbon"),
    "DPM_rage": ("year", "radiocarbon age of DPM"),
    "RPM_rage": ("year", "radiocarbon age of RPM"),
    "BIO_rage": ("year", "radiocarbon age of BIO"),
    "HUM_rage": ("year", "radiocarbon age of HUM"),
    "spinup_months": ("1", "months the official spin-up took (0: exact solve, -1: not converged)"),
    "SMD_end": ("mm", "topsoil moisture deficit at the end of the last month (pass as SMD to continue)"),
}


def falloon_iom(soc_t_ha):
    """Inert organic matter (t C/ha) from total SOC (t C/ha): IOM = 0.049 SOC^1.139.

    Falloon P, Smith P, Coleman K, Marshall S (1998) Soil Biol Biochem 30(8):1207-1211, eq. 1.
    """
    if isinstance(soc_t_ha, xr.DataArray):
        return K.FALLOON_A * soc_t_ha**K.FALLOON_B
    return K.FALLOON_A * np.asarray(soc_t_ha, dtype=np.float64) ** K.FALLOON_B


def open_pan_from_pet(pet_mm):
    """Open-pan evaporation (mm/month) from potential evapotranspiration: PET / 0.75.

    RothC's topsoil moisture deficit takes 0.75 × open-pan evaporation as evapotranspiration
    (``PEVAP_FACTOR``; official RothC.for ``RMF_Moist``; Coleman & Jenkinson, RothC user guide,
    2014 edition, "Input data"), so a PET series enters RothC as PET / 0.75.
    """
    return np.asarray(pet_mm, dtype=np.float64) / K.PEVAP_FACTOR


def _iom_for_active(active_t_ha: np.ndarray) -> np.ndarray:
    """IOM with IOM = 0.049 (active + IOM)^1.139 (Newton; the map is a contraction for SOC > 0)."""
    a = np.asarray(active_t_ha, dtype=np.float64)
    x = K.FALLOON_A * np.maximum(a, 0.0) ** K.FALLOON_B
    for _ in range(50):
        s = a + x
        f = x - K.FALLOON_A * s ** K.FALLOON_B
        df = 1.0 - K.FALLOON_A * K.FALLOON_B * s ** (K.FALLOON_B - 1.0)
        step = f / df
        x = x - step
        if np.all(np.abs(step) < 1e-14 * np.maximum(1.0, np.abs(x))):
            break
    return x


def _cell_dims(*sources: xr.Dataset, names) -> list[str]:
    dims: list[str] = []
    for src in sources:
        for n in names:
            if n in src:
                for d in src[n].dims:
                    if d != TIME and d not in dims:
                        dims.append(d)
    return dims


def _as_2d(da: xr.DataArray, cell_dims: list[str], cell_shape: tuple[int, ...], n_months: int):
    """``(n_months or 1, n_cells or 1)`` view of a forcing variable, no copy where possible."""
    has_t = TIME in da.dims
    order = ([TIME] if has_t else []) + [d for d in cell_dims if d in da.dims]
    a = np.asarray(da.transpose(*order).values, dtype=np.float64)
    shape = ([a.shape[0]] if has_t else [1]) + [da.sizes[d] if d in da.dims else 1 for d in cell_dims]
    a = a.reshape(shape)
    if not any(d in da.dims for d in cell_dims):
        return a.reshape(a.shape[0], 1)
    full = np.broadcast_to(a, (a.shape[0], *cell_shape))
    n_cells = int(np.prod(cell_shape))
    try:
        return np.reshape(full, (a.shape[0], n_cells), copy=False)
    except ValueError:  # the cell dims of this variable do not collapse without a copy
        return np.ascontiguousarray(full).reshape(a.shape[0], n_cells)


def _check(ds: xr.Dataset, name: str, opt_rmmoist: int, need_time: int) -> None:
    required = list(_REQUIRED) + (["silt", "bd", "oc"] if opt_rmmoist in (2, 3) else [])
    missing = [v for v in required if v not in ds]
    if missing:
        raise InputError(Problem(name, "missing variables: " + ", ".join(missing),
                                 allowed="clay depth tas pr evap cover c_input [iom fym dpm_rpm modern silt bd oc]"))
    if TIME not in ds.dims or ds.sizes[TIME] < need_time:
        raise InputError(Problem(name, f"needs a monthly 'time' dimension of at least {need_time} months",
                                 value=ds.sizes.get(TIME, 0)))
    for v in _STATIC:
        if v in ds and TIME in ds[v].dims:
            raise InputError(Problem(name, "soil properties must not vary in time", column=v))
    if "cover" in ds:
        cv = np.asarray(ds["cover"].values)
        if not np.isin(cv, (0, 1)).all():
            raise InputError(Problem(name, "plant cover must be 0 or 1", column="cover", allowed="0 or 1"))


def _prepare(ds, equilibrium_forcing, *, opt_rmmoist, opt_smdbare, min_rm_moist):
    names = (*_STATIC, *core.FORCING)
    srcs = [ds] + ([equilibrium_forcing] if equilibrium_forcing is not None else [])
    cell_dims = _cell_dims(*srcs, names=names)
    cell_shape = tuple(
        next(s.sizes[d] for s in srcs if d in s.dims) for d in cell_dims
    )
    n_cells = int(np.prod(cell_shape)) if cell_dims else 1

    def static(name, default):
        if name not in ds:
            return default
        return _as_2d(ds[name], cell_dims, cell_shape, 1)[0]

    params = core.cell_params(
        n_cells, clay=static("clay", np.nan), depth=static("depth", np.nan), iom=static("iom", 0.0),
        silt=static("silt", np.nan), bd=static("bd", np.nan), oc=static("oc", np.nan),
        min_rm_moist=min_rm_moist, opt_rmmoist=opt_rmmoist, opt_smdbare=opt_smdbare,
    )

    def forcing(src):
        n = src.sizes[TIME]
        f = {k: _as_2d(src[k], cell_dims, cell_shape, n) for k in core.FORCING if k in src}
        return core.forcing_views(f, n, n_cells)

    return cell_dims, cell_shape, n_cells, params, forcing


def _coords(ds: xr.Dataset, dims: list[str]) -> dict:
    return {k: v for k, v in ds.coords.items() if set(v.dims) <= set(dims)}


def _attach(name: str, data, dims, coords) -> xr.DataArray:
    units, long_name = _UNITS[name]
    return xr.DataArray(data, dims=dims, coords=coords, attrs={"units": units, "long_name": long_name})


def equilibrium(
    ds: xr.Dataset, *, equilibrium: str = "exact", radiocarbon: bool = False,
    equilibrium_forcing: xr.Dataset | None = None, opt_rmmoist: int = 1, opt_smdbare: int = 1,
    min_rm_moist: float = K.MIN_RM_MOIST_DEFAULT,
) -> xr.Dataset:
    """Pools (t C/ha) of the periodic steady state at the end of the 12-month equilibrium forcing.

    The forcing is the first 12 months of ``ds`` (as the official program) or
    ``equilibrium_forcing`` (12 months). ``equilibrium="exact"`` solves ``(I - Phi) C = g``;
    ``"spinup"`` runs the official loop. Variables on the cell dimensions: DPM, RPM, BIO, HUM, IOM,
    SOC, spinup_months (and deltaC, rage with radiocarbon).
    """
    return _equilibrium(ds, equilibrium, radiocarbon, equilibrium_forcing, opt_rmmoist, opt_smdbare,
                        min_rm_moist)[0]


def _equilibrium(ds, mode, radiocarbon, equilibrium_forcing, opt_rmmoist, opt_smdbare, min_rm_moist):
    _check(ds, "dataset", opt_rmmoist, 1 if equilibrium_forcing is not None else 12)
    if equilibrium_forcing is not None:
        src = equilibrium_forcing
        if TIME not in src.dims or src.sizes[TIME] != 12:
            raise InputError(Problem("equilibrium_forcing", "needs exactly 12 months on 'time'",
                                     value=src.sizes.get(TIME, 0)))
    else:
        src = ds.isel({TIME: slice(0, 12)})
    merged = src.merge(ds[[v for v in _STATIC if v in ds]], compat="override") if equilibrium_forcing is not None else src
    missing = [v for v in ("tas", "pr", "evap", "cover", "c_input") if v not in merged]
    if missing:
        raise InputError(Problem("equilibrium_forcing", "missing variables: " + ", ".join(missing)))
    cell_dims, cell_shape, n_cells, params, forcing = _prepare(
        ds, equilibrium_forcing, opt_rmmoist=opt_rmmoist, opt_smdbare=opt_smdbare, min_rm_moist=min_rm_moist)
    state, months = core.equilibrium_state(forcing(merged), params, mode=mode, radiocarbon=radiocarbon)
    if "iom" not in ds:
        iom = _iom_for_active(state[:, 0] + state[:, 1] + state[:, 2] + state[:, 3])
        params = core.CellParams(iom, *params.args()[1:], params.opt_rmmoist)
    if np.any(months < 0):
        warnings.warn(f"RothC spin-up did not converge in {int(np.sum(months < 0))} cell(s)", stacklevel=3)
    coords = _coords(ds, cell_dims)

    def cell(x):
        return np.asarray(x).reshape(cell_shape)

    pools = {"DPM": state[:, 0], "RPM": state[:, 1], "BIO": state[:, 2], "HUM": state[:, 3], "IOM": params.iom}
    pools["SOC"] = pools["DPM"] + pools["RPM"] + pools["BIO"] + pools["HUM"] + pools["IOM"]
    out = xr.Dataset({k: _attach(k, cell(v), cell_dims, coords) for k, v in pools.items()})
    out["spinup_months"] = _attach("spinup_months", cell(months), cell_dims, coords)
    if radiocarbon:
        rp = {"DPM": state[:, 0], "RPM": state[:, 1], "BIO": state[:, 2], "HUM": state[:, 3],
              "R_DPM": state[:, 6], "R_RPM": state[:, 7], "R_BIO": state[:, 8], "R_HUM": state[:, 9]}
        age, delta = core.total_radiocarbon(rp, params.iom)
        out["deltaC"] = _attach("deltaC", cell(delta), cell_dims, coords)
        out["rage"] = _attach("rage", cell(age), cell_dims, coords)
    out.attrs.update(model="RothC (official RothC 2.0.0 equations)", equilibrium=mode,
                     opt_RMmoist=opt_rmmoist, opt_SMDbare=opt_smdbare, minRM_Moist=min_rm_moist)
    return out, (cell_dims, cell_shape, params, forcing, state)


def _apply_initial(initial, state, params, cell_dims, cell_shape, radiocarbon):
    """Put the given pools (and radiocarbon ages) into ``state``; the soil water deficit keeps
    its periodic value under the equilibrium forcing; CO2 starts at 0."""
    n = params.n_cells
    missing = [p for p in ("DPM", "RPM", "BIO", "HUM") if p not in initial]
    if missing:
        raise InputError(Problem("initial pools", "missing pools: " + ", ".join(missing), allowed="DPM RPM BIO HUM [IOM]"))

    def cells(da):
        return _as_2d(da, cell_dims, cell_shape, 1)[0] * np.ones(n)

    for i, p in enumerate(("DPM", "RPM", "BIO", "HUM")):
        state[:, i] = cells(initial[p])
    if "SMD" in initial:  # continue a run exactly: the deficit it ended with (``SMD_end``)
        state[:, 4] = cells(initial["SMD"])
    state[:, 5] = 0.0
    if radiocarbon:
        ages = [f"{p}_rage" for p in ("DPM", "RPM", "BIO", "HUM")]
        if any(a not in initial for a in ages):
            raise InputError(Problem("initial pools", "radiocarbon needs the pool ages too",
                                     allowed=" ".join(ages)))
        for i, a in enumerate(ages):
            state[:, 6 + i] = state[:, i] * np.exp(-K.CONR * cells(initial[a]))
    if "IOM" in initial:
        params = core.CellParams(cells(initial["IOM"]), *params.args()[1:], params.opt_rmmoist)
    return params


def simulate(
    ds: xr.Dataset, *, equilibrium: str | xr.Dataset = "exact", radiocarbon: bool = False,
    equilibrium_forcing: xr.Dataset | None = None, opt_rmmoist: int = 1, opt_smdbare: int = 1,
    min_rm_moist: float = K.MIN_RM_MOIST_DEFAULT,
) -> xr.Dataset:
    """Run RothC monthly over every cell; pools at the end of each month of ``ds.time``.

    Equilibrium under the first 12 months of ``ds`` (as the official program), then months 13..n
    from it; months 1-12 of the output are the periodic equilibrium year itself (its December is
    the equilibrium state). With ``equilibrium_forcing`` (12 months) the equilibrium comes from it
    and every month of ``ds`` is simulated from it. ``CO2`` is the CO2-C accumulated since the
    equilibrium state (0 there, negative within the equilibrium year). Output variables DPM, RPM,
    BIO, HUM, IOM, SOC, CO2 (t C/ha) on ``ds``'s dimensions; with ``radiocarbon`` also deltaC
    (per mil) and radiocarbon ages (yr) of SOC and each pool; ``spinup_months`` per cell.
    Options: ``opt_rmmoist`` 1/2/3, ``opt_smdbare`` 1/2, ``min_rm_moist`` (RothC 2.0.0).

    ``equilibrium`` may also be a Dataset of initial pools (DPM, RPM, BIO, HUM, optional IOM,
    t C/ha on the cell dimensions; with radiocarbon also DPM_rage..HUM_rage in years): every
    month of ``ds`` is then simulated from them, the soil water deficit starting from its
    periodic state under the first 12 months (or ``equilibrium_forcing``), or from ``SMD`` (mm)
    when the Dataset has it: passing a run's end pools and its ``SMD_end`` continues that run
    exactly (same numbers as one longer run).
    """
    initial = equilibrium if isinstance(equilibrium, xr.Dataset) else None
    mode = "exact" if initial is not None else equilibrium
    if initial is not None and "SMD" in initial and ("IOM" in initial or "iom" in ds):
        # a continuation: the full state is given, so no equilibrium is needed at all
        _check(ds, "dataset", opt_rmmoist, 1)
        cell_dims, cell_shape, _, params, forcing = _prepare(
            ds, None, opt_rmmoist=opt_rmmoist, opt_smdbare=opt_smdbare, min_rm_moist=min_rm_moist)
        state = core.initial_state(params)
        eq = xr.Dataset({"spinup_months": _attach("spinup_months", np.zeros(cell_shape, dtype=np.int64),
                                                  cell_dims, _coords(ds, cell_dims))})
        eq.attrs.update(model="RothC (official RothC 2.0.0 equations)", opt_RMmoist=opt_rmmoist,
                        opt_SMDbare=opt_smdbare, minRM_Moist=min_rm_moist)
    else:
        eq, (cell_dims, cell_shape, params, forcing, state) = _equilibrium(
            ds, mode, radiocarbon, equilibrium_forcing, opt_rmmoist, opt_smdbare, min_rm_moist)
    if initial is not None:
        params = _apply_initial(initial, state, params, cell_dims, cell_shape, radiocarbon)
        eq["spinup_months"] = xr.zeros_like(eq["spinup_months"])
        eq.attrs["equilibrium"] = "initial pools given"
        equilibrium_forcing = ds  # run every month of ds from the given state
    nt = ds.sizes[TIME]
    f = forcing(ds)
    nc = params.n_cells
    out = np.empty((6, nt, nc))
    out_r = np.empty((4 if radiocarbon else 0, nt, nc))
    diag = np.empty((0, nt, nc))
    from soilsink.models.rothc import kernel

    def run(sl: slice, st: np.ndarray) -> None:
        ff = tuple(x[sl] for x in f)
        kernel.run_months(*ff, *params.args(), params.opt_rmmoist, bool(radiocarbon), st,
                          out[:, sl], out_r[:, sl], diag[:, sl])

    if equilibrium_forcing is None:
        run(slice(0, 12), state.copy())  # the equilibrium year itself
        out[5, :12] -= out[5, 11]
        if nt > 12:
            run(slice(12, nt), state)
    else:
        run(slice(0, nt), state)
    dims = [TIME, *cell_dims]
    coords = _coords(ds, dims)
    shape = (nt, *cell_shape)
    res = xr.Dataset(coords=coords)
    for i, name in enumerate(("DPM", "RPM", "BIO", "HUM", "SOC", "CO2")):
        res[name] = _attach(name, out[i].reshape(shape), dims, coords)
    res["IOM"] = _attach("IOM", np.broadcast_to(params.iom.reshape(cell_shape), shape), dims, coords)
    res = res[["DPM", "RPM", "BIO", "HUM", "IOM", "SOC", "CO2"]]
    res["spinup_months"] = eq["spinup_months"]
    res["SMD_end"] = _attach("SMD_end", state[:, 4].reshape(cell_shape).copy(), cell_dims,
                             _coords(ds, cell_dims))
    if radiocarbon:
        pools = {"DPM": out[0], "RPM": out[1], "BIO": out[2], "HUM": out[3],
                 "R_DPM": out_r[0], "R_RPM": out_r[1], "R_BIO": out_r[2], "R_HUM": out_r[3]}
        age, delta = core.total_radiocarbon(pools, params.iom[None, :])
        res["deltaC"] = _attach("deltaC", delta.reshape(shape), dims, coords)
        res["rage"] = _attach("rage", age.reshape(shape), dims, coords)
        for p in ("DPM", "RPM", "BIO", "HUM"):
            res[f"{p}_rage"] = _attach(f"{p}_rage", core.radiocarbon_age(pools[p], pools["R_" + p]).reshape(shape),
                                       dims, coords)
    res.attrs.update(eq.attrs)
    return res
