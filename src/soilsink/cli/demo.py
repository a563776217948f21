"""CLI: placeholder module, owned by the helper that builds this command (replace wholesale)."""

from __future__ import annotations

from soilsink.cli._app import app  # noqa: F401  (placeholder: no command yet)
