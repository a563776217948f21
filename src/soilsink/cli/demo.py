"""CLI: ``soilsink demo``: the main job on embedded data, no arguments needed."""

from __future__ import annotations

from pathlib import Path

import typer

from soilsink.cli._app import app
from soilsink.cli._common import friendly_errors, out_console

DEFAULT_DEMO_DIR = Path("soilsink-demo")


def run_stocks_demo(outdir: Path) -> dict[str, object]:
    """Stocks (0–30 cm fixed depth) of the embedded demo profiles -> ``outdir/stocks/``."""
    import warnings

    from soilsink.data import demo_horizons_path
    from soilsink.io.atomic import atomic_write
    from soilsink.io.horizons import read_horizons
    from soilsink.stocks import fixed_depth_stocks, site_attributes

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTF use is reported per site in bd_source
        h = read_horizons(demo_horizons_path())
    stocks = fixed_depth_stocks(h, 0, 30)
    attrs = site_attributes(h, 0, 30)
    table = stocks.merge(attrs, on="site_id", how="left")
    stock_dir = outdir / "stocks"
    stock_dir.mkdir(parents=True, exist_ok=True)
    with atomic_write(stock_dir / "stocks_0-30cm.csv", newline="") as fh:
        table.to_csv(fh, index=False, float_format="%.10g")
    ok = table.dropna(subset=["soc_stock_t_ha"])
    lines = ["# soilsink demo: SOC stocks 0–30 cm of the embedded profiles", "",
             f"profiles: {table.site_id.nunique()}  with a 0–30 cm stock: {len(ok)}",
             f"bulk density from a pedotransfer function at {int((table.bd_source != 'measured').sum())} site(s)",
             ""]
    if "land_use" in ok:
        lines.append("land use | n | mean SOC stock (t C/ha) | min | max")
        lines.append("---|---|---|---|---")
        for lu, g in ok.groupby(ok["land_use"].fillna("unknown")):
            s = g.soc_stock_t_ha
            lines.append(f"{lu} | {len(g)} | {s.mean():.1f} | {s.min():.1f} | {s.max():.1f}")
    lines += ["", "Data source: see soilsink/data/demo/SOURCE.md"]
    with atomic_write(stock_dir / "summary.md") as fh:
        fh.write("\n".join(lines) + "\n")
    return {"stocks_csv": stock_dir / "stocks_0-30cm.csv", "summary": stock_dir / "summary.md",
            "n_sites": int(table.site_id.nunique()), "table": ok}


@app.command("demo")
@friendly_errors
def demo_command(
    output: Path = typer.Option(DEFAULT_DEMO_DIR, "-o", "--output",
                                help="Output folder (default ./soilsink-demo): new, empty or an earlier demo."),
) -> None:
    """Run the demo on embedded real soil profiles and print where the outputs are.

    Stocks of the embedded profiles, then the embedded demo projects (IPCC Tier 1 and ICBM on
    the NEON SERC cropland fields, thresholds from the natural soils, Monte Carlo) as result
    bundles in ``OUTPUT/bundle`` and ``OUTPUT/bundle-model``. OUTPUT is written as a whole
    and replaces only an empty folder or an earlier demo folder.
    """
    from soilsink.cli.account import run_demo_bundles
    from soilsink.io.atomic import atomic_dir, write_manifest

    final = output.resolve()
    with atomic_dir(output, kind="demo") as tmp:
        res = run_stocks_demo(tmp)
        bundles = run_demo_bundles(tmp, quiet=True)
        write_manifest(tmp, "demo", contents=sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file()))

    def shown(p: Path) -> Path:  # where a file written into the temporary folder now is
        return final / Path(p).relative_to(tmp)

    out_console.print(f"soilsink demo: {res['n_sites']} profiles", markup=False)
    out_console.print(f"  stocks table: {shown(res['stocks_csv'])}", markup=False)
    out_console.print(f"  summary:      {shown(res['summary'])}", markup=False)
    for bundle, summary in bundles:
        method = summary["model"] if summary["method"] == "model" else summary["method"]
        for name, block in summary["scenarios"].items():
            s = block["total"]["total_sink_t_co2e"]
            out_console.print(f"  {method} / {name}: sink {s['mean']:,.1f} t CO2e "
                              f"(95 % interval {s['lo95']:,.1f} to {s['hi95']:,.1f})", markup=False)
        out_console.print(f"  bundle:       {shown(bundle)} (report: {shown(bundle) / 'report.html'})", markup=False)
    out_console.print(f"outputs written to {final}", markup=False)
