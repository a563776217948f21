"""The carbon sink of a field: project minus baseline SOC change, capped by the threshold.

    sink = dSOC(project, creditable) - dSOC(baseline)      (t C; x 44/12 for t CO2e)

with dX = X(T) - X(0) over the accounting period of T years (positive = removal). The cap is
the soil-carbon-sink threshold (stable SOC at the natural dynamic equilibrium of the soil type,
docs/architecture.md, threshold layer): the creditable project trajectory is

    P_cap(t) = min(P(t), max(threshold, P(0)))

so carbon above the threshold is never credited, and a stock already above it keeps its start
value as the ceiling (no debit is created by the cap itself). The part cut off is reported as
``not_creditable_t_c``. Same rule as :func:`soilsink.threshold.cap_trajectory` (used when present).

Arrays: trajectories have the year axis LAST, shape ``(*lead, T + 1)`` with any leading axes
(fields x draws ...). :class:`soilsink.models.base.Trajectory` objects (year axis first) are
accepted and transposed; ``pool`` picks ``soc_t_ha`` ("total") or ``stable_soc_t_ha`` ("stable").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem

C_TO_CO2 = 44.0 / 12.0
"""Molar mass ratio CO2/C (IPCC 2006 Vol 4 Ch 2 §2.2.3: multiply C by 44/12 for CO2)."""
POOLS = ("total", "stable")

try:  # the threshold layer's cap, when it has landed
    from soilsink.threshold import cap_trajectory as _threshold_cap  # type: ignore[attr-defined]
except ImportError:  # threshold layer not merged yet: same rule, local
    _threshold_cap = None


def cap_trajectory_local(soc_t_ha: np.ndarray, threshold_t_ha) -> tuple[np.ndarray, np.ndarray]:
    """(creditable, not creditable) with P_cap = min(P, max(threshold, P(0))); year axis last.

    A NaN threshold means no cap for that field (as in the threshold layer).
    """
    p = np.asarray(soc_t_ha, dtype=float)
    thr = np.asarray(threshold_t_ha, dtype=float)
    ceiling = np.where(np.isnan(thr), np.inf, np.maximum(thr, p[..., 0]))[..., None]
    cap = np.minimum(p, ceiling)
    return cap, p - cap


def _as_years_last(x, pool: str, name: str) -> np.ndarray:
    if hasattr(x, "soc_t_ha") and hasattr(x, "stable_soc_t_ha"):  # models.base.Trajectory
        arr = np.asarray(x.soc_t_ha if pool == "total" else x.stable_soc_t_ha, dtype=float)
        return np.moveaxis(arr, 0, -1)
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] < 2:
        raise InputError(Problem(file=f"<{name}>", message="a trajectory needs at least two annual values "
                                 "(start and end) on its last axis", value=arr.shape, allowed="shape (..., T+1), T >= 1"))
    return arr


def _lead(x, lead_shape: tuple[int, ...], name: str) -> np.ndarray:
    """Broadcast a per-field value to the leading shape; a 1-D array is read along the first axis."""
    a = np.asarray(x, dtype=float)
    if a.ndim == 1 and len(lead_shape) >= 1 and a.shape[0] == lead_shape[0] and a.shape[0] != 1:
        a = a.reshape(a.shape + (1,) * (len(lead_shape) - 1))
    try:
        return np.broadcast_to(a, lead_shape)
    except ValueError:
        raise InputError(Problem(file=f"<{name}>", message=f"{name} does not fit the fields/draws shape",
                                 value=a.shape, allowed=f"scalar, ({lead_shape[0] if lead_shape else 1},) "
                                 f"or broadcastable to {lead_shape}")) from None


@dataclass(frozen=True)
class SinkResult:
    """Sink over the accounting period; arrays have the leading (fields x draws ...) shape.

    Cumulative quantities are in t C (per field area); annual arrays have a last axis of T years.
    """

    pool: str
    years: int
    area_ha: np.ndarray
    baseline_change_t_c: np.ndarray
    project_change_t_c: np.ndarray
    """Creditable (capped) project change."""
    project_change_uncapped_t_c: np.ndarray
    sink_t_c: np.ndarray
    sink_t_co2e: np.ndarray
    sink_t_c_per_yr: np.ndarray
    not_creditable_t_c: np.ndarray
    baseline_soc_t_ha: np.ndarray
    """Annual baseline stock, shape (*lead, T+1)."""
    project_soc_t_ha: np.ndarray
    project_creditable_soc_t_ha: np.ndarray
    annual_sink_t_c: np.ndarray
    """Sink of each year, shape (*lead, T); sums to ``sink_t_c``."""

    def to_frame(self, field_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """One row per field and year (year 0 = start). Extra leading axes (draws) are averaged."""
        def per_field(a: np.ndarray) -> np.ndarray:
            a = np.asarray(a, dtype=float)
            a = a.reshape((1,) + a.shape) if a.ndim == 1 else a
            return a.reshape(a.shape[0], -1, a.shape[-1]).mean(axis=1)
        b, p = per_field(self.baseline_soc_t_ha), per_field(self.project_soc_t_ha)
        pc = per_field(self.project_creditable_soc_t_ha)
        n_fields = b.shape[0]
        ids = list(field_ids) if field_ids is not None else [f"field_{i + 1}" for i in range(n_fields)]
        if len(ids) != n_fields:
            raise InputError(Problem(file="<sink>", message="one field id per field needed",
                                     value=len(ids), allowed=str(n_fields)))
        area = np.asarray(self.area_ha, dtype=float).reshape(n_fields, -1).mean(axis=1) \
            if np.ndim(self.area_ha) else np.full(n_fields, float(self.area_ha))
        annual = np.concatenate([np.zeros((n_fields, 1)),
                                 per_field(self.annual_sink_t_c) if self.years else np.zeros((n_fields, 0))], axis=1)
        rows = []
        for i, fid in enumerate(ids):
            cum = np.cumsum(annual[i])
            for t in range(self.years + 1):
                rows.append({"field_id": fid, "pool": self.pool, "year": t, "area_ha": area[i],
                             "baseline_soc_t_ha": b[i, t], "project_soc_t_ha": p[i, t],
                             "project_creditable_soc_t_ha": pc[i, t],
                             "annual_sink_t_c": annual[i, t], "cumulative_sink_t_c": cum[t],
                             "cumulative_sink_t_co2e": cum[t] * C_TO_CO2})
        return pd.DataFrame(rows)


def sink(baseline, project, area_ha=1.0, years: int | None = None, *, threshold_t_ha=None,
         pool: str = "total") -> SinkResult:
    """Sink of each field (and draw): dSOC(project, capped) - dSOC(baseline), see module doc.

    ``baseline``/``project``: SOC trajectories, t C/ha, shape (*lead, T+1) (or model Trajectory).
    ``years``: length of the accounting period (default: the full trajectory).
    ``threshold_t_ha``: soil-type threshold (scalar, per field, or broadcastable); None = no cap.
    """
    if pool not in POOLS:
        raise InputError(Problem(file="<sink>", message="unknown pool", column="pool", value=pool,
                                 allowed=", ".join(POOLS)))
    b = _as_years_last(baseline, pool, "baseline")
    p = _as_years_last(project, pool, "project")
    try:
        b, p = np.broadcast_arrays(b, p)
    except ValueError:
        raise InputError(Problem(file="<sink>", message="baseline and project trajectories differ in shape",
                                 value=(b.shape, p.shape), allowed="same (or broadcastable) shapes")) from None
    n_years = b.shape[-1] - 1 if years is None else int(years)
    if not 1 <= n_years <= b.shape[-1] - 1:
        raise InputError(Problem(file="<sink>", message="accounting period longer than the trajectories",
                                 value=n_years, allowed=f"1..{b.shape[-1] - 1}"))
    b, p = b[..., : n_years + 1], p[..., : n_years + 1]
    lead = b.shape[:-1]
    area = _lead(area_ha, lead, "area_ha")
    if np.any(area < 0):
        raise InputError(Problem(file="<sink>", message="area must be >= 0 ha", value=float(area.min()),
                                 allowed=">= 0"))
    if threshold_t_ha is None:
        p_cap = p.copy()
    else:
        thr = _lead(threshold_t_ha, lead, "threshold_t_ha")
        if _threshold_cap is not None:
            p_cap, _ = _threshold_cap(p, thr)
            p_cap = np.asarray(p_cap, dtype=float)
        else:
            p_cap, _ = cap_trajectory_local(p, thr)
    d_b = (b[..., -1] - b[..., 0]) * area
    d_p = (p_cap[..., -1] - p_cap[..., 0]) * area
    d_pu = (p[..., -1] - p[..., 0]) * area
    s = d_p - d_b
    annual = (np.diff(p_cap, axis=-1) - np.diff(b, axis=-1)) * area[..., None]
    return SinkResult(pool=pool, years=n_years, area_ha=area, baseline_change_t_c=d_b,
                      project_change_t_c=d_p, project_change_uncapped_t_c=d_pu, sink_t_c=s,
                      sink_t_co2e=s * C_TO_CO2, sink_t_c_per_yr=s / n_years,
                      not_creditable_t_c=d_pu - d_p, baseline_soc_t_ha=b, project_soc_t_ha=p,
                      project_creditable_soc_t_ha=p_cap, annual_sink_t_c=annual)
