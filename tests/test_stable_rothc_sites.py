"""RothC stable carbon per site from a monthly climate table: the official RothC example, climate checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from soilsink.io.errors import InputError
from soilsink.stable.rothc_sites import climate_dataset, rothc_site_stable


def _official_climate(shared_reference) -> pd.DataFrame:
    lines = (shared_reference / "rothc" / "RothC_input.dat").read_text().splitlines()
    m = np.array([[float(x) for x in ln.split()] for ln in lines[10:22]])
    return pd.DataFrame({"month": m[:, 1].astype(int), "temp_c": m[:, 3], "precip_mm": m[:, 4], "evap_mm": m[:, 5],
                         "c_input": m[:, 6], "cover": m[:, 8].astype(int), "dpm_rpm": m[:, 9]})


def test_official_example_hum_plus_iom(shared_reference) -> None:
    # year_results.out of the official RothC example, equilibrium row: SOC 42.4779, HUM 32.6202,
    # IOM 3.0041 t C/ha (clay 23.4 %, depth 23 cm, the example's monthly climate and inputs)
    sites = pd.DataFrame({"site_id": ["x"], "soc_stock_t_ha": [42.4779], "clay_pct": [23.4], "depth_cm": [23.0],
                          "iom_t_ha": [3.0041]})
    r = rothc_site_stable(sites, climate_dataset(_official_climate(shared_reference)))
    assert r.loc[0, "stable_soc_t_ha"] == pytest.approx(32.6202 + 3.0041, abs=2e-3 + 1e-4 * 35.6)
    assert r.loc[0, "stable_method"] == "rothc_hum_iom"


def test_below_iom_and_missing_clay_give_none(shared_reference) -> None:
    sites = pd.DataFrame({"site_id": ["low", "noclay", "ok"], "soc_stock_t_ha": [2.0, 40.0, 40.0],
                          "clay_pct": [23.4, np.nan, 23.4], "depth_cm": [23.0] * 3, "iom_t_ha": [3.0041] * 3})
    r = rothc_site_stable(sites, climate_dataset(_official_climate(shared_reference))).set_index("site_id")
    assert np.isnan(r.loc["low", "stable_soc_t_ha"]) and r.loc["low", "stable_method"] == "none"
    assert "IOM" in r.loc["low", "note"]
    assert r.loc["noclay", "stable_method"] == "none" and "clay" in r.loc["noclay", "note"]
    assert 0 < r.loc["ok", "stable_soc_t_ha"] < 40.0


def test_stable_rises_with_soc_and_stays_below_it(shared_reference) -> None:
    soc = np.array([10.0, 30.0, 60.0, 120.0])
    sites = pd.DataFrame({"site_id": list("abcd"), "soc_stock_t_ha": soc, "clay_pct": 23.4, "depth_cm": 23.0})
    r = rothc_site_stable(sites, climate_dataset(_official_climate(shared_reference)))
    s = r["stable_soc_t_ha"].to_numpy()
    assert np.all(np.diff(s) > 0) and np.all(s < soc)


def _climate(**change) -> pd.DataFrame:
    c = pd.DataFrame({"month": range(1, 13), "temp_c": 10.0, "precip_mm": 60.0, "pet_mm": 50.0})
    for k, v in change.items():
        c[k] = v
    return c


@pytest.mark.parametrize(
    "table, text",
    [
        (_climate().drop(columns="pet_mm"), "pet_mm or evap_mm"),
        (_climate(evap_mm=60.0), "not both"),
        (_climate(precip_mm=[-1.0] + [60.0] * 11), "column 'precip_mm'"),
        (_climate(cover=[2] + [1] * 11), "column 'cover'"),
        (_climate(month=[1] * 12), "month 1–12"),
        (_climate(temp_c=["warm"] + [10.0] * 11), "row 2, column 'temp_c'"),
    ],
)
def test_bad_climate(table: pd.DataFrame, text: str) -> None:
    with pytest.raises(InputError, match=text.replace("(", r"\(")):
        climate_dataset(table, "clim.csv")


def test_pet_is_converted_to_open_pan() -> None:
    ds = climate_dataset(_climate())
    np.testing.assert_allclose(ds["evap"].values, 50.0 / 0.75)
    assert ds["evap"].dims == ("time",)
