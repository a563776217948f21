"""The CLI's own basics: --version, --help lists commands, errors give exit 2 without traceback."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

import soilsink
from soilsink.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert soilsink.__version__ in result.output


def _registered_names() -> list[str]:
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [g.name for g in app.registered_groups]
    return [n for n in names if n]


def test_help_lists_every_registered_command() -> None:
    result = runner.invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    names = _registered_names()
    for command in names:
        assert command in result.output


def test_python_dash_m_runs() -> None:
    proc = subprocess.run([sys.executable, "-m", "soilsink", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "soilsink" in proc.stdout
