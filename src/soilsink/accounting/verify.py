"""Verify a bundle: re-hash the recorded inputs, recompute, compare every byte of the numbers.

Exit status semantics used by ``soilsink verify``: 0 when every input hash matches and every
recomputed file is byte-identical; 1 when an input changed (named) or a number differs (the file
and first differing row/column named); 2 for a folder that is not a bundle.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from soilsink.accounting.bundle import read_manifest, result_files, sha256_file


@dataclass
class VerifyReport:
    """Outcome of :func:`verify_bundle`."""

    changed_inputs: list[str] = field(default_factory=list)
    missing_inputs: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed_inputs or self.missing_inputs or self.differences)

    def lines(self) -> list[str]:
        out = [f"input changed: {p}" for p in self.changed_inputs]
        out += [f"input missing: {p}" for p in self.missing_inputs]
        out += self.differences
        return out


def check_inputs(man: dict) -> tuple[list[str], list[str]]:
    """(changed, missing) input files, by their recorded absolute path."""
    changed, missing = [], []
    for _rel, rec in sorted(man["inputs"].items()):
        p = Path(rec["path"])
        if not p.is_file():
            missing.append(str(p))
        elif sha256_file(p) != rec["sha256"]:
            changed.append(str(p))
    return changed, missing


def verify_bundle(
    bundle: str | Path,
    *,
    render_report: Callable[..., str] | None = None,
    quiet: bool = True,
) -> VerifyReport:
    """Recompute ``bundle`` from its recorded inputs and compare.

    ``render_report(cfg, result)`` (from :mod:`soilsink.report`) is used, when given, to
    re-render ``report.html`` and compare its text and numbers (the embedded figures are left
    out of the comparison: PNG bytes depend on the platform's font rendering).
    """
    from soilsink.accounting.project import load_project
    from soilsink.accounting.runner import run_project

    bundle = Path(bundle)
    man = read_manifest(bundle)
    report = VerifyReport()
    report.changed_inputs, report.missing_inputs = check_inputs(man)
    if not report.ok:
        return report
    cfg = load_project(man["project_file"])
    result = run_project(cfg, quiet=quiet)
    files = result_files(result)
    if render_report is not None and (bundle / "report.html").exists():
        files["report.html"] = render_report(cfg, result).encode()
    for name, data in sorted(files.items()):
        path = bundle / name
        report.checked.append(name)
        if not path.is_file():
            report.differences.append(f"{name}: missing from the bundle")
            continue
        old = path.read_bytes()
        if name == "report.html":  # the text and every number; figures depend on font rendering
            old, data = _without_images(old), _without_images(data)
        if old != data:
            report.differences.append(f"{name}: differs from the recomputation ({_first_difference(name, old, data)})")
    return report


_IMAGE = re.compile(rb"data:image/png;base64,[A-Za-z0-9+/=]+")


def _without_images(html: bytes) -> bytes:
    """The report without its embedded PNG payloads (they vary with the platform's fonts)."""
    return _IMAGE.sub(b"data:image/png;base64,", html)


def _first_difference(name: str, old: bytes, new: bytes) -> str:
    try:
        if name.endswith(".csv"):
            a = pd.read_csv(io.BytesIO(old))
            b = pd.read_csv(io.BytesIO(new))
            if a.shape != b.shape or list(a.columns) != list(b.columns):
                return f"shape {a.shape} vs {b.shape}"
            for col in a.columns:
                diff = ~((a[col] == b[col]) | (a[col].isna() & b[col].isna()))
                if diff.any():
                    i = int(diff.to_numpy().argmax())
                    return f"first at row {i + 2}, column '{col}': {a[col].iloc[i]!r} vs {b[col].iloc[i]!r}"
        if name.endswith(".json"):
            a, b = json.loads(old), json.loads(new)
            return _json_diff(a, b, "") or "formatting"
    except Exception:  # noqa: BLE001 - a best-effort description only
        pass
    i = next((k for k, (x, y) in enumerate(zip(old, new, strict=False)) if x != y), min(len(old), len(new)))
    return f"first differing byte at offset {i}"


def _json_diff(a, b, path: str) -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"key {path}.{k} only on one side"
            d = _json_diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if a != b:
        return f"{path.lstrip('.')}: {a!r} vs {b!r}"
    return None
