"""scholarships domain (being built)."""
