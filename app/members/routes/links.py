"""links pages (issue 19): filled in by its owner."""
from . import bp  # noqa: F401
