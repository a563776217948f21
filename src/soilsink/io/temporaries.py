"""Names of soilsink's temporary outputs, and removal of those a killed run left behind.

A temporary is named ``.NAME.HOST-PID-TOKEN.soilsink-tmp[.SUFFIX]`` (an output being
written) or ``.NAME.HOST-PID-TOKEN.soilsink-old`` (an output folder moved aside while it is
being replaced): ``NAME`` is the output's name (cut at 100 characters), ``HOST`` this
machine's name, ``PID`` the writing process and ``TOKEN`` 8 random hex digits. A temporary is
stale when it was made on this host by a process that no longer runs; only such names are
ever removed, so files of other programs, of runs still going and of other machines sharing
the folder are never touched.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
from pathlib import Path

TMP_TAG = "soilsink-tmp"
OLD_TAG = "soilsink-old"
#: Longest part of the output name kept in a temporary's name.
NAME_CHARS = 100
TEMP_PATTERN = re.compile(
    r"^\.(?P<target>.+)\.(?P<host>[A-Za-z0-9_]{1,32})-(?P<pid>\d+)-(?P<token>[0-9a-f]{8})"
    rf"\.(?P<tag>{TMP_TAG}|{OLD_TAG})(?P<suffix>\.[A-Za-z0-9]+)?$"
)


def host_tag() -> str:
    """This machine's name as it appears in temporaries (letters, digits, ``_``)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", socket.gethostname())[:32] or "host"


def temp_name(target: Path, tag: str = TMP_TAG) -> str:
    """The name of a new temporary for ``target``; a ``TMP_TAG`` temporary keeps the suffix of
    ``target`` (some writers choose their format by it)."""
    suffix = target.suffix if tag == TMP_TAG and re.fullmatch(r"\.[A-Za-z0-9]+", target.suffix) else ""
    return f".{target.name[:NAME_CHARS]}.{host_tag()}-{os.getpid()}-{secrets.token_hex(4)}.{tag}{suffix}"


def is_temporary(name: str) -> bool:
    """True for the name of a soilsink temporary."""
    return TEMP_PATTERN.match(name) is not None


def process_alive(pid: int) -> bool:
    """True unless no process ``pid`` runs on this machine (an unknown answer counts as alive)."""
    if pid == os.getpid() or os.name == "nt":  # Windows: os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: another user's process
        return True
    return True


def remove_stale_temporaries(folder: str | os.PathLike) -> list[Path]:
    """Remove the stale temporaries in ``folder`` (see the module docstring); return them.

    A folder moved aside while being replaced is put back when its output is missing (the
    replacement never arrived), otherwise removed.
    """
    folder = Path(folder)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    host = host_tag()
    for entry in entries:
        m = TEMP_PATTERN.match(entry.name)
        if m is None or m["host"] != host or process_alive(int(m["pid"])):
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            original = folder / m["target"]
            if m["tag"] == OLD_TAG and len(m["target"]) < NAME_CHARS and not os.path.lexists(original):
                os.rename(path, original)
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                os.unlink(path)
            removed.append(path)
    return removed
