"""Measure-remeasure: ESM pairing removes compaction artefacts; paired SE, CI and MDD by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from soilsink.accounting.remeasure import paired_change, remeasure
from soilsink.io.errors import InputError, InputWarning


def _h(rows):
    df = pd.DataFrame(rows, columns=["site_id", "top_cm", "bottom_cm", "soc_g_kg", "bulk_density_g_cm3"])
    df["bd_source"] = "measured"
    df["coarse_vol_frac"] = 0.0
    return df.sort_values(["site_id", "top_cm"]).reset_index(drop=True)


def test_paired_statistics_by_hand():
    base = np.array([40.0, 41, 42, 43, 44])
    follow = base + np.array([1.0, 2, 3, 4, 5])
    pc = paired_change(base, follow)
    se = np.sqrt(2.5) / np.sqrt(5)                      # s_d of 1..5 is sqrt(2.5)
    assert (pc.mean, pc.sd, pc.se) == pytest.approx((3.0, np.sqrt(2.5), se))
    assert pc.t_alpha == pytest.approx(2.776445, abs=1e-5)  # t(0.975, 4)
    assert pc.t_beta == pytest.approx(0.940965, abs=1e-5)   # t(0.80, 4)
    assert pc.ci == pytest.approx((3 - 2.776445 * se, 3 + 2.776445 * se), abs=1e-5)
    assert pc.mdd == pytest.approx((2.776445 + 0.940965) * se, abs=1e-5)
    assert pc.significant and pc.detectable


@given(st.lists(st.floats(-20, 20), min_size=3, max_size=40), st.floats(0.01, 0.2), st.floats(0.05, 0.5))
def test_mdd_grows_with_stricter_alpha_and_power(d, alpha, beta):
    d = np.array(d)
    if np.std(d) == 0:
        return
    a = paired_change(np.zeros_like(d), d, alpha=alpha, beta=beta)
    b = paired_change(np.zeros_like(d), d, alpha=alpha / 2, beta=beta / 2)
    assert b.mdd >= a.mdd and a.mdd > 0
    assert a.ci[0] <= a.mean <= a.ci[1]


def test_esm_removes_compaction_artefact():
    # baseline: 0-30 cm at BD 1.2, 10 g/kg -> 3600 t/ha soil, 36 t C/ha
    base = _h([("s1", 0, 30, 10.0, 1.2), ("s2", 0, 30, 10.0, 1.2), ("s3", 0, 30, 10.0, 1.2)])
    # follow-up compacted to BD 1.5: same 3600 t/ha now in 0-24 cm. s1 unchanged, s2 +10 %, s3 +20 %
    follow = _h([("s1", 0, 30, 10.0, 1.5), ("s1", 30, 60, 5.0, 1.5),
                 ("s2", 0, 30, 11.0, 1.5), ("s2", 30, 60, 5.0, 1.5),
                 ("s3", 0, 30, 12.0, 1.5), ("s3", 30, 60, 5.0, 1.5)])
    per, pc = remeasure(base, follow)
    per = per.set_index("site_id")
    assert per["reference_mass_t_ha"].tolist() == pytest.approx([3600] * 3)
    assert per["base_soc_t_ha"].tolist() == pytest.approx([36.0] * 3)
    assert per["follow_soc_t_ha"].tolist() == pytest.approx([36.0, 39.6, 43.2])
    assert per["follow_equivalent_depth_cm"].tolist() == pytest.approx([24.0] * 3)
    assert pc.mean == pytest.approx(3.6)
    assert pc.se == pytest.approx(3.6 / np.sqrt(3))


def test_unpaired_and_shallow_sites_warn_and_drop():
    base = _h([("a", 0, 30, 10.0, 1.2), ("b", 0, 30, 10.0, 1.2), ("c", 0, 30, 10.0, 1.2), ("x", 0, 30, 9.0, 1.2)])
    follow = _h([("a", 0, 40, 10.0, 1.2), ("b", 0, 40, 11.0, 1.2), ("c", 0, 20, 11.0, 1.2), ("y", 0, 30, 9.0, 1.2)])
    with pytest.warns(InputWarning):
        per, pc = remeasure(base, follow)
    assert per["site_id"].tolist() == ["a", "b", "c"]
    assert np.isnan(per.set_index("site_id").at["c", "change_t_ha"])
    assert pc.n == 2


def test_bad_input():
    with pytest.raises(InputError):
        paired_change([1.0], [2.0])
    with pytest.raises(InputError):
        paired_change([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(InputError):
        remeasure(_h([("a", 0, 30, 1, 1)]), _h([("a", 0, 30, 1, 1)]), top_cm=10)
