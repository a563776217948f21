"""PROJECT.toml: the project file read with :mod:`tomllib` and validated by pydantic v2.

Every validation error is turned into :class:`~soilsink.io.errors.InputError` whose problems name
the file, the key path (``fields[1].area_ha``) and what is allowed; the CLI exits with status 2.
Relative paths resolve against the folder of the project file. See ``docs/project-file.md``.

Carbon input from yields (:class:`YieldInput`) follows the allocation of Bolinder et al. (2007),
*Agric. Ecosyst. Environ.* 118, 29-42: with product C ``C_P = Y × c_fraction`` (Y dry matter),
straw ``C_S = C_P (1 - HI) / HI``, roots ``C_R = C_P / (HI × S:R)`` and extra-root (rhizodeposit)
``C_E = C_R × extra_root_frac`` (0.65 in Bolinder et al. 2007). The harvest index and shoot:root
ratio of the crop are project inputs and must carry their own ``source``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from soilsink.accounting.uncertainty import Dist
from soilsink.io.errors import InputError, Problem

MethodKind = Literal["ipcc_tier1", "model", "measure_remeasure"]
ModelName = Literal["rothc", "icbm", "henin_dupuis"]
Role = Literal["baseline", "project"]

#: parameter names that may carry an uncertainty distribution override (see ``docs/project-file.md``).
UNCERTAIN_PARAMETERS = ("soc_ref", "f_lu", "f_mg", "f_i", "c_input", "soc_start", "threshold")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _resolve(value: Path | None, info: ValidationInfo) -> Path | None:
    """Resolve ``value`` against ``context['base_dir']`` and check that the file exists."""
    if value is None:
        return None
    base = (info.context or {}).get("base_dir")
    path = Path(value)
    if not path.is_absolute() and base is not None:
        path = Path(base) / path
    path = path.resolve()
    if not path.is_file():
        raise ValueError(f"file not found: {path}")
    return path


class Period(_Strict):
    """Accounting period: years ``start_year`` (the initial state) to ``end_year``."""

    start_year: int = Field(ge=1800, le=2300)
    end_year: int = Field(ge=1800, le=2300)

    @model_validator(mode="after")
    def _order(self) -> Period:
        if self.end_year <= self.start_year:
            raise ValueError("end_year must be after start_year")
        return self

    @property
    def years(self) -> int:
        return self.end_year - self.start_year


class SoilSpec(_Strict):
    """Soil of a field: a horizons table (``horizons`` + ``site_id``) or per-field values."""

    horizons: Path | None = None
    site_id: str | None = None
    soc_t_ha: float | None = Field(default=None, gt=0, le=2000, description="SOC stock over depth, t C/ha")
    clay_pct: float | None = Field(default=None, ge=0, le=100)
    soc_se_t_ha: float | None = Field(default=None, ge=0, description="standard error of soc_t_ha")

    _path = field_validator("horizons")(_resolve)

    @model_validator(mode="after")
    def _either(self) -> SoilSpec:
        if self.horizons is None and self.soc_t_ha is None and not self.site_id:
            raise ValueError("give 'horizons' (a horizons table) with 'site_id', or 'soc_t_ha' "
                             "(or only 'site_id' for measure_remeasure)")
        if self.horizons is not None and not self.site_id:
            raise ValueError("'site_id' is required with 'horizons'")
        return self


class ClimateSpec(_Strict):
    """Monthly climate: a table (columns ``month, temp_c, precip_mm, pet_mm``) or 12-value lists."""

    table: Path | None = None
    temp_c: list[float] | None = None
    precip_mm: list[float] | None = None
    pet_mm: list[float] | None = None
    source: str | None = Field(default=None, description="citation of the climatology")

    _path = field_validator("table")(_resolve)

    @field_validator("temp_c", "precip_mm", "pet_mm")
    @classmethod
    def _twelve(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and len(v) != 12:
            raise ValueError(f"needs 12 monthly values, got {len(v)}")
        return v

    @model_validator(mode="after")
    def _either(self) -> ClimateSpec:
        lists = [self.temp_c, self.precip_mm, self.pet_mm]
        if self.table is None and any(x is None for x in lists):
            raise ValueError("give 'table' or all of 'temp_c', 'precip_mm', 'pet_mm' (12 values each)")
        if self.table is None and not self.source:
            raise ValueError("an inline climatology needs 'source' (its citation)")
        if self.precip_mm and min(self.precip_mm) < 0 or self.pet_mm and min(self.pet_mm) < 0:
            raise ValueError("precipitation and PET must be >= 0 mm")
        return self


class FieldSpec(_Strict):
    """One field (site) of the project."""

    id: str = Field(min_length=1)
    area_ha: float = Field(gt=0)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    climate_zone: str = Field(min_length=1, description="IPCC climate zone, e.g. 'warm_temperate_moist'")
    soil_class: str = Field(min_length=1, description="IPCC soil class, e.g. 'HAC'")
    soil_type: str | None = Field(default=None, description="soil type (e.g. WRB group) for the threshold")
    land_use: str | None = None
    soil: SoilSpec
    climate: ClimateSpec | None = None
    threshold_t_ha: float | None = Field(default=None, gt=0, description="sink threshold, t C/ha")


class YieldInput(_Strict):
    """C input from a crop yield with a cited allocation (Bolinder et al. 2007)."""

    crop: str
    yield_t_dm_ha: float = Field(gt=0, description="harvested product, t dry matter/ha")
    harvest_index: float = Field(gt=0, le=1)
    shoot_root_ratio: float = Field(gt=0)
    c_fraction: float = Field(default=0.45, gt=0, le=1)
    extra_root_frac: float = Field(default=0.65, ge=0)
    straw_removed_frac: float = Field(default=0.0, ge=0, le=1)
    source: str = Field(min_length=3, description="citation of harvest index and shoot:root ratio")

    def c_input_t_ha_yr(self) -> float:
        """Annual C returned to the soil (straw left + roots + extra-root), t C/ha/yr."""
        c_p = self.yield_t_dm_ha * self.c_fraction
        c_s = c_p * (1 - self.harvest_index) / self.harvest_index
        c_r = c_p / (self.harvest_index * self.shoot_root_ratio)
        c_e = c_r * self.extra_root_frac
        return c_s * (1 - self.straw_removed_frac) + c_r + c_e


class ManagementStep(_Strict):
    """Management from ``from_year`` on (until the next step of the scenario)."""

    from_year: int
    land_use: str = Field(min_length=1)
    tillage: str | None = Field(default=None, description="IPCC management, e.g. 'full', 'reduced', 'no_till'")
    input_level: str | None = Field(default=None, description="IPCC input level, e.g. 'medium', 'high'")
    c_input_t_ha_yr: float | None = Field(default=None, ge=0, description="plant C input, t C/ha/yr")
    yields: YieldInput | None = None
    manure_c_t_ha_yr: float = Field(default=0.0, ge=0)
    cover_months: list[int] = Field(default_factory=list)

    @field_validator("cover_months")
    @classmethod
    def _months(cls, v: list[int]) -> list[int]:
        bad = [m for m in v if not 1 <= m <= 12]
        if bad:
            raise ValueError(f"months must be 1-12, got {bad}")
        return sorted(set(v))

    @model_validator(mode="after")
    def _one_input(self) -> ManagementStep:
        if self.c_input_t_ha_yr is not None and self.yields is not None:
            raise ValueError("give 'c_input_t_ha_yr' or 'yields', not both")
        return self

    def plant_c_input_t_ha_yr(self) -> float | None:
        """Plant C input (t C/ha/yr) from ``c_input_t_ha_yr`` or ``yields``; None if neither."""
        if self.c_input_t_ha_yr is not None:
            return self.c_input_t_ha_yr
        return self.yields.c_input_t_ha_yr() if self.yields is not None else None


class Scenario(_Strict):
    """A management scenario over the accounting period."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")
    role: Role
    management: list[ManagementStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Scenario:
        years = [m.from_year for m in self.management]
        if years != sorted(set(years)):
            raise ValueError("management steps need strictly increasing 'from_year'")
        return self

    def step_for_year(self, year: int) -> ManagementStep:
        """The management step in force in ``year``."""
        current = self.management[0]
        for m in self.management:
            if m.from_year <= year:
                current = m
        return current


class Method(_Strict):
    """Accounting method of the project."""

    kind: MethodKind
    edition: Literal["2006", "2019"] = "2019"
    model: ModelName | None = None
    depth_cm: float = Field(default=30.0, gt=0, le=300)
    transition_years: int = Field(default=20, ge=1, le=200)
    soc_ref: Literal["default", "measured"] = Field(
        default="default",
        description="Tier 1 start stock: the IPCC default SOC_REF, or each field's measured stock",
    )
    baseline_samples: Path | None = None
    followup_samples: Path | None = None
    parameters: dict[str, float] = Field(
        default_factory=dict, description="model parameters (e.g. humification, k_yr; r for ICBM)")
    parameters_source: str | None = Field(default=None, description="citation of 'parameters'")

    _paths = field_validator("baseline_samples", "followup_samples")(_resolve)

    @model_validator(mode="after")
    def _needs(self) -> Method:
        if self.kind == "model" and self.model is None:
            raise ValueError("method 'model' needs 'model' = 'rothc' | 'icbm' | 'henin_dupuis'")
        if self.parameters and not self.parameters_source:
            raise ValueError("'parameters' need 'parameters_source' (their citation)")
        if self.kind == "model" and self.model == "henin_dupuis" and not {"humification", "k_yr"} <= set(self.parameters):
            raise ValueError("model 'henin_dupuis' needs parameters.humification and parameters.k_yr "
                             "(site-specific, no universal default)")
        if self.kind == "ipcc_tier1" and self.depth_cm != 30:
            raise ValueError("IPCC Tier 1 stocks are for 0-30 cm (2006 GL Vol. 4 Ch. 2 §2.3.3.1): depth_cm = 30")
        if self.kind == "measure_remeasure" and (self.baseline_samples is None or self.followup_samples is None):
            raise ValueError("method 'measure_remeasure' needs 'baseline_samples' and 'followup_samples'")
        return self


class Uncertainty(_Strict):
    """Monte Carlo settings: number of draws, seed and distribution overrides.

    ``distributions`` keys are ``param``, ``scope.param`` or ``field.scenario.param`` where
    ``param`` is one of :data:`UNCERTAIN_PARAMETERS`; values are
    :class:`soilsink.accounting.uncertainty.Dist` tables (``kind = 'normal'``, ...).
    """

    draws: int = Field(default=1000, ge=1, le=1_000_000)
    seed: int = Field(default=20260101, ge=0)
    distributions: dict[str, Dist] = Field(default_factory=dict)
    vm0042_deduction: bool = False

    @field_validator("distributions")
    @classmethod
    def _keys(cls, v: dict[str, Any]) -> dict[str, Any]:
        for key in v:
            parts = key.split(".")
            if not 1 <= len(parts) <= 3 or parts[-1] not in UNCERTAIN_PARAMETERS:
                raise ValueError(
                    f"unknown parameter key {key!r}; allowed: [field.][scenario.]param with param one of "
                    + ", ".join(UNCERTAIN_PARAMETERS)
                )
        return v


class ThresholdOptions(_Strict):
    """Threshold cap: per-field values, or empirical thresholds from natural soils in a horizons table."""

    enabled: bool = True
    source: Literal["field", "empirical"] = "field"
    pool: Literal["total", "stable"] = "total"
    reference_horizons: Path | None = None

    _path = field_validator("reference_horizons")(_resolve)


class ProjectInfo(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    start_year: int = Field(ge=1800, le=2300)
    end_year: int = Field(ge=1800, le=2300)

    @model_validator(mode="after")
    def _order(self) -> ProjectInfo:
        if self.end_year <= self.start_year:
            raise ValueError("end_year must be after start_year")
        return self


class ProjectConfig(_Strict):
    """A whole PROJECT.toml."""

    project: ProjectInfo
    method: Method
    fields: list[FieldSpec] = Field(min_length=1)
    scenarios: list[Scenario] = Field(min_length=2)
    uncertainty: Uncertainty = Uncertainty()
    threshold: ThresholdOptions = ThresholdOptions()
    _source_file: Path | None = PrivateAttr(default=None)

    @property
    def source_file(self) -> Path | None:
        """The project file this configuration was read from (None for a dict)."""
        return self._source_file

    @model_validator(mode="after")
    def _consistent(self) -> ProjectConfig:
        ids = [f.id for f in self.fields]
        if len(set(ids)) != len(ids):
            raise ValueError(f"field ids must be unique, got {ids}")
        names = [s.name for s in self.scenarios]
        if len(set(names)) != len(names):
            raise ValueError(f"scenario names must be unique, got {names}")
        roles = [s.role for s in self.scenarios]
        if roles.count("baseline") != 1 or "project" not in roles:
            raise ValueError("needs exactly one scenario with role 'baseline' and at least one with role 'project'")
        return self

    @property
    def years(self) -> list[int]:
        return list(range(self.project.start_year, self.project.end_year + 1))

    @property
    def baseline(self) -> Scenario:
        return next(s for s in self.scenarios if s.role == "baseline")

    @property
    def projects(self) -> list[Scenario]:
        return [s for s in self.scenarios if s.role == "project"]

    def input_files(self) -> list[Path]:
        """Every input file the project reads (for the manifest), sorted, without duplicates."""
        paths: set[Path] = set()
        if self.source_file is not None:
            paths.add(self.source_file)
        for f in self.fields:
            for p in (f.soil.horizons, f.climate.table if f.climate else None):
                if p is not None:
                    paths.add(p)
        for p in (self.method.baseline_samples, self.method.followup_samples, self.threshold.reference_horizons):
            if p is not None:
                paths.add(p)
        return sorted(paths)


# ---- semantic checks that need several sections (reported with their key paths) ----

def _semantic_problems(cfg: ProjectConfig, file: str) -> list[Problem]:
    problems: list[Problem] = []
    start, end = cfg.project.start_year, cfg.project.end_year
    for i, sc in enumerate(cfg.scenarios):
        first = sc.management[0]
        if first.from_year > start:
            problems.append(_problem(file, f"scenarios[{i}].management[0].from_year",
                                     "the first management step must start by the accounting start year",
                                     first.from_year, f"<= {start}"))
        for j, m in enumerate(sc.management):
            path = f"scenarios[{i}].management[{j}]"
            if m.from_year > end:
                problems.append(_problem(file, f"{path}.from_year", "step starts after the accounting period",
                                         m.from_year, f"<= {end}"))
            if cfg.method.kind == "ipcc_tier1":
                for key in ("tillage", "input_level"):
                    if getattr(m, key) is None:
                        problems.append(_problem(file, f"{path}.{key}", "required by method 'ipcc_tier1'",
                                                 None, "an IPCC management/input category"))
            if cfg.method.kind == "model" and m.plant_c_input_t_ha_yr() is None:
                problems.append(_problem(file, f"{path}.c_input_t_ha_yr", "method 'model' needs the plant C input",
                                         None, "'c_input_t_ha_yr' (t C/ha/yr) or a 'yields' table"))
    for i, f in enumerate(cfg.fields):
        if cfg.method.kind == "model" and cfg.method.model == "rothc" and f.climate is None:
            problems.append(_problem(file, f"fields[{i}].climate", "RothC needs a monthly climate per field",
                                     None, "'table' or 'temp_c'/'precip_mm'/'pet_mm' with 'source'"))
        if cfg.method.kind == "measure_remeasure" and not f.soil.site_id:
            problems.append(_problem(file, f"fields[{i}].soil.site_id", "measure_remeasure needs the sampled site",
                                     None, "a site_id of both sampling tables"))
        if cfg.method.kind != "measure_remeasure" and f.soil.horizons is None and f.soil.soc_t_ha is None:
            problems.append(_problem(file, f"fields[{i}].soil", f"method '{cfg.method.kind}' needs a measured stock",
                                     None, "'soc_t_ha' or 'horizons' with 'site_id'"))
        if cfg.threshold.enabled and cfg.threshold.source == "field" and f.threshold_t_ha is None:
            problems.append(_problem(file, f"fields[{i}].threshold_t_ha",
                                     "threshold.source = 'field' needs a threshold per field",
                                     None, "a number > 0 (t C/ha), or threshold.enabled = false"))
        if cfg.threshold.enabled and cfg.threshold.source == "empirical" and not f.soil_type:
            problems.append(_problem(file, f"fields[{i}].soil_type", "empirical thresholds need the soil type",
                                     None, "a soil type present among the reference soils"))
    if cfg.threshold.enabled and cfg.threshold.pool == "stable" and cfg.method.kind != "model":
        problems.append(_problem(file, "threshold.pool", f"method '{cfg.method.kind}' has no stable pool to cap",
                                 "stable", "'total' (or method 'model')"))
    if cfg.threshold.enabled and cfg.threshold.source == "empirical" and cfg.threshold.reference_horizons is None:
        problems.append(_problem(file, "threshold.reference_horizons", "empirical thresholds need reference soils",
                                 None, "a horizons table with natural soils"))
    return problems


def _problem(file: str, key: str, message: str, value: Any, allowed: str | None) -> Problem:
    return Problem(file=file, message=f"key '{key}': {message}", value=value, allowed=allowed)


_DIST_KINDS = ("normal", "truncnormal", "lognormal", "uniform", "triangular", "constant")


def _key_path(loc: tuple[Any, ...]) -> str:
    """``('fields', 1, 'area_ha')`` -> ``fields[1].area_ha``; a distribution key is quoted and the
    pydantic union tag (``normal``...) after it is left out."""
    out = ""
    parts = list(loc)
    i = 0
    while i < len(parts):
        part = parts[i]
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith("function-"):
            pass
        else:
            out += ("." if out else "") + str(part)
            if part == "distributions" and i + 1 < len(parts):
                out += f'."{parts[i + 1]}"'
                i += 1
                if i + 1 < len(parts) and parts[i + 1] in _DIST_KINDS:
                    i += 1
        i += 1
    return out or "(top level)"


def _allowed(err: dict[str, Any], model_fields: dict[str, Any]) -> str | None:
    ctx = err.get("ctx") or {}
    kind = err["type"]
    if kind == "literal_error":
        return ctx.get("expected")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}[kind]
        bound = next(iter(ctx.values()), None)
        return f"a number {op} {bound}"
    if kind == "missing":
        return "a value for this required key"
    if kind == "extra_forbidden":
        return "the keys documented in docs/project-file.md"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "an integer"
    if kind in ("float_parsing", "float_type"):
        return "a number"
    if kind in ("string_type",):
        return "a string"
    if kind in ("too_short", "too_long"):
        return f"length between {ctx.get('min_length', 0)} and {ctx.get('max_length', 'any')}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return "kind = " + " | ".join(_DIST_KINDS)
    if kind == "string_pattern_mismatch":
        return f"text matching {ctx.get('pattern')}"
    return None


def problems_from_validation(exc: ValidationError, file: str) -> list[Problem]:
    """One :class:`Problem` per pydantic error, with key path and what is allowed."""
    problems = []
    for err in exc.errors(include_url=False):
        msg = err["msg"].removeprefix("Value error, ")
        value = err.get("input") if err["type"] != "missing" and not isinstance(err.get("input"), dict) else None
        problems.append(_problem(file, _key_path(err["loc"]), msg, value, _allowed(err, {})))
    return problems


def load_project(path: str | Path) -> ProjectConfig:
    """Read and validate ``PROJECT.toml``; relative paths resolve against its folder.

    Raises :class:`~soilsink.io.errors.InputError` (one problem per bad key, with its key path).
    """
    path = Path(path).resolve()
    file = str(path)
    if not path.is_file():
        raise InputError(Problem(file, "project file not found"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Problem(file, f"not valid TOML: {exc}", allowed="TOML (https://toml.io)")) from None
    except UnicodeDecodeError:
        raise InputError(Problem(file, "not UTF-8 text", allowed="a UTF-8 TOML file")) from None
    return project_from_dict(data, base_dir=path.parent, source_file=path)


def project_from_dict(data: dict[str, Any], *, base_dir: Path, source_file: Path | None = None) -> ProjectConfig:
    """Validate a parsed project dict (paths relative to ``base_dir``)."""
    file = str(source_file) if source_file is not None else "<project>"
    try:
        cfg = ProjectConfig.model_validate(data, context={"base_dir": Path(base_dir)})
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, file)) from None
    problems = _semantic_problems(cfg, file)
    if problems:
        raise InputError(problems)
    if source_file is not None:
        cfg._source_file = Path(source_file).resolve()
    return cfg


def resolved_config(cfg: ProjectConfig, relative_to: Path | None = None) -> dict[str, Any]:
    """The validated configuration as JSON-ready data (paths relative to ``relative_to``)."""
    data = cfg.model_dump(mode="json", exclude_none=True)

    def rel(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: rel(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [rel(v) for v in obj]
        if isinstance(obj, str) and relative_to is not None and obj.startswith(str(relative_to) + "/"):
            return str(Path(obj).relative_to(relative_to))
        return obj

    return rel(data)
