"""GSOCseq-style sequestration potential on a grid, chunked over space with Dask.

The recipe (FAO 2020, *GSOCseq Technical Manual* v1.0, ch. 5 "Modelling approach", ch. 10
scripts 13-15, ch. 12 "Uncertainty"), per cell:

1. **Equilibrium (inverse mode, no spin-up).** IOM = 0.049·SOC^1.139 (Falloon et al. 1998; TM
   eq. 5.2); the annual plant C input whose exact RothC equilibrium under the 12-month
   equilibrium climate equals the measured SOC (TM eq. 5.1 solved exactly: RothC is affine in
   the inputs) and the pools of that equilibrium.
2. **Warm-up** ("short spin-up", TM 5.4.2): monthly historical climate for the warm-up years,
   inputs scaled each year by NPP_year / NPP_reference with the Miami model (Lieth 1975), as
   script 14 does (``warmup_inputs = "miami"``), or constant. The end state is t0.
3. **Forward runs** (TM 5.4.3, script 15): ``forward_years`` (20) with the mean monthly climate
   of the warm-up period and the mean warm-up input times each scenario's factor (BAU 1.0;
   SSM low/medium/high 1.05/1.10/1.20).
4. **Rates** (TM eq. 2.1, 2.2): absolute = (SOC_end − SOC_t0)/years, relative =
   (SOC_end − SOC_end,BAU)/years, t C/ha/yr.
5. **Uncertainty** (TM eq. 12.3, 12.4 with the factors of scripts 13-15): a low run with
   SOC×0.8, clay×0.9, temperature×1.02, precipitation×0.95 and SSM input factor −0.15, and a
   high run with SOC×1.2, clay×1.1, temperature×0.98, precipitation×1.05, factor +0.15.

Our additions: every cell's end SOC is capped by its soil type's threshold,
``P_cap = min(P, max(threshold, P(0)))`` (the part above is "not creditable"), and the stable
part (RothC HUM + IOM) is reported at t0 and at the end of each scenario.

Cells where any input is NaN (nodata) are NaN in every output. All arithmetic is per cell and
sums run in a fixed order, so the results are bit-for-bit identical whatever the chunking and
the number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from soilsink.spatial.config import GridConfig
from soilsink.spatial.engine import POOLS, CellEngine, default_engine, falloon_iom
from soilsink.threshold import cap_trajectory

VARIANTS = ("central", "low", "high")

#: output variables on (y, x): name -> (units, long name). Units are udunits strings (CF);
#: every mass is carbon: "t ha-1" reads t C/ha.
CELL_OUTPUTS = {
    "iom": ("t ha-1", "inert organic matter (Falloon et al. 1998)"),
    "c_input_equilibrium": ("t ha-1 yr-1", "annual plant C input giving equilibrium SOC = measured SOC"),
    "c_input_forward": ("t ha-1 yr-1", "BAU annual plant C input of the forward runs (mean of warm-up inputs)"),
    "soc_t0": ("t ha-1", "SOC at the start of the forward runs (end of warm-up)"),
    "soc_t0_low": ("t ha-1", "SOC at t0, low-uncertainty run"),
    "soc_t0_high": ("t ha-1", "SOC at t0, high-uncertainty run"),
    "stable_soc_t0": ("t ha-1", "stable SOC (RothC HUM + IOM) at t0"),
    "threshold_soc": ("t ha-1", "SOC threshold of the cell's soil type"),
    "threshold_stable_soc": ("t ha-1", "stable-SOC threshold of the cell's soil type"),
}
#: output variables on (scenario, y, x)
SCENARIO_OUTPUTS = {
    "soc_end": ("t ha-1", "SOC at the end of the forward run"),
    "soc_end_low": ("t ha-1", "SOC at the end, low-uncertainty run"),
    "soc_end_high": ("t ha-1", "SOC at the end, high-uncertainty run"),
    "stable_soc_end": ("t ha-1", "stable SOC (HUM + IOM) at the end of the forward run"),
    "asr": ("t ha-1 yr-1", "absolute sequestration rate (SOC_end - SOC_t0)/years (GSOCseq eq. 2.1)"),
    "asr_low": ("t ha-1 yr-1", "absolute sequestration rate, low-uncertainty run"),
    "asr_high": ("t ha-1 yr-1", "absolute sequestration rate, high-uncertainty run"),
    "rsr": ("t ha-1 yr-1", "relative sequestration rate (SOC_end - SOC_end_BAU)/years (GSOCseq eq. 2.2)"),
    "rsr_low": ("t ha-1 yr-1", "relative sequestration rate, low-uncertainty run"),
    "rsr_high": ("t ha-1 yr-1", "relative sequestration rate, high-uncertainty run"),
    "soc_end_capped": ("t ha-1", "end SOC capped by the soil-type threshold: min(SOC_end, max(threshold, SOC_t0))"),
    "not_creditable": ("t ha-1", "part of the end SOC above the cap"),
    "asr_capped": ("t ha-1 yr-1", "absolute sequestration rate of the capped SOC"),
    "rsr_capped": ("t ha-1 yr-1", "relative sequestration rate of the capped SOC"),
    "stable_soc_end_capped": ("t ha-1", "end stable SOC capped by the stable threshold"),
}


@dataclass(frozen=True)
class ClimateSource:
    """A climate raster each block reads its own window from (path, NetCDF variable)."""

    path: str
    variable: str | None = None


@dataclass(frozen=True)
class Settings:
    """The scenario settings the per-block function needs (plain values: cheap to ship)."""

    depth_cm: float
    input_monthly_fraction: tuple[float, ...]
    cover: tuple[int, ...]
    dpm_rpm: float
    warmup_inputs: str
    pet_to_open_pan: float | None  # None: the evaporation raster is open-pan already
    forward_years: int
    scenario_names: tuple[str, ...]
    input_factors: tuple[float, ...]
    uncertainty: bool
    soc_rel: float
    clay_rel: float
    tas_rel: float
    pr_rel: float
    input_factor_spread: float

    @classmethod
    def from_config(cls, cfg: GridConfig) -> Settings:
        m, s, u = cfg.management, cfg.scenarios, cfg.uncertainty
        return cls(
            depth_cm=m.depth_cm,
            input_monthly_fraction=tuple(m.input_monthly_fraction),
            cover=tuple(m.cover),
            dpm_rpm=m.dpm_rpm,
            warmup_inputs=m.warmup_inputs,
            pet_to_open_pan=cfg.climate.pet_to_open_pan if cfg.climate.evaporation == "pet" else None,
            forward_years=s.forward_years,
            scenario_names=tuple(s.input_factors),
            input_factors=tuple(float(v) for v in s.input_factors.values()),
            uncertainty=u.enabled,
            soc_rel=u.soc_rel,
            clay_rel=u.clay_rel,
            tas_rel=u.tas_rel,
            pr_rel=u.pr_rel,
            input_factor_spread=u.input_factor_spread,
        )


# ----------------------------------------------------------------------------- science helpers


def miami_npp(tas_mean_c: np.ndarray, pr_annual_mm: np.ndarray) -> np.ndarray:
    """Miami model NPP (g dry matter m⁻² yr⁻¹) = min(3000/(1+exp(1.315−0.119·T)),
    3000·(1−exp(−0.000664·P))), T mean annual °C, P annual mm (Lieth 1975, in Lieth & Whittaker
    (eds) *Primary Productivity of the Biosphere*, Springer, pp. 237-263; GSOCseq TM ch. 6)."""
    t = np.asarray(tas_mean_c, dtype=float)
    p = np.asarray(pr_annual_mm, dtype=float)
    return np.minimum(3000.0 / (1.0 + np.exp(1.315 - 0.119 * t)), 3000.0 * (1.0 - np.exp(-0.000664 * p)))


def cap_end(soc_end: np.ndarray, soc_t0: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Creditable end SOC ``min(P, max(threshold, P(0)))`` per cell; a NaN threshold means no
    cap. The project's one cap: :func:`soilsink.threshold.cap_trajectory` on (t0, end)."""
    creditable, _ = cap_trajectory(np.stack([soc_t0, soc_end]), threshold, axis=0)
    return np.asarray(creditable, dtype=float)[-1]


