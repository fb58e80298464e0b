"""The books check: every invariant of the money and goods books, across domains, in one run.

Each invariant is a function `check(seen) -> list[Finding]`: it counts what it looked at into
`seen` (a label -> number dict, printed by `flask books-check`) and returns one Finding per thing
that is wrong, with a Vietnamese message, the unit it concerns and a reference ("donation:12").
Every check is set-based SQL (a few aggregate queries over whole tables, never a query per row),
so a province of 200,000 gifts is checked in seconds; only the rows that are wrong come back.

The invariants (see checks_goods.py and checks_series.py for the rest):
- funds: every fund's balance as the app computes it equals the sum of its entries, is never
  below zero, and never went below zero at any entry (in the order entries were written);
- owners: every ledger entry has a live owner (app.books.owners) and every owner's state matches
  its entries: a live gift of money has exactly one live income of its amount, a voided gift
  none; a counted pig's fund part exactly one, a paid award exactly one payment of its amount
  and an unpaid one none; a paid prize (pointer set) exactly one, an unpaid one none; every
  reversal voids an entry of the same fund in the other direction for the same amount; transfer
  legs come in pairs of equal amount, voided together;
- goods, number series, published snapshots and amounts within the bound: the other modules.

run_all() runs them all inside one read transaction (REPEATABLE READ on PostgreSQL, a WAL
snapshot on SQLite), so a write committed meanwhile cannot make the figures disagree; a check
that fails outright becomes a finding of its own instead of stopping the run.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.funds.models import IN, OUT, Fund, LedgerEntry
from app.vn.money import format_vnd

log = logging.getLogger(__name__)

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


def orphans(source: str, owner_model, label: str, book=LedgerEntry) -> list[Finding]:
    """Entries of `source` whose source_id names no record of the owner's table."""
    rows = listed(select(book.id, book.unit_id, book.number).where(
        book.source == source, book.reversal_of_id.is_(None),
        ~exists().where(owner_model.id == book.source_id)).order_by(book.id))
    what = "Bút toán" if book is LedgerEntry else "Phiếu hiện vật"
    kind = "owner" if book is LedgerEntry else "goods"
    return capped([Finding(kind, f"{what} {number or '#' + str(eid)} ghi nguồn “{source}” nhưng không gắn với "
                                 f"{label} nào.", unit_id, f"{book.__tablename__}:{eid}")
                   for eid, unit_id, number in rows], kind, "bút toán không có chứng từ gốc")


# ---- funds --------------------------------------------------------------------------------------

_SIGNED = case((LedgerEntry.direction == IN, LedgerEntry.amount), else_=-LedgerEntry.amount)


def fund_balances(seen: dict) -> list[Finding]:
    """Every fund's balance (as app.funds.services computes it) = its incomes - its payments, >= 0,
    and no entry of the fund belongs to another unit than the fund's."""
    from app.funds import services as funds

    rows = db.session.execute(
        select(Fund.id, Fund.unit_id, Fund.name,
               func.coalesce(func.sum(case((LedgerEntry.direction == IN, LedgerEntry.amount), else_=0)), 0),
               func.coalesce(func.sum(case((LedgerEntry.direction == OUT, LedgerEntry.amount), else_=0)), 0),
               func.count(LedgerEntry.id))
        .select_from(Fund).outerjoin(LedgerEntry, LedgerEntry.fund_id == Fund.id)
        .group_by(Fund.id, Fund.unit_id, Fund.name)).all()
    app_balance = funds.balances([r[0] for r in rows])
    seen["quỹ"] = len(rows)
    seen["bút toán sổ quỹ"] = sum(int(r[5]) for r in rows)
    out = []
    for fid, unit_id, name, income, spending, _n in rows:
        income, spending = int(income), int(spending)
        if app_balance.get(fid, 0) != income - spending:
            out.append(Finding("balance", f"Quỹ “{name}”: số dư phần mềm tính ra {money(app_balance.get(fid))} "
                                          f"khác tổng thu trừ tổng chi {money(income - spending)}.", unit_id, f"fund:{fid}"))
        if income - spending < 0:
            out.append(Finding("balance", f"Quỹ “{name}” bị âm: thu {money(income)}, chi {money(spending)}, "
                                          f"số dư {money(income - spending)}.", unit_id, f"fund:{fid}"))
    stray = listed(select(LedgerEntry.id, LedgerEntry.number, LedgerEntry.unit_id, Fund.name, Fund.unit_id)
                   .join(Fund, Fund.id == LedgerEntry.fund_id).where(LedgerEntry.unit_id != Fund.unit_id))
    out += [Finding("balance", f"{entry_name(number, eid).capitalize()} thuộc quỹ “{name}” nhưng ghi cho một "
                               "đơn vị khác đơn vị của quỹ.", fund_unit, f"ledger_entry:{eid}")
            for eid, number, _unit, name, fund_unit in stray]
    return capped(out, "balance", "quỹ")


