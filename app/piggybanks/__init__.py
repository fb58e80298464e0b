"""piggybanks domain (being built)."""