def _yearly_sum(x: np.ndarray) -> np.ndarray:
    """(years*12, n) -> (years, n) sums over months, added in calendar order (fixed order)."""
    y = x.reshape(-1, 12, x.shape[-1])
    acc = y[:, 0, :].copy()
    for k in range(1, 12):
        acc += y[:, k, :]
    return acc


def _monthly_mean(x: np.ndarray) -> np.ndarray:
    """(years*12, n) -> (12, n) mean of each calendar month, years added in order."""
    y = x.reshape(-1, 12, x.shape[-1])
    acc = y[0].copy()
    for k in range(1, y.shape[0]):
        acc += y[k]
    return acc / y.shape[0]


def _mean_rows(x: np.ndarray) -> np.ndarray:
    acc = x[0].copy()
    for k in range(1, x.shape[0]):
        acc += x[k]
    return acc / x.shape[0]


# ----------------------------------------------------------------------------- per-cell workflow


def sequestration_cells(
    soc: np.ndarray,
    clay: np.ndarray,
    tas: np.ndarray,
    pr: np.ndarray,
    evap: np.ndarray,
    settings: Settings,
    *,
    dpm_rpm: np.ndarray | None = None,
    eq_climate: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    threshold_soc: np.ndarray | None = None,
    threshold_stable_soc: np.ndarray | None = None,
    engine: CellEngine | None = None,
) -> dict[str, np.ndarray]:
    """The whole workflow for ``n`` valid cells (no NaN). Climate arrays are ``(months, n)``
    (months a multiple of 12; 12 means no warm-up), evaporation as in the rasters (PET or
    open pan per ``settings``). Returns the :data:`CELL_OUTPUTS` as ``(n,)`` arrays and the
    :data:`SCENARIO_OUTPUTS` as ``(n_scenarios, n)`` arrays."""
    engine = engine or default_engine()
    n = soc.shape[0]
    evap_pan = evap / settings.pet_to_open_pan if settings.pet_to_open_pan else evap
    years = tas.shape[0] // 12
    dpm_rpm = np.full(n, settings.dpm_rpm) if dpm_rpm is None else dpm_rpm
    frac = np.asarray(settings.input_monthly_fraction, dtype=float)[:, None]
    cover12 = np.asarray(settings.cover, dtype=float)[:, None]
    fwd_months = settings.forward_years * 12
    nan = np.full(n, np.nan)
    thr = nan if threshold_soc is None else threshold_soc
    thr_st = nan if threshold_stable_soc is None else threshold_stable_soc

    variants = VARIANTS if settings.uncertainty else ("central",)
    evap_mean = _monthly_mean(evap_pan)
    res: dict[str, dict] = {}
    for v in variants:
        sign = {"central": 0.0, "low": -1.0, "high": 1.0}[v]
        soc_v = soc * (1.0 + sign * settings.soc_rel)
        clay_v = clay * (1.0 + sign * settings.clay_rel)
        tas_v = tas * (1.0 - sign * settings.tas_rel)  # low run: warmer (×1.02), high run: cooler
        pr_v = pr * (1.0 + sign * settings.pr_rel)
        clim_mean = (_monthly_mean(tas_v), _monthly_mean(pr_v), evap_mean)
        if eq_climate is None:
            eq = clim_mean
        else:
            e_evap = eq_climate[2] / settings.pet_to_open_pan if settings.pet_to_open_pan else eq_climate[2]
            eq = (eq_climate[0] * (1.0 - sign * settings.tas_rel), eq_climate[1] * (1.0 + sign * settings.pr_rel), e_evap)
        soil = {"clay": clay_v, "depth": settings.depth_cm, "dpm_rpm": dpm_rpm, "iom": falloon_iom(soc_v)}
        forcing12 = {"tas": eq[0], "pr": eq[1], "evap": eq[2], "cover": cover12}
        c_eq = engine.inputs_for_target(forcing12, soil, soc_v, frac)
        c_eq_month = frac * c_eq
        # warm-up inputs (GSOCseq script 14): equilibrium input scaled by NPP_year / NPP_ref
        warm = years > 1 or (years == 1 and eq_climate is not None)
        if warm:
            if settings.warmup_inputs == "miami":
                npp = miami_npp(_yearly_sum(tas_v) / 12.0, _yearly_sum(pr_v))  # (years, n)
                if eq_climate is None:
                    npp_ref = _mean_rows(npp)
                else:
                    npp_ref = miami_npp(_mean_rows(eq[0]), _yearly_sum(eq[1])[0])
                scale = npp / npp_ref
            else:
                scale = np.ones((years, n))
            c_year = c_eq * scale  # (years, n) t C/ha/yr
            c_warm = np.repeat(c_year, 12, axis=0) * np.tile(frac, (years, 1))
            c_fwd = _mean_rows(c_year)
        else:
            c_fwd = c_eq
        # forward years under the warm-up mean climate (script 15), after the warm-up if any
        reps = settings.forward_years
        fwd_series = {"tas": np.tile(clim_mean[0], (reps, 1)), "pr": np.tile(clim_mean[1], (reps, 1)),
                      "evap": np.tile(evap_mean, (reps, 1)), "cover": np.tile(cover12, (reps, 1))}
        fwd_pattern = np.tile(frac, (reps, 1))
        factors = [f if f == 1.0 else f + sign * settings.input_factor_spread for f in settings.input_factors]
        if warm:
            # the warm-up once; every forward run continues from its end state (pools and soil
            # water deficit), which gives the same numbers as one uninterrupted run
            warm_series = {"tas": tas_v, "pr": pr_v, "evap": evap_pan, "cover": np.tile(cover12, (years, 1))}
            w = engine.simulate(forcing12, c_eq_month, soil, warm_series, c_warm, (years * 12 - 1,))
            t0 = {p: w[p][0] for p in POOLS}
            start = dict(t0, SMD=w["SMD"])
        else:
            t0 = engine.equilibrium(forcing12, soil, c_eq_month)
            start = None

        def forward(factor: float, start=start, soil=soil, fwd_series=fwd_series, fwd_pattern=fwd_pattern,
                    c_fwd=c_fwd, forcing12=forcing12, c_eq_month=c_eq_month) -> dict[str, np.ndarray]:
            """Forward run with inputs ``fwd_pattern × c_fwd × factor``; pools at its last month."""
            c_month = fwd_pattern * (c_fwd * factor)
            if start is None:  # no warm-up: from the exact equilibrium
                return engine.simulate(forcing12, c_eq_month, soil, fwd_series, c_month, (fwd_months - 1,))
            return engine.resume(start, soil, fwd_series, c_month, (fwd_months - 1,))

        base = forward(1.0)
        soc_t0 = sum(t0[p] for p in POOLS)
        stable_t0 = t0["HUM"] + t0["IOM"]
        soc_1 = sum(base[p][-1] for p in POOLS)
        st_1 = base["HUM"][-1] + base["IOM"][-1]
        # RothC is affine in the inputs (the rate modifiers do not depend on the pools), so the
        # end state is affine in the forward input factor: two runs give every scenario. The
        # reference run is taken as is; the others are interpolated (exact up to rounding).
        others = [f for f in factors if f != 1.0]
        if others:
            f_ref = max(others, key=lambda f: abs(f - 1.0))
            ref = forward(f_ref)
            soc_r = sum(ref[p][-1] for p in POOLS)
            st_r = ref["HUM"][-1] + ref["IOM"][-1]
        ends, stables = [], []
        for f in factors:
            if f == 1.0:
                ends.append(soc_1)
                stables.append(st_1)
            elif f == f_ref:
                ends.append(soc_r)
                stables.append(st_r)
            else:
                w = (f - 1.0) / (f_ref - 1.0)
                ends.append(soc_1 + w * (soc_r - soc_1))
                stables.append(st_1 + w * (st_r - st_1))
        res[v] = dict(c_eq=c_eq, c_fwd=c_fwd, soc_t0=soc_t0, stable_t0=stable_t0, iom=soil["iom"],
                      end=np.stack(ends), stable_end=np.stack(stables))

    c = res["central"]
    yrs = float(settings.forward_years)
    ibau = settings.scenario_names.index("BAU")
    out: dict[str, np.ndarray] = {
        "iom": c["iom"],
        "c_input_equilibrium": c["c_eq"],
        "c_input_forward": c["c_fwd"],
        "soc_t0": c["soc_t0"],
        "stable_soc_t0": c["stable_t0"],
        "threshold_soc": thr,
        "threshold_stable_soc": thr_st,
        "soc_end": c["end"],
        "stable_soc_end": c["stable_end"],
        "asr": (c["end"] - c["soc_t0"]) / yrs,
        "rsr": (c["end"] - c["end"][ibau]) / yrs,
    }
    for v in ("low", "high"):
        r = res.get(v)
        if r is None:
            out[f"soc_t0_{v}"] = nan
            for k in ("soc_end", "asr", "rsr"):
                out[f"{k}_{v}"] = np.full_like(c["end"], np.nan)
            continue
        out[f"soc_t0_{v}"] = r["soc_t0"]
        out[f"soc_end_{v}"] = r["end"]
        out[f"asr_{v}"] = (r["end"] - r["soc_t0"]) / yrs
        out[f"rsr_{v}"] = (r["end"] - r["end"][ibau]) / yrs
    capped = np.stack([cap_end(e, c["soc_t0"], thr) for e in c["end"]])
    out["soc_end_capped"] = capped
    out["not_creditable"] = c["end"] - capped
    out["asr_capped"] = (capped - c["soc_t0"]) / yrs
    out["rsr_capped"] = (capped - capped[ibau]) / yrs
    out["stable_soc_end_capped"] = np.stack([cap_end(e, c["stable_t0"], thr_st) for e in c["stable_end"]])
    return out


