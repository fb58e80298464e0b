"""Books check: number series, published disclosure snapshots, amounts within the bound.

- series: phiếu thu PT / phiếu chi PC (ledger) and biên bản giao nhận GN / phiếu xuất XK (goods)
  are numbered per unit, kind and year of the entry date by app.funds.numbering's counter
  (DocumentCounter). Each series must run 1..N without a gap or a repeat, its counter must stand
  at N + 1 (a counter further on means a number was taken and its paper lost), each number's
  kind must match its direction and its year the entry's date, and every entry but a reversal
  carries a number. Register numbers (số sổ vàng) run 1..N per unit for ever
  (CommendationCounter "register"), every honoree of an issued decision has one and no draft's.
  Decision numbers ("15/QĐ-HKH") are typed by people, the counter only suggests them: not a series.
- snapshots: a published disclosure's snapshot still has the digest stored when it was published.
- bound: no amount above the largest amount the books accept (app.core.books).
"""
from __future__ import annotations

import re

from sqlalchemy import Integer, and_, case, cast, extract, func, literal_column, or_, select

from app.commendations.models import CommendationCounter, Decision, Honoree
from app.disclosure.models import Publication
from app.disclosure.snapshot import digest
from app.extensions import db
from app.funds.models import DocumentCounter, LedgerEntry
from app.units.models import Unit

from .findings import Finding, capped, listed, money

PATTERN = r"^[A-Z]{2}-[0-9]{4}-[0-9]{4,}$"
_PATTERN = re.compile(PATTERN)
SERIES = {"PT": "phiếu thu", "PC": "phiếu chi", "GN": "biên bản giao nhận hiện vật", "XK": "phiếu xuất hiện vật"}


def _one(n: int):
    return literal_column(str(n))  # no bind parameter: PostgreSQL must see GROUP BY = SELECT expressions


def _well_formed(num):
    """number matches PATTERN. SQLite's REGEXP calls back into Python for every row (3 s over a
    province's 200,000 numbers): GLOB says the same natively there."""
    if db.session.get_bind().dialect.name != "sqlite":
        return num.regexp_match(PATTERN)
    return and_(num.op("GLOB")(literal_column("'[A-Z][A-Z]-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]*'")),
                ~func.substr(num, _one(9)).op("GLOB")(literal_column("'*[^0-9]*'")))


def _unit_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())


def _series_of(model, kinds: dict[str, str], seen: dict, label: str) -> tuple[list[Finding], dict]:
    """Findings about the numbers of `model`'s entries and {(unit, kind, year): max number}."""
    num = model.number
    ok = _well_formed(num)
    kind = func.substr(num, _one(1), _one(2))
    year = func.substr(num, _one(4), _one(4))
    n = cast(func.substr(num, _one(9)), Integer)
    # No COUNT(DISTINCT): numbers are unique per unit (a constraint), so count = max and min = 1 is gap-free.
    rows = db.session.execute(select(model.unit_id, kind, year, func.count(), func.count(), func.min(n), func.max(n))
                              .where(num.is_not(None), ok).group_by(model.unit_id, kind, year)).all()
    seen[f"chứng từ đánh số ({label})"] = sum(int(r[3]) for r in rows)
    out, tops = [], {}
    table = model.__tablename__
    names = _unit_names(r[0] for r in rows)
    for unit_id, k, y, total, distinct, low, high in rows:
        tops[(unit_id, k, int(y))] = int(high)
        if k not in kinds:
            out.append(Finding("series", f"{total} chứng từ của {names.get(unit_id, unit_id)} mang ký hiệu lạ “{k}”.",
                               unit_id, f"{table}:series:{k}-{y}"))
        elif total != distinct or low != 1 or high != total:
            out.append(Finding("series", f"Dãy số {kinds[k]} {k}-{y} của {names.get(unit_id, unit_id)} không liên tục: "
                                         f"{total} số, từ {low} đến {high}"
                                         f"{', có số trùng' if total != distinct else ''}.",
                               unit_id, f"{table}:series:{k}-{y}"))
    direction_kind = case((model.direction == "in", list(kinds)[0]), else_=list(kinds)[1])
    bad = listed(select(model.id, model.unit_id, num, model.entry_date, model.reversal_of_id).where(or_(
        and_(num.is_not(None), ~ok),
        and_(num.is_not(None), ok, or_(kind != direction_kind,
                                        cast(year, Integer) != extract("year", model.entry_date))),
        and_(num.is_(None), model.reversal_of_id.is_(None), model.source != "adjustment"))).order_by(model.id))
    for eid, unit_id, number, day, rev in bad:
        if number is None:
            text = f"Chứng từ #{eid} (ngày {day:%d/%m/%Y}) không có số"
        elif not _PATTERN.match(number):
            text = f"Chứng từ #{eid} có số “{number}” sai dạng (phải như PT-2026-0001)"
        else:
            text = f"Chứng từ {number} ngày {day:%d/%m/%Y} mang số sai loại hoặc sai năm"
        out.append(Finding("series", text + ".", unit_id, f"{table}:{eid}"))
    return out, tops


