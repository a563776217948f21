"""The house rule: a package imports only from itself or from lower layers (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "soilsink"
LAYER = {
    "io": 0, "data": 0,
    "stocks": 1, "models": 1,
    "stable": 2,
    "threshold": 3,
    "accounting": 4,
    "spatial": 5,
    "mrv": 6,
    "report": 7,
    "cli": 8,
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {n.split(".")[1] for n in names if n.startswith("soilsink.") and n.count(".") >= 1}


FILES = sorted(p for p in PKG.rglob("*.py") if p.relative_to(PKG).parts[0] in LAYER)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PKG)))
def test_no_upward_or_sideways_imports(path: Path) -> None:
    own = path.relative_to(PKG).parts[0]
    for target in _imports(path):
        if target == own or target not in LAYER:
            continue
        assert LAYER[target] < LAYER[own], f"{own} (layer {LAYER[own]}) imports {target} (layer {LAYER[target]})"


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(LAYER), packages - set(LAYER)
