"""soilsink.stable (see docs/architecture.md)."""
