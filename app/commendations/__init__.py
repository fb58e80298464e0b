"""commendations domain (being built)."""
