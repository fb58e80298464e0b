"""A unit's own logo for its certificates: upload (PNG or SVG, sanitised), remove."""
from . import bp  # noqa: F401