def fund_never_negative(seen: dict) -> list[Finding]:
    """Running balance of each fund, entry by entry in the order written (id), never below zero:
    every write that lowers a balance checks it under the fund's lock, so a dip means an entry
    that went round the rules (or a data migration that did)."""
    running = select(LedgerEntry.fund_id.label("fund_id"), LedgerEntry.id.label("id"),
                     func.sum(_SIGNED).over(partition_by=LedgerEntry.fund_id, order_by=LedgerEntry.id)
                     .label("balance")).subquery()
    first = (select(running.c.fund_id, func.min(running.c.id).label("first_id"))
             .where(running.c.balance < 0).group_by(running.c.fund_id).subquery())
    rows = listed(select(first.c.fund_id, first.c.first_id, Fund.name, Fund.unit_id, LedgerEntry.number,
                         LedgerEntry.entry_date)
                  .join(Fund, Fund.id == first.c.fund_id).join(LedgerEntry, LedgerEntry.id == first.c.first_id)
                  .order_by(first.c.fund_id))
    seen["số dư lũy kế theo từng bút toán"] = seen.get("bút toán sổ quỹ", 0)
    return capped([Finding("balance", f"Quỹ “{name}” bị âm ngay sau {entry_name(number, eid)} ngày "
                                      f"{day:%d/%m/%Y}: một khoản chi hoặc hủy thu đã vượt số dư lúc ghi.",
                           unit_id, f"ledger_entry:{eid}")
                   for _fid, eid, name, unit_id, number, day in rows], "balance", "quỹ")


# ---- owners of ledger entries -------------------------------------------------------------------

def ledger_sources(seen: dict) -> list[Finding]:
    """Every entry's source is one the code defines and the owners registry covers."""
    from app.books import owners

    known = [s for s in owners.sources(owners.LEDGER) if owners.owner_for(s, owners.LEDGER) is not None]
    rows = listed(select(LedgerEntry.id, LedgerEntry.unit_id, LedgerEntry.number, LedgerEntry.source)
                  .where(LedgerEntry.source.not_in(known)).order_by(LedgerEntry.id))
    seen["nguồn bút toán"] = len(known)
    return capped([Finding("owner", f"{entry_name(number, eid).capitalize()} có nguồn “{source}” không thuộc "
                                    "nguồn nào phần mềm biết.", unit_id, f"ledger_entry:{eid}")
                   for eid, unit_id, number, source in rows], "owner", "bút toán")


