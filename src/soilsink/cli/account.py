"""CLI: ``soilsink account PROJECT.toml -o BUNDLE/`` and ``soilsink verify BUNDLE/``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from soilsink.cli._app import app
from soilsink.cli._common import err_console, friendly_errors, out_console


def run_and_write(project_file: Path, out: Path, *, quiet: bool) -> dict:
    """Load, run, render and write a bundle; return the summary."""
    from soilsink.accounting.bundle import write_bundle
    from soilsink.accounting.project import load_project
    from soilsink.accounting.runner import run_project
    from soilsink.report.project_report import render_project_report

    cfg = load_project(project_file)
    result = run_project(cfg, quiet=quiet)
    html = render_project_report(cfg, result)
    write_bundle(cfg, result, out, report_html=html)
    return result.summary


DEMO_PROJECTS = (("PROJECT.toml", "bundle"), ("PROJECT_model.toml", "bundle-model"))


def run_demo_bundles(outdir: Path, *, quiet: bool = True) -> list[tuple[Path, dict]]:
    """Account the embedded demo projects (IPCC Tier 1 and ICBM) into ``outdir/bundle`` and
    ``outdir/bundle-model``; return ``[(bundle path, summary), ...]``."""
    from soilsink.data import data_path

    done = []
    for name, folder in DEMO_PROJECTS:
        out = Path(outdir) / folder
        done.append((out, run_and_write(data_path("demo_project", name), out, quiet=quiet)))
    return done


@app.command("account")
@friendly_errors
def account(
    project_file: Annotated[Path, typer.Argument(help="PROJECT.toml (see docs/project-file.md).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Bundle folder to write (replaced atomically).")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no summary.")] = False,
) -> None:
    """Account the carbon sink of a project and write its result bundle."""
    summary = run_and_write(project_file, out, quiet=quiet)
    if not quiet:
        for name, block in summary["scenarios"].items():
            s = block["total"]["total_sink_t_co2e"]
            out_console.print(
                f"{name}: sink {s['mean']:,.1f} t CO2e (95 % interval {s['lo95']:,.1f} to {s['hi95']:,.1f})",
                markup=False,
            )
    out_console.print(f"wrote {out}/ (results.csv, results.parquet, summary.json, report.html, manifest.json)",
                      markup=False)


@app.command("verify")
@friendly_errors
def verify(
    bundle: Annotated[Path, typer.Argument(help="A bundle folder written by 'soilsink account'.")],
    quiet: Annotated[bool, typer.Option("--quiet/--progress", help="Hide or show the progress bar.")] = True,
) -> None:
    """Recompute a bundle from its recorded inputs; exit 0 only when every number is identical."""
    from soilsink.accounting.verify import verify_bundle
    from soilsink.report.project_report import render_project_report

    report = verify_bundle(bundle, render_report=render_project_report, quiet=quiet)
    if report.ok:
        out_console.print(f"ok: {bundle} reproduces bit for bit ({', '.join(report.checked)})", markup=False)
        return
    for line in report.lines():
        err_console.print(f"[bold red]verify:[/] {escape(line)}", markup=True)
    raise typer.Exit(1)
