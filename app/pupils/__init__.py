"""pupils domain (being built)."""
