"""funds domain (being built)."""
