"""campaigns domain (being built)."""
