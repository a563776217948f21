"""Model-based thresholds: the equilibrium SOC (and its stable part) under natural inputs.

For soil types without enough natural sites, the threshold can be taken from a soil organic
matter balance at steady state under the carbon input of the natural vegetation and the local
climate (seed abstract: SOC "will eventually reach a dynamic equilibrium").

``henin_dupuis``
    One-pool balance dC/dt = h·A − k·C (Hénin, S. & Dupuis, M. 1945, Essai de bilan de la
    matière organique du sol, *Annales Agronomiques* 15: 17–29); equilibrium C_e = h·A/k with A
    the annual C input (t C/ha/yr), h the humification coefficient (–) and k the mineralisation
    rate (1/yr). The single pool is the humified organic matter, so its stable part is the whole
    equilibrium stock (as ``soilsink.models.base.Trajectory`` defines it for this model).

``rothc``
    Periodic steady state of RothC-26.3 (``soilsink.models.rothc.equilibrium``) under the
    monthly natural inputs and climate; stable part HUM + IOM (``soilsink.stable.model``).
    Only used when the RothC engine is installed in this package.

Output rows have the columns of :func:`soilsink.threshold.empirical.empirical_thresholds`
with ``stat = "equilibrium"``, ``method = "model_<name>"``, no confidence interval and
``n_reference = 0``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem

MODEL_METHODS = ("henin_dupuis", "rothc")
HENIN_DUPUIS_COLUMNS = ("c_input_t_ha_yr", "h", "k_per_yr")


def henin_dupuis_equilibrium_t_ha(c_input_t_ha_yr, h, k_per_yr) -> np.ndarray:
    """Equilibrium SOC C_e = h·A/k (t C/ha) of the Hénin–Dupuis one-pool balance
    (``soilsink.models.henin_dupuis.equilibrium_soc``)."""
    from soilsink.models.henin_dupuis import equilibrium_soc

    return np.asarray(equilibrium_soc(c_input_t_ha_yr, h, k_per_yr), dtype=float)


def _numeric(df: pd.DataFrame, col: str, source: str, lo: float, hi: float, lo_open: bool,
             problems: list[Problem]) -> np.ndarray:
    rows = df["row"] if "row" in df.columns else pd.Series(range(2, len(df) + 2), index=df.index)
    num = pd.to_numeric(df[col], errors="coerce")
    for i in df.index:
        v = num[i]
        bad = np.isnan(v) or v > hi or (v <= lo if lo_open else v < lo)
        if bad:
            allowed = f"{'>' if lo_open else '>='} {lo:g}" + (f" and <= {hi:g}" if np.isfinite(hi) else "")
            problems.append(Problem(source, "bad value", row=int(rows[i]), column=col, value=df.at[i, col],
                                    allowed=allowed))
    return num.to_numpy(dtype=float)


def henin_dupuis_thresholds(params: pd.DataFrame, by: Sequence[str], *, source: str = "<model inputs>") -> pd.DataFrame:
    """Thresholds from the one-pool equilibrium, one row per group of ``params``.

    ``params`` has the ``by`` columns and ``c_input_t_ha_yr`` (≥ 0), ``h`` (0 < h ≤ 1) and
    ``k_per_yr`` (> 0) for the natural vegetation of each group (one row per group).
    """
    by = list(by)
    missing = [c for c in [*by, *HENIN_DUPUIS_COLUMNS] if c not in params.columns]
    if missing:
        raise InputError(Problem(source, f"missing column(s): {', '.join(missing)}",
                                 allowed=", ".join([*by, *HENIN_DUPUIS_COLUMNS])))
    p = params.reset_index(drop=True)
    problems: list[Problem] = []
    a = _numeric(p, "c_input_t_ha_yr", source, 0.0, np.inf, False, problems)
    h = _numeric(p, "h", source, 0.0, 1.0, True, problems)
    k = _numeric(p, "k_per_yr", source, 0.0, np.inf, True, problems)
    keys = p[by].astype("string").fillna("")
    dup = keys.duplicated()
    rows = p["row"] if "row" in p.columns else pd.Series(range(2, len(p) + 2))
    for i in p.index[dup]:
        problems.append(Problem(source, "group given twice (one row per group)", row=int(rows[i]), column=by[0],
                                value=" / ".join(keys.loc[i])))
    if problems:
        raise InputError(problems)
    ce = henin_dupuis_equilibrium_t_ha(a, h, k)
    return _rows(keys, ce, ce, "model_henin_dupuis")


def _rows(keys: pd.DataFrame, soc: np.ndarray, stable: np.ndarray, method: str) -> pd.DataFrame:
    out = keys.reset_index(drop=True).copy()
    out["n_reference"] = 0
    out["threshold_soc_t_ha"] = soc
    out["threshold_soc_t_ha_ci_low"] = np.nan
    out["threshold_soc_t_ha_ci_high"] = np.nan
    out["n_reference_stable"] = 0
    out["threshold_stable_soc_t_ha"] = stable
    out["threshold_stable_soc_t_ha_ci_low"] = np.nan
    out["threshold_stable_soc_t_ha_ci_high"] = np.nan
    out["stat"] = "equilibrium"
    out["method"] = method
    out["flag"] = "ok"
    return out.sort_values(list(keys.columns), kind="stable").reset_index(drop=True)


def model_thresholds(params: pd.DataFrame, by: Sequence[str], model: str = "henin_dupuis", *,
                     source: str = "<model inputs>") -> pd.DataFrame:
    """Dispatch by model name (:data:`MODEL_METHODS`)."""
    if model == "henin_dupuis":
        return henin_dupuis_thresholds(params, by, source=source)
    if model == "rothc":
        from soilsink.threshold.model_rothc import rothc_thresholds

        return rothc_thresholds(params, by, source=source)
    raise InputError(Problem("--model", "unknown model", value=model, allowed=", ".join(MODEL_METHODS)))


def beside(empirical: pd.DataFrame, model: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Empirical thresholds with the model ones beside them (``model_*`` columns), outer-joined.

    Groups only the model covers get an empirical part with ``n_reference = 0`` and
    ``flag = no_reference``.
    """
    by = list(by)
    e = empirical.copy()
    m = model[[*by, "threshold_soc_t_ha", "threshold_stable_soc_t_ha", "method"]].rename(
        columns={"threshold_soc_t_ha": "model_threshold_soc_t_ha",
                 "threshold_stable_soc_t_ha": "model_threshold_stable_soc_t_ha", "method": "model_method"})
    for c in by:
        e[c] = e[c].astype("string").fillna("")
        m[c] = m[c].astype("string").fillna("")
    out = e.merge(m, on=by, how="outer", sort=True)
    only_model = out["n_reference"].isna()
    out.loc[only_model, "n_reference"] = 0
    if "n_reference_stable" in out.columns:
        out.loc[only_model, "n_reference_stable"] = 0
    out.loc[only_model, "flag"] = "no_reference"
    out.loc[only_model, "method"] = "empirical"
    out.loc[only_model, "stat"] = e["stat"].iloc[0] if len(e) else "median"
    out["n_reference"] = out["n_reference"].astype(int)
    if "n_reference_stable" in out.columns:
        out["n_reference_stable"] = out["n_reference_stable"].astype(int)
    return out.reset_index(drop=True)
