"""Read-side queries for the fund pages (kept apart from the posting rules)."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .models import LedgerEntry


def ledger_query(fund, *, date_from=None, date_to=None, direction="", source=""):
    """A fund's entries, newest first, each with its reversal (if any) loaded."""
    stmt = (select(LedgerEntry).where(LedgerEntry.fund_id == fund.id)
            .options(selectinload(LedgerEntry.reversal), selectinload(LedgerEntry.original),
                     selectinload(LedgerEntry.corrected),
                     selectinload(LedgerEntry.corrections).selectinload(LedgerEntry.reversal)))
    if date_from:
        stmt = stmt.where(LedgerEntry.entry_date >= date_from)
    if date_to:
        stmt = stmt.where(LedgerEntry.entry_date <= date_to)
    if direction:
        stmt = stmt.where(LedgerEntry.direction == direction)
    if source:
        stmt = stmt.where(LedgerEntry.source == source)
    return stmt.order_by(LedgerEntry.entry_date.desc(), LedgerEntry.id.desc())
