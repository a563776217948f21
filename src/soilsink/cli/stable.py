"""CLI: ``soilsink stable``: SOC and stable SOC stocks per site by a named method.

Also the option helpers shared with ``soilsink threshold`` / ``soilsink potential``
(stable-carbon method, ESM reference, climate). See docs/threshold.md §1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from soilsink.cli._app import app
from soilsink.cli._common import friendly_errors, out_console

#: Columns a horizons table may carry for the capacity equations; the canonical horizons frame
#: does not keep them, so they are re-attached by row.
CAPACITY_EXTRA = ("fine_pct", "mineralogy")

STABLE_METHOD_HELP = ("Stable carbon: measured (fractionation MAOC), rothc (HUM + IOM of the RothC equilibrium "
                      "at the measured SOC; needs --climate and clay_pct), hassink_1997 or georgiou_2022 (MAOC "
                      "capacity and saturation deficit; stable carbon only where MAOC is measured), none. "
                      "Default: measured where fractionation data exist, else none.")


def read_horizons_extra(raw, source: str):
    """Validate a raw horizons table and re-attach ``fine_pct`` (0–100 %) and ``mineralogy`` per layer."""
    import numpy as np
    import pandas as pd

    from soilsink.io.errors import InputError, Problem
    from soilsink.io.horizons import validate_horizons
    from soilsink.stable.sites import MINERALOGIES

    h = validate_horizons(raw, source=source)
    extra = [c for c in CAPACITY_EXTRA if c in raw.columns]
    if not extra:
        return h
    by_row = raw.set_index("row")
    problems: list[Problem] = []
    if "fine_pct" in extra:
        text = by_row["fine_pct"]
        blank = text.isna() | (text.astype("string").str.strip() == "")
        num = pd.to_numeric(text.where(~blank), errors="coerce")
        for r in by_row.index[((num.isna() & ~blank) | (num < 0) | (num > 100)).to_numpy()]:
            problems.append(Problem(source, "bad fine fraction", row=int(r), column="fine_pct",
                                    value=text[r], allowed="0–100 % (particles < 20 µm for Hassink 1997)"))
        h["fine_pct"] = h["row"].map(num).astype(float)
    if "mineralogy" in extra:
        kind = by_row["mineralogy"].astype("string").str.strip()
        kind = kind.where(~kind.isin(["", "nan", "None"]))
        for r in by_row.index[(kind.notna() & ~kind.isin(MINERALOGIES)).to_numpy()]:
            problems.append(Problem(source, "unknown mineralogy", row=int(r), column="mineralogy",
                                    value=kind[r], allowed=", ".join(MINERALOGIES) + " or blank"))
        h["mineralogy"] = h["row"].map(kind.astype(object)).where(lambda m: m.notna(), np.nan)
    if problems:
        raise InputError(problems)
    return h


def esm_reference(esm: bool, reference_mass: float | None, esm_method: str) -> float | None:
    """The ESM reference mass (t/ha) from ``--esm --reference-mass``, or None for fixed depth."""
    from soilsink.io.errors import InputError, Problem
    from soilsink.stocks import ESM_METHODS

    if esm_method not in ESM_METHODS:
        raise InputError(Problem("--esm-method", "unknown ESM method", value=esm_method, allowed=", ".join(ESM_METHODS)))
    if not esm:
        if reference_mass is not None:
            raise InputError(Problem("--reference-mass", "given without --esm", allowed="add --esm, or drop it"))
        return None
    if reference_mass is None:
        raise InputError(Problem("--esm", "needs a reference mass", allowed="--reference-mass T_HA"))
    if not reference_mass > 0:
        raise InputError(Problem("--reference-mass", "must be positive", value=reference_mass, allowed="> 0 t/ha"))
    return float(reference_mass)


def check_climate_use(method: str, climate: Path | None) -> None:
    """``--climate`` belongs to the rothc method only; ``rothc`` needs it."""
    from soilsink.io.errors import InputError, Problem

    if climate is not None and method != "rothc":
        raise InputError(Problem("--climate", "is used only by the rothc stable method", value=str(climate),
                                 allowed="add --stable-method rothc (or --method rothc), or drop --climate"))
    if method == "rothc" and climate is None:
        raise InputError(Problem("--climate", "the rothc stable method needs a monthly climate",
                                 allowed="--climate CLIMATE.csv (month, temp_c, precip_mm, pet_mm or evap_mm)"))


def load_climate(path: Path | None, site_ids, dpm_rpm: float):
    """RothC forcing from ``--climate`` (None when no file is given)."""
    if path is None:
        return None
    from soilsink.io.tables import read_table
    from soilsink.stable.rothc_sites import climate_dataset

    return climate_dataset(read_table(path), str(path), site_ids=[str(s) for s in site_ids], dpm_rpm=dpm_rpm)


@app.command("stable")
@friendly_errors
def stable_command(
    horizons: Annotated[Path, typer.Argument(help="Horizons table (CSV, Parquet or Excel).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output CSV, one row per site.")],
    depth: Annotated[str, typer.Option("--depth", help="Depth interval TOP-BOTTOM in cm.")] = "0-30",
    method: Annotated[str, typer.Option("--method", help=STABLE_METHOD_HELP)] = "auto",
    mineralogy: Annotated[str, typer.Option("--mineralogy", help="georgiou_2022 slope: high_activity (2:1 clays, "
                                            "0.86) or low_activity (1:1 clays/oxides, 0.48); a mineralogy "
                                            "column overrides it per layer.")] = "high_activity",
    climate: Annotated[Path | None, typer.Option("--climate", help="Monthly climate for rothc: month, temp_c, "
                                                 "precip_mm, pet_mm or evap_mm; optional site_id, cover, dpm_rpm, c_input.")] = None,
    dpm_rpm: Annotated[float, typer.Option("--dpm-rpm", help="rothc: DPM/RPM of plant inputs where the climate "
                                           "table has none (1.44 crops/improved grassland, 0.67 unimproved "
                                           "grassland/scrub, 0.25 woodland).")] = 1.44,
    esm: Annotated[bool, typer.Option("--esm", help="Equivalent soil mass instead of fixed depth.")] = False,
    reference_mass: Annotated[float | None, typer.Option("--reference-mass", help="ESM reference fine-soil "
                                                         "mass (t/ha) for every site.")] = None,
    esm_method: Annotated[str, typer.Option("--esm-method", help="ESM interpolation: linear|spline.")] = "linear",
) -> None:
    """SOC and stable SOC stocks (t C/ha) per site; capacity methods add the MAOC capacity and deficit."""
    from soilsink.cli._common import parse_depth
    from soilsink.io.atomic import atomic_write
    from soilsink.io.tables import read_table
    from soilsink.stable.sites import site_stable_table

    top, bottom = parse_depth(depth)
    ref = esm_reference(esm, reference_mass, esm_method)
    check_climate_use(method, climate)
    h = read_horizons_extra(read_table(horizons), str(horizons))
    clim = load_climate(climate, sorted(h["site_id"].unique()), dpm_rpm) if method == "rothc" else None
    table = site_stable_table(h, top, bottom, method=method, reference_mass_t_ha=ref, esm_method=esm_method,
                              mineralogy=mineralogy, climate=clim, source=str(horizons))
    with atomic_write(output, newline="", kind="csv", inputs=(horizons, climate)) as fh:
        table.to_csv(fh, index=False, float_format="%.10g")
    n_stable = int(table["stable_soc_t_ha"].notna().sum())
    out_console.print(f"wrote {len(table)} site(s) to {output} ({n_stable} with stable carbon)")
