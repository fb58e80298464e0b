"""Kept for the callers that import the long list from here; it lives in services.py now."""
from .services import DEFAULT_CHUNK_ROWS, Column, decision_list_columns, normalise_rows, render_list_pdf

__all__ = ["Column", "render_list_pdf", "decision_list_columns", "normalise_rows", "DEFAULT_CHUNK_ROWS"]
