"""The spending side of the disclosure: payments out of the unit's funds, by purpose.

Scholarships are counted per round (with its decision number), prizes per commendation
decision, other payments per purpose and basis, transfers per receiving fund. Recipients are
never named: a payment may support a pupil. Each function takes the SQL condition selecting the
year's standing payments (see report.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.commendations.models import Decision, Honoree
from app.extensions import db
from app.funds.models import SOURCE_LABELS, LedgerEntry
from app.scholarships.models import Nomination, ScholarshipRound


@dataclass
class SpendingLine:
    purpose: str
    basis: str  # "Quyết định số 15/QĐ-HKH" or the voucher's own basis
    count: int  # payments, or people paid for scholarships and prizes
    amount: int
    kind: str  # scholarship, prize, transfer, payment, other
    first_date: date | None = None


def scholarships(standing) -> list[SpendingLine]:
    # Ids first, rounds after: a round eager-loads its unit and fund, which GROUP BY would refuse.
    rows = db.session.execute(
        select(Nomination.round_id, func.count(LedgerEntry.id), func.sum(LedgerEntry.amount),
               func.min(LedgerEntry.entry_date))
        .select_from(LedgerEntry)
        .join(Nomination, Nomination.id == LedgerEntry.source_id)
        .where(standing, LedgerEntry.source == "scholarship")
        .group_by(Nomination.round_id)).all()
    rounds = {r.id: r for r in db.session.scalars(select(ScholarshipRound).where(
        ScholarshipRound.id.in_([row[0] for row in rows])))} if rows else {}
    return [SpendingLine(f"Cấp học bổng: {rounds[rid].name} (năm học {rounds[rid].school_year})",
                         f"Quyết định số {rounds[rid].decision_number}" if rounds[rid].decision_number else "",
                         int(awards), int(total), "scholarship", first)
            for rid, awards, total, first in rows]


def prizes(standing) -> list[SpendingLine]:
    entries = db.session.execute(select(LedgerEntry.id, LedgerEntry.amount, LedgerEntry.entry_date,
                                        LedgerEntry.basis, LedgerEntry.description)
                                 .where(standing, LedgerEntry.source == "prize")).all()
    if not entries:
        return []
    ids = [e.id for e in entries]
    # One voucher for the whole list (Decision.payment_entry_id) or one per person (Honoree's).
    by_entry: dict[int, tuple[Decision, int]] = {}
    for d in db.session.scalars(select(Decision).where(Decision.payment_entry_id.in_(ids))):
        paid = db.session.scalar(select(func.count(Honoree.id)).where(Honoree.decision_id == d.id,
                                                                      Honoree.amount > 0))
        by_entry[d.payment_entry_id] = (d, int(paid or 0))
    for entry_id, d in db.session.execute(select(Honoree.payment_entry_id, Decision)
                                          .join(Decision, Decision.id == Honoree.decision_id)
                                          .where(Honoree.payment_entry_id.in_(ids))):
        by_entry[entry_id] = (d, 1)
    lines: dict[object, SpendingLine] = {}
    for e in entries:
        found = by_entry.get(e.id)
        if found:
            d, people = found
            key = ("decision", d.id)
            purpose = f"Tiền thưởng: {d.title}"
            basis = f"Quyết định số {d.number} ngày {d.decision_date.strftime('%d/%m/%Y')}"
        else:
            key, people, purpose, basis = ("basis", e.basis), 1, e.description, e.basis
        line = lines.get(key)
        if line is None:
            lines[key] = SpendingLine(purpose, basis, people, e.amount, "prize", e.entry_date)
        else:
            line.count += people
            line.amount += e.amount
            line.first_date = min(line.first_date, e.entry_date)
    return list(lines.values())


def other(standing) -> list[SpendingLine]:
    # Grouped by plain columns and merged here: PostgreSQL does not match a GROUP BY on a CASE
    # with bound parameters to the same CASE in the select list.
    rows = db.session.execute(
        select(LedgerEntry.source, LedgerEntry.description, LedgerEntry.basis, LedgerEntry.counterparty,
               func.count(LedgerEntry.id), func.sum(LedgerEntry.amount), func.min(LedgerEntry.entry_date))
        .where(standing, LedgerEntry.source.notin_(("scholarship", "prize")))
        .group_by(LedgerEntry.source, LedgerEntry.description, LedgerEntry.basis, LedgerEntry.counterparty)).all()
    lines: dict[tuple, SpendingLine] = {}
    for source, description, basis, counterparty, count, total, first in rows:
        if source == "transfer":
            # The counterparty of a transfer is a fund and its unit, not a person.
            purpose, kind = f"Chuyển sang {counterparty}" + (f": {description}" if description else ""), "transfer"
        else:
            # The purpose is shown, the recipient is not: a payment may support a named pupil.
            purpose = description or SOURCE_LABELS.get(source, source)
            kind = "payment" if source == "payment" else "other"
        line = lines.get((kind, purpose, basis))
        if line is None:
            lines[(kind, purpose, basis)] = SpendingLine(purpose, basis, int(count), int(total), kind, first)
        else:
            line.count += int(count)
            line.amount += int(total)
            line.first_date = min(line.first_date, first)
    return list(lines.values())
