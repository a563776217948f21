"""Draw docs/figures/model_comparison.png: four SOM-balance models, one site, one change.

Run: PYTHONPATH=src python docs/figures/make_model_comparison.py

Site: the official RothC example (Rothamsted; clay 23.4 %, 23 cm, its monthly temperature,
rain and open-pan evaporation; PET = 0.75 x open pan). Assumed where the example gives
nothing: silt 50 %, sand 26.6 %, bulk density 1.3 g/cm3, pH 6.5, field capacity 0.32 and wilting
point 0.14 m3/m3 for Millennial's soil-moisture bucket, full tillage for the Tier 2 method.
Management change: every model starts at its own steady state under 2 t C/ha/yr; from year 0
the input is 3 t C/ha/yr for 60 years. The figure shows the change of total and of stable SOC
(RothC HUM + IOM, ICBM old pool, Tier 2 passive pool, Millennial MAOM).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from soilsink.models.ipcc_tier2 import IPCCTier2  # noqa: E402
from soilsink.models.millennial import Millennial  # noqa: E402
from soilsink.models.millennial.forcing import soil_forcing_from_monthly  # noqa: E402
from soilsink.models.registry import get_model  # noqa: E402
from soilsink.models.rothc.model import EXAMPLE_EVAP_MM, EXAMPLE_RAIN_MM, EXAMPLE_TAS_C  # noqa: E402

OUT = Path(__file__).with_name("model_comparison.png")
YEARS, BEFORE, AFTER = 60, 2.0, 3.0


def models() -> dict:
    tas, rain = np.array(EXAMPLE_TAS_C), np.array(EXAMPLE_RAIN_MM)
    pet = 0.75 * np.array(EXAMPLE_EVAP_MM)
    tsoil, theta = soil_forcing_from_monthly(tas, rain, pet, theta_fc=0.32, theta_wp=0.14,
                                             depth_cm=23.0)
    return {
        "RothC": get_model("rothc", clay_pct=23.4, depth_cm=23.0, temp_c=list(tas),
                           precip_mm=list(rain), evap_mm=list(EXAMPLE_EVAP_MM)),
        "ICBM": get_model("icbm"),
        "IPCC Tier 2": IPCCTier2(tas=tas, pr=rain, pet=pet, sand_pct=26.6, tillage="full"),
        "Millennial v2": Millennial(clay_pct=23.4, silt_pct=50.0, bd_g_cm3=1.3, ph=6.5,
                                    tsoil=tsoil, theta=theta, depth_cm=23.0),
    }


def main() -> None:
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
    years = np.arange(YEARS + 1)
    for name, model in models().items():
        start = model.equilibrium(np.array([BEFORE]))
        tr = model.simulate(start, np.full((YEARS, 1), AFTER))
        axes[0].plot(years, tr.soc_t_ha[:, 0] - tr.soc_t_ha[0, 0],
                     label=f"{name} (start {tr.soc_t_ha[0, 0]:.0f} t C/ha)")
        axes[1].plot(years, tr.stable_soc_t_ha[:, 0] - tr.stable_soc_t_ha[0, 0], label=name)
    axes[0].set_title("Total SOC gain")
    axes[1].set_title("Stable SOC gain")
    for ax in axes:
        ax.set_xlabel("years after the input rises from 2 to 3 t C/ha/yr")
        ax.set_ylabel("t C/ha")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("One site (Rothamsted example climate), one management change", fontsize=10)
    fig.tight_layout()
    fig.savefig(OUT, dpi=120, metadata={"Software": None})
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
