"""Monthly summaries of gifts and ledger entries, so a roll-up over millions of rows reads thousands
(issue 20 E: 20,000,000 gifts; the national roll-up read them all, twice, on every cold request).

    donation_month  (unit_id, collector_unit_id or 0, campaign_id, month "2026-09")
                    -> n, amount, in_kind: the LIVE gifts (voided_at IS NULL) of that key
    ledger_month    (unit_id, fund_id, month, direction, source, is_direct, plain)
                    -> n, amount: EVERY ledger entry of that key (is_direct: no source_id;
                    plain: neither a reversal nor a correction, the rows app.reports.figures adds up
                    as they are)

The rule that keeps them right: database triggers on `donation` (after insert, delete, and an
update of any column a key or a sum reads: the old row's part is taken out, the new row's put in,
each only when live) and on `ledger_entry` (after insert; entries are never updated or deleted,
app.core.append_only), in the same transaction as the write, whatever code writes it. So a summary
row always equals the aggregate of its rows in the base table (tests/reports/test_summaries.py,
and `differences()` says where it does not). A bulk load that switches triggers off (the national
seed) rebuilds them with `rebuild()`, the same aggregate the migration fills them with.

Reports read them only for whole months (every period starts on a 1st and ends on a month's last
day); a finer range falls back to the base tables (app.reports.figures).
"""
from datetime import timedelta

from sqlalchemy import BigInteger, Column, Integer, Numeric, String, Table, text

from app.extensions import db

# The sums: numeric on PostgreSQL, as SUM(bigint) is there (app.core.books: no total overflows; rows
# written before the amount bound held up to 10**15 each, and 9,224 of them pass bigint). SQLite
# turns an integer addition that overflows into a REAL, as its TOTAL() sums do.
SUM_TYPE = BigInteger().with_variant(Numeric(38, 0), "postgresql")

donation_month = Table(
    "donation_month", db.metadata,
    Column("unit_id", Integer, primary_key=True, autoincrement=False),
    Column("collector_unit_id", Integer, primary_key=True, autoincrement=False),  # 0: none
    Column("campaign_id", Integer, primary_key=True, autoincrement=False),
    Column("month", String(7), primary_key=True),
    Column("n", BigInteger, nullable=False),
    Column("amount", SUM_TYPE, nullable=False),
    Column("in_kind", SUM_TYPE, nullable=False),
)

ledger_month = Table(
    "ledger_month", db.metadata,
    Column("unit_id", Integer, primary_key=True, autoincrement=False),
    Column("fund_id", Integer, primary_key=True, autoincrement=False),
    Column("month", String(7), primary_key=True),
    Column("direction", String(3), primary_key=True),
    Column("source", String(20), primary_key=True),
    Column("is_direct", Integer, primary_key=True, autoincrement=False),
    Column("plain", Integer, primary_key=True, autoincrement=False),
    Column("n", BigInteger, nullable=False),
    Column("amount", SUM_TYPE, nullable=False),
)

D_KEY = "unit_id, collector_unit_id, campaign_id, month"
L_KEY = "unit_id, fund_id, month, direction, source, is_direct, plain"
# Columns of donation whose change moves a gift between summary rows or changes a sum.
D_WATCHED = "unit_id, collector_unit_id, campaign_id, donation_date, amount, method, voided_at"


def _month(col: str, dialect: str) -> str:
    return f"substr({col}, 1, 7)" if dialect == "sqlite" else f"to_char({col}, 'YYYY-MM')"


def _d_values(row: str, sign: str, dialect: str) -> str:
    return (f"{row}.unit_id, coalesce({row}.collector_unit_id, 0), {row}.campaign_id, "
            f"{_month(row + '.donation_date', dialect)}, {sign}1, {sign}{row}.amount, "
            f"CASE WHEN {row}.method = 'in_kind' THEN {sign}{row}.amount ELSE 0 END")


def _l_values(row: str, dialect: str) -> str:
    return (f"{row}.unit_id, {row}.fund_id, {_month(row + '.entry_date', dialect)}, {row}.direction, {row}.source, "
            f"CASE WHEN {row}.source_id IS NULL THEN 1 ELSE 0 END, "
            f"CASE WHEN coalesce({row}.reversal_of_id, 0) = 0 AND {row}.source <> 'adjustment' THEN 1 ELSE 0 END, "
            f"1, {row}.amount")


def _d_upsert(values: str, alias: str = "") -> str:
    s = f"{alias}." if alias else ""
    return (f"INSERT INTO donation_month {'AS ' + alias + ' ' if alias else ''}({D_KEY}, n, amount, in_kind) "
            f"VALUES ({values}) ON CONFLICT ({D_KEY}) DO UPDATE SET n = {s}n + excluded.n, "
            f"amount = {s}amount + excluded.amount, in_kind = {s}in_kind + excluded.in_kind")


def _l_upsert(values: str, alias: str = "") -> str:
    s = f"{alias}." if alias else ""
    return (f"INSERT INTO ledger_month {'AS ' + alias + ' ' if alias else ''}({L_KEY}, n, amount) "
            f"VALUES ({values}) ON CONFLICT ({L_KEY}) DO UPDATE SET n = {s}n + excluded.n, "
            f"amount = {s}amount + excluded.amount")


