"""Self-contained HTML report of a project run (jinja2 template, figures embedded as base64 PNG).

Deterministic: the same run gives the same bytes (no timestamps; PNGs without metadata).
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from soilsink.report.figures import map_figure, png_base64, sink_figure, trajectory_figure

METHOD_TEXT = {
    "ipcc_tier1": (
        "IPCC Tier 1 stock-change method (2006 IPCC Guidelines Vol. 4 Ch. 2 Eq. 2.25; 2019 "
        "Refinement): SOC = SOC_REF × F_LU × F_MG × F_I over 0–30 cm, linear transition to the "
        "new equilibrium over the default 20 years after a management change."
    ),
    "model": (
        "Model-based (Tier 3) accounting: a soil organic matter balance model initialised from "
        "the measured stock and run for each scenario with its carbon inputs and monthly climate."
    ),
    "measure_remeasure": (
        "Measure–remeasure: paired baseline and follow-up sampling of each field's site, stocks "
        "in an equivalent soil mass (Ellert & Bettany 1995); the project stock moves linearly "
        "between the samplings, the baseline is held at the first sampling; the paired standard "
        "error of the mean change gives the uncertainty."
    ),
}


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("soilsink.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _fmt(x: Any, digits: int = 2) -> str:
    if x is None:
        return "–"
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if abs(v) < 0.5 * 10.0 ** -digits:
        v = 0.0  # no "-0.00"
    return f"{v:,.{digits}f}"


def render_project_report(cfg: Any, result: Any) -> str:
    """HTML text of the report for a :class:`ProjectConfig` and its :class:`ProjectResult`."""
    from soilsink import __version__

    res = result.results
    field_ids = [f.id for f in cfg.fields]
    scenarios = [s.name for s in cfg.scenarios]
    figures = []
    for fid in field_ids:
        figures.append({"title": f"SOC trajectories, field {fid}",
                        "png": png_base64(trajectory_figure(res, fid, scenarios, cfg.threshold.pool))})
    figures.append({"title": "SOC trajectories, all fields (area-weighted)",
                    "png": png_base64(trajectory_figure(res, "ALL", scenarios))})
    sink_figs = [{"title": f"Sink per field, {sc.name}",
                  "png": png_base64(sink_figure(result.summary, sc.name, field_ids))}
                 for sc in cfg.projects]
    fields = [f.model_dump(mode="json") for f in cfg.fields]
    mfig = map_figure(fields)
    map_png = png_base64(mfig) if mfig is not None else None

    sinks = []
    for sc in cfg.projects:
        block = result.summary["scenarios"][sc.name]
        rows = []
        for fid in [*field_ids, "total"]:
            q = block["total"] if fid == "total" else block["fields"][fid]
            rows.append({
                "field": fid,
                "t_c": q["total_sink_t_c"], "t_co2e": q["total_sink_t_co2e"],
                "per_yr": q["total_sink_t_c_per_yr"], "not_creditable": q["total_not_creditable_t_c"],
                "stable": q.get("stable_sink_t_c"),
            })
        sinks.append({"scenario": sc.name, "rows": rows, "vm0042": block["total"].get("vm0042_deduction_t_co2e")})

    sources = sorted({s for r in result.runs for s in r.sources})
    first = res[(res["role"] == "baseline") & (res["year"] == cfg.project.start_year)]
    start_soc = dict(zip(first["field_id"], first["soc_t_ha_mean"], strict=True))
    template = _env().get_template("project_report.html.j2")
    return template.render(
        cfg=cfg, fields=fields, scenarios=cfg.scenarios, method_text=METHOD_TEXT.get(cfg.method.kind, ""),
        summary=result.summary, figures=figures, sink_figs=sink_figs, map_png=map_png, sinks=sinks,
        thresholds=result.thresholds_t_ha, sources=sources, version=__version__, fmt=_fmt,
        parameters=result.parameters, start_soc=start_soc,
    )
