"""soilsink verify: 0 when the bundle reproduces bit for bit; 1 naming a changed input; 2 for a non-bundle."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from project_helpers import write_project
from soilsink.cli import app

runner = CliRunner()


def _bundle(tmp_path: Path) -> tuple[Path, Path]:
    project = write_project(tmp_path / "p", draws=60, seed=3)
    out = tmp_path / "bundle"
    res = runner.invoke(app, ["account", str(project), "-o", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    return project, out


def test_verify_ok(tmp_path: Path) -> None:
    _, out = _bundle(tmp_path)
    res = runner.invoke(app, ["verify", str(out)])
    assert res.exit_code == 0, res.output
    assert "ok" in res.output


def test_one_byte_change_in_input_is_named(tmp_path: Path) -> None:
    project, out = _bundle(tmp_path)
    soil = project.parent / "soil.csv"
    data = bytearray(soil.read_bytes())
    i = data.index(b"14.0")
    data[i + 1] = ord("5")  # 14.0 -> 15.0: one byte
    soil.write_bytes(bytes(data))
    res = runner.invoke(app, ["verify", str(out)])
    assert res.exit_code == 1
    assert "input changed" in res.output and str(soil.resolve()) in res.output.replace("\n", "")


def test_changed_project_file_is_named(tmp_path: Path) -> None:
    project, out = _bundle(tmp_path)
    project.write_bytes(project.read_bytes().replace(b"seed = 3", b"seed = 4"))
    res = runner.invoke(app, ["verify", str(out)])
    assert res.exit_code == 1
    assert "PROJECT.toml" in res.output


def test_tampered_number_is_found(tmp_path: Path) -> None:
    _, out = _bundle(tmp_path)
    csv = out / "results.csv"
    lines = csv.read_text().splitlines(keepends=True)
    cells = lines[5].split(",")
    col = lines[0].split(",").index("soc_t_ha_mean")
    cells[col] = str(float(cells[col]) + 1.0)
    lines[5] = ",".join(cells)
    csv.write_text("".join(lines))
    res = runner.invoke(app, ["verify", str(out)], terminal_width=200)
    assert res.exit_code == 1
    out_text = res.output.replace("\n", " ")
    assert "results.csv" in out_text and "row 6" in out_text and "soc_t_ha_mean" in out_text


def test_tampered_report_is_found(tmp_path: Path) -> None:
    _, out = _bundle(tmp_path)
    html = out / "report.html"
    html.write_bytes(html.read_bytes().replace(b"<h1>", b"<h1>X", 1))
    res = runner.invoke(app, ["verify", str(out)])
    assert res.exit_code == 1 and "report.html" in res.output


def test_not_a_bundle_exit_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["verify", str(tmp_path)])
    assert res.exit_code == 2
    assert "manifest.json" in res.output


def test_figure_pixels_are_not_numbers(tmp_path: Path) -> None:
    """A different PNG payload (another platform's font rendering) is not a number difference."""
    import re

    _, out = _bundle(tmp_path)
    html = out / "report.html"
    text = html.read_bytes()
    first = re.search(rb"data:image/png;base64,([A-Za-z0-9+/=]+)", text)
    html.write_bytes(text.replace(first.group(1), b"iVBORw0KGgo=", 1))
    res = runner.invoke(app, ["verify", str(out)])
    assert res.exit_code == 0, res.output


def test_bracketed_paths_printed_verbatim(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", draws=20, seed=3)
    out = tmp_path / "bundle[v1]"
    res = runner.invoke(app, ["account", str(project), "-o", str(out), "--quiet"], terminal_width=300)
    assert res.exit_code == 0, res.output
    assert "bundle[v1]" in res.output
    res = runner.invoke(app, ["verify", str(out)], terminal_width=300)
    assert res.exit_code == 0 and "bundle[v1]" in res.output