def trigger_statements(dialect: str) -> list[str]:
    """The triggers that keep the summaries equal to their rows (the rule above)."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER donation_month_insert AFTER INSERT ON donation WHEN NEW.voided_at IS NULL "
            f"BEGIN {_d_upsert(_d_values('NEW', '', dialect))}; END",
            f"CREATE TRIGGER donation_month_update_old AFTER UPDATE OF {D_WATCHED} ON donation "
            f"WHEN OLD.voided_at IS NULL BEGIN {_d_upsert(_d_values('OLD', '-', dialect))}; END",
            f"CREATE TRIGGER donation_month_update_new AFTER UPDATE OF {D_WATCHED} ON donation "
            f"WHEN NEW.voided_at IS NULL BEGIN {_d_upsert(_d_values('NEW', '', dialect))}; END",
            f"CREATE TRIGGER donation_month_delete AFTER DELETE ON donation WHEN OLD.voided_at IS NULL "
            f"BEGIN {_d_upsert(_d_values('OLD', '-', dialect))}; END",
            f"CREATE TRIGGER ledger_month_insert AFTER INSERT ON ledger_entry "
            f"BEGIN {_l_upsert(_l_values('NEW', dialect))}; END",
        ]
    # PostgreSQL: SECURITY DEFINER, so the summary row is written whatever the writer's row policy
    # admits (the row it summarises was admitted already).
    return [
        f"""CREATE OR REPLACE FUNCTION donation_month_keep() RETURNS trigger LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = public AS $$
            BEGIN
              IF TG_OP <> 'INSERT' AND OLD.voided_at IS NULL THEN
                {_d_upsert(_d_values('OLD', '-', dialect), 's')};
              END IF;
              IF TG_OP <> 'DELETE' AND NEW.voided_at IS NULL THEN
                {_d_upsert(_d_values('NEW', '', dialect), 's')};
              END IF;
              RETURN NULL;
            END $$""",
        f"CREATE TRIGGER donation_month_keep AFTER INSERT OR DELETE OR UPDATE OF {D_WATCHED} ON donation "
        "FOR EACH ROW EXECUTE FUNCTION donation_month_keep()",
        f"""CREATE OR REPLACE FUNCTION ledger_month_keep() RETURNS trigger LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = public AS $$
            BEGIN
              {_l_upsert(_l_values('NEW', dialect), 's')};
              RETURN NULL;
            END $$""",
        "CREATE TRIGGER ledger_month_keep AFTER INSERT ON ledger_entry FOR EACH ROW EXECUTE FUNCTION ledger_month_keep()",
    ]


def drop_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {t}" for t in ("donation_month_insert", "donation_month_update_old",
                                                        "donation_month_update_new", "donation_month_delete",
                                                        "ledger_month_insert")]
    return ["DROP TRIGGER IF EXISTS donation_month_keep ON donation", "DROP FUNCTION IF EXISTS donation_month_keep()",
            "DROP TRIGGER IF EXISTS ledger_month_keep ON ledger_entry", "DROP FUNCTION IF EXISTS ledger_month_keep()"]


def aggregate_sql(dialect: str) -> tuple[str, str]:
    """(donation_month, ledger_month) as computed from the base tables: what the triggers keep."""
    d = (f"SELECT unit_id, coalesce(collector_unit_id, 0), campaign_id, {_month('donation_date', dialect)}, "
         "count(*), sum(amount), sum(CASE WHEN method = 'in_kind' THEN amount ELSE 0 END) FROM donation "
         "WHERE voided_at IS NULL GROUP BY 1, 2, 3, 4")
    ledger = (f"SELECT unit_id, fund_id, {_month('entry_date', dialect)}, direction, source, "
              "CASE WHEN source_id IS NULL THEN 1 ELSE 0 END, "
              "CASE WHEN coalesce(reversal_of_id, 0) = 0 AND source <> 'adjustment' THEN 1 ELSE 0 END, "
              "count(*), sum(amount) FROM ledger_entry GROUP BY 1, 2, 3, 4, 5, 6, 7")
    return d, ledger


def rebuild(conn) -> None:
    """Refill both summaries from their rows (after a load that bypassed the triggers). `conn`: a
    SQLAlchemy connection, or a psycopg one (the national seed)."""
    dialect = getattr(getattr(conn, "dialect", None), "name", "postgresql")
    d, ledger = aggregate_sql(dialect)
    run = conn.exec_driver_sql if hasattr(conn, "exec_driver_sql") else conn.execute
    for stmt in ("DELETE FROM donation_month", "DELETE FROM ledger_month",
                 f"INSERT INTO donation_month ({D_KEY}, n, amount, in_kind) {d}",
                 f"INSERT INTO ledger_month ({L_KEY}, n, amount) {ledger}"):
        run(stmt)


def differences(session=None) -> dict[str, int]:
    """{summary: rows that differ from the aggregate of their base rows} (both 0 when right)."""
    session = session or db.session
    dialect = session.get_bind().dialect.name
    d, ledger = aggregate_sql(dialect)
    out = {}
    for name, key, sums, agg in (("donation_month", D_KEY, "n, amount, in_kind", d),
                                 ("ledger_month", L_KEY, "n, amount", ledger)):
        # A key whose gifts were all voided keeps a row of zeros: the same as no row.
        kept = f"SELECT {key}, {sums} FROM {name} WHERE n <> 0 OR amount <> 0"
        out[name] = sum(session.execute(text(f"SELECT count(*) FROM ({a} EXCEPT {b}) AS x")).scalar()
                        for a, b in ((kept, agg), (agg, kept)))
    return out


# ---- reading them -----------------------------------------------------------------------------

def ym_text(day) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def whole_months(facts) -> bool:
    """The facts' range is whole months (from a 1st, to a month's last day or open), so the
    summaries give exactly what the base rows give."""
    last = facts.last
    return facts.first.day == 1 and (last is None or (last + timedelta(days=1)).day == 1)


def in_months(column, facts) -> list:
    cond = [column >= ym_text(facts.first)]
    if facts.last is not None:
        cond.append(column <= ym_text(facts.last))
    return cond
