"""The model behind the grid workflow: a small cell-vectorised interface and its RothC adapter.

The workflow (``workflow.py``) needs three things from a SOM model, for ``n`` cells at once
(arrays have the cell axis last; monthly forcing has shape ``(months, n)``):

* ``inputs_for_target(forcing12, soil, soc_t_ha, fraction12)`` -> annual plant C input
  (t C/ha/yr), spread over the months by ``fraction12`` (shape ``(12, 1)``, sums to 1), whose
  equilibrium under the 12-month forcing has total SOC = ``soc_t_ha`` (exact inverse);
* ``equilibrium(forcing12, soil, c_input_t_ha_month)`` -> pools (t C/ha) of the equilibrium
  under monthly inputs of shape ``(12, n)``;
* ``simulate(forcing12, c_eq_month, soil, forcing, c_input_t_ha_month, at)`` -> pools at the
  end of months ``at`` (0-based indices into ``forcing``; arrays ``(len(at), n)``) of a run that
  starts at the exact equilibrium of ``forcing12`` with inputs ``c_eq_month`` (the soil water
  state included) and follows ``forcing`` with monthly inputs ``(months, n)``; the result also
  holds ``SMD``, the soil water deficit (mm) at the end of the run;
* ``resume(start, soil, forcing, c_input_t_ha_month, at)`` -> the same, continuing a run from
  ``start`` (its pools at its last month and its ``SMD``) exactly as if it had not stopped.

``forcing`` is a dict with ``tas`` (°C), ``pr`` (mm/month), ``evap`` (open-pan mm/month) of
shape ``(months, n)`` and ``cover`` (0/1) of shape ``(months, 1)`` or ``(months, n)``; ``soil``
a dict with ``clay`` (%), ``depth`` (cm), ``dpm_rpm`` (-), ``iom`` (t C/ha), each ``(n,)``.
Pools are a dict ``DPM, RPM, BIO, HUM, IOM`` of ``(n,)`` arrays.

Every computation must be per cell (no cross-cell reductions), so results do not depend on how
cells are grouped into chunks: that is what makes serial and Dask runs identical bit for bit.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

POOLS = ("DPM", "RPM", "BIO", "HUM", "IOM")


class CellEngine(Protocol):
    """A SOM model vectorised over a flat cell axis (see the module docstring)."""

    name: str

    def inputs_for_target(self, forcing12: dict, soil: dict, soc_t_ha: np.ndarray,
                          fraction12: np.ndarray) -> np.ndarray: ...

    def equilibrium(self, forcing12: dict, soil: dict, c_input_t_ha_month: np.ndarray) -> dict[str, np.ndarray]: ...

    def resume(self, start: dict, soil: dict, forcing: dict, c_input_t_ha_month: np.ndarray,
               at) -> dict[str, np.ndarray]: ...

    def simulate(self, forcing12: dict, c_eq_month: np.ndarray, soil: dict, forcing: dict,
                 c_input_t_ha_month: np.ndarray, at: tuple[int, ...]) -> dict[str, np.ndarray]: ...


def falloon_iom(soc_t_ha: np.ndarray) -> np.ndarray:
    """Inert organic matter (t C/ha) = 0.049 × SOC^1.139 (Falloon et al. 1998, Soil Biol.
    Biochem. 30:1207-1211, eq. 1; also GSOCseq TM eq. 5.2): the RothC engine's own function
    (imported on use so that importing the grid code does not load the numba kernels)."""
    from soilsink.models.rothc import falloon_iom as rothc_falloon_iom

    return np.asarray(rothc_falloon_iom(soc_t_ha), dtype=float)


class RothCEngine:
    """Adapter from :class:`CellEngine` to the public xarray API of ``soilsink.models.rothc``
    (``inputs_for_target``, ``equilibrium``, ``simulate(..., equilibrium_forcing=...)``)."""

    name = "RothC"

    def __init__(self) -> None:
        import soilsink.models.rothc  # noqa: F401  (fail early with ImportError)

    @property
    def _rothc(self):
        # imported on use, so the adapter pickles to Dask workers as a plain object
        import soilsink.models.rothc as rothc

        return rothc

    @staticmethod
    def _ds(forcing: dict, soil: dict | None, c_input_month: np.ndarray | None):
        """Dataset on ("time", "cell"); a cover of shape (months, 1) stays shared (no copy)."""
        import xarray as xr

        months, n = forcing["tas"].shape
        data = {
            "tas": (("time", "cell"), forcing["tas"]),
            "pr": (("time", "cell"), forcing["pr"]),
            "evap": (("time", "cell"), forcing["evap"]),
        }
        cover = np.asarray(forcing["cover"], dtype=float)
        data["cover"] = (("time", "cell"), cover) if cover.shape[1] == n and n != 1 else (("time",), cover[:, 0])
        if c_input_month is not None:
            data["c_input"] = (("time", "cell"), np.broadcast_to(c_input_month, (months, n)))
        if soil is not None:
            data.update({
                "clay": (("cell",), np.broadcast_to(soil["clay"], (n,))),
                "depth": float(soil["depth"]),
                "iom": (("cell",), np.broadcast_to(soil["iom"], (n,))),
                "dpm_rpm": (("cell",), np.broadcast_to(soil["dpm_rpm"], (n,))),
            })
        return xr.Dataset(data)

    def inputs_for_target(self, forcing12, soil, soc_t_ha, fraction12):
        import xarray as xr

        ds = self._ds(forcing12, soil, fraction12)
        out = self._rothc.inputs_for_target(ds, xr.DataArray(np.asarray(soc_t_ha, dtype=float), dims="cell"))
        return np.asarray(out.transpose("cell").values, dtype=float)

    def equilibrium(self, forcing12, soil, c_input_t_ha_month):
        eq = self._rothc.equilibrium(self._ds(forcing12, soil, c_input_t_ha_month))
        return {p: np.asarray(eq[p].transpose("cell").values, dtype=float) for p in POOLS}

    def simulate(self, forcing12, c_eq_month, soil, forcing, c_input_t_ha_month, at):
        ds = self._ds(forcing, soil, c_input_t_ha_month)
        eqf = self._ds(forcing12, None, c_eq_month)
        return self._picked(self._rothc.simulate(ds, equilibrium_forcing=eqf), at)

    def resume(self, start, soil, forcing, c_input_t_ha_month, at):
        """Continue a run from ``start`` (pools and ``SMD``, the ``SMD_end`` of the run it
        continues): the same numbers as one longer run, without recomputing its first part."""
        import xarray as xr

        ds = self._ds(forcing, soil, c_input_t_ha_month)
        init = xr.Dataset({k: (("cell",), np.asarray(start[k], dtype=float)) for k in (*POOLS, "SMD")})
        return self._picked(self._rothc.simulate(ds, equilibrium=init), at)

    @staticmethod
    def _picked(out, at) -> dict[str, np.ndarray]:
        picked = out.isel(time=list(at))
        res = {p: np.asarray(picked[p].transpose("time", "cell").values, dtype=float) for p in POOLS}
        res["SMD"] = np.asarray(out["SMD_end"].transpose("cell").values, dtype=float)
        return res


def default_engine() -> CellEngine:
    """RothC (``soilsink.models.rothc``); ImportError with a clear message while it is absent."""
    try:
        return RothCEngine()
    except ImportError as exc:
        raise ImportError(
            "the grid workflow needs the RothC engine (soilsink.models.rothc), which is not installed "
            "in this build"
        ) from exc
