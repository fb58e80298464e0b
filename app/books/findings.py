"""What the books check reports and the small helpers every check module shares (app.books.checks
runs them): a Finding per thing that is wrong, the Report of a run, and the capped, set-based
queries the checks are written with."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.funds.models import IN, LedgerEntry
from app.vn.money import format_vnd

ADJUSTMENT = "adjustment"  # a correction of a closed period's entry (app.periods, funds.services.correct)
MAX_LISTED = 200  # findings listed per check; more of the same kind are summed up in one line
KINDS = {
    "balance": "Số dư quỹ",
    "owner": "Bút toán và chứng từ gốc",
    "goods": "Sổ hiện vật",
    "series": "Dãy số chứng từ",
    "snapshot": "Bản công khai đã công bố",
    "bound": "Số tiền vượt giới hạn",
    "error": "Lỗi khi kiểm tra",
}


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of KINDS
    message: str  # Vietnamese, says what is wrong and where
    unit_id: int | None = None
    ref: str = ""  # "table:id" of the record to look at

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # what was checked: label -> how many
    checks: dict[str, int] = field(default_factory=dict)  # the invariants run: name -> findings
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.findings

    def by_kind(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            out.setdefault(f.kind, []).append(f)
        return out


# ---- helpers shared by the check modules --------------------------------------------------------

def money(value) -> str:
    return format_vnd(int(value or 0))


def listed(stmt) -> list:
    """The first MAX_LISTED + 1 rows of a query of wrong things (one more tells "there are more")."""
    return db.session.execute(stmt.limit(MAX_LISTED + 1)).all()


def capped(findings: list[Finding], kind: str, what: str) -> list[Finding]:
    """At most MAX_LISTED findings of one check, then one line saying more were left out."""
    if len(findings) <= MAX_LISTED:
        return findings
    return findings[:MAX_LISTED] + [Finding(kind, f"Còn thêm {what} khác cùng loại (chỉ liệt kê {MAX_LISTED} "
                                              "vấn đề đầu tiên).")]


def count(model_or_col, *where) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model_or_col).where(*where)) or 0)


def entry_name(number, entry_id) -> str:
    return f"bút toán {number}" if number else f"bút toán hủy #{entry_id}"


def live_ledger(source: str, amount=LedgerEntry.amount):
    """A subquery: per source_id, the live (not reversed, not a reversal) entries of `source`:
    owner_id, n, total, entry_id (the lowest id), direction_ok (all of them in the expected
    direction is checked by the caller with n_in / n_out)."""
    r = aliased(LedgerEntry)
    le = LedgerEntry
    return (select(le.source_id.label("owner_id"), func.count().label("n"), func.sum(amount).label("total"),
                   func.min(le.id).label("entry_id"),
                   func.sum(case((le.direction == IN, 1), else_=0)).label("n_in"))
            .select_from(le).outerjoin(r, r.reversal_of_id == le.id)
            .where(le.source == source, le.reversal_of_id.is_(None), r.id.is_(None))
            .group_by(le.source_id).subquery())


def orphans(source: str, owner_model, label: str, book=LedgerEntry, direct_ok: bool = False) -> list[Finding]:
    """Entries of `source` whose source_id names no record of the owner's table.

    direct_ok: an entry naming no record at all (source_id NULL) is the book's own, not an orphan:
    an income posted straight to the ledger ("thu khác", e.g. a fund handed over with its balance),
    which the reports count as other income (app.reports.figures)."""
    rows = listed(select(book.id, book.unit_id, book.number).where(
        book.source == source, book.reversal_of_id.is_(None),
        *([book.source_id.is_not(None)] if direct_ok else []),
        ~exists().where(owner_model.id == book.source_id)).order_by(book.id))
    what = "Bút toán" if book is LedgerEntry else "Phiếu hiện vật"
    kind = "owner" if book is LedgerEntry else "goods"
    return capped([Finding(kind, f"{what} {number or '#' + str(eid)} ghi nguồn “{source}” nhưng không gắn với "
                                 f"{label} nào.", unit_id, f"{book.__tablename__}:{eid}")
                   for eid, unit_id, number in rows], kind, "bút toán không có chứng từ gốc")
