"""Kept for the callers that import render_many from here; it lives in services.py now."""
from .services import DEFAULT_CHUNK_ITEMS, render_many

__all__ = ["render_many", "DEFAULT_CHUNK_ITEMS"]
