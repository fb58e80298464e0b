"""Entering many openings at once: an opening-day sheet, or pigs picked on the list (issue 14 A).

The pigs come from the list's bulk form (picked / all on this page / all N matching the filter,
app.core.selection) or from a unit's opening-day sheet; their ids travel with the form, so no row can be
invented and a pig opened meanwhile is refused, not skipped. Rows are plain form fields named
`p<pig id>-amount`, `-disposition`, `-kept`, `-w1`, `-w2`; a row with an empty amount is a pig not opened
that day. Three steps, nothing written before the last: the rows (each checked, every bad row gets its
reason), a confirmation page (how many, how much, the control total typed from the paper, which must
equal the counted sum), then one transaction through bulk.open_many.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.core.authz import MAX_ID
from app.core.refusal import Refusal
from app.extensions import db
from app.units.models import Unit
from app.vn.money import MoneyError, format_vnd, parse_money
from app.vn.text import clean

from . import bulk, services
from .models import ACTIVE, DISPOSITIONS, SPLIT, TO_FUND, PiggyBank

# Rows on one entry page: 5 boxes a row stay under the 1,000 form fields a request may carry
# (Werkzeug's default), and 150 counts is a long evening's paper already. More pigs: the page takes
# the first 150 and says so; once saved, the same choice brings the rest (they are still "đang nuôi").
MAX_ROWS = 150
FIELDS = ("amount", "disposition", "kept", "w1", "w2")


@dataclass
class Row:
    pig: PiggyBank
    raw: dict = field(default_factory=dict)  # what was typed, re-rendered on a 422
    amount: int | None = None
    to_fund: int = 0
    kept: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def filled(self) -> bool:
        return bool(self.raw.get("amount", "").strip())


def load_pigs(root: Unit, ids: list[int], *, active_only: bool = False) -> list[PiggyBank]:
    """The pigs of `ids` in the user's scope (`root` and below), in the order of `ids`."""
    if not ids:
        return []
    stmt = select(PiggyBank).join(PiggyBank.unit).where(PiggyBank.id.in_(ids), Unit.path.startswith(root.path))
    if active_only:
        stmt = stmt.where(PiggyBank.status == ACTIVE)
    found = {p.id: p for p in db.session.scalars(stmt)}
    return [found[i] for i in ids if i in found]


def pig_ids(formdata) -> list[int]:
    """The pigs of an entry page, carried as one hidden field "pigs" (comma-separated ids)."""
    out = []
    for part in (formdata.get("pigs") or "").split(","):
        part = part.strip()
        if part.isascii() and part.isdigit() and 0 < int(part) <= MAX_ID and int(part) not in out:
            out.append(int(part))
    return out[:MAX_ROWS]


def blank_rows(pigs: list[PiggyBank]) -> list[Row]:
    return [Row(pig, {"amount": "", "disposition": TO_FUND, "kept": "", "w1": "", "w2": ""}) for pig in pigs]


def read_rows(pigs: list[PiggyBank], formdata, default_w1: str = "", default_w2: str = "") -> list[Row]:
    """Parse and check each row (without writing); errors are attached to the rows."""
    rows = []
    for pig in pigs:
        p = f"p{pig.id}-"
        raw = {k: clean(formdata.get(p + k, "") or "") for k in FIELDS}
        row = Row(pig, raw)
        rows.append(row)
        if not row.filled:
            continue
        try:
            row.amount = parse_money(raw["amount"])
        except MoneyError as err:
            row.errors.append(f"Số đếm được: {err}")
            continue
        disposition = raw["disposition"] if raw["disposition"] in DISPOSITIONS else ""
        kept = None
        if disposition == SPLIT:
            try:
                kept = parse_money(raw["kept"]) if raw["kept"] else None
            except MoneyError as err:
                row.errors.append(f"Số giữ lại: {err}")
                continue
        try:
            row.to_fund, row.kept = services.split_amounts(
                row.amount, disposition, None if kept is None else row.amount - kept, kept)
        except services.PiggyBankError as err:
            row.errors.append(str(err))
        if not (raw["w1"] or default_w1) or not (raw["w2"] or default_w2):
            row.errors.append("Thiếu tên người chứng kiến.")
    return rows


@dataclass
class Totals:
    count: int = 0
    counted: int = 0
    to_fund: int = 0
    kept: int = 0


def totals(rows: list[Row]) -> Totals:
    """The figures of the confirmation page: filled rows only."""
    t = Totals()
    for r in rows:
        if r.filled and r.amount is not None:
            t.count += 1
            t.counted += r.amount
            t.to_fund += r.to_fund
            t.kept += r.kept
    return t


def carry(rows: list[Row]) -> list[tuple[str, str]]:
    """Hidden fields repeating the filled rows on the confirmation page (blank rows are not sent)."""
    return [(f"p{r.pig.id}-{k}", r.raw.get(k, "")) for r in rows if r.filled for k in FIELDS]


def check_total(rows: list[Row], control_total: int) -> str:
    """"" when the filled rows add up to the control total, else the message beside that field."""
    counted = totals(rows).counted
    if not any(r.filled for r in rows):
        return "Chưa có dòng nào được nhập số tiền."
    if counted != control_total:
        return (f"Tổng các dòng là {format_vnd(counted)}, khác tổng kiểm tra {format_vnd(control_total)} "
                f"(chênh {format_vnd(abs(counted - control_total))}). Chưa lưu dòng nào.")
    return ""


def save(rows: list[Row], opened_on: date, default_w1: str, default_w2: str) -> list[int]:
    """Record every filled row in one go (call only when the rows are valid and the total matches).

    All or nothing: a row refused by the service (e.g. the pig was opened meanwhile) gets the reason
    and the refusal goes on (to the top of the page) so the view rolls the whole batch back.
    """
    filled = [r for r in rows if r.filled]
    items = [(r.pig, dict(opened_on=opened_on, amount=r.amount, to_fund=r.to_fund, kept=r.kept,
                          disposition=r.raw["disposition"] if r.raw["disposition"] in DISPOSITIONS else TO_FUND,
                          witness1=r.raw["w1"] or default_w1, witness2=r.raw["w2"] or default_w2))
             for r in filled]
    try:
        return bulk.open_many(items)
    except Refusal as err:
        index = getattr(err, "row", None)
        if index is not None:
            filled[index].errors.append(str(err))
        raise err.at(None) from None  # the fields named are a row's, not the batch form's: the top of the page


__all__ = ["Row", "Totals", "MAX_ROWS", "load_pigs", "pig_ids", "blank_rows", "read_rows", "totals", "carry",
           "check_total", "save"]
