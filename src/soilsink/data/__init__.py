"""soilsink.data (see docs/architecture.md)."""