def reversals(seen: dict) -> list[Finding]:
    """Every reversal voids an entry of the same fund, in the other direction, for the same amount,
    that is not itself a reversal; reversals carry no number; source "reversal" iff reversal_of_id."""
    r, o = LedgerEntry, aliased(LedgerEntry)
    rows = listed(select(r.id, r.unit_id, o.id, o.number, r.source, r.reversal_of_id)
                  .outerjoin(o, o.id == r.reversal_of_id)
                  .where(or_(r.reversal_of_id.is_not(None), r.source == "reversal"))
                  .where(or_(o.id.is_(None), r.source != "reversal", o.source == "reversal",
                             o.reversal_of_id.is_not(None), o.fund_id != r.fund_id, o.direction == r.direction,
                             o.amount != r.amount, r.number.is_not(None)))
                  .order_by(r.id))
    seen["bút toán hủy"] = count(LedgerEntry, LedgerEntry.reversal_of_id.is_not(None))
    out = []
    for rid, unit_id, oid, onumber, source, of_id in rows:
        if of_id is None or oid is None:
            text = "không chỉ tới bút toán nào" if of_id is None else f"chỉ tới bút toán #{of_id} không tồn tại"
            out.append(Finding("owner", f"Bút toán hủy #{rid} {text}.", unit_id, f"ledger_entry:{rid}"))
        else:
            out.append(Finding("owner", f"Bút toán hủy #{rid} không khớp {entry_name(onumber, oid)} mà nó hủy "
                                        "(phải cùng quỹ, ngược chiều, cùng số tiền, không đánh số, nguồn "
                                        f"“reversal”; đang ghi nguồn “{source}”).", unit_id, f"ledger_entry:{rid}"))
    return capped(out, "owner", "bút toán hủy")


def donations_money(seen: dict) -> list[Finding]:
    """A live gift of money has exactly one live income of its amount (Donation.entry_id points at it);
    a voided gift, and a gift in kind, none (a voided gift has its reversal)."""
    from app.donations.models import IN_KIND, Donation

    live = live_ledger("donation")
    n = func.coalesce(live.c.n, 0)
    money_gift = and_(Donation.voided_at.is_(None), Donation.method != IN_KIND)
    rows = listed(select(Donation.id, Donation.unit_id, Donation.amount, Donation.voided_at, Donation.method,
                         n, live.c.total, live.c.entry_id, live.c.n_in, Donation.entry_id)
                  .outerjoin(live, live.c.owner_id == Donation.id)
                  .where(case((money_gift, or_(n != 1, live.c.total != Donation.amount, live.c.n_in != 1,
                                               Donation.entry_id.is_(None), Donation.entry_id != live.c.entry_id)),
                              else_=n != 0))
                  .order_by(Donation.id))
    seen["khoản đóng góp"] = count(Donation)
    out = []
    for did, unit_id, amount, voided_at, method, n_live, total, entry_id, n_in, pointer in rows:
        ref = f"donation:{did}"
        if voided_at is not None:
            out.append(Finding("owner", f"Khoản đóng góp #{did} đã hủy nhưng còn {n_live} phiếu thu chưa có bút "
                                        f"toán hủy ({money(total)}).", unit_id, ref))
        elif method == IN_KIND:
            out.append(Finding("owner", f"Khoản đóng góp hiện vật #{did} vẫn còn {n_live} phiếu thu tiền trong sổ "
                                        f"quỹ ({money(total)}): hiện vật không phải tiền mặt.", unit_id, ref))
        elif n_live != 1:
            out.append(Finding("owner", f"Khoản đóng góp #{did} ({money(amount)}) có {n_live} phiếu thu còn hiệu lực, "
                                        "cần đúng một.", unit_id, ref))
        else:
            out.append(Finding("owner", f"Khoản đóng góp #{did} ({money(amount)}) không khớp phiếu thu của nó "
                                        f"(bút toán #{entry_id}: {money(total)}, "
                                        f"{'thu' if n_in == 1 else 'chi'}; chứng từ trỏ tới #{pointer}).",
                               unit_id, ref))
    out = capped(out, "owner", "khoản đóng góp")
    return out + orphans("donation", Donation, "khoản đóng góp")


