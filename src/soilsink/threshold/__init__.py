"""soilsink.threshold (see docs/architecture.md)."""
