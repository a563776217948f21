"""Result bundles: results.csv/.parquet, summary.json, report.html and manifest.json, written atomically.

Deterministic by construction: no timestamps, sorted JSON keys, fixed float formatting, so the
same inputs and seed give byte-identical bundles (checked by ``soilsink verify``). The manifest
records the sha256 of every input file, the resolved configuration, the drawn-parameter
distributions, the seed and the versions of soilsink, Python and its numerical dependencies.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from soilsink.accounting.project import ProjectConfig, resolved_config
from soilsink.accounting.runner import ProjectResult
from soilsink.io.atomic import atomic_dir

BUNDLE_FORMAT = "soilsink-bundle/1"
DEPENDENCIES = ("numpy", "pandas", "scipy", "numba", "xarray", "pydantic", "pyarrow", "matplotlib", "jinja2")
RESULT_FILES = ("results.csv", "results.parquet", "summary.json")


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _clean(obj: Any) -> Any:
    """JSON-safe copy: NaN/inf -> None, numpy scalars -> Python, tuples -> lists."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, str | bytes):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    return obj


def json_bytes(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, 2-space indent, UTF-8, trailing newline."""
    return (json.dumps(_clean(obj), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV with '\\n' line ends and shortest round-trip float repr (exact)."""
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", na_rep="")
    return buf.getvalue().encode()


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """Parquet (pyarrow, zstd) without pandas index; deterministic for one pyarrow version."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    buf = pa.BufferOutputStream()
    pq.write_table(table, buf, compression="zstd", write_statistics=True)
    return buf.getvalue().to_pybytes()


def versions() -> dict[str, str]:
    """soilsink, Python and dependency versions."""
    import soilsink

    out = {"soilsink": soilsink.__version__, "python": platform.python_version()}
    for name in DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def input_hashes(cfg: ProjectConfig) -> dict[str, dict[str, str]]:
    """``{relative path: {"path": absolute path, "sha256": ...}}`` of every input file."""
    base = cfg.source_file.parent if cfg.source_file is not None else Path.cwd()
    out = {}
    for p in cfg.input_files():
        try:
            rel = str(p.relative_to(base))
        except ValueError:
            rel = str(p)
        out[rel] = {"path": str(p), "sha256": sha256_file(p)}
    return out


def result_files(result: ProjectResult) -> dict[str, bytes]:
    """The numeric files of a bundle as bytes (what ``verify`` recomputes)."""
    return {
        "results.csv": csv_bytes(result.results),
        "results.parquet": parquet_bytes(result.results),
        "summary.json": json_bytes(result.summary),
    }


def manifest(cfg: ProjectConfig, result: ProjectResult, files: dict[str, bytes]) -> dict[str, Any]:
    """The manifest dict (no timestamps: it must be reproducible)."""
    base = cfg.source_file.parent if cfg.source_file is not None else None
    return {
        "format": BUNDLE_FORMAT,
        "project_file": str(cfg.source_file) if cfg.source_file is not None else None,
        "inputs": input_hashes(cfg),
        "config": resolved_config(cfg, relative_to=base),
        "parameters": result.parameters,
        "seed": cfg.uncertainty.seed,
        "draws": cfg.uncertainty.draws,
        "versions": versions(),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }


def write_bundle(
    cfg: ProjectConfig, result: ProjectResult, out_dir: str | Path, *, report_html: str | None = None
) -> Path:
    """Write the bundle to ``out_dir`` atomically (an existing bundle is replaced only on success).

    ``report_html`` is rendered by :mod:`soilsink.report` (a higher layer) and passed in.
    """
    files = result_files(result)
    if report_html is not None:
        files["report.html"] = report_html.encode()
    man = manifest(cfg, result, files)
    out_dir = Path(out_dir)
    with atomic_dir(out_dir) as tmp:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        (tmp / "manifest.json").write_bytes(json_bytes(man))
    return out_dir


def read_manifest(bundle: str | Path) -> dict[str, Any]:
    """Load ``manifest.json`` of a bundle."""
    from soilsink.io.errors import InputError, Problem

    path = Path(bundle) / "manifest.json"
    if not path.is_file():
        raise InputError(Problem(str(path), "not a soilsink bundle: manifest.json is missing",
                                 allowed="a folder written by 'soilsink account'"))
    try:
        man = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(Problem(str(path), f"manifest.json is not valid JSON: {exc}")) from None
    if man.get("format") != BUNDLE_FORMAT:
        raise InputError(Problem(str(path), "unknown bundle format", value=man.get("format"),
                                 allowed=BUNDLE_FORMAT))
    return man