def piggy_openings(seen: dict) -> list[Finding]:
    """A standing count with a fund part has exactly one live income of that part (ledger_entry_id);
    a voided count, or one kept whole by the family, none."""
    from app.piggybanks.models import PiggyBankOpening as O

    live = live_ledger("piggy_bank")
    n = func.coalesce(live.c.n, 0)
    to_fund = and_(O.voided.is_(False), O.to_fund > 0)
    rows = listed(select(O.id, O.unit_id, O.to_fund, O.voided, n, live.c.total, live.c.entry_id, O.ledger_entry_id)
                  .outerjoin(live, live.c.owner_id == O.id)
                  .where(case((to_fund, or_(n != 1, live.c.total != O.to_fund, live.c.n_in != 1,
                                            O.ledger_entry_id.is_(None), O.ledger_entry_id != live.c.entry_id)),
                              else_=n != 0))
                  .order_by(O.id))
    seen["lần mổ heo"] = count(O)
    out = []
    for oid, unit_id, part, voided, n_live, total, entry_id, pointer in rows:
        ref = f"piggy_bank_opening:{oid}"
        if voided:
            text = f"đã hủy nhưng còn {n_live} phiếu thu chưa có bút toán hủy ({money(total)})"
        elif not part:
            text = f"không có phần nộp quỹ nhưng có {n_live} phiếu thu ({money(total)})"
        else:
            text = (f"có phần nộp quỹ {money(part)} nhưng {n_live} phiếu thu còn hiệu lực ({money(total)}), "
                    f"chứng từ trỏ tới #{pointer}, cần đúng một phiếu thu của số tiền đó")
        out.append(Finding("owner", f"Lần mổ heo #{oid} {text}.", unit_id, ref))
    return capped(out, "owner", "lần mổ heo") + orphans("piggy_bank", O, "lần mổ heo đất")


def scholarship_payments(seen: dict) -> list[Finding]:
    """A paid award with money has exactly one live payment of its amount (paid_entry_id); an unpaid
    award (or one paid in goods only) none, and no pointer."""
    from app.scholarships.models import Nomination as N

    live = live_ledger("scholarship")
    n = func.coalesce(live.c.n, 0)
    paid_money = and_(N.paid_on.is_not(None), N.amount > 0)
    rows = listed(select(N.id, N.unit_id, N.amount, N.paid_on, n, live.c.total, live.c.entry_id, N.paid_entry_id)
                  .outerjoin(live, live.c.owner_id == N.id)
                  .where(case((paid_money, or_(n != 1, live.c.total != N.amount, live.c.n_in != 0,
                                               N.paid_entry_id.is_(None), N.paid_entry_id != live.c.entry_id)),
                              else_=or_(n != 0, N.paid_entry_id.is_not(None))))
                  .order_by(N.id))
    seen["suất học bổng"] = count(N)
    out = []
    for nid, unit_id, amount, paid_on, n_live, total, entry_id, pointer in rows:
        if paid_on is None:
            text = (f"chưa chi trả nhưng có {n_live} phiếu chi còn hiệu lực ({money(total)})"
                    + (f" và vẫn trỏ tới bút toán #{pointer}" if pointer else ""))
        elif not amount:
            text = f"chi trả không bằng tiền nhưng có {n_live} phiếu chi ({money(total)})"
        else:
            text = (f"đã chi trả {money(amount)} nhưng có {n_live} phiếu chi còn hiệu lực ({money(total)}), "
                    f"chứng từ trỏ tới #{pointer}, cần đúng một phiếu chi của số tiền đó")
        out.append(Finding("owner", f"Suất học bổng #{nid} {text}.", unit_id, f"nomination:{nid}"))
    from app.scholarships.models import Nomination

    return capped(out, "owner", "suất học bổng") + orphans("scholarship", Nomination, "suất học bổng")


