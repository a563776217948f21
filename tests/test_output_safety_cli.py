"""Every command's outputs are safe: a user's folder, the project's own folder, a regular file
where a folder is asked, ``-o .`` and the command's inputs survive; modes follow the umask;
unwritable places give exit 2 without a traceback; a killed run's temporaries are cleaned."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from output_helpers import dead_pid, full_folder, mode, readonly_folder, tree, umask
from soilsink.cli import app

runner = CliRunner()
HORIZONS = ("site_id,top_cm,bottom_cm,soc_g_kg,bulk_density_g_cm3,soil_type,land_use\n"
            "a,0,30,20,1.2,Luvisol,natural\nb,0,30,10,1.4,Luvisol,cropland\n")


def invoke(*args: str, cwd: Path | None = None):
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return runner.invoke(app, [str(a) for a in args])
    finally:
        os.chdir(old)


def refused(res, *words: str) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    for w in words:
        assert w in res.output, res.output


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's project folder with an input table and other files of theirs."""
    d = tmp_path / "project"
    d.mkdir()
    (d / "horizons.csv").write_text(HORIZONS)
    (d / "PROJECT.toml").write_text("[project]\nname = 'mine'\n")
    (d / "notes").mkdir()
    (d / "notes" / "field-book.txt").write_text("do not lose me")
    return d


# ----------------------------------------------------------------------------- file outputs


@pytest.mark.parametrize(("target", "words"), [
    (".", "is a folder"),
    ("notes", "is a folder"),
    ("PROJECT.toml", "not a csv file"),
    ("horizons.csv", "inputs"),
    ("horizons.csv/out.csv", "is a file, not a folder"),
])
def test_stocks_never_overwrites_what_is_not_its_output(project: Path, target: str, words: str) -> None:
    before = tree(project)
    res = invoke("stocks", "horizons.csv", "-o", target, cwd=project)
    refused(res, target.split("/")[0], words)
    assert tree(project) == before
    assert sorted(os.listdir(project)) == ["PROJECT.toml", "horizons.csv", "notes"]


def test_stocks_replaces_its_own_csv(project: Path) -> None:
    out = project / "out" / "stocks.csv"
    assert invoke("stocks", project / "horizons.csv", "-o", out).exit_code == 0
    out.write_text("an older result\n")
    res = invoke("stocks", project / "horizons.csv", "-o", out)
    assert res.exit_code == 0, res.output
    assert out.read_text().startswith("site_id,")


@pytest.mark.parametrize("command", ["stable", "threshold", "potential"])
def test_table_commands_refuse_to_write_over_their_input(project: Path, command: str) -> None:
    table = project / "horizons.csv"
    extra = ["--thresholds", project / "thr.csv"] if command == "potential" else []
    if command == "potential":
        (project / "thr.csv").write_text("soil_type,threshold_soc_t_ha\nLuvisol,70\n")
    before = tree(project)
    refused(invoke(command, table, *extra, "-o", table), "inputs")
    if command == "potential":
        refused(invoke(command, table, *extra, "-o", project / "thr.csv"), "inputs")
    refused(invoke(command, table, *extra, "-o", project / "notes"), "is a folder")
    assert tree(project) == before


