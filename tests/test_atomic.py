"""Safe outputs (soilsink.io.atomic): what is replaced, what is refused, modes, stale temporaries,
and operating-system errors turned into OutputError."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from output_helpers import dead_pid, full_folder, mode, readonly_folder, tree, umask
from soilsink.io.atomic import (
    atomic_dir,
    atomic_path,
    atomic_write,
    check_output,
    check_output_dir,
    output_dir,
    write_manifest,
)
from soilsink.io.errors import InputError, OutputError
from soilsink.io.temporaries import is_temporary, remove_stale_temporaries, temp_name

# ----------------------------------------------------------------------------- files


def test_file_replaced_only_on_success(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with atomic_write(out, kind="csv") as fh:
        fh.write("a\n1\n")
    with pytest.raises(RuntimeError), atomic_write(out, kind="csv") as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert out.read_text() == "a\n1\n"
    assert os.listdir(tmp_path) == ["out.csv"]
    with atomic_write(out, kind="csv") as fh:
        fh.write("b\n2\n")
    assert out.read_text() == "b\n2\n"


@pytest.mark.parametrize("name", [".", "sub"])
def test_folder_where_a_file_is_expected_is_refused(tmp_path: Path, name: str, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="is a folder"), atomic_write(name, kind="csv") as fh:
        fh.write("x")
    assert (tmp_path / "sub" / "keep.txt").read_text() == "mine"
    assert sorted(os.listdir(tmp_path)) == ["sub"]


def test_foreign_file_and_inputs_are_never_replaced(tmp_path: Path) -> None:
    project = tmp_path / "PROJECT.toml"
    project.write_text("[project]\n")
    table = tmp_path / "horizons.csv"
    table.write_text("site_id\n")
    link = tmp_path / "link.csv"
    link.symlink_to(table)
    with pytest.raises(InputError, match="not a csv file"):
        check_output(project, kind="csv")
    with pytest.raises(InputError, match="one of this command's inputs"):
        check_output(table, kind="csv", inputs=[None, table])
    with pytest.raises(InputError, match="one of this command's inputs"):
        check_output(link, kind="csv", inputs=[table])
    os.link(table, tmp_path / "hard.csv")
    with pytest.raises(InputError, match="one of this command's inputs"):
        check_output(tmp_path / "hard.csv", kind="csv", inputs=[table])
    assert project.read_text() == "[project]\n" and table.read_text() == "site_id\n"
    assert check_output(tmp_path / "new.xyz", kind="csv") == tmp_path / "new.xyz"  # a new name is free


def test_parent_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text("mine")
    with pytest.raises(InputError, match="is a file, not a folder"):
        check_output(tmp_path / "f.csv" / "out.csv", kind="csv")
    with pytest.raises(InputError, match="is a file, not a folder"):
        check_output_dir(tmp_path / "f.csv" / "bundle", kind="bundle")


def test_devices_are_not_replaced(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(InputError, match="not a regular file"):
        check_output(tmp_path / "pipe.csv", kind="csv")


@pytest.mark.parametrize(("mask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)])
def test_modes_follow_the_umask(tmp_path: Path, mask: int, file_mode: int, dir_mode: int) -> None:
    with umask(mask):
        with atomic_write(tmp_path / "new" / "a.csv", kind="csv") as fh:
            fh.write("x")
        with atomic_path(tmp_path / "b.nc", kind="netcdf") as tmp:
            tmp.write_bytes(b"x")
        with atomic_dir(tmp_path / "bundle", kind="bundle") as tmp:
            (tmp / "sub").mkdir()
            (tmp / "sub" / "c.txt").write_text("x")
            write_manifest(tmp, "bundle")
    assert mode(tmp_path / "new" / "a.csv") == file_mode and mode(tmp_path / "new") == dir_mode
    assert mode(tmp_path / "b.nc") == file_mode
    assert mode(tmp_path / "bundle") == dir_mode and mode(tmp_path / "bundle" / "sub") == dir_mode
    assert mode(tmp_path / "bundle" / "manifest.json") == file_mode
    assert mode(tmp_path / "bundle" / "sub" / "c.txt") == file_mode


# ----------------------------------------------------------------------------- folders


def _bundle(path: Path, text: str, kind: str = "bundle") -> None:
    with atomic_dir(path, kind=kind) as tmp:
        (tmp / "summary.json").write_text(text)
        write_manifest(tmp, kind)


def test_same_kind_folder_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "b"
    _bundle(out, "1")
    (out / "extra.txt").write_text("x")  # the manifest says it is soilsink's: replaced whole
    _bundle(out, "2")
    assert sorted(os.listdir(out)) == ["manifest.json", "summary.json"]
    assert (out / "summary.json").read_text() == "2"
    assert json.loads((out / "manifest.json").read_text())["soilsink_output"] == "bundle"
    assert sorted(os.listdir(tmp_path)) == ["b"]  # no temporaries, nothing moved aside


def test_empty_folder_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    _bundle(tmp_path / "b", "1")
    assert (tmp_path / "b" / "summary.json").read_text() == "1"


def test_user_folder_other_kind_project_folder_and_file_survive(tmp_path: Path, monkeypatch) -> None:
    user = tmp_path / "mine"
    user.mkdir()
    (user / "notes.txt").write_text("do not lose me")
    project = tmp_path / "project"
    project.mkdir()
    (project / "PROJECT.toml").write_text("[project]\n")
    grid = tmp_path / "grid"
    grid.mkdir()
    (grid / "manifest.json").write_text(json.dumps({"soilsink_output": "grid"}))
    regular = tmp_path / "out"
    regular.write_text("a file")
    before = tree(tmp_path)
    for target, words in ((user, "not a soilsink bundle folder"), (grid, "not a soilsink bundle folder"),
                          (project, "an input of this command"), (regular, "is a file")):
        with pytest.raises(InputError, match=words):
            _bundle_with_inputs(target, [project / "PROJECT.toml"])
    monkeypatch.chdir(user)
    with pytest.raises(InputError, match="not a soilsink bundle folder"):
        _bundle_with_inputs(Path("."), [])
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    with pytest.raises(InputError, match="current folder"):
        _bundle_with_inputs(Path("."), [])
    assert tree(tmp_path) == before
    assert sorted(os.listdir(tmp_path)) == ["empty", "grid", "mine", "out", "project"]


def _bundle_with_inputs(target: Path, inputs: list[Path]) -> None:
    with atomic_dir(target, kind="bundle", inputs=inputs) as tmp:
        write_manifest(tmp, "bundle")


def test_writer_must_mark_its_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="soilsink_output"), atomic_dir(tmp_path / "b", kind="bundle") as tmp:
        (tmp / "manifest.json").write_text("{}")
    assert os.listdir(tmp_path) == []


def test_without_kind_an_existing_folder_is_never_replaced(tmp_path: Path) -> None:
    _bundle(tmp_path / "b", "1")
    with pytest.raises(InputError), atomic_dir(tmp_path / "b"):
        pass
    assert (tmp_path / "b" / "summary.json").read_text() == "1"


def test_output_dir_accepts_only_its_own_names(tmp_path: Path) -> None:
    owned = ("results.nc", "zonal.csv", "geotiff/")
    out = output_dir(tmp_path / "o", kind="grid", owned=owned)
    (out / "results.nc").write_bytes(b"1")
    (out / "geotiff").mkdir()
    assert output_dir(out, kind="grid", owned=owned) == out  # a second run into the same folder
    (out / "mine.txt").write_text("x")
    with pytest.raises(InputError, match="mine.txt"):
        output_dir(out, kind="grid", owned=owned)
    (out / "mine.txt").unlink()
    with pytest.raises(InputError, match="an input"):
        output_dir(out, kind="grid", owned=owned, inputs=[out / "results.nc"])
    (out / "zonal.csv").mkdir()
    with pytest.raises(InputError, match="in the way"):
        output_dir(out, kind="grid", owned=owned)


# ----------------------------------------------------------------------------- temporaries


KILLED_WRITER = """
import sys, time
from soilsink.io.atomic import atomic_dir, atomic_write
with atomic_write(sys.argv[1] + "/out.csv", kind="csv") as fh, atomic_dir(sys.argv[1] + "/b") as tmp:
    fh.write("half")
    fh.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


