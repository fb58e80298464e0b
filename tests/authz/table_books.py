"""The books check's findings page: admins and auditors (ban kiểm tra), each for their own scope."""
from tests.authz import Rule

ADMIN_AND_VIEWER = frozenset({"admin", "viewer"})

TABLE = {
    "books.index": Rule(ADMIN_AND_VIEWER),
}
