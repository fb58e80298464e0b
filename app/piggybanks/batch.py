"""Batch entry of an opening-day sheet: one row per pig on the sheet, a control total from the paper.

Rows are read from plain form fields named `p<pig id>-amount`, `-disposition`, `-kept`, `-w1`, `-w2`
(the sheet's pigs are known, so no row can be invented). A row with an empty amount is a pig not
opened that day. Nothing is saved unless every filled row is valid AND the counted amounts add up
to the control total typed from the paper; otherwise every bad row gets its reason.
"""
from dataclasses import dataclass, field
from datetime import date

from app.vn.money import MoneyError, format_vnd, parse_money
from app.vn.text import clean

from . import services
from .models import DISPOSITIONS, SPLIT, TO_FUND, PiggyBank


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


def blank_rows(pigs: list[PiggyBank]) -> list[Row]:
    return [Row(pig, {"amount": "", "disposition": TO_FUND, "kept": "", "w1": "", "w2": ""}) for pig in pigs]


def read_rows(pigs: list[PiggyBank], formdata, default_w1: str = "", default_w2: str = "") -> list[Row]:
    """Parse and check each row (without writing); errors are attached to the rows."""
    rows = []
    for pig in pigs:
        p = f"p{pig.id}-"
        raw = {k: clean(formdata.get(p + k, "") or "") for k in ("amount", "disposition", "kept", "w1", "w2")}
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


def check_total(rows: list[Row], control_total: int) -> str:
    """"" when the filled rows add up to the control total, else the message for the top of the form."""
    counted = sum(r.amount or 0 for r in rows if r.filled and r.amount is not None)
    if not any(r.filled for r in rows):
        return "Chưa có dòng nào được nhập số tiền."
    if counted != control_total:
        return (f"Tổng các dòng là {format_vnd(counted)}, khác tổng ghi trên phiếu {format_vnd(control_total)} "
                f"(chênh {format_vnd(abs(counted - control_total))}). Chưa lưu dòng nào.")
    return ""


def save(rows: list[Row], opened_on: date, default_w1: str, default_w2: str) -> list:
    """Record every filled row (call only when the rows are valid and the total matches).

    A row refused by the service (e.g. the pig was opened meanwhile) gets the reason and the
    PiggyBankError is re-raised so the view rolls the whole batch back.
    """
    openings = []
    for row in rows:
        if not row.filled:
            continue
        disposition = row.raw["disposition"] if row.raw["disposition"] in DISPOSITIONS else TO_FUND
        try:
            openings.append(services.open_pig(
                row.pig, opened_on=opened_on, amount=row.amount, disposition=disposition,
                to_fund=row.to_fund, kept=row.kept, witness1=row.raw["w1"] or default_w1,
                witness2=row.raw["w2"] or default_w2))
        except services.PiggyBankError as err:
            row.errors.append(str(err))
            raise
    return openings


__all__ = ["Row", "blank_rows", "read_rows", "check_total", "save"]
