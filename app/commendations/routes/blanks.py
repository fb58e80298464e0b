"""Printing onto pre-printed certificate blanks (phôi giấy khen): layout, printers, calibration."""
from . import bp  # noqa: F401
