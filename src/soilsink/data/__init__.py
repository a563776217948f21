"""soilsink.data (see docs/architecture.md): data shipped with the package.

``demo/horizons.csv`` is a real soil-profile dataset (35 NEON profiles, forest, cropland and
pasture) in the canonical horizons format; its source, citation, licence and every change made
are recorded in ``demo/SOURCE.md`` next to it.
"""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def demo_horizons_path() -> Path:
    """Path of the embedded demo horizons table (``demo/horizons.csv``, see ``demo/SOURCE.md``)."""
    return DEMO_DIR / "horizons.csv"
