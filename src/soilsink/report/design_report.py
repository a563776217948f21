"""Self-contained HTML report of a sampling design (jinja2, autoescape on; map as base64 PNG).

Deterministic: the same design gives the same bytes (no timestamps; PNG without metadata).
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from soilsink.report.figures import PALETTE, png_base64

REFERENCES = [
    "Cochran, W.G. (1977) Sampling Techniques, 3rd ed. Wiley, New York (§5.2–5.9: stratified "
    "estimator, its variance, Satterthwaite degrees of freedom, Neyman allocation, sample size).",
    "Neyman, J. (1934) On the two different aspects of the representative method. J. R. Stat. "
    "Soc. 97: 558–625.",
    "Satterthwaite, F.E. (1946) An approximate distribution of estimates of variance components. "
    "Biometrics Bull. 2: 110–114.",
    "Zar, J.H. (2010) Biostatistical Analysis, 5th ed. Pearson (ch. 8 and 9: power and minimum "
    "detectable difference of two-sample and paired t-tests).",
    "Robertson, B.L., Brown, J.A., McDonald, T. & Jaksons, P. (2013) BAS: Balanced acceptance "
    "sampling of natural resources. Biometrics 69: 776–784.",
    "Stevens, D.L. & Olsen, A.R. (2004) Spatially balanced sampling of natural resources. "
    "J. Am. Stat. Assoc. 99: 262–278.",
    "Brus, D.J. (2022) Spatial Sampling with R. CRC Press (ch. 4: stratification with multiple "
    "covariates by k-means).",
]


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("soilsink.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _fmt(x: Any, digits: int = 2) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–" if x is None else str(x)
    if v != v:
        return "–"
    if abs(v) < 0.5 * 10.0 ** -digits:
        v = 0.0
    return f"{v:,.{digits}f}"


def design_map(design) -> Figure:
    """Strata (filled; control areas hatched) and points (samples ●, reserves ○, controls ▲), km."""
    fig = Figure(figsize=(6.4, 5.4), layout="constrained")
    ax = fig.add_subplot()
    colour = {h: PALETTE[i % len(PALETTE)] for i, h in enumerate(design.strata.names)}
    for table, hatch in ((design.strata.project, None), (design.strata.control, "///")):
        if len(table):
            table.plot(ax=ax, color=[colour[h] for h in table["stratum"]], alpha=0.35,
                       edgecolor="#444444", linewidth=0.5, hatch=hatch)
    p = design.points
    for (role, reserve), marker, size, filled in (
            (("sample", False), "o", 14, True), (("sample", True), "o", 10, False),
            (("control", False), "^", 18, True), (("control", True), "^", 12, False)):
        s = p[(p["role"] == role) & (p["reserve"] == reserve)] if len(p) else p
        if not len(s):
            continue
        c = [colour[h] for h in s["stratum"]]
        ax.scatter(s["x_work"], s["y_work"], s=size, marker=marker, linewidths=0.7,
                   facecolors=c if filled else "none", edgecolors="black" if filled else c, zorder=3)
    handles = [Patch(facecolor=colour[h], alpha=0.5, edgecolor="#444444", label=f"stratum {h}")
               for h in design.strata.names]
    handles += [Line2D([], [], ls="", marker="o", mfc="grey", mec="black", label="sample"),
                Line2D([], [], ls="", marker="o", mfc="none", mec="grey", label="reserve"),
                Line2D([], [], ls="", marker="^", mfc="grey", mec="black", label="control")]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_aspect("equal")
    ax.set_xlabel("easting (km)")
    ax.set_ylabel("northing (km)")
    km = FuncFormatter(lambda v, _pos: f"{v / 1000:g}")
    ax.xaxis.set_major_formatter(km)
    ax.yaxis.set_major_formatter(km)
    ax.grid(alpha=0.3)
    ax.set_title("Strata and sampling locations")
    return fig


def _strata_rows(design) -> list[dict]:
    st = design.strata.project
    bal = design.balance.set_index("stratum") if len(design.balance) else None
    rows = []
    for i, h in enumerate(design.strata.names):
        pts = design.points[design.points["stratum"] == h] if len(design.points) else design.points
        rows.append({
            "stratum": h, "area_ha": st["area_ha"].iloc[i], "weight": design.strata.weights[i],
            "prior_mean": design.prior.mean[i], "prior_sd": design.prior.sd[i], "sd_design": design.sd_design[i],
            "n_pilot": None if design.prior.n is None else int(design.prior.n[i]),
            "n": design.size.n_h[i], "controls": design.controls_h[i],
            "reserve": int(pts["reserve"].sum()) if len(pts) else 0,
            "bas": bal.loc[h, "bas"] if bal is not None and h in bal.index else None,
            "srs": bal.loc[h, "srs_mean"] if bal is not None and h in bal.index else None,
        })
    return rows


#: settings that only matter for one kind of target
_ONLY_FOR = {"precision": ("confidence",), "mdd": ("power", "alpha", "test", "alternative", "correlation")}


def _settings(spec) -> list[tuple[str, Any]]:
    """The spec's settings that were given or matter for its target."""
    skip = {k for target, keys in _ONLY_FOR.items() if target != spec.target for k in keys}
    return [(k, v) for k, v in spec.model_dump(mode="json").items() if v not in (None, [], ()) and k not in skip]


def render_design_report(design) -> str:
    """HTML text of the design report of a :class:`soilsink.mrv.design.Design`."""
    from soilsink import __version__
    from soilsink.mrv.design import SRS_REFERENCE_DRAWS

    spec = design.spec
    size = design.size
    ybar = float((design.strata.weights * design.prior.mean).sum())
    template = _env().get_template("design_report.html.j2")
    return template.render(
        design=design, spec=spec, size=size, strata=_strata_rows(design), fmt=_fmt,
        map_png=png_base64(design_map(design)), version=__version__,
        ybar=ybar, area_ha=design.areas.project_area_ha, srs_draws=SRS_REFERENCE_DRAWS,
        n_controls=sum(design.controls_h), references=REFERENCES,
        settings=_settings(spec),
        kmeans=design.strata.kmeans, starts=design.starts.to_dict("records"),
        crs_source=design.areas.source_crs.to_string(), crs_work=design.areas.working_crs.to_string(),
    )