def number_series(seen: dict) -> list[Finding]:
    """PT/PC and GN/XK: gap-free per unit, kind and year, and in step with their counters."""
    out, tops = _series_of(LedgerEntry, {"PT": SERIES["PT"], "PC": SERIES["PC"]}, seen, "sổ quỹ")
    try:
        from app.goods.models import GoodsEntry
    except ImportError:
        GoodsEntry = None
    if GoodsEntry is not None:
        more, goods_tops = _series_of(GoodsEntry, {"GN": SERIES["GN"], "XK": SERIES["XK"]}, seen, "sổ hiện vật")
        out += more
        tops.update(goods_tops)
    counters = db.session.execute(select(DocumentCounter.unit_id, DocumentCounter.kind, DocumentCounter.year,
                                         DocumentCounter.next_number)
                                  .where(DocumentCounter.kind.in_(list(SERIES)))).all()
    seen["dãy số chứng từ"] = len(counters)
    names = _unit_names([c[0] for c in counters] + [k[0] for k in tops])
    have = set()
    for unit_id, kind, year, next_number in counters:
        have.add((unit_id, kind, year))
        top = tops.get((unit_id, kind, year), 0)
        if next_number - 1 != top:
            out.append(Finding("series", f"Bộ đếm {SERIES[kind]} {kind}-{year} của {names.get(unit_id, unit_id)} đã cấp "
                                         f"tới số {next_number - 1} nhưng chứng từ lớn nhất là số {top}"
                                         f"{': có số đã cấp mà mất chứng từ' if next_number - 1 > top else ''}.",
                               unit_id, f"document_counter:{unit_id}:{kind}:{year}"))
    for (unit_id, kind, year), top in tops.items():
        if (unit_id, kind, year) not in have and kind in SERIES:
            out.append(Finding("series", f"Dãy số {kind}-{year} của {names.get(unit_id, unit_id)} có {top} chứng từ "
                                         "nhưng không có bộ đếm.", unit_id, f"document_counter:{unit_id}:{kind}:{year}"))
    return capped(out, "series", "dãy số")


