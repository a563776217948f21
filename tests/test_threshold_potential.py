"""Sink potential: max(0, threshold - current), ratio, sites without a threshold kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from soilsink.io.errors import InputError
from soilsink.threshold import sink_potential

THRESH = pd.DataFrame(
    {"soil_type": ["Luvisol", "Cambisol"], "n_reference": [6, 2], "threshold_soc_t_ha": [50.0, 40.0],
     "threshold_soc_t_ha_ci_low": [45.0, 30.0], "threshold_soc_t_ha_ci_high": [55.0, 50.0],
     "threshold_stable_soc_t_ha": [30.0, np.nan], "stat": "median", "method": "empirical", "flag": ["ok", "too_few"]}
)
SITES = pd.DataFrame(
    {"site_id": ["a", "b", "c", "d"], "soil_type": ["Luvisol", "Luvisol", "Cambisol", "Gleysol"],
     "soc_stock_t_ha": [40.0, 60.0, 10.0, 20.0], "stable_soc_t_ha": [20.0, 33.0, 5.0, np.nan]}
)


def test_by_hand() -> None:
    out = sink_potential(SITES, THRESH).set_index("site_id")
    assert out.loc["a", "potential_t_ha"] == 10.0 and out.loc["a", "saturation_ratio"] == pytest.approx(0.8)
    assert out.loc["b", "potential_t_ha"] == 0.0 and out.loc["b", "saturation_ratio"] == pytest.approx(1.2)
    assert out.loc["a", "stable_potential_t_ha"] == 10.0
    assert out.loc["b", "stable_saturation_ratio"] == pytest.approx(1.1)
    assert out.loc["c", "potential_t_ha"] == 30.0 and np.isnan(out.loc["c", "stable_potential_t_ha"])
    assert out.loc["c", "threshold_flag"] == "too_few"


def test_site_without_threshold_is_reported() -> None:
    out = sink_potential(SITES, THRESH).set_index("site_id")
    assert len(out) == 4
    assert out.loc["d", "status"] == "no_threshold" and np.isnan(out.loc["d", "potential_t_ha"])
    assert out.loc["d", "current_soc_t_ha"] == 20.0


def test_model_row_used_when_empirical_is_too_few() -> None:
    model = THRESH.iloc[[1]].assign(method="model", flag="ok", threshold_soc_t_ha=35.0, n_reference=0)
    out = sink_potential(SITES, pd.concat([THRESH, model])).set_index("site_id")
    assert out.loc["c", "threshold_soc_t_ha"] == 35.0 and out.loc["c", "threshold_method"] == "model"
    assert out.loc["a", "threshold_method"] == "empirical"


def test_missing_group_column() -> None:
    with pytest.raises(InputError, match="soil_type"):
        sink_potential(SITES.drop(columns="soil_type"), THRESH)
