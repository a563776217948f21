"""Matplotlib figures of a project run, as PNG bytes (deterministic: no timestamps, Agg backend)."""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

#: colours for scenarios (colour-blind safe, Okabe & Ito 2008 palette)
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]


def png_base64(fig: Figure, dpi: int = 96) -> str:
    """Encode ``fig`` as base64 PNG with no 'Software' or date metadata (identical bytes per run)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def trajectory_figure(results: pd.DataFrame, field_id: str, scenarios: list[str],
                      threshold_pool: str = "total") -> Figure:
    """SOC (solid, 95 % band) and stable SOC (dashed) per scenario for one field, threshold line."""
    d = results[results["field_id"] == field_id]
    fig = Figure(figsize=(6.4, 3.6), layout="constrained")
    ax = fig.add_subplot()
    for i, sc in enumerate(scenarios):
        s = d[d["scenario"] == sc].sort_values("year")
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(s["year"], s["soc_t_ha_mean"], color=colour, label=f"{sc}: SOC")
        ax.fill_between(s["year"], s["soc_t_ha_lo95"], s["soc_t_ha_hi95"], color=colour, alpha=0.15, lw=0)
        if s["stable_soc_t_ha_mean"].notna().any():
            ax.plot(s["year"], s["stable_soc_t_ha_mean"], color=colour, ls="--", label=f"{sc}: stable SOC")
    thr = d["threshold_t_ha"].dropna()
    if len(thr):
        ax.axhline(float(thr.iloc[0]), color="black", ls=":", lw=1.2, label=f"threshold ({threshold_pool} SOC)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year")
    ax.set_ylabel("SOC stock (t C/ha)")
    ax.set_title(f"Field {field_id}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    return fig


def sink_figure(summary: dict, scenario: str, field_ids: list[str]) -> Figure:
    """Creditable sink per field over the period (t CO2e) with 90 % (thick) and 95 % (thin) intervals."""
    fields = summary["scenarios"][scenario]["fields"]
    q = [fields[f]["total_sink_t_co2e"] for f in field_ids]
    mean = np.array([x["mean"] for x in q])
    y = np.arange(len(field_ids))
    fig = Figure(figsize=(6.4, 0.8 + 0.5 * len(field_ids)), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(y, mean, color=PALETTE[1], alpha=0.6)
    ax.hlines(y, [x["lo95"] for x in q], [x["hi95"] for x in q], color="black", lw=1)
    ax.hlines(y, [x["lo90"] for x in q], [x["hi90"] for x in q], color="black", lw=3)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(y, field_ids)
    ax.set_xlabel("sink over the period (t CO2e), 90 % and 95 % intervals")
    ax.set_title(f"Sink per field: {scenario}")
    ax.grid(axis="x", alpha=0.3)
    return fig


def map_figure(fields: list[dict]) -> Figure | None:
    """Field locations (lon/lat, marker area ∝ field area); None when no field has coordinates."""
    pts = [f for f in fields if f.get("lon") is not None and f.get("lat") is not None]
    if not pts:
        return None
    fig = Figure(figsize=(5.0, 4.0), layout="constrained")
    ax = fig.add_subplot()
    lon = np.array([f["lon"] for f in pts])
    lat = np.array([f["lat"] for f in pts])
    area = np.array([f["area_ha"] for f in pts])
    ax.scatter(lon, lat, s=30 + 170 * area / area.max(), color=PALETTE[0], alpha=0.7)
    for f in pts:
        ax.annotate(f["id"], (f["lon"], f["lat"]), textcoords="offset points", xytext=(5, 5), fontsize=8)
    pad = max(0.005, 0.15 * max(np.ptp(lon), np.ptp(lat)))
    ax.set_xlim(lon.min() - pad, lon.max() + pad)
    ax.set_ylim(lat.min() - pad, lat.max() + pad)
    ax.set_aspect(1 / np.cos(np.deg2rad(lat.mean())))
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.set_xlabel("longitude (°)")
    ax.set_ylabel("latitude (°)")
    ax.set_title("Fields (WGS84)")
    ax.grid(alpha=0.3)
    return fig
