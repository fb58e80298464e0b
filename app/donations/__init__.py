"""donations domain (being built)."""
