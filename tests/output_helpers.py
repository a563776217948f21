"""Helpers for the output-safety tests: umask, modes, folder snapshots, ended processes, and
small test file systems (read-only, full) where they can be mounted."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(p: Path) -> int:
    return p.stat().st_mode & 0o777


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (to prove nothing changed)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def dead_pid() -> int:
    """The pid of a process that has ended (as a killed run's)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@contextlib.contextmanager
def tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A small tmpfs mounted at ``where`` (root only; skips where it cannot be mounted)."""
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a test file system needs root")
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


@contextlib.contextmanager
def readonly_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write to: chmod 555 for a normal user; root ignores modes, so for
    root a read-only tmpfs."""
    if os.geteuid() != 0:
        d = tmp_path / "ro"
        d.mkdir()
        d.chmod(0o555)
        try:
            yield d
        finally:
            d.chmod(0o755)
        return
    with tmpfs(tmp_path / "ro", "ro,size=64k") as d:
        yield d


@contextlib.contextmanager
def full_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder on a full disk: a 64 KiB tmpfs filled up (root only)."""
    with tmpfs(tmp_path / "full", "size=64k") as d:
        with open(d / "filler", "wb") as fh, contextlib.suppress(OSError):
            fh.write(b"\0" * (1 << 20))
        yield d
