"""Printing onto pre-printed certificate blanks (issue 18 D)."""


def register() -> None:
    """Declare the blank-printing background document to the print engine (from init_app)."""
