"""soilsink.stocks (see docs/architecture.md)."""
