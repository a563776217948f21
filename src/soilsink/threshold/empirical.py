"""Empirical thresholds: a statistic of SOC (and stable SOC) over natural reference sites per group.

The seed abstract's *soil carbon sink threshold* is the equilibrium (stable) organic carbon of
natural, undisturbed soils under the same soil-forming factors. Here a group is a soil type,
optionally split further (``by=["soil_type", "climate_zone"]``); its threshold is the median
(default), mean or a percentile ``pNN`` of the stocks of its reference sites
(:func:`soilsink.threshold.natural.is_reference`). Cultivated sites never enter a threshold.

Uncertainty: a nonparametric bootstrap (Efron & Tibshirani 1993, *An Introduction to the
Bootstrap*, ch. 13, percentile interval): the reference sites of a group are resampled with
replacement ``n_boot`` times and the 2.5th and 97.5th percentiles of the resampled statistic
give the 95 % interval. Random numbers come from ``numpy.random.default_rng`` seeded per group
from ``(seed, group key)``, so results are reproducible and do not depend on which other
groups are in the table. Total and stable stocks of a group use the same resamples.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem
from soilsink.threshold.natural import is_reference

FLAG_OK = "ok"
FLAG_TOO_FEW = "too_few"
FLAG_NO_REFERENCE = "no_reference"

SOC_COL = "soc_stock_t_ha"
STABLE_COL = "stable_soc_t_ha"


def parse_stat(stat: str) -> tuple[str, float | None]:
    """``"median"`` / ``"mean"`` / ``"pNN"`` (NN in 0–100, e.g. ``p90``, ``p97.5``)."""
    s = str(stat).strip().lower()
    if s in ("median", "mean"):
        return s, None
    m = re.fullmatch(r"p(\d+(?:\.\d+)?)", s)
    if m and 0 <= float(m.group(1)) <= 100:
        return "percentile", float(m.group(1))
    raise InputError(Problem("--stat", "unknown statistic", value=stat, allowed="median, mean or pNN (0–100), e.g. p90"))


def _apply(values: np.ndarray, kind: str, q: float | None, axis: int = -1) -> np.ndarray:
    if kind == "median":
        return np.median(values, axis=axis)
    if kind == "mean":
        return np.mean(values, axis=axis)
    return np.percentile(values, q, axis=axis)


def _group_seed(seed: int, key: tuple) -> np.random.Generator:
    digest = hashlib.sha256(repr(tuple(str(k) for k in key)).encode()).digest()
    return np.random.default_rng([int(seed), int.from_bytes(digest[:8], "little")])


def empirical_thresholds(
    sites: pd.DataFrame,
    by: Sequence[str] = ("soil_type",),
    stat: str = "median",
    min_n: int = 5,
    seed: int = 0,
    n_boot: int = 2000,
    *,
    source: str = "<sites>",
) -> pd.DataFrame:
    """One row per group with the threshold statistic and its bootstrap 95 % interval.

    ``sites``: one row per site with the ``by`` columns, ``soc_stock_t_ha`` (t C/ha), optionally
    ``stable_soc_t_ha``, and ``land_use`` and/or ``reference``. Columns out: the ``by`` columns,
    ``n_reference``, ``threshold_soc_t_ha`` with ``_ci_low``/``_ci_high``, and when stable carbon
    is present ``n_reference_stable``, ``threshold_stable_soc_t_ha`` with its bounds and
    ``stable_method`` (how the sites' stable carbon was obtained: ``measured_maoc``, ...,
    ``given`` for a site table without a ``stable_method`` column); then
    ``stat``, ``method`` (``empirical``) and ``flag``: ``ok``, ``too_few`` when n < ``min_n`` (the
    statistic is still given), ``no_reference`` for groups seen only among non-reference sites
    (no statistic). Groups are sorted by their keys.
    """
    by = list(by)
    kind, q = parse_stat(stat)
    if min_n < 1:
        raise InputError(Problem("--min-n", "must be at least 1", value=min_n))
    if n_boot < 1:
        raise InputError(Problem("--n-boot", "must be at least 1", value=n_boot))
    missing = [c for c in [*by, SOC_COL] if c not in sites.columns]
    if missing:
        raise InputError(Problem(source, f"missing column(s): {', '.join(missing)}", allowed="see docs/threshold.md"))
    has_stable = STABLE_COL in sites.columns and sites[STABLE_COL].notna().any()
    ref = is_reference(sites, source)
    label = f"p{q:g}" if kind == "percentile" else kind

    rows = []
    keyframe = sites[by].astype("string").fillna("")
    positions = keyframe.groupby(by, sort=True).indices if len(sites) else {}
    is_ref = ref.to_numpy()
    soc_all = sites[SOC_COL].to_numpy(dtype=float)
    stable_all = sites[STABLE_COL].to_numpy(dtype=float) if has_stable else None
    for raw_key, pos in positions.items():
        key = raw_key if isinstance(raw_key, tuple) else (raw_key,)
        pos = pos[is_ref[pos]]
        soc = soc_all[pos]
        row = dict(zip(by, key, strict=True))
        soc_ok = soc[~np.isnan(soc)]
        row["n_reference"] = int(soc_ok.size)
        if has_stable:
            stable = stable_all[pos]
            stable_ok = stable[~np.isnan(stable)]
            shared = stable_ok.size == soc_ok.size  # every site has both: same resamples
            arrays = [soc_ok, stable_ok] if shared else [soc_ok]
            boots = _bootstrap(arrays, _group_seed(seed, key), n_boot, kind, q)
            if not shared:
                boots += _bootstrap([stable_ok], _group_seed(seed, (*key, "stable")), n_boot, kind, q)
            row.update(_estimate(soc_ok, boots[0], kind, q, "threshold_soc_t_ha"))
            row["n_reference_stable"] = int(stable_ok.size)
            row.update(_estimate(stable_ok, boots[1], kind, q, "threshold_stable_soc_t_ha"))
            row["stable_method"] = _stable_methods(sites.iloc[pos])
        else:
            boots = _bootstrap([soc_ok], _group_seed(seed, key), n_boot, kind, q)
            row.update(_estimate(soc_ok, boots[0], kind, q, "threshold_soc_t_ha"))
        row["stat"] = label
        row["method"] = "empirical"
        if row["n_reference"] == 0:
            row["flag"] = FLAG_NO_REFERENCE
        elif row["n_reference"] < min_n:
            row["flag"] = FLAG_TOO_FEW
        else:
            row["flag"] = FLAG_OK
        rows.append(row)
    cols = [*by, "n_reference", "threshold_soc_t_ha", "threshold_soc_t_ha_ci_low", "threshold_soc_t_ha_ci_high"]
    if has_stable:
        cols += ["n_reference_stable", "threshold_stable_soc_t_ha",
                 "threshold_stable_soc_t_ha_ci_low", "threshold_stable_soc_t_ha_ci_high", "stable_method"]
    cols += ["stat", "method", "flag"]
    return pd.DataFrame(rows, columns=cols)


def _stable_methods(group: pd.DataFrame) -> str:
    """Which method gave the stable carbon of a group's reference sites (``given`` for a site table)."""
    has = group[STABLE_COL].notna()
    if not has.any():
        return ""
    if "stable_method" not in group.columns:
        return "given"
    names = {str(m) for m in group.loc[has, "stable_method"] if isinstance(m, str) and m and m != "none"}
    return "+".join(sorted(names)) or "given"


