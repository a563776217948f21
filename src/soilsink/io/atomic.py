"""Safe outputs: one mechanism for every file and folder soilsink writes.

Every output is written into a temporary sibling and renamed into place, so a reader never
sees a half-written file and a failed or killed run leaves the previous output as it was.
Before anything is written the target is checked; a refusal is an
:class:`~soilsink.io.errors.InputError` naming the path, and nothing is touched.

Rules
-----
Files (:func:`atomic_write`, :func:`atomic_path`, pre-flight :func:`check_output`):

- a folder where a file is expected is refused (``-o .``, ``-o results/``);
- an existing file is replaced only when it is a regular file (not a device, pipe or socket)
  whose suffix belongs to the output's ``kind`` (a CSV output replaces ``*.csv``/``*.tsv``/
  ``*.txt``, never ``PROJECT.toml`` or a spreadsheet; see :data:`FILE_KINDS`; without a
  ``kind`` any suffix soilsink writes);
- a file that is one of the command's own ``inputs`` (same file, also through links) is
  never replaced;
- missing parent folders are created; a parent that is a file is refused.

Folders replaced as a whole (:func:`atomic_dir`, pre-flight :func:`check_output_dir`), such as
a result bundle or the demo folder:

- an existing folder is replaced only when it is empty or its ``manifest.json`` has
  ``"soilsink_output": kind`` (:data:`MARKER`); the writer puts that marker into the manifest
  it writes (checked when the folder is finished);
- a regular file where a folder is expected, the file-system root, the current folder or one
  of its parents, and a folder that holds any of the command's ``inputs`` are refused.

Folders written into file by file (:func:`output_dir`), such as the grid OUTDIR: created when
absent; an existing one is used when it is empty, its manifest names the same ``kind``, or it
holds nothing but the command's own output names (``owned``); it may not hold an input.

Permissions follow the umask (0644 files and 0755 folders under the usual umask 022).
Temporaries are named ``.NAME.HOST-PID-TOKEN.soilsink-tmp[.SUFFIX]``; the next output written
into the same folder removes those of this host whose process has ended (a killed run), and
nothing else (:mod:`soilsink.io.temporaries`). Operating-system errors while writing become
:class:`~soilsink.io.errors.OutputError` (path, what failed, what to do), which the CLI shows
with exit status 2.

API for a command (``inputs`` are the paths the command reads; ``None`` entries are ignored)::

    out = check_output_dir(out, kind="bundle", inputs=inputs)   # before a long computation
    ...
    with atomic_dir(out, kind="bundle", inputs=inputs) as tmp:  # write the files into tmp,
        ...                                                     # manifest.json with the marker
    with atomic_write(path, kind="csv", inputs=inputs) as fh:   # one text/binary file
        df.to_csv(fh)
    with atomic_path(path, kind="netcdf") as tmp:               # writers that take a path
        ds.to_netcdf(tmp)
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from soilsink.io.errors import InputError, OutputError, Problem, output_errors
from soilsink.io.temporaries import OLD_TAG, is_temporary, remove_stale_temporaries, temp_name

#: Manifest file of an output folder and its marker key (``"soilsink_output": kind``).
MANIFEST = "manifest.json"
MARKER = "soilsink_output"

#: File kinds and the suffixes an existing file of that kind may have to be replaced.
FILE_KINDS: dict[str, tuple[str, ...]] = {
    "csv": (".csv", ".tsv", ".txt"),
    "parquet": (".parquet", ".pq"),
    "netcdf": (".nc", ".nc4", ".netcdf", ".cdf"),
    "geotiff": (".tif", ".tiff"),
    "geojson": (".geojson", ".json"),
    "geopackage": (".gpkg",),
    "json": (".json",),
    "markdown": (".md",),
    "html": (".html", ".htm"),
    "toml": (".toml",),
}
_ANY_KIND = tuple(sorted({s for suffixes in FILE_KINDS.values() for s in suffixes}))

Inputs = Iterable[str | os.PathLike | None]


# ----------------------------------------------------------------------------- checks


def _refuse(path: Path | str, message: str, allowed: str) -> InputError:
    return InputError(Problem(str(path), message, allowed=allowed))


def _inputs(inputs: Inputs) -> list[Path]:
    return [Path(p) for p in inputs if p is not None and str(p) != ""]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _check_parent(path: Path) -> None:
    """The nearest existing ancestor of ``path`` must be a folder."""
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise _refuse(parent, f"is a file, not a folder, so {path} cannot be written",
                              "an output path whose folders are folders")
            return
        if parent.is_symlink():  # a dangling link on the way
            raise _refuse(parent, "is a broken symbolic link", "an existing folder or a new name")


def _normal(path: str | os.PathLike) -> Path:
    """``path`` with its folder made absolute (the last component is kept: a link stays a link)."""
    p = Path(path)
    return p.parent.resolve() / p.name if p.name not in ("", ".", "..") else p.resolve()


def check_output(path: str | os.PathLike, *, kind: str | None = None, inputs: Inputs = (),
                 probe: bool = True) -> Path:
    """Check that the file ``path`` may be written (rules in the module docstring).

    Returns the path with its folder made absolute. Raises :class:`InputError` on a refusal
    and, with ``probe`` (a trial write in the nearest existing folder), :class:`OutputError`
    when the folder cannot be written. Nothing is created.
    """
    raw = Path(path)
    suffixes = FILE_KINDS[kind] if kind is not None else _ANY_KIND
    if raw.name in ("", ".", "..") or raw.is_dir():
        raise _refuse(raw, "is a folder, but this output is a file",
                      f"a file name, e.g. {raw / ('output' + suffixes[0])}")
    target = _normal(raw)
    _check_parent(target)
    for inp in _inputs(inputs):
        if _same_file(target, inp):
            raise _refuse(raw, "is one of this command's inputs; soilsink never writes over its inputs",
                          "another output name")
    if os.path.lexists(target):
        try:
            mode = os.stat(target).st_mode
        except OSError:
            mode = os.lstat(target).st_mode  # a dangling link: replaced like a file
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            raise _refuse(raw, "exists and is not a regular file (a device, pipe or socket)",
                          "a regular file name")
        if target.suffix.lower() not in suffixes:
            what = f"a {kind} file" if kind else "a file soilsink writes"
            raise _refuse(raw, f"exists and is not {what}; soilsink replaces only its own kind of output",
                          f"a new name, or an existing file ending {', '.join(suffixes)}")
    if probe:
        _probe(target)
    return target


def _manifest_kind(folder: Path) -> str | None:
    """The ``soilsink_output`` kind of ``folder/manifest.json``, or None."""
    man = folder / MANIFEST
    try:
        if not man.is_file() or man.stat().st_size > 64 << 20:
            return None
        data = json.loads(man.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = data.get(MARKER) if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


def _check_folder(raw: Path, kind: str | None, inputs: Inputs, owned: Iterable[str] | None) -> Path:
    target = raw.resolve()
    label = f"a soilsink {kind} folder" if kind else "a folder soilsink wrote"
    if target == Path(target.anchor):
        raise _refuse(raw, "is the root of the file system", "a new folder, e.g. -o results")
    if target.exists() and not target.is_dir():
        raise _refuse(raw, "is a file, but this output is a folder", "a new folder name")
    _check_parent(target)
    for inp in _inputs(inputs):
        full = inp.resolve()
        if full == target or target in full.parents:
            raise _refuse(raw, f"holds {inp}, an input of this command; soilsink never writes into "
                          "its inputs' folders", "a folder that holds none of the inputs, e.g. a new one beside them")
    if not target.exists():
        return target
    entries = sorted(e for e in os.listdir(target) if not is_temporary(e))
    if not entries or (kind is not None and _manifest_kind(target) == kind):
        return _check_owned(target, owned)
    if owned is not None:
        names = {n.rstrip("/") for n in owned}
        foreign = [e for e in entries if e not in names]
        if not foreign:
            return _check_owned(target, owned)
        why = f"it holds {_list(foreign)}, which this command does not write"
    else:
        why = (f"no {MANIFEST} with \"{MARKER}\": \"{kind}\"; " if kind else "") + f"it holds {_list(entries)}"
    raise _refuse(raw, f"exists and is not {label} ({why}); soilsink never replaces or fills folders "
                  "it did not write", "a new or empty folder, or remove this one yourself")


def _list(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _check_owned(target: Path, owned: Iterable[str] | None) -> Path:
    """Each name the command writes into ``target`` is absent or of the right type (file/folder)."""
    for name in owned or ():
        p = target / name.rstrip("/")
        if p.exists() and p.is_dir() != name.endswith("/"):
            raise _refuse(p, "is in the way of an output of the same name", "remove or rename it")
    return target


def check_output_dir(path: str | os.PathLike, *, kind: str | None = None, inputs: Inputs = (),
                     owned: Iterable[str] | None = None, probe: bool = True) -> Path:
    """Check that the folder ``path`` may be written (rules in the module docstring).

    Without ``owned`` the folder is one replaced as a whole (:func:`atomic_dir`): it must also
    not be the current folder or hold it. With ``owned`` (the names the command writes into
    the folder; folders end in ``/``) it is filled file by file (:func:`output_dir`).
    Returns the absolute path; raises :class:`InputError` on a refusal and, with ``probe``,
    :class:`OutputError` when the place cannot be written. Nothing is created.
    """
    target = _check_folder(Path(path), kind, inputs, owned)
    if owned is None and target.exists():
        cwd = Path.cwd().resolve()
        if cwd == target or target in cwd.parents:
            raise _refuse(path, "is the current folder (or holds it), which a replaced output may not be",
                          f"a new folder, e.g. {Path(path) / 'out'}")
    if probe:
        _probe(target / ".probe" if owned is not None and target.exists() else target)
    return target


def _probe(target: Path) -> None:
    """Create and remove a temporary in the nearest existing folder of ``target``."""
    where = next(p for p in target.parents if p.exists())
    tmp = where / temp_name(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OutputError(target, "write", exc, where=where) from None
    os.close(fd)
    os.unlink(tmp)


# ----------------------------------------------------------------------------- writing


def _make_parent(target: Path) -> None:
    with output_errors(target, "create the folder of"):
        target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target.parent)


def _new_temp_file(target: Path) -> tuple[int, Path]:
    tmp = target.parent / temp_name(target)
    with output_errors(target, "create a temporary file for", tmp):
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    return fd, tmp


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", *, kind: str | None = None,
                 inputs: Inputs = (), **open_kwargs) -> Iterator[IO]:
    """Open a temporary sibling of the file ``path``; on success rename it to ``path``.

    ``mode`` is ``"w"`` (text, UTF-8 unless ``encoding`` is given) or ``"wb"``; ``kind`` and
    ``inputs`` as in :func:`check_output`. On any exception the temporary is removed and
    ``path`` is left as it was.
    """
    target = check_output(path, kind=kind, inputs=inputs, probe=False)
    if "b" not in mode:
        open_kwargs.setdefault("encoding", "utf-8")
    _make_parent(target)
    fd, tmp = _new_temp_file(target)
    try:
        with output_errors(target, "write", tmp), os.fdopen(fd, mode, **open_kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        with output_errors(target, "put in place", tmp):
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, kind: str | None = None, inputs: Inputs = ()) -> Iterator[Path]:
    """Yield a temporary path next to the file ``path`` for writers that take a path
    (Parquet, NetCDF, GeoTIFF); on success it replaces ``path``, on failure it is removed.

    The temporary exists (empty, with the umask's permissions) and ends in the suffix of
    ``path``. ``kind`` and ``inputs`` as in :func:`check_output`.
    """
    target = check_output(path, kind=kind, inputs=inputs, probe=False)
    _make_parent(target)
    fd, tmp = _new_temp_file(target)
    os.close(fd)
    try:
        with output_errors(target, "write", tmp):
            yield tmp
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        with output_errors(target, "put in place", tmp):
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike, *, kind: str | None = None, inputs: Inputs = ()) -> Iterator[Path]:
    """Yield a new temporary folder; on success it replaces the folder ``path``.

    An existing ``path`` is replaced only when it is empty or a soilsink output of the same
    ``kind`` (its manifest's ``"soilsink_output"``); with ``kind`` the finished folder must
    carry that marker in its own ``manifest.json``. Without ``kind`` an existing non-empty
    folder is always refused. On failure the temporary folder is removed and ``path`` is
    left as it was.
    """
    target = check_output_dir(path, kind=kind, inputs=inputs, probe=False)
    _make_parent(target)
    tmp = target.parent / temp_name(target)
    with output_errors(target, "create a temporary folder for", tmp):
        os.mkdir(tmp, 0o777)
    try:
        with output_errors(target, "write", tmp):
            yield tmp
        if kind is not None and _manifest_kind(tmp) != kind:
            raise ValueError(f"the writer of {target} did not put \"{MARKER}\": \"{kind}\" into {MANIFEST}")
        check_output_dir(target, kind=kind, inputs=inputs, probe=False)  # nothing changed meanwhile
        _swap_in(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_in(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target``; an existing ``target`` is moved aside first, then removed."""
    with output_errors(target, "put in place", tmp):
        if not target.exists() or not os.listdir(target):
            os.replace(tmp, target)  # POSIX: an empty folder is replaced in one step
            _fsync_dir(target.parent)
            return
        old = target.parent / temp_name(target, OLD_TAG)
        os.rename(target, old)
        try:
            os.rename(tmp, target)
        except BaseException:
            os.rename(old, target)
            raise
    _fsync_dir(target.parent)
    shutil.rmtree(old, ignore_errors=True)


def output_dir(path: str | os.PathLike, *, kind: str, owned: Iterable[str], inputs: Inputs = ()) -> Path:
    """Check (:func:`check_output_dir` with ``owned``) and create a folder that a command fills
    file by file with :func:`atomic_write` / :func:`atomic_path`; return its absolute path."""
    target = check_output_dir(path, kind=kind, inputs=inputs, owned=tuple(owned), probe=False)
    with output_errors(target, "create the folder"):
        target.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    return target


def write_manifest(folder: str | os.PathLike, kind: str, **fields) -> Path:
    """Write ``folder/manifest.json`` with ``"soilsink_output": kind`` and ``fields`` (sorted keys)."""
    path = Path(folder) / MANIFEST
    with atomic_write(path, kind="json") as fh:
        fh.write(json.dumps({MARKER: kind, **fields}, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    return path
