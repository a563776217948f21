"""Plausible ranges of quantities, checked where data enter (a value outside is an error).

The ranges catch unit mistakes and corrupt values (a stock in kg/ha, ``1e300``), not unusual
soils: they are wider than any soil on record.

- ``SOC_T_HA_RANGE``, an SOC stock (t C/ha) over any depth: 0 to 10 000 t C/ha. Peat holds
  about 0.058 g C/cm3 (northern peatlands: bulk density 0.112 g/cm3, 51.7 % C; Gorham 1991,
  Ecol. Appl. 1: 182–195), about 580 t C/ha per metre, so 10 000 t C/ha is some 17 m of peat,
  deeper than the deepest peat deposits; mineral topsoils hold 10–200 t C/ha in 0–30 cm.
  The same range bounds thresholds (t C/ha).
"""

from __future__ import annotations

#: SOC stock, t C/ha (inclusive bounds; see the module docstring).
SOC_T_HA_RANGE: tuple[float, float] = (0.0, 10_000.0)
