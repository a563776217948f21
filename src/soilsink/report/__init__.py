"""soilsink.report (see docs/architecture.md)."""