def test_killed_run_leaves_temporaries_the_next_run_removes(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        live = sorted(os.listdir(tmp_path))
        assert len(live) == 2 and all(is_temporary(n) for n in live)
        assert remove_stale_temporaries(tmp_path) == []  # the writer still runs: kept
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert sorted(os.listdir(tmp_path)) == live  # a killed run cannot clean up
    (tmp_path / ".out.csv.notes").write_text("not ours")  # look-alikes are never touched
    other_host = f".out.csv.otherhost-{dead_pid()}-0123abcd.soilsink-tmp.csv"
    (tmp_path / other_host).write_text("another machine's")
    with atomic_write(tmp_path / "out.csv", kind="csv") as fh:
        fh.write("whole")
    assert sorted(os.listdir(tmp_path)) == sorted([".out.csv.notes", other_host, "out.csv"])
    assert (tmp_path / "out.csv").read_text() == "whole"


def test_folder_moved_aside_by_a_killed_run_is_restored(tmp_path: Path) -> None:
    aside = tmp_path / temp_name(tmp_path / "b", "soilsink-old").replace(f"-{os.getpid()}-", f"-{dead_pid()}-")
    aside.mkdir()
    (aside / "summary.json").write_text("previous")
    remove_stale_temporaries(tmp_path)
    assert (tmp_path / "b" / "summary.json").read_text() == "previous"
    assert os.listdir(tmp_path) == ["b"]


# ----------------------------------------------------------------------------- OS errors


@pytest.fixture
def readonly_dir(tmp_path: Path):
    with readonly_folder(tmp_path) as d:
        yield d


@pytest.fixture
def full_dir(tmp_path: Path):
    with full_folder(tmp_path) as d:
        yield d


def test_read_only_folder_is_an_output_error(readonly_dir: Path) -> None:
    with pytest.raises(OutputError, match="cannot write.*(read-only|Permission denied)") as err:
        check_output(readonly_dir / "out.csv", kind="csv")
    assert str(readonly_dir) in str(err.value)
    with pytest.raises(OutputError, match="cannot create the folder"), atomic_write(readonly_dir / "sub" / "out.csv") as fh:
        fh.write("x")
    with pytest.raises(OutputError), atomic_dir(readonly_dir / "b"):
        pass
    assert os.listdir(readonly_dir) == []


def test_full_disk_is_an_output_error_and_leaves_nothing(full_dir: Path) -> None:
    with pytest.raises(OutputError, match="disk is full") as err:
        with atomic_write(full_dir / "out.csv", kind="csv") as fh:
            fh.write("x" * (1 << 20))
    assert "out.csv" in str(err.value)
    assert os.listdir(full_dir) == ["filler"]


def test_errors_about_other_files_are_not_output_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), atomic_write(tmp_path / "out.csv") as fh:
        fh.write(open(tmp_path / "missing-input.csv").read())  # noqa: SIM115
    assert os.listdir(tmp_path) == []
