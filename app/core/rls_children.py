"""Row-level security for tables whose rows belong to a row of another table (issue 20 C).

A pupil's results, a member's dues payments, a user's roles carry no unit of their own: they are
their parent row's. Their policy admits a row when its parent row is visible: an EXISTS on the
parent, whose own policy (app.core.rls) applies inside it, so the child follows every rule of the
parent (its subtree, the units above it may read, crossing) without repeating them. Writing needs
the parent's own unit in the scope's subtree: a role given to an account of a unit above, which the
scope may read, is refused as the parent's own write would be.

Every table with a foreign key to a table under a unit policy, and no unit of its own, is either in
CHILDREN or in EXEMPT with the reason (tests/core/test_child_row_security.py fails otherwise).
"""
from __future__ import annotations

from app.core.rls import CROSSING, POLICY, SUBTREE

# table -> ((its column, the parent table it points to), ...): the row is admitted when any of its
# parents is (a dues payment is its member's and its collecting batch's).
CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    "pupil_result": (("pupil_id", "pupil"),),
    "pupil_achievement": (("pupil_id", "pupil"),),
    "dues_payment": (("member_id", "member"), ("batch_id", "dues_batch")),
    "user_role": (("user_id", "user_account"),),
    "import_progress": (("user_id", "user_account"),),
    "unit_merge_source": (("merge_id", "unit_merge"),),
}

EXEMPT: dict[str, str] = {
    "idempotency_key": "a double submit's key and the address it answered: no household's record, and "
                       "each request reads only its own key",
}


def _parent_visible(table: str, column: str, parent: str, *, writing: bool) -> str:
    own = " AND p.unit_id IN " + SUBTREE if writing else ""
    return f'EXISTS (SELECT 1 FROM "{parent}" p WHERE p.id = "{table}".{column}{own})'


def _admits(table: str, nullable: set[str], *, writing: bool) -> str:
    parts = [CROSSING]
    for column, parent in CHILDREN[table]:
        parts.append(_parent_visible(table, column, parent, writing=writing))
        if column in nullable:  # no parent (an import by a deleted account): nobody's row in particular
            parts.append(f'"{table}".{column} IS NULL')
    return " OR ".join(parts)


def child_policy_statements(table: str, nullable: set[str] = frozenset()) -> list[str]:
    """The SQL that puts `table` under the policy of its parents (idempotent)."""
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY} ON "{table}" USING ({_admits(table, nullable, writing=False)}) '
        f'WITH CHECK ({_admits(table, nullable, writing=True)})',
    ]


def nullable_columns(conn, table: str) -> set[str]:
    from sqlalchemy import text

    return {r[0] for r in conn.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = :t AND is_nullable = 'YES'"), {"t": table})}


def dependent_tables(conn) -> dict[str, set[str]]:
    """{table: the tables under a policy it points to} for every table with such a foreign key and no
    policy of its own on a unit column: the tables this module must cover or exempt."""
    from sqlalchemy import text

    out: dict[str, set[str]] = {}
    for child, parent in conn.execute(text(
            "SELECT t.relname, p.relname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "JOIN pg_class p ON p.oid = c.confrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE c.contype = 'f' AND n.nspname = current_schema() AND p.relrowsecurity "
            "AND NOT EXISTS (SELECT 1 FROM information_schema.columns k WHERE k.table_schema = n.nspname "
            "AND k.table_name = t.relname AND k.column_name = 'unit_id')")):
        out.setdefault(child, set()).add(parent)
    return out


def uncovered(conn) -> list[str]:
    """Dependent tables with neither a policy nor a reason in EXEMPT (the test's check)."""
    from sqlalchemy import text

    guarded = {r[0] for r in conn.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relrowsecurity "
        "AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)"))}
    return sorted(t for t in dependent_tables(conn) if t not in guarded and t not in EXEMPT)