#: Largest resample block (values) drawn at once, to bound memory for big groups.
_BLOCK_VALUES = 4_000_000


def _bootstrap(arrays: list[np.ndarray], rng: np.random.Generator, n_boot: int, kind: str,
               q: float | None) -> list[np.ndarray]:
    """Bootstrap statistics of each array (all of one length n) over the same ``n_boot`` resamples.

    Resample indices are drawn in blocks whose size depends only on n and ``n_boot``, so the
    result is reproducible for a given seed.
    """
    n = arrays[0].size
    if n == 0:
        return [np.full(n_boot, np.nan) for _ in arrays]
    block = max(1, min(n_boot, _BLOCK_VALUES // n))
    out = [np.empty(n_boot) for _ in arrays]
    for start in range(0, n_boot, block):
        stop = min(start + block, n_boot)
        idx = rng.integers(0, n, size=(stop - start, n))
        for values, res in zip(arrays, out, strict=True):
            res[start:stop] = _apply(values[idx], kind, q, axis=1)
    return out


def _estimate(values: np.ndarray, boot: np.ndarray, kind: str, q: float | None, name: str) -> dict:
    """Statistic of ``values`` (no NaN) and the percentile 95 % interval of its bootstrap ``boot``."""
    if values.size == 0:
        return {name: np.nan, f"{name}_ci_low": np.nan, f"{name}_ci_high": np.nan}
    point = float(_apply(values, kind, q))
    low, high = np.percentile(boot, [2.5, 97.5])
    return {name: point, f"{name}_ci_low": float(low), f"{name}_ci_high": float(high)}
