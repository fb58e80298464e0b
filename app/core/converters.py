"""URL converters shared by every route.

`<int:...>` names a database id, and ids are at most MAX_ID (PostgreSQL's INTEGER, 2^31 - 1): a
larger number in a URL (/cong-khai/99999999999999999999) names no record, yet sent to the database it
fails to bind (a 500 instead of a 404). The converter refuses it, so the rule does not match and the answer is
a plain 404 for every route at once, public and logged in, without a check in each view.
"""
from werkzeug.routing import IntegerConverter

from app.core.authz import MAX_ID


class BoundedIntConverter(IntegerConverter):
    """Werkzeug's int converter with max defaulting to the largest id the database can hold."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else max, signed=signed)
