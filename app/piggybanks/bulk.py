"""Many openings at once (a whole district's opening day, imports, seeding) under open_pig's rules.

Each count is checked by services.opening_values() exactly as one-by-one entry checks it; the
fund parts are posted with post_incomes_bulk (one phiếu thu each, numbered per unit and year);
every opening and every pig change leaves the audit entry that open_pig leaves.
"""
from sqlalchemy import insert, select, update

from app.audit.services import record_many
from app.core.refusal import Refusal
from app.extensions import db
from app.funds import services as funds

from .models import OPENED, PiggyBank, PiggyBankOpening
from .services import PiggyBankError, _ensure_open, opening_values

_CHUNK = 900  # under SQLite's bound-parameter limit


def _lock_all(pigs: list[PiggyBank]) -> None:
    """Lock the pig rows and reload them (see services._lock): a pig opened meanwhile is refused."""
    ids = [p.id for p in pigs]
    for i in range(0, len(ids), _CHUNK):
        # OF piggy_bank: PostgreSQL refuses to lock the outer-joined unit the pig loads with.
        db.session.execute(select(PiggyBank).where(PiggyBank.id.in_(ids[i:i + _CHUNK]))
                           .with_for_update(of=PiggyBank).execution_options(populate_existing=True)).all()


def open_many(items: list[tuple[PiggyBank, dict]]) -> list[int]:
    """items: (pig, keyword arguments of open_pig). Returns the new opening ids in order.

    All or nothing: the first refused count raises its refusal (with `.row`, its index) and
    the caller rolls back.
    """
    if not items:
        return []
    pigs = [pig for pig, _ in items]
    if len({p.id for p in pigs}) != len(pigs):
        raise PiggyBankError("Một heo có hai lần mổ trong cùng danh sách.", "amount")
    _lock_all(pigs)
    rows, befores = [], []
    for index, (pig, kw) in enumerate(items):
        try:
            values = opening_values(pig, **kw)
            if values["to_fund"] and pig.campaign_id:
                _ensure_open(pig.campaign, "amount")
        except Refusal as err:  # the rules of a count, or a closed campaign's
            err.row = index
            raise
        rows.append(dict(values, piggy_bank_id=pig.id, voided=False, void_reason=""))
        befores.append(pig.audit_dict())
    ids = list(db.session.scalars(insert(PiggyBankOpening).returning(PiggyBankOpening.id,
                                                                     sort_by_parameter_order=True), rows))
    # Fund parts, one bulk posting per fund (campaign's fund, else the pig's unit's Quỹ khuyến học).
    by_fund: dict[int, tuple] = {}
    default_funds: dict = {}
    for opening_id, (pig, _), row in zip(ids, items, rows):
        if not row["to_fund"]:
            continue
        fund = getattr(pig.campaign, "fund", None) if pig.campaign_id else None
        if fund is None:
            if pig.unit_id not in default_funds:
                default_funds[pig.unit_id] = funds.default_fund(pig.unit)
            fund = default_funds[pig.unit_id]
        by_fund.setdefault(fund.id, (fund, []))[1].append((opening_id, pig, row))
    entry_of: dict[int, int] = {}
    for fund, group in by_fund.values():
        try:
            entry_ids = funds.post_incomes_bulk(fund, [
                {"amount": row["to_fund"], "entry_date": row["opened_on"], "source": "piggy_bank",
                 "source_id": opening_id, "counterparty": pig.holder_name,
                 "description": f"Mổ heo đất khuyến học {pig.code} (lần {pig.cycle})"}
                for opening_id, pig, row in group])
        except funds.FundError as err:
            raise err.at("amount") from None  # the opening form's money field
        entry_of.update({opening_id: e for (opening_id, _, _), e in zip(group, entry_ids)})
    if entry_of:
        db.session.execute(update(PiggyBankOpening), [{"id": o, "ledger_entry_id": e} for o, e in entry_of.items()])
    for pig in pigs:
        pig.status = OPENED
    db.session.flush()
    record_many("create", "piggy_bank_opening", [
        (opening_id, row["unit_id"], {
            "piggy_bank_id": row["piggy_bank_id"], "cycle": row["cycle"], "date": row["opened_on"].isoformat(),
            "amount": row["amount"], "to_fund": row["to_fund"], "kept": row["kept"],
            "disposition": row["disposition"], "witnesses": [row["witness1"], row["witness2"]],
            "ledger_entry_id": entry_of.get(opening_id), "voided": False, "void_reason": ""})
        for opening_id, row in zip(ids, rows)])
    record_many("update", "piggy_bank", [(pig.id, pig.unit_id, pig.audit_dict(), before)
                                         for pig, before in zip(pigs, befores)])
    return ids


__all__ = ["open_many"]
