"""The one base of every refusal a rule can give: a Vietnamese message and the form field it concerns.

Every domain's error (FundError, DonationError, CommendationError, ...) is a Refusal with no body of its
own, so a view catches `Refusal` and puts the message beside its field (core.views.attempt), and a service
calling another domain's service lets that refusal through instead of translating it. A service that must
point the message at another field re-raises with `err.at(field)`.
"""
from __future__ import annotations


class Refusal(ValueError):
    """A rule said no. `str(err)` is the Vietnamese message; `field` the form field it belongs beside
    (None: at the top of the form)."""

    default_field: str | None = None

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field if field is not None else self.default_field

    def at(self, field: str | None) -> "Refusal":
        """The same refusal pointed at another field (a service whose form names it differently)."""
        return type(self)(self.message, field)


__all__ = ["Refusal"]
