"""Result bundles: same seed -> identical bytes; sink sign and threshold cap; totals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from project_helpers import write_project
from soilsink.accounting.bundle import write_bundle
from soilsink.accounting.project import load_project
from soilsink.accounting.runner import run_project
from soilsink.cli import app

BUNDLE_FILES = {"results.csv", "results.parquet", "summary.json", "report.html", "manifest.json"}


def _account(project: Path, out: Path) -> None:
    from typer.testing import CliRunner

    res = CliRunner().invoke(app, ["account", str(project), "-o", str(out), "--quiet"])
    assert res.exit_code == 0, res.output


def test_same_seed_identical_bundle_bytes(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", draws=100, seed=11)
    _account(project, tmp_path / "b1")
    _account(project, tmp_path / "b2")
    names = {p.name for p in (tmp_path / "b1").iterdir()}
    assert names == BUNDLE_FILES
    for name in sorted(names):
        assert (tmp_path / "b1" / name).read_bytes() == (tmp_path / "b2" / name).read_bytes(), name


def test_other_seed_other_numbers(tmp_path: Path) -> None:
    _account(write_project(tmp_path / "p1", draws=100, seed=1), tmp_path / "b1")
    _account(write_project(tmp_path / "p2", draws=100, seed=2), tmp_path / "b2")
    a = (tmp_path / "b1" / "results.csv").read_bytes()
    b = (tmp_path / "b2" / "results.csv").read_bytes()
    assert a != b


def test_manifest_records_inputs_seed_versions(tmp_path: Path) -> None:
    import hashlib

    project = write_project(tmp_path / "p", draws=50, seed=5)
    _account(project, tmp_path / "b")
    man = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert set(man["inputs"]) == {"PROJECT.toml", "soil.csv"}
    for rel, rec in man["inputs"].items():
        assert rec["sha256"] == hashlib.sha256((tmp_path / "p" / rel).read_bytes()).hexdigest()
    assert man["seed"] == 5 and man["draws"] == 50
    assert {"soilsink", "python", "numpy", "pandas"} <= set(man["versions"])
    assert man["config"]["fields"][0]["soil"]["horizons"] == "soil.csv"
    assert man["parameters"]  # the distributions that were drawn
    for name in ("results.csv", "summary.json", "report.html"):
        assert man["files"][name] == hashlib.sha256((tmp_path / "b" / name).read_bytes()).hexdigest()


def test_results_rows_and_parquet_equal_csv(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", draws=50)
    _account(project, tmp_path / "b")
    csv = pd.read_csv(tmp_path / "b" / "results.csv")
    pq = pd.read_parquet(tmp_path / "b" / "results.parquet")
    pd.testing.assert_frame_equal(csv, pq, check_dtype=False)
    # 2 fields + ALL, 2 scenarios, 21 years
    assert len(csv) == 3 * 2 * 21
    assert set(csv["field_id"]) == {"north", "south", "ALL"}


def _run(tmp_path: Path, **kw):
    cfg = load_project(write_project(tmp_path, **kw))
    return cfg, run_project(cfg)


def test_sink_sign_positive_for_better_management(tmp_path: Path) -> None:
    # no-till + high input raise the Tier 1 equilibrium (F_MG, F_I > 1 in every IPCC table)
    cfg, res = _run(tmp_path, draws=300)
    for fid in ("north", "south"):
        s = res.summary["scenarios"]["notill"]["fields"][fid]
        assert s["total_sink_t_c"]["mean"] > 0
        assert s["total_sink_t_co2e"]["mean"] == pytest.approx(s["total_sink_t_c"]["mean"] * 44 / 12)
        assert s["total_not_creditable_t_c"]["mean"] == 0.0
    # baseline has no sink column; its SOC stays at the start (no management change)
    base = res.results[(res.results.scenario == "baseline") & (res.results.field_id == "north")]
    assert base["soc_t_ha_mean"].nunique() == 1
    assert base["sink_t_c_mean"].isna().all()


def test_sink_is_reversed_when_project_is_worse(tmp_path: Path) -> None:
    path = write_project(tmp_path)
    text = path.read_text().replace('tillage = "no_till", input_level = "high_without_manure"',
                                    'tillage = "full_tillage", input_level = "low"')
    path.write_text(text)
    res = run_project(load_project(path))
    assert res.summary["scenarios"]["notill"]["total"]["total_sink_t_c"]["mean"] < 0


def test_threshold_caps_the_sink(tmp_path: Path) -> None:
    _, free = _run(tmp_path / "a", draws=200, threshold=500.0)
    # a threshold just above the start stock: most of the gain is not creditable
    _, capped = _run(tmp_path / "b", draws=200, threshold=1.0)
    f = free.summary["scenarios"]["notill"]["fields"]["north"]
    c = capped.summary["scenarios"]["notill"]["fields"]["north"]
    # start already above 1 t/ha: no gain is creditable (losses still count), so sink <= 0 in every draw
    assert c["total_sink_t_c"]["hi95"] <= 1e-9
    assert c["total_not_creditable_t_c"]["mean"] > 0.5 * f["total_sink_t_c"]["mean"]
    # capped + not creditable = uncapped, draw by draw (same seed, same draws)
    assert c["total_sink_t_c"]["mean"] + c["total_not_creditable_t_c"]["mean"] == pytest.approx(
        f["total_sink_t_c"]["mean"])
    assert f["total_not_creditable_t_c"]["mean"] == 0.0
    # the yearly cumulative sink column ends at the same number as the summary
    r = capped.results
    last = r[(r.field_id == "north") & (r.scenario == "notill")].sort_values("year").iloc[-1]
    assert last["sink_t_c_mean"] == pytest.approx(c["total_sink_t_c"]["mean"])


def test_totals_are_sums_of_fields(tmp_path: Path) -> None:
    cfg, res = _run(tmp_path, draws=100)
    sc = res.summary["scenarios"]["notill"]
    total = sc["total"]["total_sink_t_c"]["mean"]
    assert total == pytest.approx(sum(sc["fields"][f]["total_sink_t_c"]["mean"] for f in ("north", "south")))
    r = res.results
    all_rows = r[(r.field_id == "ALL") & (r.scenario == "notill")].sort_values("year")
    assert all_rows["sink_t_c_mean"].iloc[-1] == pytest.approx(total)
    per_field = [r[(r.field_id == f) & (r.scenario == "notill")].sort_values("year") for f in ("north", "south")]
    weighted = (per_field[0]["soc_t_ha_mean"].to_numpy() * 12.5 + per_field[1]["soc_t_ha_mean"].to_numpy() * 7.5) / 20
    np.testing.assert_allclose(all_rows["soc_t_ha_mean"].to_numpy(), weighted)


def test_write_bundle_is_atomic_on_failure(tmp_path: Path, monkeypatch) -> None:
    cfg, res = _run(tmp_path / "p", draws=20)
    out = write_bundle(cfg, res, tmp_path / "b")
    before = (out / "summary.json").read_bytes()
    import soilsink.accounting.bundle as bundle

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bundle, "json_bytes", boom)
    with pytest.raises(RuntimeError):
        write_bundle(cfg, res, tmp_path / "b")
    assert (out / "summary.json").read_bytes() == before


def test_bad_project_exit_2_with_key_path(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    path = write_project(tmp_path)
    path.write_text(path.read_text().replace("area_ha = 12.5", "area_ha = -1"))
    res = CliRunner().invoke(app, ["account", str(path), "-o", str(tmp_path / "b"), "--quiet"])
    assert res.exit_code == 2
    assert "fields[0].area_ha" in res.output
    assert not (tmp_path / "b").exists()


def test_quiet_prints_only_where_it_wrote(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    project = write_project(tmp_path / "p", draws=20)
    loud = CliRunner().invoke(app, ["account", str(project), "-o", str(tmp_path / "b1")])
    quiet = CliRunner().invoke(app, ["account", str(project), "-o", str(tmp_path / "b2"), "--quiet"])
    assert loud.exit_code == 0 and quiet.exit_code == 0
    assert "notill: sink" in loud.output and "notill: sink" not in quiet.output
    assert "wrote" in quiet.output


def test_identical_bytes_across_processes(tmp_path: Path) -> None:
    """Two fresh interpreters with different hash seeds write the same bundle bytes."""
    import os
    import subprocess
    import sys

    project = write_project(tmp_path / "p", draws=40, seed=9)
    src = Path(__file__).resolve().parents[1] / "src"
    for i, hashseed in enumerate(("1", "2")):
        env = {**os.environ, "PYTHONHASHSEED": hashseed,
               "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
        proc = subprocess.run([sys.executable, "-m", "soilsink", "account", str(project), "-o",
                               str(tmp_path / f"b{i}"), "--quiet"], capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
    for name in sorted(BUNDLE_FILES):
        assert (tmp_path / "b0" / name).read_bytes() == (tmp_path / "b1" / name).read_bytes(), name


def test_vm0042_deduction_in_summary_and_report(tmp_path: Path) -> None:
    from soilsink.report.project_report import render_project_report

    path = write_project(tmp_path, draws=300)
    path.write_text(path.read_text().replace("[uncertainty]\n", "[uncertainty]\nvm0042_deduction = true\n"))
    cfg = load_project(path)
    res = run_project(cfg)
    total = res.summary["scenarios"]["notill"]["total"]
    d = total["vm0042_deduction_t_co2e"]
    assert d["estimate"] == pytest.approx(total["total_sink_t_co2e"]["mean"])
    assert 0 <= d["credited"] <= d["estimate"]
    assert d["deduction"] == pytest.approx(d["estimate"] - d["credited"])
    # VM0042 v2 form: credited = mean - t(2/3) x SE, SE = SD of the Monte Carlo total,
    # t(2/3, df = inf) = Phi^-1(2/3) = 0.4307273
    assert d["half_width"] == pytest.approx(0.4307273 * total["total_sink_t_co2e"]["sd"], rel=1e-6)
    assert d["credited"] == pytest.approx(max(d["estimate"] - d["half_width"], 0.0))
    html = render_project_report(cfg, res)
    assert "Uncertainty deduction" in html and "credited" in html
