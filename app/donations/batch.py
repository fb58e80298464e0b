"""Batch entry of a paper collection sheet: all rows or nothing, checked against the paper's total."""
from dataclasses import dataclass, field

from app.core import books
from app.vn.money import MoneyError, parse_money
from app.vn.text import clean

from . import services
from .donor_services import find_or_create_donor
from .donors import DONOR_KINDS
from .models import IN_KIND, METHODS

ROW_FIELDS = ("name", "kind", "address", "amount", "method", "note", "anonymous")
DEFAULT_ROWS = 10
MAX_ROWS = 200


@dataclass
class Row:
    index: int
    values: dict
    amount: int | None = None
    errors: list = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not any((self.values.get(k) or "").strip() for k in ("name", "address", "amount", "note"))


def read_rows(formdata, count: int) -> list[Row]:
    """Rows rows-0-* … rows-(count-1)-* from the posted form, NFC-cleaned."""
    rows = []
    for i in range(min(max(count, 1), MAX_ROWS)):
        values = {k: clean(formdata.get(f"rows-{i}-{k}", "") or "") for k in ROW_FIELDS}
        values["kind"] = values["kind"] or "person"
        values["method"] = values["method"] or "cash"
        values["anonymous"] = "1" if values["anonymous"] else ""  # a checkbox: "1" when ticked
        rows.append(Row(i, values))
    return rows


def blank_rows(count: int) -> list[Row]:
    return [Row(i, {"kind": "person", "method": "cash"}) for i in range(min(max(count, 1), MAX_ROWS))]


def check(rows: list[Row]) -> list[Row]:
    """Mark each non-blank row's problems; return the rows to save (non-blank)."""
    filled = [r for r in rows if not r.blank]
    for r in filled:
        v = r.values
        if not v["name"] and v["kind"] != "anonymous":
            r.errors.append("Thiếu họ tên.")
        if v["kind"] not in DONOR_KINDS:
            r.errors.append("Loại người đóng góp không hợp lệ.")
        if v["method"] not in METHODS or v["method"] == IN_KIND:
            r.errors.append("Hình thức chỉ nhận tiền mặt hoặc chuyển khoản (hiện vật ghi ở trang nhập từng khoản).")
        try:
            r.amount = parse_money(v["amount"])
            if r.amount <= 0:
                r.amount = None
                r.errors.append("Số tiền phải lớn hơn 0.")
            elif r.amount > books.max_amount():
                r.errors.append(books.amount_message())
                r.amount = None
        except MoneyError as err:
            r.errors.append(str(err))
    return filled


def record_sheet(campaign, rows: list[Row], *, donation_date, collector_name: str = "",
                 collector_unit=None):
    """Record every checked row of one sheet (all or nothing: the caller commits or rolls back);
    returns the first donation."""
    saved = []
    for r in rows:
        v = r.values
        donor = find_or_create_donor(campaign.unit, v["name"], v["kind"], v["address"])
        saved.append(services.record_donation(campaign, donor, r.amount, donation_date=donation_date,
                                              method=v["method"], collector_name=collector_name,
                                              collector_unit=collector_unit, note=v["note"],
                                              anonymous=v["anonymous"] == "1"))
    return saved[0]