def test_rothc_run_refuses_a_file_as_outdir_and_its_input(tmp_path: Path) -> None:
    from test_rothc_cli import _write_input

    inp = tmp_path / "month_results.csv"  # an input named like an output
    _write_input(inp)
    before = tree(tmp_path)
    refused(invoke("rothc", "run", inp, "-o", tmp_path), "inputs")
    refused(invoke("rothc", "run", inp, "-o", inp), "is a file, not a folder")
    assert tree(tmp_path) == before
    res = invoke("rothc", "run", inp, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output


# ----------------------------------------------------------------------------- folder outputs


@pytest.mark.parametrize("where", ["user", "project", "file", "dot", "dot-empty"])
def test_demo_refuses_folders_it_did_not_write(tmp_path: Path, project: Path, where: str) -> None:
    user = tmp_path / "mine"
    user.mkdir()
    (user / "thesis.docx").write_bytes(b"chapter 1")
    (tmp_path / "a-file").write_text("mine")
    (tmp_path / "empty").mkdir()
    target, cwd, words = {
        "user": (user, None, ["thesis.docx", "not a soilsink demo folder"]),
        "project": (project, None, ["PROJECT.toml", "not a soilsink demo folder"]),
        "file": (tmp_path / "a-file", None, ["is a file"]),
        "dot": (".", user, ["not a soilsink demo folder"]),
        "dot-empty": (".", tmp_path / "empty", ["current folder"]),
    }[where]
    before = tree(tmp_path)
    refused(invoke("demo", "-o", target, cwd=cwd), *words)
    assert tree(tmp_path) == before
    assert sorted(os.listdir(tmp_path)) == ["a-file", "empty", "mine", "project"]


def test_demo_replaces_its_own_folder_with_umask_modes(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    with umask(0o022):
        assert invoke("demo", "-o", out).exit_code == 0
        (out / "stocks" / "old.csv").write_text("from an earlier demo")
        res = invoke("demo", "-o", out)
    assert res.exit_code == 0, res.output
    assert not (out / "stocks" / "old.csv").exists()
    assert sorted(os.listdir(tmp_path)) == ["demo"]
    files = [p for p in out.rglob("*") if p.is_file()]
    dirs = [out, *(p for p in out.rglob("*") if p.is_dir())]
    assert len(files) >= 10 and {mode(p) for p in files} == {0o644} and {mode(p) for p in dirs} == {0o755}
    for name in ("stocks/stocks_0-30cm.csv", "bundle/report.html"):
        assert str(out / name) in res.output


@pytest.fixture
def example(tmp_path: Path) -> Path:
    res = invoke("grid", "example", tmp_path / "ex", "--cells", "16", "--years", "1")
    assert res.exit_code == 0, res.output
    return tmp_path / "ex"


def test_grid_run_refuses_user_and_input_folders(tmp_path: Path, example: Path) -> None:
    user = tmp_path / "mine"
    user.mkdir()
    (user / "map.tif").write_bytes(b"mine")
    (tmp_path / "a-file").write_text("mine")
    config = example / "CONFIG.toml"
    before = tree(tmp_path)
    for target, cwd, words in ((user, None, ["map.tif", "does not write"]), (example, None, ["input"]),
                               (".", example, ["input"]), (tmp_path / "a-file", None, ["is a file"])):
        refused(invoke("grid", "run", config, "-o", target, "--scheduler", "synchronous", "-q", cwd=cwd), *words)
    assert tree(tmp_path) == before


def test_grid_example_refuses_a_folder_with_other_files(tmp_path: Path, example: Path) -> None:
    assert invoke("grid", "example", example, "--cells", "16", "--years", "1").exit_code == 0  # its own: again
    (example / "edited-notes.txt").write_text("mine")
    before = tree(example)
    refused(invoke("grid", "example", example, "--cells", "16", "--years", "1"), "edited-notes.txt")
    assert tree(example) == before


def test_grid_rerun_cleans_a_killed_runs_temporary_and_follows_the_umask(tmp_path: Path, example: Path) -> None:
    out = tmp_path / "out"
    with umask(0o022):
        res = invoke("grid", "run", example / "CONFIG.toml", "-o", out, "--scheduler", "synchronous", "-q")
        assert res.exit_code == 0, res.output
        stale = out / f".results.nc.{_host()}-{dead_pid()}-0123abcd.soilsink-tmp.nc"
        stale.write_bytes(b"partial netCDF of a killed run")
        res = invoke("grid", "run", example / "CONFIG.toml", "-o", out, "--scheduler", "synchronous", "-q")
    assert res.exit_code == 0, res.output
    assert sorted(os.listdir(out)) == ["results.nc", "zonal.csv"]
    assert mode(out) == 0o755 and mode(out / "results.nc") == 0o644 and mode(out / "zonal.csv") == 0o644


def _host() -> str:
    from soilsink.io.temporaries import host_tag

    return host_tag()


# ----------------------------------------------------------------------------- OS errors


def test_unwritable_output_is_exit_2_without_traceback(tmp_path: Path, project: Path) -> None:
    with readonly_folder(tmp_path) as ro:
        res = invoke("stocks", project / "horizons.csv", "-o", ro / "out.csv")
        refused(res, str(ro), "cannot write")
        assert "read-only" in res.output or "permission" in res.output.lower()
        res = invoke("demo", "-o", ro / "demo")
        refused(res, "cannot create", str(ro / "demo"))
        assert "read-only" in res.output or "permission" in res.output.lower()
        assert os.listdir(ro) == []


def test_full_disk_is_exit_2_without_traceback(tmp_path: Path, example: Path) -> None:
    with full_folder(tmp_path) as full:
        res = invoke("grid", "run", example / "CONFIG.toml", "-o", full / "g", "--scheduler", "synchronous", "-q")
        refused(res, "results.nc", "disk is full")
        assert sorted(os.listdir(full)) == ["filler", "g"] and os.listdir(full / "g") == []


@pytest.mark.parametrize(("exc", "words"), [
    (PermissionError(13, "Permission denied", "/data/in.csv"), ["cannot access /data/in.csv", "EACCES", "permissions"]),
    (OSError(28, "No space left on device"), ["No space left", "ENOSPC", "free some space"]),
    (IsADirectoryError(21, "Is a directory", "/data"), ["/data", "EISDIR", "give a file name"]),
])
def test_every_os_error_is_exit_2_with_what_to_do(exc: OSError, words: list[str]) -> None:
    import typer

    from soilsink.cli._common import friendly_errors

    app_ = typer.Typer()

    @app_.command()
    @friendly_errors
    def fails() -> None:
        raise exc

    res = CliRunner().invoke(app_, [])
    refused(res, "error:", *words)


def test_a_bug_is_not_hidden_as_bad_input() -> None:
    import typer

    from soilsink.cli._common import friendly_errors

    app_ = typer.Typer()

    @app_.command()
    @friendly_errors
    def fails() -> None:
        raise KeyError("bug")

    res = CliRunner().invoke(app_, [])
    assert res.exit_code == 1 and isinstance(res.exception, KeyError)
