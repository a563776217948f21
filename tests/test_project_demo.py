"""The embedded demo projects: valid project files; with the science on the branch, a full run."""

from __future__ import annotations

from pathlib import Path

import pytest

from soilsink.accounting.project import load_project
from soilsink.accounting.runner import run_project

# the demo table has ORNL layers without bulk density (filled by the PTF, reported as a warning)
pytestmark = pytest.mark.filterwarnings("ignore::soilsink.io.errors.InputWarning")

DEMO = Path(__file__).resolve().parents[1] / "src" / "soilsink" / "data" / "demo_project"


@pytest.mark.parametrize("name", ["PROJECT.toml", "PROJECT_model.toml"])
def test_demo_projects_validate(name: str) -> None:
    cfg = load_project(DEMO / name)
    assert len(cfg.fields) == 5
    assert cfg.threshold.source == "empirical"
    assert cfg.threshold.reference_horizons.name == "horizons.csv"
    assert all(f.soil.horizons == cfg.threshold.reference_horizons for f in cfg.fields)


def test_demo_tier1_runs_and_caps_the_field_above_its_threshold() -> None:
    cfg = load_project(DEMO / "PROJECT.toml")
    res = run_project(cfg.model_copy(update={"uncertainty": cfg.uncertainty.model_copy(update={"draws": 200})}))
    fields = res.summary["scenarios"]["no_till_high_input"]["fields"]
    # SERC_028 starts at 73.4 t/ha 0-30 cm, above the median of the natural Aquic Hapludults (60.4):
    # its whole gain is not creditable; the others start below their threshold and gain.
    assert fields["SERC_028"]["total_sink_t_c"]["hi95"] <= 1e-9
    assert fields["SERC_028"]["total_not_creditable_t_c"]["mean"] > 0
    for fid in ("SERC_007", "SERC_020", "SERC_027", "SERC_029"):
        assert fields[fid]["total_sink_t_c"]["mean"] > 0
    assert res.thresholds_t_ha["SERC_027"] != res.thresholds_t_ha["SERC_007"]  # two soil types


def test_demo_bundles_verify(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from soilsink.cli import app
    from soilsink.cli.account import run_demo_bundles

    done = run_demo_bundles(tmp_path)
    assert [p.name for p, _ in done] == ["bundle", "bundle-model"]
    man = (tmp_path / "bundle" / "manifest.json").read_text()
    assert "horizons.csv" in man and "PROJECT.toml" in man
    res = CliRunner().invoke(app, ["verify", str(tmp_path / "bundle-model")])
    assert res.exit_code == 0, res.output


def test_demo_command_writes_bundles(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from soilsink.cli import app

    out = tmp_path / "demo"
    res = CliRunner().invoke(app, ["demo", "-o", str(out)], terminal_width=300)
    assert res.exit_code == 0, res.output
    for folder in ("bundle", "bundle-model"):
        for name in ("results.csv", "results.parquet", "summary.json", "report.html", "manifest.json"):
            assert (out / folder / name).is_file(), (folder, name)
        assert str(out / folder) in res.output
    assert (out / "stocks" / "stocks_0-30cm.csv").is_file()  # the stocks part is kept
    assert "ipcc_tier1 / no_till_high_input: sink" in res.output
    assert "icbm / cover_crop_manure: sink" in res.output
    assert "outputs written to" in res.output
