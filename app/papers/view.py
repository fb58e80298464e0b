"""A paper as the public verification page shows it (PublicView), and the registry of describers.

One describer per kind of paper (app.papers.kinds), registered with `@describer(kind)`: a function
of the record id answering a PublicView or None. Member cards (issue 19) add one such function to
app/papers/kinds.py; until then a member_card code answers "not found".

A PublicView holds only what a stranger may see: the kind of paper, the issuing unit (and its
parent), number and date, a title or an amount, the name masked (app.papers.masking) and the status.
It never carries birth dates, addresses, phones, circumstances, notes, reasons or descriptions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from app.units.models import Unit
from app.vn.dates import short_date

from . import codes

VALID, VOIDED, REPLACED, DRAFT = "valid", "voided", "replaced", "draft"
# The badge's colour per status (templates/papers/_verify.html): green, red, amber, amber.
TONES = {VALID: "ok", VOIDED: "bad", REPLACED: "warn", DRAFT: "warn"}
LABELS = {
    "certificate": "Giấy khen",
    "receipt": "Phiếu thu",
    "voucher": "Phiếu chi",
    "goods_in": "Biên bản giao nhận hiện vật",
    "goods_out": "Phiếu xuất hiện vật",
    "decision": "Quyết định khen thưởng",
    "decision_list": "Danh sách kèm theo quyết định",
    "payout_sheet": "Danh sách ký nhận học bổng",
    "member_card": "Thẻ hội viên",
}


@dataclass(frozen=True)
class PublicView:
    """One paper as a stranger may see it. `rows` are (label, value) pairs shown in order."""

    kind: str
    label: str                      # "Phiếu thu", "Giấy khen", "Giấy chứng nhận"
    unit: str                       # the issuing unit's name
    parent: str = ""                # its parent unit's name ("" for the top unit)
    number: str = ""                # "PT-2026-0001", "12/QĐ-HKH"
    issued_on: date | None = None
    name: str = ""                  # masked, or a collective's whole name
    name_label: str = ""            # "Người nộp tiền", "Người được khen"
    rows: tuple[tuple[str, str], ...] = ()
    status: str = VALID
    status_text: str = "Còn hiệu lực"
    status_note: str = ""           # "Hủy bằng bút toán điều chỉnh ...", "bởi Quyết định số ..."

    @property
    def tone(self) -> str:
        return TONES.get(self.status, "warn")

    @property
    def date_text(self) -> str:
        return short_date(self.issued_on)

    def text(self) -> str:
        """Every shown value in one string (tests look for what must and must not be there)."""
        parts = [self.label, self.unit, self.parent, self.number, self.date_text, self.name, self.status_text,
                 self.status_note] + [f"{k}: {v}" for k, v in self.rows]
        return "\n".join(p for p in parts if p)


def voided(on: date | None, note: str = "") -> dict:
    """The status fields of a voided paper: "Đã hủy ngày 05/02/2026"."""
    return {"status": VOIDED, "status_text": f"Đã hủy ngày {short_date(on)}" if on else "Đã hủy",
            "status_note": note}


def draft() -> dict:
    return {"status": DRAFT, "status_text": "Dự thảo, chưa ban hành",
            "status_note": "Quyết định này chưa được ký ban hành: giấy tờ in từ bản dự thảo chưa có giá trị."}


def unit_names(unit: Unit | None) -> dict:
    """{"unit": name, "parent": parent's name}: the parent is loaded with the unit (joinedload) by the
    describers, so this reads no more rows."""
    if unit is None:
        return {"unit": "", "parent": ""}
    return {"unit": unit.name, "parent": unit.parent.name if unit.parent is not None else ""}


Describer = Callable[[int], "PublicView | None"]
DESCRIBERS: dict[str, Describer] = {}


def describer(kind: str):
    """Register the function describing papers of `kind` (a key of codes.KINDS)."""
    if kind not in codes.KINDS:
        raise ValueError(f"unknown kind of paper {kind!r}")

    def add(fn: Describer) -> Describer:
        DESCRIBERS[kind] = fn
        return fn

    return add
