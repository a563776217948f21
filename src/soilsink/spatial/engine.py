"""The model behind the grid workflow: a small cell-vectorised interface and its RothC adapter.

The workflow (``workflow.py``) needs three things from a SOM model, for ``n`` cells at once
(arrays have the cell axis last; monthly forcing has shape ``(months, n)``):

* ``inputs_for_target(forcing12, soil, soc_t_ha, fraction12)`` -> annual plant C input
  (t C/ha/yr), spread over the months by ``fraction12`` (shape ``(12, 1)``, sums to 1), whose
  equilibrium under the 12-month forcing has total SOC = ``soc_t_ha`` (exact inverse);
* ``equilibrium(forcing12, soil, c_input_t_ha_month)`` -> pools (t C/ha) of the equilibrium
  under monthly inputs of shape ``(12, n)``;
* ``run(pools, forcing, soil, c_input_t_ha_month)`` -> pools at the end of the forcing.

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

    def run(self, pools: dict[str, np.ndarray], forcing: dict, soil: dict,
            c_input_t_ha_month: np.ndarray) -> dict[str, np.ndarray]: ...


def falloon_iom(soc_t_ha: np.ndarray) -> np.ndarray:
    """Inert organic matter (t C/ha) = 0.049 × SOC^1.139 (Falloon et al. 1998, Soil Biol.
    Biochem. 30:1207-1211, eq. 1; also GSOCseq TM eq. 5.2). Uses the RothC engine's own
    function when it is available so both agree to the bit."""
    try:
        from soilsink.models.rothc import falloon_iom as _f

        return np.asarray(_f(soc_t_ha), dtype=float)
    except ImportError:
        return 0.049 * np.asarray(soc_t_ha, dtype=float) ** 1.139


class RothCEngine:
    """Adapter from :class:`CellEngine` to ``soilsink.models.rothc`` (the xarray API)."""

    name = "RothC"

    def __init__(self) -> None:
        import soilsink.models.rothc  # noqa: F401  (fail early with ImportError)

    @property
    def _rothc(self):
        # imported on use, so the adapter pickles to Dask workers as a plain object
        import soilsink.models.rothc as rothc

        return rothc

    # -- building the xarray dataset the engine wants (cells on dim "cell", months on "time")
    @staticmethod
    def _ds(forcing: dict, soil: dict, c_input_month: np.ndarray | None):
        import xarray as xr

        months = forcing["tas"].shape[0]
        n = forcing["tas"].shape[1]
        data = {
            "tas": (("time", "cell"), forcing["tas"]),
            "pr": (("time", "cell"), forcing["pr"]),
            "evap": (("time", "cell"), forcing["evap"]),
            "clay": (("cell",), soil["clay"]),
            "depth": soil["depth"],
            "iom": (("cell",), soil["iom"]),
            "dpm_rpm": (("cell",), soil["dpm_rpm"]),
            "fym": 0.0,
        }
        cover = forcing["cover"]
        data["cover"] = (("time", "cell"), cover) if cover.shape[-1] == n and n != 1 else (("time",), cover[:, 0])
        if c_input_month is not None:
            data["c_input"] = (("time", "cell"), c_input_month)
        return xr.Dataset(data, coords={"time": np.arange(months)})

    def inputs_for_target(self, forcing12, soil, soc_t_ha, fraction12):
        ds = self._ds(forcing12, soil, np.broadcast_to(fraction12, forcing12["tas"].shape))
        import xarray as xr

        out = self._rothc.inputs_for_target(ds, xr.DataArray(soc_t_ha, dims="cell"))
        return np.asarray(out.transpose("cell").values, dtype=float)

    def equilibrium(self, forcing12, soil, c_input_t_ha_month):
        ds = self._ds(forcing12, soil, c_input_t_ha_month)
        eq = self._rothc.equilibrium(ds)
        return {p: np.asarray(eq[p].transpose("cell").values, dtype=float) for p in POOLS}

    def run(self, pools, forcing, soil, c_input_t_ha_month):
        ds = self._ds(forcing, soil, c_input_t_ha_month)
        import xarray as xr

        init = xr.Dataset({p: (("cell",), pools[p]) for p in POOLS})
        out = self._rothc.simulate(ds, equilibrium=init)
        last = out.isel(time=-1)
        return {p: np.asarray(last[p].transpose("cell").values, dtype=float) for p in POOLS}


def default_engine() -> CellEngine:
    """RothC (``soilsink.models.rothc``); ImportError with a clear message while it is absent."""
    try:
        return RothCEngine()
    except ImportError as exc:
        raise ImportError(
            "the grid workflow needs the RothC engine (soilsink.models.rothc), which is not installed "
            "in this build"
        ) from exc
