"""Backup routes: only an admin whose scope is the whole database (tests/backups checks that one).

Every user of the matrix world works in a commune, and a backup holds the other commune's data
too, so every role, the commune admin included, is refused (403).
"""
from tests.authz import Rule

NOBODY_IN_A_COMMUNE = frozenset()

TABLE = {
    "backups.index": Rule(NOBODY_IN_A_COMMUNE),
    "backups.download": Rule(NOBODY_IN_A_COMMUNE),
}