def prize_payments(seen: dict) -> list[Finding]:
    """Prize money (app.commendations.prizes): a target (an honoree in "each" mode, the decision in
    "total" mode) is paid while it points at its live phiếu chi: that entry must be a live "prize"
    payment naming the target, of the target's amount; every live prize payment must be pointed at
    by its target; a voided one must name an honoree or decision that exists."""
    from app.commendations.models import Decision, Honoree

    le = LedgerEntry
    r = aliased(LedgerEntry)
    out = []
    decision_totals = (select(Honoree.decision_id.label("did"), func.sum(Honoree.amount).label("total"))
                       .group_by(Honoree.decision_id).subquery())
    # 1. pointers: each must be a live prize payment naming its holder, for the right amount.
    for model, amount, mode_ok, label, table in (
            (Honoree, Honoree.amount, Decision.payment_mode != "total", "Người được khen", "honoree"),
            (Decision, func.coalesce(decision_totals.c.total, 0), Decision.payment_mode == "total",
             "Quyết định khen thưởng", "commendation_decision")):
        stmt = select(model.id, model.unit_id, model.payment_entry_id, amount, le.id, le.amount, le.number)
        stmt = (stmt.select_from(model).join(Decision, Decision.id == Honoree.decision_id) if model is Honoree
                else stmt.select_from(Decision).outerjoin(decision_totals, decision_totals.c.did == Decision.id))
        stmt = (stmt.outerjoin(le, le.id == model.payment_entry_id).outerjoin(r, r.reversal_of_id == le.id)
                .where(model.payment_entry_id.is_not(None))
                .where(or_(le.id.is_(None), le.source != "prize", le.source_id != model.id, le.direction != OUT,
                           le.reversal_of_id.is_not(None), r.id.is_not(None), le.amount != amount,
                           ~mode_ok, Decision.status != "issued")))
        for oid, unit_id, pointer, want, eid, got, number in listed(stmt.order_by(model.id)):
            out.append(Finding("owner", f"{label} #{oid} ghi đã chi tiền thưởng {money(want)} bằng bút toán #{pointer}, "
                                        f"nhưng bút toán đó {'không tồn tại' if eid is None else f'({number}, {money(got)}) đã bị hủy, sai số tiền hoặc không phải phiếu chi thưởng của nó'}.",
                               unit_id, f"{table}:{oid}"))
    # 2. every live prize payment is pointed at by the honoree or decision it names.
    h, d = aliased(Honoree), aliased(Decision)
    rows = listed(select(le.id, le.unit_id, le.number, le.amount).outerjoin(r, r.reversal_of_id == le.id)
                  .where(le.source == "prize", le.reversal_of_id.is_(None), r.id.is_(None),
                         ~exists().where(h.payment_entry_id == le.id, h.id == le.source_id),
                         ~exists().where(d.payment_entry_id == le.id, d.id == le.source_id))
                  .order_by(le.id))
    out += [Finding("owner", f"Phiếu chi thưởng {number} ({money(amount)}) còn hiệu lực nhưng không người được "
                             "khen hay quyết định nào ghi đã nhận nó (tiền đã ra khỏi quỹ mà khen thưởng ghi chưa chi).",
                    unit_id, f"ledger_entry:{eid}") for eid, unit_id, number, amount in rows]
    # 3. voided prize payments still name a record that exists.
    rows = listed(select(le.id, le.unit_id, le.number).where(
        le.source == "prize", le.reversal_of_id.is_(None),
        ~exists().where(Honoree.id == le.source_id), ~exists().where(Decision.id == le.source_id)).order_by(le.id))
    out += [Finding("owner", f"Phiếu chi thưởng {number} không gắn với người được khen hay quyết định nào.",
                    unit_id, f"ledger_entry:{eid}") for eid, unit_id, number in rows]
    seen["người được khen"] = count(Honoree)
    seen["quyết định khen thưởng"] = count(Decision)
    return capped(out, "owner", "khoản tiền thưởng")


