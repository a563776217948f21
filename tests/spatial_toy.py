"""A toy SOM engine for the grid plumbing tests (NOT science: one decaying pool).

It implements :class:`soilsink.spatial.engine.CellEngine` exactly (periodic steady state and
inverse solved in closed form) so the Dask plumbing, masking, chunking and caps can be tested
without the RothC engine. Monthly decay of the HUM pool: HUM ← HUM·exp(−k·a(T)) + input,
a(T) = 47.91/(1 + exp(106.06/(T + 18.27))) (the RothC temperature modifier, Coleman &
Jenkinson 1996), k = 0.02/month; DPM, RPM, BIO stay 0; IOM constant.
"""

from __future__ import annotations

import numpy as np

K_PER_MONTH = 0.02


def _decay(tas: np.ndarray) -> np.ndarray:
    a = 47.91 / (1.0 + np.exp(106.06 / (tas + 18.27)))
    return np.exp(-K_PER_MONTH * a)


class ToyEngine:
    name = "toy"

    def _year_map(self, forcing12, c_month):
        e = _decay(forcing12["tas"])  # (12, n)
        A = np.ones(e.shape[1])
        B = np.zeros(e.shape[1])
        for t in range(12):
            A = A * e[t]
            B = B * e[t] + c_month[t]
        return A, B

    def inputs_for_target(self, forcing12, soil, soc_t_ha, fraction12):
        n = soc_t_ha.shape[0]
        A, B = self._year_map(forcing12, np.broadcast_to(fraction12, (12, n)))
        hum_per_unit = B / (1.0 - A)
        return (soc_t_ha - soil["iom"]) / hum_per_unit

    def equilibrium(self, forcing12, soil, c_input_t_ha_month):
        A, B = self._year_map(forcing12, c_input_t_ha_month)
        z = np.zeros_like(A)
        return {"DPM": z, "RPM": z.copy(), "BIO": z.copy(), "HUM": B / (1.0 - A), "IOM": np.asarray(soil["iom"], float)}

    def simulate(self, forcing12, c_eq_month, soil, forcing, c_input_t_ha_month, at):
        return self.resume(self.equilibrium(forcing12, soil, c_eq_month), soil, forcing,
                           c_input_t_ha_month, at)

    def resume(self, start, soil, forcing, c_input_t_ha_month, at):
        pools = start
        e = _decay(forcing["tas"])
        h = np.asarray(pools["HUM"], float).copy()
        hs = []
        for t in range(e.shape[0]):
            h = h * e[t] + c_input_t_ha_month[t]
            hs.append(h)
        hum = np.stack([hs[i] for i in at])
        z = np.zeros_like(hum)
        return {"DPM": z, "RPM": z.copy(), "BIO": z.copy(), "HUM": hum,
                "IOM": np.broadcast_to(pools["IOM"], hum.shape).copy(),
                "SMD": np.zeros(h.shape)}  # the toy has no soil water
