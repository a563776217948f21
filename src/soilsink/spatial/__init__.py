"""soilsink.spatial (see docs/architecture.md)."""
