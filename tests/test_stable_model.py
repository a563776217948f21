"""Stable carbon from RothC pools = HUM + IOM."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from soilsink.stable import rothc_stable_soc


def test_dataset_pools() -> None:
    ds = xr.Dataset(
        {k: ("cell", np.array(v)) for k, v in
         {"DPM": [0.1, 0.2], "RPM": [5.0, 6.0], "BIO": [1.0, 1.1], "HUM": [30.0, 40.0], "IOM": [3.0, 2.5]}.items()}
    )
    np.testing.assert_allclose(rothc_stable_soc(ds).values, [33.0, 42.5])


def test_official_output_column_names() -> None:
    df = pd.DataFrame({"HUM_t_C_ha": [28.5], "IOM_t_C_ha": [2.7], "SOC_t_C_ha": [40.0]})
    assert rothc_stable_soc(df).iloc[0] == pytest.approx(31.2)


def test_missing_pool_is_named() -> None:
    with pytest.raises(KeyError, match="IOM"):
        rothc_stable_soc({"HUM": 1.0})
