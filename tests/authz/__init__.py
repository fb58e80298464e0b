"""The expected authorisation table, one module per domain (table_<domain>.py).

Each module defines TABLE = {endpoint: Rule(...)}. test_authz_matrix.py walks the
whole URL map against the merged table: a route with no entry fails the suite.
"""
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

ALL = frozenset({"admin", "treasurer", "clerk", "viewer"})


@dataclass(frozen=True)
class Rule:
    roles: frozenset = frozenset()
    # args(world, own: bool) -> URL arguments naming a record in the acting user's unit
    # (own=True) or in another commune (own=False). None: the route names no record.
    args: Callable | None = None
    query: Callable | None = None  # same, for query-string arguments
    public: bool = False
    # Status a permitted GET answers with (a few pages redirect by design).
    ok_get: tuple = (200,)
    skip_post_reason: str = ""
    extra: dict = field(default_factory=dict)


def merged_table() -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for mod in pkgutil.iter_modules(__path__):
        if mod.name.startswith("table_"):
            module = importlib.import_module(f"{__name__}.{mod.name}")
            overlap = set(table) & set(module.TABLE)
            assert not overlap, f"endpoints listed twice: {overlap}"
            table.update(module.TABLE)
    return table
