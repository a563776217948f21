"""soilsink.models (see docs/architecture.md)."""
