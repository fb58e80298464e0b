"""The proofs' own checker can fail: gaps, duplicates and a lagging counter are all seen."""
from sqlalchemy import create_engine, text

from tests.reliability.books import numbering


def _books(tmp_path, numbers, counter):
    engine = create_engine(f"sqlite:///{tmp_path / 'books.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE ledger_entry (unit_id INTEGER, number TEXT)"))
        conn.execute(text("CREATE TABLE document_counter (unit_id INTEGER, kind TEXT, year INTEGER, "
                          "next_number INTEGER)"))
        for number in numbers:
            conn.execute(text("INSERT INTO ledger_entry VALUES (1, :n)"), {"n": number})
        conn.execute(text("INSERT INTO ledger_entry VALUES (1, NULL)"))  # a reversal has no number
        conn.execute(text("INSERT INTO document_counter VALUES (1, 'PT', 2026, :c)"), {"c": counter})
    return engine


def test_clean_series_passes(tmp_path):
    with _books(tmp_path, ["PT-2026-0001", "PT-2026-0002", "PT-2026-0003"], 4).connect() as conn:
        assert numbering(conn) == {"numbered": 3, "series": 1, "duplicate_numbers": 0, "gaps": 0,
                                   "counters_out_of_step": 0}


def test_gap_duplicate_and_counter_are_each_caught(tmp_path):
    with _books(tmp_path, ["PT-2026-0001", "PT-2026-0001", "PT-2026-0004"], 3).connect() as conn:
        found = numbering(conn)
    assert found["duplicate_numbers"] == 1
    assert found["gaps"] == 2  # 0002 and 0003 missing
    assert found["counters_out_of_step"] == 1
