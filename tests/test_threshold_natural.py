"""Reference-site vocabulary: natural land uses or reference = true; cultivated never."""

from __future__ import annotations

import pandas as pd
import pytest

from soilsink.io.errors import InputError
from soilsink.threshold import NATURAL_LAND_USES, is_reference


def test_vocabulary_has_the_required_classes() -> None:
    assert {"natural", "native_forest", "native_grassland", "native_shrubland", "native_wetland"} <= NATURAL_LAND_USES


def test_land_use_vocabulary_case_and_spacing() -> None:
    df = pd.DataFrame({"land_use": ["Native Forest", "native-grassland", "cropland", "natural", None, "unknown"]})
    assert is_reference(df).tolist() == [True, True, False, True, False, False]


def test_reference_column_overrides_vocabulary() -> None:
    df = pd.DataFrame(
        {"land_use": ["native_forest", "secondary_forest", "native_forest", "secondary_forest"],
         "reference": ["no", "yes", "", None]}
    )
    assert is_reference(df).tolist() == [False, True, True, False]


def test_reference_column_alone() -> None:
    assert is_reference(pd.DataFrame({"reference": [True, False, 1, 0]})).tolist() == [True, False, True, False]


def test_cultivated_site_flagged_reference_is_an_error_with_row() -> None:
    df = pd.DataFrame({"land_use": ["cropland"], "reference": ["true"], "row": [7]})
    with pytest.raises(InputError) as exc:
        is_reference(df, "sites.csv")
    p = exc.value.problems[0]
    assert (p.file, p.row, p.column) == ("sites.csv", 7, "reference")


def test_unreadable_reference_flag() -> None:
    with pytest.raises(InputError, match="reference flag"):
        is_reference(pd.DataFrame({"reference": ["maybe"]}))


def test_no_column_to_decide() -> None:
    with pytest.raises(InputError, match="land_use"):
        is_reference(pd.DataFrame({"soil_type": ["x"]}))