# ----------------------------------------------------------------------------- per-block (Dask) wrapper


def _run_cells(block: xr.Dataset, settings: Settings, engine: CellEngine | None = None,
               climate: dict[str, ClimateSource] | None = None) -> xr.Dataset:
    """One spatial block in, every output variable for that block out (the only model call site).

    ``block`` holds ``soc``, ``clay`` on ``(y, x)``, optionally ``dpm_rpm``,
    ``threshold_soc``, ``threshold_stable_soc``; the climate (``tas``, ``pr``, ``evap`` on
    ``(time, y, x)``, optionally ``tas_eq``, ``pr_eq``, ``evap_eq`` with 12 months) is either in
    ``block`` or read here from ``climate`` for this block's window only.
    """
    from soilsink.spatial.rasters import read_window

    ny, nx = block.sizes["y"], block.sizes["x"]
    scen = list(settings.scenario_names)
    arrays = {k: np.asarray(block[k].values, dtype=float) for k in block.data_vars}
    for k, src in (climate or {}).items():
        arrays[k] = read_window(src.path, src.variable, block["x"].values, block["y"].values)
    flat = {k: a.reshape(a.shape[: a.ndim - 2] + (ny * nx,)) for k, a in arrays.items()}
    need = [flat["soc"], flat["clay"]] + [flat[k] for k in ("tas", "pr", "evap")]
    valid = np.isfinite(flat["soc"]) & np.isfinite(flat["clay"]) & (flat["soc"] > 0)
    for a in need[2:]:
        valid &= np.isfinite(a).all(axis=0)
    if "dpm_rpm" in flat:
        valid &= np.isfinite(flat["dpm_rpm"])
    if "tas_eq" in flat:
        for k in ("tas_eq", "pr_eq", "evap_eq"):
            valid &= np.isfinite(flat[k]).all(axis=0)
    idx = np.flatnonzero(valid)
    results: dict[str, np.ndarray] = {}
    if idx.size:
        sel = {k: a[..., idx] for k, a in flat.items()}
        results = sequestration_cells(
            sel["soc"], sel["clay"], sel["tas"], sel["pr"], sel["evap"], settings,
            dpm_rpm=sel.get("dpm_rpm"),
            eq_climate=(sel["tas_eq"], sel["pr_eq"], sel["evap_eq"]) if "tas_eq" in sel else None,
            threshold_soc=sel.get("threshold_soc"),
            threshold_stable_soc=sel.get("threshold_stable_soc"),
            engine=engine,
        )
    data = {}
    for name, (units, long_name) in CELL_OUTPUTS.items():
        arr = np.full(ny * nx, np.nan)
        if idx.size:
            arr[idx] = results[name]
        data[name] = xr.DataArray(arr.reshape(ny, nx), dims=("y", "x"), attrs={"units": units, "long_name": long_name})
    for name, (units, long_name) in SCENARIO_OUTPUTS.items():
        arr = np.full((len(scen), ny * nx), np.nan)
        if idx.size:
            arr[:, idx] = results[name]
        data[name] = xr.DataArray(arr.reshape(len(scen), ny, nx), dims=("scenario", "y", "x"),
                                  attrs={"units": units, "long_name": long_name})
    return xr.Dataset(data, coords={"scenario": scen, "y": block["y"], "x": block["x"]})


