"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_REFERENCE = REPO.parent / "shared" / "reference"


@pytest.fixture
def shared_reference() -> Path:
    """``../shared/reference`` beside the repo; tests using it skip where it is absent."""
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(f"shared reference data not found at {SHARED_REFERENCE} (only beside the repo in CI/dev)")
    return SHARED_REFERENCE
