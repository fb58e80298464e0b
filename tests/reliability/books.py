"""What the proofs check in the database once the server is down: the books are whole."""
from __future__ import annotations

import re
import sqlite3
from collections import Counter, defaultdict

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

NUMBER = re.compile(r"^(PT|PC)-(\d{4})-(\d+)$")


def sqlite_checks(url: str) -> dict:
    path = make_url(url).database
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return {"integrity_check": ";".join(integrity), "foreign_key_check": len(fk)}


def numbering(conn) -> dict:
    """Receipt/voucher numbers per unit, kind and year: duplicates, gaps, counter in step."""
    rows = conn.execute(text("SELECT unit_id, number FROM ledger_entry WHERE number IS NOT NULL")).all()
    series: dict[tuple, list[int]] = defaultdict(list)
    duplicates = sum(n - 1 for n in Counter((u, num) for u, num in rows).values() if n > 1)
    for unit_id, number in rows:
        m = NUMBER.match(number)
        series[(unit_id, m.group(1), int(m.group(2)))].append(int(m.group(3)))
    gaps = 0
    for values in series.values():
        gaps += (max(values) - len(set(values)))  # missing numbers between 1 and the highest
    counters = {(r.unit_id, r.kind, r.year): r.next_number
                for r in conn.execute(text("SELECT unit_id, kind, year, next_number FROM document_counter"))}
    out_of_step = sum(1 for key, values in series.items() if counters.get(key) != max(values) + 1)
    return {"numbered": len(rows), "series": len(series), "duplicate_numbers": duplicates, "gaps": gaps,
            "counters_out_of_step": out_of_step}


def donations_by_note(url: str, prefix: str) -> tuple[Counter, dict]:
    """How many donation rows carry each marker note, and the bookkeeping around them."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            notes = Counter(r[0] for r in conn.execute(
                text("SELECT note FROM donation WHERE note LIKE :p"), {"p": prefix + "%"}))
            without_entry = conn.execute(text(
                "SELECT count(*) FROM donation d LEFT JOIN ledger_entry e ON e.id = d.entry_id "
                "WHERE e.id IS NULL OR e.number IS NULL")).scalar_one()
            donations = conn.execute(text("SELECT count(*) FROM donation")).scalar_one()
            keys = conn.execute(text("SELECT count(*) FROM idempotency_key WHERE object_type = 'donation'")).scalar_one()
            facts = {"donations": donations, "without_entry": without_entry, "idempotency_keys": keys,
                     **numbering(conn)}
    finally:
        engine.dispose()
    if url.startswith("sqlite"):
        facts.update(sqlite_checks(url))
    else:
        facts.update(postgres_checks(url))
    return notes, facts


def postgres_checks(url: str) -> dict:
    """Every constraint valid and every foreign key satisfied (checked row by row, not trusted)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            invalid = conn.execute(text("SELECT count(*) FROM pg_constraint c JOIN pg_namespace n "
                                        "ON n.oid = c.connamespace WHERE n.nspname = current_schema() "
                                        "AND NOT c.convalidated")).scalar_one()
            fks = conn.execute(text(
                "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname "
                "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                "JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1] "
                "WHERE c.contype = 'f' AND n.nspname = current_schema() AND array_length(c.conkey, 1) = 1")).all()
            orphans = 0
            for table, column, ref, ref_column in fks:
                orphans += conn.execute(text(
                    f'SELECT count(*) FROM {table} t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
                    f'(SELECT 1 FROM {ref} r WHERE r."{ref_column}" = t."{column}")')).scalar_one()
    finally:
        engine.dispose()
    return {"constraints_not_validated": invalid, "foreign_key_orphans": orphans, "foreign_keys": len(fks)}
