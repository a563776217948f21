"""IPCC Tier 1 mineral-soil SOC: SOC = SOC_REF x F_LU x F_MG x F_I, 0-30 cm, 20-year transition.

2006 IPCC Guidelines Vol 4 Ch 2 §2.3.3.1, Eq 2.25:

    dC_Mineral = (SOC_0 - SOC_(0-T)) / D,   SOC = sum_(c,s,i) SOC_REF x F_LU x F_MG x F_I x A

with D = 20 years (default time dependence of the stock change factors) and stocks for the
0-30 cm layer. Tier 1 assumes a linear change over D years after a change of land use or
management, after which the stock stays at the new equilibrium. Factors come from
:mod:`soilsink.accounting.ipcc_tables` (2006 or 2019 edition).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from soilsink.accounting import ipcc_tables as tables
from soilsink.accounting.uncertainty import draw, ipcc_factor
from soilsink.io.errors import InputError, Problem

DEFAULT_TRANSITION_YEARS = 20
"""D in Eq 2.25 (2006 Vol 4 Ch 2 §2.3.3.1): years for the stock to reach the new equilibrium."""
DEPTH_CM = (0, 30)
"""Tier 1 reference depth, 0-30 cm (2006 Vol 4 Ch 2 §2.3.3.1)."""

CROPLAND_LAND_USES = ("long_term_cultivated", "paddy_rice", "perennial_tree_crop", "set_aside")
LAND_USES = ("native", *CROPLAND_LAND_USES, "grassland")
_ALIASES = {"cropland": "long_term_cultivated", "annual_cropland": "long_term_cultivated"}
_REFERENCE = {"cropland": ("full_tillage", "medium"), "grassland": ("nominally_managed", "medium")}


@dataclass(frozen=True)
class Tier1Factors:
    """Reference stock and stock change factors of one stratum (with errors, +-% at 95 %)."""

    edition: str
    climate_zone: str
    soil_class: str
    land_use: str
    management: str | None
    input_level: str | None
    soc_ref_t_ha: float
    f_lu: float
    f_mg: float
    f_i: float
    soc_ref_error_pct: float
    f_lu_error_pct: float
    f_mg_error_pct: float
    f_i_error_pct: float
    sources: tuple[str, ...] = ()
    cells: Mapping[str, str] = field(default_factory=dict)
    """Table cell id of each parameter; strata sharing a cell share its Monte Carlo draw."""

    @property
    def soc_t_ha(self) -> float:
        """Equilibrium SOC stock, t C/ha in 0-30 cm (SOC_REF x F_LU x F_MG x F_I)."""
        return self.soc_ref_t_ha * self.f_lu * self.f_mg * self.f_i

    def _params(self) -> dict[str, tuple[float, float]]:
        return {"soc_ref": (self.soc_ref_t_ha, self.soc_ref_error_pct),
                "f_lu": (self.f_lu, self.f_lu_error_pct),
                "f_mg": (self.f_mg, self.f_mg_error_pct),
                "f_i": (self.f_i, self.f_i_error_pct)}

    def ranges95(self) -> dict[str, tuple[float, float]]:
        """95 % range of each parameter: value x (1 -+ error/100), lower bound clipped at 0."""
        return {k: (max(v * (1 - e / 100), 0.0), v * (1 + e / 100)) for k, (v, e) in self._params().items()}

    def distributions(self, prefix: str = "") -> dict:
        """Monte Carlo distributions of the four parameters (:func:`ipcc_factor`), named prefix+param."""
        return {prefix + k: ipcc_factor(v, e) for k, (v, e) in self._params().items()}


def _canonical_land_use(land_use: str) -> str:
    lu = _ALIASES.get(land_use, land_use)
    if lu not in LAND_USES:
        raise InputError(Problem(file="<ipcc tier 1>", message="unknown land use", column="land_use",
                                 value=land_use, allowed=", ".join(LAND_USES + tuple(_ALIASES))))
    return lu


def lookup(edition: str, climate_zone: str, soil_class: str, land_use: str,
           management: str | None = None, input_level: str | None = None) -> Tier1Factors:
    """Tier 1 factors for one stratum.

    ``land_use``: ``native`` (unmanaged reference: all factors 1, 2006 Vol 4 Ch 2 §2.3.3.1),
    cropland ``long_term_cultivated`` (alias ``cropland``), ``paddy_rice``,
    ``perennial_tree_crop``, ``set_aside`` (Table 5.5), or ``grassland`` (Table 6.2).
    ``management``: cropland tillage ``full_tillage`` | ``reduced_tillage`` | ``no_till``;
    grassland ``nominally_managed`` | ``moderately_degraded`` (2006) |
    ``high_intensity_grazing`` (2019) | ``severely_degraded`` | ``improved``.
    ``input_level``: cropland ``low`` | ``medium`` | ``high_without_manure`` | ``high_with_manure``;
    grassland ``medium`` | ``high``. None means the reference level (factor 1).
    Tillage and input factors apply to long-term cultivated cropland only (Table 5.5 notes);
    other cropland uses take F_MG = F_I = 1 and reject a non-reference level.
    """
    edition = str(edition)
    lu = _canonical_land_use(land_use)
    soc, soc_err = tables.soc_ref(edition, climate_zone, soil_class)
    cells = {"soc_ref": f"soc_ref|{edition}|{climate_zone}|{soil_class}"}
    sources = [f"SOC_REF: {'IPCC 2006 Vol 4 Ch 2' if edition == '2006' else 'IPCC 2019 Refinement Vol 4 Ch 2'} Table 2.3"]
    if lu == "native":
        if management not in (None, "native") or input_level not in (None, "native"):
            raise InputError(Problem(file="<ipcc tier 1>", column="management",
                                     value=f"{management}/{input_level}",
                                     message="native land takes no management or input level",
                                     allowed="none"))
        sources.append("F_LU = F_MG = F_I = 1 under native vegetation (reference condition)")
        return Tier1Factors(edition, climate_zone, soil_class, lu, None, None, soc, 1.0, 1.0, 1.0,
                            soc_err, 0.0, 0.0, 0.0, tuple(sources), cells)
    category = "grassland" if lu == "grassland" else "cropland"
    ref_mg, ref_in = _REFERENCE[category]
    mg = management or ref_mg
    inp = input_level or ref_in
    if category == "cropland" and lu != "long_term_cultivated" and (mg, inp) != (ref_mg, ref_in):
        raise InputError(Problem(file="<ipcc tier 1>", column="management", value=f"{mg}/{inp}",
                                 message=f"tillage and input factors apply only to long-term cultivated cropland, not {lu}",
                                 allowed=f"{ref_mg}/{ref_in} (or leave empty)"))
    vals = {}
    for fac, level in (("F_LU", lu), ("F_MG", mg), ("F_I", inp)):
        vals[fac] = tables.stock_change_factor(edition, category, fac, level, climate_zone)
        cells[fac.lower()] = f"{fac}|{edition}|{category}|{level}|{climate_zone}"
        sources.append(f"{fac} '{level}': {tables.source_of(edition, category, fac, level, climate_zone)}")
    return Tier1Factors(edition, climate_zone, soil_class, lu, mg, inp, soc,
                        vals["F_LU"][0], vals["F_MG"][0], vals["F_I"][0],
                        soc_err, vals["F_LU"][1], vals["F_MG"][1], vals["F_I"][1],
                        tuple(sources), cells)


def tier1_stock(edition: str, climate_zone: str, soil_class: str, land_use: str,
                management: str | None = None, input_level: str | None = None) -> float:
    """Equilibrium Tier 1 SOC stock, t C/ha in 0-30 cm."""
    return lookup(edition, climate_zone, soil_class, land_use, management, input_level).soc_t_ha


def tier1_total_stock(strata: Iterable[tuple[Tier1Factors, float]]) -> float:
    """SOC = sum over strata of SOC_REF x F_LU x F_MG x F_I x A (Eq 2.25), t C; A in ha."""
    return float(sum(f.soc_t_ha * a for f, a in strata))


def tier1_trajectory(start_t_ha, end_eq_t_ha, years: int,
                     transition_years: int = DEFAULT_TRANSITION_YEARS) -> np.ndarray:
    """Annual SOC (t C/ha) moving linearly from ``start`` to ``end_eq`` over ``transition_years``.

    Shape ``broadcast(start, end).shape + (years + 1,)``; index 0 is the start, index t the end of
    year t. S(t) = start + (end - start) x min(t, D)/D (Eq 2.25 with D = ``transition_years``).
    """
    if years < 0 or transition_years < 1:
        raise InputError(Problem(file="<ipcc tier 1>", message="years must be >= 0 and transition_years >= 1",
                                 value=(years, transition_years), allowed="years >= 0, D >= 1"))
    s = np.asarray(start_t_ha, dtype=float)[..., None]
    e = np.asarray(end_eq_t_ha, dtype=float)[..., None]
    frac = np.minimum(np.arange(years + 1, dtype=float), transition_years) / transition_years
    return s + (e - s) * frac


@dataclass(frozen=True)
class Tier1Change:
    """Stock change of Eq 2.25 over the transition period."""

    soc_before_t_ha: float
    soc_after_t_ha: float
    area_ha: float
    transition_years: int
    change_t_c: float
    """Total change (SOC_0 - SOC_(0-T)) x A, t C."""
    annual_change_t_c_yr: float
    """dC_Mineral = change / D, t C/yr (positive = removal)."""


def tier1_change(before: Tier1Factors | float, after: Tier1Factors | float,
                 transition_years: int = DEFAULT_TRANSITION_YEARS, area_ha: float = 1.0) -> Tier1Change:
    """Annual mineral-soil stock change of Eq 2.25 between two strata (factors or t C/ha stocks)."""
    b = before.soc_t_ha if isinstance(before, Tier1Factors) else float(before)
    a = after.soc_t_ha if isinstance(after, Tier1Factors) else float(after)
    total = (a - b) * area_ha
    return Tier1Change(b, a, area_ha, transition_years, total, total / transition_years)


def tier1_stock_draws(strata: Sequence[Tier1Factors | Mapping], n: int, seed: int) -> np.ndarray:
    """Monte Carlo draws of the equilibrium stock of each stratum, shape (n_strata, n), t C/ha.

    A stratum is a :class:`Tier1Factors` or a mapping of :func:`lookup` arguments.

    Every distinct table cell (a SOC_REF cell, a factor cell) is drawn once and shared by all
    strata that use it, so e.g. baseline and project on the same soil share SOC_REF (IPCC 2006
    Vol 1 Ch 3 §3.2.3.2: correlated inputs must share their draws).
    """
    strata = [f if isinstance(f, Tier1Factors) else lookup(**f) for f in strata]
    specs: dict = {}
    for f in strata:
        dists = f.distributions()
        for k, cell in f.cells.items():
            specs.setdefault(cell, dists[k])
        for k in ("f_lu", "f_mg", "f_i"):
            if k not in f.cells:  # native: constant 1
                specs.setdefault(f"{k}|const1", dists[k])
    d = draw(specs, n, seed)
    out = np.empty((len(strata), n))
    for j, f in enumerate(strata):
        prod = np.ones(n)
        for k in ("soc_ref", "f_lu", "f_mg", "f_i"):
            prod = prod * d[f.cells.get(k, f"{k}|const1")]
        out[j] = prod
    return out