def transfers(seen: dict) -> list[Finding]:
    """Transfer legs come in pairs: one out, one in, same amount, two funds; voided together or not
    at all. A leg has source "transfer" and a transfer id, and only legs do."""
    le, r = LedgerEntry, aliased(LedgerEntry)
    reversed_ = func.sum(case((r.id.is_not(None), 1), else_=0))
    rows = listed(select(le.transfer_id, func.count(), func.sum(case((le.direction == IN, 1), else_=0)),
                         func.min(le.amount), func.max(le.amount), func.count(func.distinct(le.fund_id)), reversed_,
                         func.min(le.unit_id), func.min(le.number), func.min(le.id),
                         func.sum(case((le.source == "transfer", 0), else_=1)))
                  .outerjoin(r, r.reversal_of_id == le.id)
                  .where(le.transfer_id.is_not(None), le.reversal_of_id.is_(None))
                  .group_by(le.transfer_id)
                  .having(or_(func.count() != 2, func.sum(case((le.direction == IN, 1), else_=0)) != 1,
                              func.min(le.amount) != func.max(le.amount), func.count(func.distinct(le.fund_id)) != 2,
                              reversed_ == 1, func.sum(case((le.source == "transfer", 0), else_=1)) != 0)))
    seen["lần chuyển quỹ"] = int(db.session.scalar(select(func.count(func.distinct(le.transfer_id)))
                                                   .where(le.transfer_id.is_not(None))) or 0)
    out = [Finding("owner", f"Lần chuyển quỹ {number or '#' + str(eid)} không thành cặp hợp lệ: {n} bút toán "
                            f"({n_in} thu), số tiền {money(lo)}-{money(hi)}, {funds_n} quỹ, {rev} chân đã hủy "
                            "(cần một chi và một thu cùng số tiền giữa hai quỹ, hủy cả hai hoặc không).",
                   unit_id, f"ledger_entry:{eid}")
           for _tid, n, n_in, lo, hi, funds_n, rev, unit_id, number, eid, _bad in rows]
    rows = listed(select(le.id, le.unit_id, le.number, le.source).where(
        le.reversal_of_id.is_(None), (le.source == "transfer") != le.transfer_id.is_not(None)).order_by(le.id))
    out += [Finding("owner", f"{entry_name(number, eid).capitalize()} ghi nguồn “{source}” nhưng "
                             f"{'không có' if source == 'transfer' else 'lại có'} mã chuyển quỹ.",
                    unit_id, f"ledger_entry:{eid}") for eid, unit_id, number, source in rows]
    return capped(out, "owner", "lần chuyển quỹ")


# ---- running them all ---------------------------------------------------------------------------

def all_checks() -> list[tuple[str, Callable[[dict], list[Finding]]]]:
    """(name, check) of every invariant, in the order they run and print."""
    from . import checks_goods, checks_series

    return [
        ("Số dư mỗi quỹ bằng tổng các bút toán, không âm", fund_balances),
        ("Quỹ không bị âm sau bất kỳ bút toán nào", fund_never_negative),
        ("Mọi bút toán có nguồn phần mềm biết", ledger_sources),
        ("Bút toán hủy khớp bút toán bị hủy", reversals),
        ("Khoản đóng góp và phiếu thu", donations_money),
        ("Lần mổ heo và phiếu thu", piggy_openings),
        ("Suất học bổng và phiếu chi", scholarship_payments),
        ("Tiền thưởng khen thưởng và phiếu chi", prize_payments),
        ("Chuyển quỹ thành cặp", transfers),
        *checks_goods.CHECKS,
        *checks_series.CHECKS,
    ]


def _begin_read() -> None:
    """One consistent snapshot for the whole run (PostgreSQL: REPEATABLE READ; SQLite's WAL read
    transaction is one already)."""
    db.session.rollback()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def run_all(only: list[str] | None = None) -> Report:
    """Run every check (or those whose function name is in `only`); nothing is written."""
    report = Report(started_at=_now())
    _begin_read()
    try:
        for name, check in all_checks():
            if only and check.__name__ not in only:
                continue
            try:
                with db.session.begin_nested():
                    found = check(report.counts)
            except Exception as err:  # noqa: BLE001 - a broken check is a finding, the others still run
                log.exception("books check %s failed", check.__name__)
                found = [Finding("error", f"Không chạy được phép kiểm tra “{name}”: "
                                          f"{type(err).__name__}: {str(err)[:300]}")]
            report.checks[name] = len(found)
            report.findings += found
    finally:
        db.session.rollback()
    report.finished_at = _now()
    return report


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
