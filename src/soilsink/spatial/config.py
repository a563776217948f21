"""``CONFIG.toml`` for ``soilsink grid run``: the rasters and the scenario settings (pydantic).

Relative paths resolve against the folder of the config file. Defaults follow the FAO GSOCseq
Technical Manual v1.0 (FAO 2020, ch. 5 and 10; scripts 13-15): 20-year forward runs, SSM input
increases of 5/10/20 %, uncertainty bounds from SOC ×0.8/×1.2, clay ×0.9/×1.1, temperature
×1.02/×0.98, precipitation ×0.95/×1.05 and SSM input factor −/+0.15.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from soilsink.io.errors import InputError, Problem
from soilsink.io.text import read_text


class _Strict(BaseModel):
    #: unknown keys and non-finite numbers (TOML ``inf``, ``nan``) are errors
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class RasterSpec(_Strict):
    """One raster file (NetCDF or GeoTIFF); ``variable`` picks a NetCDF variable."""

    path: Path
    variable: str | None = None


def _raster(v):
    if isinstance(v, str | Path):
        return {"path": v}
    return v


class Inputs(_Strict):
    """Rasters on one grid. ``soc`` t C/ha (0-``depth_cm``), ``clay`` %, climate monthly series."""

    soc: RasterSpec
    clay: RasterSpec
    tas: RasterSpec = Field(description="air temperature, °C, monthly: n_years*12 layers (warm-up period) or 12")
    pr: RasterSpec = Field(description="precipitation, mm/month, same layers as tas")
    evap: RasterSpec = Field(description="evaporation (open pan) or PET, mm/month, same layers as tas")
    soil_type: RasterSpec | None = None
    land_use: RasterSpec | None = None
    dpm_rpm: RasterSpec | None = None

    @field_validator("soc", "clay", "tas", "pr", "evap", "soil_type", "land_use", "dpm_rpm", mode="before")
    @classmethod
    def _coerce(cls, v):
        return None if v is None else _raster(v)


class Climate(_Strict):
    """How the evaporation raster is read, and where the equilibrium climate comes from."""

    evaporation: Literal["open_pan", "pet"] = "pet"
    #: RothC needs open-pan evaporation; PET/0.75 gives it (Coleman & Jenkinson, RothC-26.3
    #: user guide, 2014 edition, section "Input data": open pan evaporation = PET / 0.75).
    pet_to_open_pan: float = Field(0.75, gt=0, le=1)
    #: 12-month climatology for the equilibrium (GSOCseq: mean 1981-2000); default: the monthly
    #: means of the warm-up series.
    equilibrium_tas: RasterSpec | None = None
    equilibrium_pr: RasterSpec | None = None
    equilibrium_evap: RasterSpec | None = None

    @field_validator("equilibrium_tas", "equilibrium_pr", "equilibrium_evap", mode="before")
    @classmethod
    def _coerce(cls, v):
        return None if v is None else _raster(v)


class Management(_Strict):
    """Inputs pattern, plant cover and residue quality (grid-wide; an inputs.dpm_rpm raster
    overrides dpm_rpm cell by cell)."""

    depth_cm: float = Field(30.0, gt=0, le=300)
    #: monthly share of the annual plant C input (sums to 1); default even.
    input_monthly_fraction: list[float] = Field(default_factory=lambda: [1.0 / 12] * 12)
    #: 1 = soil covered by plants in that month (RothC plant-retainment modifier).
    cover: list[int] = Field(default_factory=lambda: [1] * 12)
    #: DPM/RPM ratio of plant inputs: 1.44 agricultural crops and improved grassland
    #: (Coleman & Jenkinson, RothC-26.3 user guide, "Input data").
    dpm_rpm: float = Field(1.44, gt=0)
    #: warm-up inputs: "constant" (equilibrium input every year) or "miami": scaled each year by
    #: NPP_year / NPP_equilibrium with the Miami model (Lieth 1975), as GSOCseq script 14 does.
    warmup_inputs: Literal["constant", "miami"] = "miami"
    #: land-use raster codes to model (GSOCseq models croplands and grazing lands only, TM 5.1);
    #: other cells are NaN in every output. None: every cell (needs ``inputs.land_use``).
    land_use_codes: list[int] | None = None

    @field_validator("input_monthly_fraction")
    @classmethod
    def _twelve_sum_one(cls, v: list[float]) -> list[float]:
        if len(v) != 12 or any(x < 0 for x in v) or abs(sum(v) - 1.0) > 1e-9:
            raise ValueError("needs 12 non-negative monthly fractions summing to 1")
        return v

    @field_validator("cover")
    @classmethod
    def _twelve_binary(cls, v: list[int]) -> list[int]:
        if len(v) != 12 or any(x not in (0, 1) for x in v):
            raise ValueError("needs 12 values, each 0 (bare) or 1 (covered)")
        return v


class Scenarios(_Strict):
    """Forward runs (GSOCseq TM ch. 5.4 and script 15: BAU and SSM low/medium/high = +5/10/20 %)."""

    forward_years: int = Field(20, ge=1, le=200)
    input_factors: dict[str, float] = Field(
        default_factory=lambda: {"BAU": 1.0, "SSM_low": 1.05, "SSM_medium": 1.10, "SSM_high": 1.20}
    )

    @field_validator("input_factors")
    @classmethod
    def _has_bau(cls, v: dict[str, float]) -> dict[str, float]:
        if "BAU" not in v or v["BAU"] != 1.0:
            raise ValueError('needs "BAU" = 1.0 (the business-as-usual input factor)')
        if any(f <= 0 for f in v.values()):
            raise ValueError("input factors must be > 0")
        return v


class Uncertainty(_Strict):
    """Low/high bounds (GSOCseq TM eq. 12.3/12.4 with the factors of scripts 13-15)."""

    enabled: bool = True
    soc_rel: float = Field(0.20, ge=0, lt=1)
    clay_rel: float = Field(0.10, ge=0, lt=1)
    tas_rel: float = Field(0.02, ge=0, lt=1)
    pr_rel: float = Field(0.05, ge=0, lt=1)
    #: SSM scenarios: input factor −spread (low) / +spread (high); BAU keeps factor 1.
    input_factor_spread: float = Field(0.15, ge=0, lt=1)


class Threshold(_Strict):
    """Soil-type thresholds (the table ``soilsink threshold`` writes) and how raster codes map to it."""

    table: Path
    column: str = "soil_type"
    #: raster code -> soil type name in the table; default: the code itself as text.
    codes: dict[str, str] = Field(default_factory=dict)


class Zonal(_Strict):
    """Polygons (GeoPackage/GeoJSON/Shapefile) for area-weighted totals and means."""

    polygons: Path
    id: str
    layer: str | None = None


class Run(_Strict):
    """Chunk size (cells per side of a square spatial chunk). Memory per worker grows with
    chunk²: at 100 (10,000 cells) a worker peaks near 1 GiB with 20 warm-up + 20 forward years."""

    chunk: int = Field(100, ge=1, le=8192)


class GridConfig(_Strict):
    """The whole ``CONFIG.toml``."""

    inputs: Inputs
    climate: Climate = Field(default_factory=Climate)
    management: Management = Field(default_factory=Management)
    scenarios: Scenarios = Field(default_factory=Scenarios)
    uncertainty: Uncertainty = Field(default_factory=Uncertainty)
    threshold: Threshold | None = None
    zonal: Zonal | None = None
    run: Run = Field(default_factory=Run)

    @model_validator(mode="after")
    def _eq_climate_all_or_none(self) -> GridConfig:
        if self.management.land_use_codes is not None and self.inputs.land_use is None:
            raise ValueError("management.land_use_codes needs inputs.land_use (the land-use raster)")
        given = [self.climate.equilibrium_tas, self.climate.equilibrium_pr, self.climate.equilibrium_evap]
        if any(g is not None for g in given) and not all(g is not None for g in given):
            raise ValueError("climate.equilibrium_tas, _pr and _evap must be given together")
        return self

    def input_files(self) -> list[Path]:
        """Every file the run reads: rasters, the threshold table and the polygons."""
        specs = [getattr(self.inputs, n) for n in Inputs.model_fields]
        specs += [getattr(self.climate, n) for n in ("equilibrium_tas", "equilibrium_pr", "equilibrium_evap")]
        files = [s.path for s in specs if s is not None]
        files += [x.table for x in (self.threshold,) if x is not None]
        files += [x.polygons for x in (self.zonal,) if x is not None]
        return files

    def resolve(self, base: Path) -> GridConfig:
        """Return a copy with every relative path made absolute against ``base``."""

        def fix(obj):
            if isinstance(obj, RasterSpec):
                return obj.model_copy(update={"path": _abs(base, obj.path)})
            return obj

        data = self.model_copy(deep=True)
        for name in Inputs.model_fields:
            setattr(data.inputs, name, fix(getattr(data.inputs, name)))
        for name in ("equilibrium_tas", "equilibrium_pr", "equilibrium_evap"):
            setattr(data.climate, name, fix(getattr(data.climate, name)))
        if data.threshold is not None:
            data.threshold.table = _abs(base, data.threshold.table)
        if data.zonal is not None:
            data.zonal.polygons = _abs(base, data.zonal.polygons)
        return data


def _abs(base: Path, p: Path) -> Path:
    return p if p.is_absolute() else (base / p).resolve()


def load_config(path: str | Path) -> GridConfig:
    """Read and validate ``CONFIG.toml``; relative paths resolve against its folder.

    TOML syntax errors and text that is not UTF-8 are :class:`InputError`; schema errors
    (including ``inf``/``nan`` numbers) are pydantic ``ValidationError`` (both exit 2 from the
    CLI with the key path and what is allowed).
    """
    p = Path(path)
    if not p.exists():
        raise InputError(Problem(str(p), "config file not found"))
    try:
        raw = tomllib.loads(read_text(p))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Problem(str(p), f"not valid TOML: {exc}")) from None
    return GridConfig.model_validate(raw).resolve(p.resolve().parent)
