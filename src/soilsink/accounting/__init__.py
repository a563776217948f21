"""soilsink.accounting (see docs/architecture.md)."""