def register_series(seen: dict) -> list[Finding]:
    """Số sổ vàng: 1..N per unit without gap or repeat, counter at N + 1; issued lists numbered, drafts not."""
    rows = db.session.execute(select(Honoree.unit_id, func.count(), func.count(func.distinct(Honoree.register_number)),
                                     func.min(Honoree.register_number), func.max(Honoree.register_number))
                              .where(Honoree.register_number.is_not(None)).group_by(Honoree.unit_id)).all()
    counters = dict(db.session.execute(select(CommendationCounter.unit_id, CommendationCounter.next_number)
                                       .where(CommendationCounter.kind == "register",
                                              CommendationCounter.year == 0)).all())
    seen["số sổ vàng"] = sum(int(r[1]) for r in rows)
    names = _unit_names(list(counters) + [r[0] for r in rows])
    out = []
    tops = {}
    for unit_id, total, distinct, low, high in rows:
        tops[unit_id] = high
        if total != distinct or low != 1 or high != total:
            out.append(Finding("series", f"Số sổ vàng của {names.get(unit_id, unit_id)} không liên tục: {total} số, "
                                         f"từ {low} đến {high}{', có số trùng' if total != distinct else ''}.",
                               unit_id, f"honoree:register:{unit_id}"))
    for unit_id in set(counters) | set(tops):
        top, issued = tops.get(unit_id, 0), counters.get(unit_id, 1) - 1
        if issued != top:
            out.append(Finding("series", f"Bộ đếm số sổ vàng của {names.get(unit_id, unit_id)} đã cấp tới số {issued} "
                                         f"nhưng số lớn nhất trong sổ là {top}.", unit_id,
                               f"commendation_counter:{unit_id}:register"))
    bad = listed(select(Honoree.id, Honoree.unit_id, Decision.number, Decision.status, Honoree.register_number)
                 .join(Decision, Decision.id == Honoree.decision_id)
                 .where(or_(and_(Decision.status == "issued", Honoree.register_number.is_(None)),
                            and_(Decision.status != "issued", Honoree.register_number.is_not(None))))
                 .order_by(Honoree.id))
    out += [Finding("series", f"Người được khen #{hid} của Quyết định {number} "
                              + ("đã ban hành nhưng chưa có số sổ vàng." if status == "issued"
                                 else f"còn là dự thảo mà đã có số sổ vàng {reg}."), unit_id, f"honoree:{hid}")
            for hid, unit_id, number, status, reg in bad]
    return capped(out, "series", "số sổ vàng")


def published_snapshots(seen: dict) -> list[Finding]:
    """Every stored disclosure snapshot still hashes to the digest stored when it was published."""
    out = []
    n = 0
    rows = db.session.execute(select(Publication.id, Publication.unit_id, Publication.year, Publication.snapshot,
                                     Publication.snapshot_digest)
                              .where(Publication.snapshot.is_not(None)).execution_options(yield_per=50))
    for pid, unit_id, year, data, stored in rows:
        n += 1
        if not stored:
            out.append(Finding("snapshot", f"Bản công khai năm {year} (#{pid}) không có dấu kiểm tra lưu lúc công bố.",
                               unit_id, f"disclosure_publication:{pid}"))
        elif digest(data) != stored:
            out.append(Finding("snapshot", f"Bản công khai năm {year} (#{pid}) đã bị thay đổi sau khi công bố: số liệu "
                                           "công chúng đang xem không còn là số liệu đã duyệt.", unit_id,
                               f"disclosure_publication:{pid}"))
    seen["bản công khai đã công bố"] = n
    return capped(out, "snapshot", "bản công khai")


def amounts_within_bound(seen: dict) -> list[Finding]:
    try:
        from app.core.books import amounts_over_bound, max_amount, money_columns
    except ImportError:
        return []
    rows = amounts_over_bound()
    seen["cột số tiền"] = len(money_columns())
    limit = max_amount()
    return capped([Finding("bound", f"{row.table}.{row.column} #{row.row_id}: {money(row.amount)} vượt mức tối đa "
                                    f"{money(limit)}.", _unit_of(row.table, row.row_id), f"{row.table}:{row.row_id}")
                   for row in rows], "bound", "số tiền")


def _unit_of(table: str, row_id: int) -> int | None:
    """The unit of a row, when its table has a unit_id (one small query per finding; findings are rare)."""
    t = db.metadata.tables.get(table)
    if t is None or "unit_id" not in t.c:
        return None
    return db.session.scalar(select(t.c.unit_id).where(list(t.primary_key.columns)[0] == row_id))


CHECKS = [
    ("Dãy số phiếu thu, phiếu chi, phiếu hiện vật liên tục và khớp bộ đếm", number_series),
    ("Số sổ vàng liên tục và khớp bộ đếm", register_series),
    ("Bản công khai đã công bố không bị sửa", published_snapshots),
    ("Số tiền trong giới hạn", amounts_within_bound),
]
