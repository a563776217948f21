"""PROJECT.toml validation: key paths and allowed values in every error; paths; yield allocation."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from project_helpers import write_project
from soilsink.accounting.project import YieldInput, load_project, project_from_dict
from soilsink.io.errors import InputError


def _data(tmp_path: Path) -> dict:
    path = write_project(tmp_path)
    return tomllib.loads(path.read_text())


def _messages(exc: InputError) -> list[str]:
    return [str(p) for p in exc.problems]


def test_loads_and_resolves_relative_paths(tmp_path: Path) -> None:
    cfg = load_project(write_project(tmp_path / "proj"))
    assert cfg.fields[0].soil.horizons == (tmp_path / "proj" / "soil.csv").resolve()
    assert cfg.years[0] == 2025 and cfg.years[-1] == 2045
    assert cfg.baseline.name == "baseline" and [s.name for s in cfg.projects] == ["notill"]
    assert cfg.input_files() == sorted([(tmp_path / "proj" / "PROJECT.toml").resolve(),
                                        (tmp_path / "proj" / "soil.csv").resolve()])
    assert cfg.scenarios[1].step_for_year(2026).tillage == "full_tillage"
    assert cfg.scenarios[1].step_for_year(2030).tillage == "no_till"


@pytest.mark.parametrize(
    ("edit", "key", "allowed"),
    [
        (lambda d: d["fields"][1].__setitem__("area_ha", -3), "fields[1].area_ha", "> 0"),
        (lambda d: d["method"].__setitem__("kind", "tier9"), "method.kind", "'ipcc_tier1'"),
        (lambda d: d["method"].__setitem__("edition", "2001"), "method.edition", "'2006' or '2019'"),
        (lambda d: d["scenarios"][1]["management"][1].__setitem__("cover_months", [0, 13]),
         "scenarios[1].management[1].cover_months", None),
        (lambda d: d["scenarios"][0]["management"][0].__setitem__("tilage", "full"),
         "scenarios[0].management[0].tilage", "documented"),
        (lambda d: d["fields"][0]["soil"].__setitem__("horizons", "nope.csv"), "fields[0].soil.horizons", None),
        (lambda d: d["project"].pop("end_year"), "project.end_year", "required"),
        (lambda d: d["fields"][0].__setitem__("lat", 95), "fields[0].lat", "<= 90"),
        (lambda d: d["uncertainty"].__setitem__("draws", 0), "uncertainty.draws", ">= 1"),
    ],
)
def test_errors_name_key_path_and_allowed(tmp_path: Path, edit, key: str, allowed: str | None) -> None:
    data = _data(tmp_path)
    edit(data)
    with pytest.raises(InputError) as info:
        project_from_dict(data, base_dir=tmp_path)
    text = "\n".join(_messages(info.value))
    assert f"key '{key}'" in text
    if allowed:
        assert "allowed:" in text and allowed in text


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    data = _data(tmp_path)
    data["fields"][0]["area_ha"] = 0
    data["fields"][1]["area_ha"] = "big"
    with pytest.raises(InputError) as info:
        project_from_dict(data, base_dir=tmp_path)
    keys = " ".join(_messages(info.value))
    assert "fields[0].area_ha" in keys and "fields[1].area_ha" in keys


def test_semantic_checks_with_key_paths(tmp_path: Path) -> None:
    data = _data(tmp_path)
    del data["scenarios"][1]["management"][1]["input_level"]
    data["fields"][1].pop("threshold_t_ha")
    data["scenarios"][0]["management"][0]["from_year"] = 2030
    with pytest.raises(InputError) as info:
        project_from_dict(data, base_dir=tmp_path)
    text = "\n".join(_messages(info.value))
    assert "scenarios[1].management[1].input_level" in text
    assert "fields[1].threshold_t_ha" in text
    assert "scenarios[0].management[0].from_year" in text


def test_needs_one_baseline_and_a_project(tmp_path: Path) -> None:
    data = _data(tmp_path)
    data["scenarios"][1]["role"] = "baseline"
    with pytest.raises(InputError, match="exactly one scenario with role 'baseline'"):
        project_from_dict(data, base_dir=tmp_path)


def test_bad_toml_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / "P.toml"
    path.write_text("[project\nname = 1\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_project(path)


def test_unknown_uncertainty_parameter(tmp_path: Path) -> None:
    data = _data(tmp_path)
    data["uncertainty"]["distributions"] = {"north.f_xx": {"kind": "normal", "mean": 1, "sd": 0.1}}
    with pytest.raises(InputError) as info:
        project_from_dict(data, base_dir=tmp_path)
    assert "uncertainty.distributions" in str(info.value) and "f_mg" in str(info.value)


def test_model_method_needs_inputs_and_climate(tmp_path: Path) -> None:
    data = _data(tmp_path)
    data["method"] = {"kind": "model", "model": "rothc"}
    with pytest.raises(InputError) as info:
        project_from_dict(data, base_dir=tmp_path)
    text = str(info.value)
    assert "scenarios[0].management[0].c_input_t_ha_yr" in text
    assert "fields[0].climate" in text


def test_yield_allocation_bolinder_2007_by_hand() -> None:
    # wheat-like numbers: 6 t DM/ha grain, HI 0.4, shoot:root 5, C 0.45, extra-root 0.65, straw kept
    y = YieldInput(crop="wheat", yield_t_dm_ha=6.0, harvest_index=0.4, shoot_root_ratio=5.0, source="test")
    c_p = 6.0 * 0.45  # 2.7
    c_s = c_p * 0.6 / 0.4  # 4.05
    c_r = c_p / (0.4 * 5.0)  # 1.35
    c_e = c_r * 0.65  # 0.8775
    assert y.c_input_t_ha_yr() == pytest.approx(c_s + c_r + c_e)
    assert y.c_input_t_ha_yr() == pytest.approx(6.2775)
    removed = y.model_copy(update={"straw_removed_frac": 1.0})
    assert removed.c_input_t_ha_yr() == pytest.approx(1.35 + 0.8775)


def test_stable_threshold_needs_a_stable_pool(tmp_path: Path) -> None:
    data = _data(tmp_path)
    data["threshold"]["pool"] = "stable"
    with pytest.raises(InputError, match=r"key 'threshold.pool'.*no stable pool"):
        project_from_dict(data, base_dir=tmp_path)


def test_bad_distribution_named_by_key_path(tmp_path: Path) -> None:
    data = _data(tmp_path)
    data["uncertainty"]["distributions"] = {
        "north.f_mg": {"kind": "normal", "mean": 1.0, "sd": -1},
        "f_lu": {"kind": "weird"},
    }
    with pytest.raises(InputError) as info:
        project_from_dict(data, base_dir=tmp_path)
    text = str(info.value)
    assert "key 'uncertainty.distributions.\"north.f_mg\".sd'" in text and ">= 0" in text
    assert "key 'uncertainty.distributions.\"f_lu\"'" in text and "truncnormal" in text


def test_source_file_is_not_a_project_key(tmp_path: Path) -> None:
    data = _data(tmp_path)
    data["source_file"] = "/etc/passwd"
    with pytest.raises(InputError, match="key 'source_file'"):
        project_from_dict(data, base_dir=tmp_path)
