"""Prior variance: CV, pilot tables (by stratum, x/y, lon/lat) and the paired-change SD."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from mrv_helpers import UTM, X0, Y0, write_fields
from soilsink.io.errors import InputError, InputWarning
from soilsink.mrv.areas import read_design_areas
from soilsink.mrv.prior import change_sd, prior_from_cv, prior_from_pilot, read_pilot
from soilsink.mrv.strata import given_strata


@pytest.fixture
def design(tmp_path):
    areas = read_design_areas(write_fields(tmp_path / "f.gpkg"), strata_column="zone", role_column="role")
    return areas, given_strata(areas)


def test_prior_from_cv() -> None:
    rel = prior_from_cv(3, 0.25)
    assert rel.variable == "relative" and rel.mean.tolist() == [1.0] * 3 and rel.sd.tolist() == [0.25] * 3
    abs_ = prior_from_cv(2, 0.2, 50.0)
    assert abs_.variable == "soc_stock_t_ha" and abs_.sd.tolist() == [10.0, 10.0]
    with pytest.raises(InputError, match="--cv"):
        prior_from_cv(2, 0.0)


def test_change_sd() -> None:
    assert change_sd([3.0], 0.0) == pytest.approx([3.0 * np.sqrt(2)])
    assert change_sd([3.0], 0.5) == pytest.approx([3.0])
    with pytest.raises(InputError, match="correlation"):
        change_sd([3.0], 1.0)


def test_pilot_by_xy_and_lonlat_agree(tmp_path, design) -> None:
    areas, strata = design
    xs = X0 + np.array([500, 700, 2500, 2600, 4100, 4200, 6100, 6300, 8500, 8600, 20000.0])
    ys = Y0 + np.full(xs.size, 3000.0)
    vals = [40, 44, 50, 54, 60, 62, 30, 34, 45, 47, 99]
    pd.DataFrame({"x": xs, "y": ys, "soc_stock_t_ha": vals}).to_csv(tmp_path / "p.csv", index=False)
    lon, lat = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True).transform(xs, ys)
    pd.DataFrame({"lon": lon, "lat": lat, "soc_stock_t_ha": vals}).to_csv(tmp_path / "q.csv", index=False)
    with pytest.warns(InputWarning, match="outside the project"):
        a = read_pilot(tmp_path / "p.csv", strata, areas.source_crs, areas.working_crs)
    with pytest.warns(InputWarning, match="outside the project"):
        b = read_pilot(tmp_path / "q.csv", strata, areas.source_crs, areas.working_crs)
    assert a["stratum"].tolist() == b["stratum"].tolist() == ["A", "A", "B", "B", "C", "C", "D", "D", "E", "E"]
    prior = prior_from_pilot(a, strata.names)
    assert prior.mean.tolist() == pytest.approx([42, 52, 61, 32, 46])
    assert prior.sd.tolist() == pytest.approx([np.std([40, 44], ddof=1), np.std([50, 54], ddof=1),
                                               np.std([60, 62], ddof=1), np.std([30, 34], ddof=1),
                                               np.std([45, 47], ddof=1)])
    assert prior.n.tolist() == [2] * 5


def test_pilot_errors(tmp_path, design) -> None:
    areas, strata = design
    args = (strata, areas.source_crs, areas.working_crs)
    pd.DataFrame({"stratum": ["A", "A", "B"], "soc_stock_t_ha": [1, 2, 3]}).to_csv(tmp_path / "p.csv", index=False)
    with pytest.raises(InputError, match="at least 2 pilot values.*B: 1"):
        prior_from_pilot(read_pilot(tmp_path / "p.csv", *args), strata.names)
    pd.DataFrame({"stratum": ["A", "Z"], "soc_stock_t_ha": [1, 2]}).to_csv(tmp_path / "z.csv", index=False)
    with pytest.raises(InputError, match="row 3, column 'stratum': unknown stratum.*'Z'"):
        read_pilot(tmp_path / "z.csv", *args)
    pd.DataFrame({"stratum": ["A"], "soc_stock_t_ha": ["n/a"]}).to_csv(tmp_path / "n.csv", index=False)
    with pytest.raises(InputError, match="row 2, column 'soc_stock_t_ha': not a number"):
        read_pilot(tmp_path / "n.csv", *args)
    pd.DataFrame({"stratum": ["A"], "soc": [1]}).to_csv(tmp_path / "v.csv", index=False)
    with pytest.raises(InputError, match="exactly one value column"):
        read_pilot(tmp_path / "v.csv", *args)
    pd.DataFrame({"soc_stock_t_ha": [1]}).to_csv(tmp_path / "l.csv", index=False)
    with pytest.raises(InputError, match="needs a stratum or a location"):
        read_pilot(tmp_path / "l.csv", *args)