def template_for(inputs: xr.Dataset, settings: Settings) -> xr.Dataset:
    """A lazy dataset shaped like the outputs (for :func:`xarray.map_blocks`)."""
    import dask.array as dsa

    chunks_yx = (inputs.chunksizes["y"], inputs.chunksizes["x"])
    ny, nx = inputs.sizes["y"], inputs.sizes["x"]
    ns = len(settings.scenario_names)
    data = {}
    for name, (units, long_name) in CELL_OUTPUTS.items():
        data[name] = xr.DataArray(dsa.empty((ny, nx), chunks=chunks_yx, dtype=float), dims=("y", "x"),
                                  attrs={"units": units, "long_name": long_name})
    for name, (units, long_name) in SCENARIO_OUTPUTS.items():
        data[name] = xr.DataArray(dsa.empty((ns, ny, nx), chunks=((ns,),) + chunks_yx, dtype=float),
                                  dims=("scenario", "y", "x"), attrs={"units": units, "long_name": long_name})
    return xr.Dataset(data, coords={"scenario": list(settings.scenario_names), "y": inputs["y"], "x": inputs["x"]})


def sequestration_grid(inputs: xr.Dataset, settings: Settings, engine: CellEngine | None = None,
                       climate: dict[str, ClimateSource] | None = None) -> xr.Dataset:
    """Lazy outputs for a chunked input dataset (see :func:`_run_cells` for its variables).

    Unchunked inputs are computed eagerly by one call of :func:`_run_cells`.
    """
    if inputs.chunks is None or not inputs.chunks:
        return _run_cells(inputs, settings, engine, climate)
    template = template_for(inputs, settings)
    out = xr.map_blocks(_run_cells, inputs, args=(settings, engine, climate), template=template)
    return out.assign_coords(scenario=list(settings.scenario_names))
