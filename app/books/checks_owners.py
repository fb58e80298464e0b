"""Books check, ledger entries and their owners (app.books.owners): every entry has a live owner
and every owner's state matches its entries.

- a live gift of money has exactly one live income of its amount (Donation.entry_id), a voided
  gift or a gift in kind none; an income naming no gift (source_id NULL) is the ledger's own;
- a standing pig count with a fund part has exactly one live income of that part, others none;
- a standing dues batch (app.members.dues) has exactly one live income of its total, its count and
  total match its standing payments; a voided batch has no live income and no standing payment;
- a paid award with money exactly one live payment of its amount (paid_entry_id), others none;
- a prize target (app.commendations.prizes) points at its one live payment, an unpaid one at none;
- every reversal voids an entry of the same fund in the other direction for the same amount;
- transfer legs come in pairs of equal amount between two funds, voided together;
- a correction of a closed period's entry mirrors it and stands at most once.
"""
from __future__ import annotations

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.books import owners
from app.commendations.models import Decision, Honoree
from app.donations.models import IN_KIND, Donation
from app.extensions import db
from app.funds.models import IN, OUT, LedgerEntry
from app.members.models import DuesBatch as DB
from app.members.models import DuesPayment as DP
from app.piggybanks.models import PiggyBankOpening as O
from app.scholarships.models import Nomination
from app.scholarships.models import Nomination as N

from .findings import ADJUSTMENT, Finding, capped, count, entry_name, listed, live_ledger, money, orphans


def ledger_sources(seen: dict) -> list[Finding]:
    """Every entry's source is one the code defines and the owners registry covers."""
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
    return out + orphans("donation", Donation, "khoản đóng góp", direct_ok=True)


def piggy_openings(seen: dict) -> list[Finding]:
    """A standing count with a fund part has exactly one live income of that part (ledger_entry_id);
    a voided count, or one kept whole by the family, none."""
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


def dues_batches(seen: dict) -> list[Finding]:
    """A standing dues batch has exactly one live income of its total (ledger_entry_id), and its count
    and total are those of its standing payments; a voided batch has no live income and no standing
    payment (voiding frees the members' year)."""
    live = live_ledger("dues")
    n = func.coalesce(live.c.n, 0)
    pays = (select(DP.batch_id.label("bid"), func.count().label("n"), func.sum(DP.amount).label("total"))
            .where(DP.voided.is_(False)).group_by(DP.batch_id).subquery())
    pn, ptotal = func.coalesce(pays.c.n, 0), func.coalesce(pays.c.total, 0)
    standing = DB.voided_at.is_(None)
    rows = listed(select(DB.id, DB.unit_id, DB.total, DB.count, DB.voided_at, n, live.c.total, live.c.entry_id,
                         DB.ledger_entry_id, pn, ptotal)
                  .outerjoin(live, live.c.owner_id == DB.id).outerjoin(pays, pays.c.bid == DB.id)
                  .where(case((standing, or_(n != 1, live.c.total != DB.total, live.c.n_in != 1,
                                             DB.ledger_entry_id.is_(None), DB.ledger_entry_id != live.c.entry_id,
                                             pn != DB.count, ptotal != DB.total)),
                              else_=or_(n != 0, pn != 0)))
                  .order_by(DB.id))
    seen["đợt thu hội phí"] = count(DB)
    out = []
    for bid, unit_id, total, cnt, voided_at, n_live, live_total, entry_id, pointer, n_pay, pay_total in rows:
        if voided_at is not None:
            text = (f"đã hủy nhưng còn {n_live} phiếu thu chưa có bút toán hủy ({money(live_total)}) "
                    f"và {n_pay} khoản hội phí chưa hủy")
        else:
            text = (f"ghi {cnt} hội viên, {money(total)} nhưng có {n_live} phiếu thu còn hiệu lực "
                    f"({money(live_total)}, chứng từ trỏ tới #{pointer}) và {n_pay} khoản hội phí "
                    f"({money(pay_total)}); cần đúng một phiếu thu bằng tổng các khoản")
        out.append(Finding("owner", f"Đợt thu hội phí #{bid} {text}.", unit_id, f"dues_batch:{bid}"))
    return capped(out, "owner", "đợt thu hội phí") + orphans("dues", DB, "đợt thu hội phí")


def scholarship_payments(seen: dict) -> list[Finding]:
    """A paid award with money has exactly one live payment of its amount (paid_entry_id); an unpaid
    award (or one paid in goods only) none, and no pointer."""
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

    return capped(out, "owner", "suất học bổng") + orphans("scholarship", Nomination, "suất học bổng")


def prize_payments(seen: dict) -> list[Finding]:
    """Prize money (app.commendations.prizes): a target (an honoree in "each" mode, the decision in
    "total" mode) is paid while it points at its live phiếu chi: that entry must be a live "prize"
    payment naming the target, of the target's amount; every live prize payment must be pointed at
    by its target; a voided one must name an honoree or decision that exists."""
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
                         func.count(func.distinct(le.source)))
                  .outerjoin(r, r.reversal_of_id == le.id)
                  .where(le.transfer_id.is_not(None), le.reversal_of_id.is_(None))
                  .group_by(le.transfer_id)
                  .having(or_(func.count() != 2, func.sum(case((le.direction == IN, 1), else_=0)) != 1,
                              func.min(le.amount) != func.max(le.amount), func.count(func.distinct(le.fund_id)) != 2,
                              reversed_ == 1, func.count(func.distinct(le.source)) != 1,
                              func.min(le.source).not_in(["transfer", ADJUSTMENT]))))
    seen["lần chuyển quỹ"] = int(db.session.scalar(select(func.count(func.distinct(le.transfer_id)))
                                                   .where(le.transfer_id.is_not(None))) or 0)
    out = [Finding("owner", f"Lần chuyển quỹ {number or '#' + str(eid)} không thành cặp hợp lệ: {n} bút toán "
                            f"({n_in} thu), số tiền {money(lo)}-{money(hi)}, {funds_n} quỹ, {rev} chân đã hủy "
                            "(cần một chi và một thu cùng số tiền giữa hai quỹ, hủy cả hai hoặc không).",
                   unit_id, f"ledger_entry:{eid}")
           for _tid, n, n_in, lo, hi, funds_n, rev, unit_id, number, eid, _bad in rows]
    rows = listed(select(le.id, le.unit_id, le.number, le.source).where(
        le.reversal_of_id.is_(None), le.source != ADJUSTMENT,
        (le.source == "transfer") != le.transfer_id.is_not(None)).order_by(le.id))
    out += [Finding("owner", f"{entry_name(number, eid).capitalize()} ghi nguồn “{source}” nhưng "
                             f"{'không có' if source == 'transfer' else 'lại có'} mã chuyển quỹ.",
                    unit_id, f"ledger_entry:{eid}") for eid, unit_id, number, source in rows]
    return capped(out, "owner", "lần chuyển quỹ")


def adjustments(seen: dict) -> list[Finding]:
    """A correction of a closed period's entry (source "adjustment", app.periods / funds.correct)
    is the opposite of the entry it corrects: same fund, other direction, same amount, no number,
    source_id = corrects_id; the corrected entry is a standing entry of the book itself, and has at
    most one standing correction and no reversal beside it (corrected and voided would undo it twice)."""
    if not hasattr(LedgerEntry, "corrects_id"):
        return []
    a, o, ra, ro = LedgerEntry, aliased(LedgerEntry), aliased(LedgerEntry), aliased(LedgerEntry)
    rows = listed(select(a.id, a.unit_id, a.corrects_id, o.number)
                  .outerjoin(o, o.id == a.corrects_id)
                  .where(or_(a.source == ADJUSTMENT, a.corrects_id.is_not(None)))
                  .where(or_(o.id.is_(None), a.source != ADJUSTMENT, a.number.is_not(None), a.reversal_of_id.is_not(None),
                             a.source_id != a.corrects_id, o.fund_id != a.fund_id, o.direction == a.direction,
                             o.amount != a.amount, o.source.in_(["reversal", ADJUSTMENT])))
                  .order_by(a.id))
    out = [Finding("owner", f"Bút toán điều chỉnh #{aid} không khớp {entry_name(number, oid) if number else 'bút toán'} "
                            "mà nó điều chỉnh (phải cùng quỹ, ngược chiều, cùng số tiền, không đánh số).",
                   unit_id, f"ledger_entry:{aid}") for aid, unit_id, oid, number in rows]
    standing = (select(a.corrects_id.label("oid"), func.count().label("n")).outerjoin(ra, ra.reversal_of_id == a.id)
                .where(a.corrects_id.is_not(None), ra.id.is_(None)).group_by(a.corrects_id).subquery())
    rows = listed(select(o.id, o.unit_id, o.number, standing.c.n, ro.id)
                  .join(standing, standing.c.oid == o.id).outerjoin(ro, ro.reversal_of_id == o.id)
                  .where(or_(standing.c.n > 1, ro.id.is_not(None))).order_by(o.id))
    out += [Finding("owner", f"{entry_name(number, oid).capitalize()} có {n} bút toán điều chỉnh còn hiệu lực"
                             + (" và đã bị hủy" if rid else "") + ": số tiền bị trừ hai lần.", unit_id, f"ledger_entry:{oid}")
            for oid, unit_id, number, n, rid in rows]
    seen["bút toán điều chỉnh"] = count(LedgerEntry, LedgerEntry.corrects_id.is_not(None))
    return capped(out, "owner", "bút toán điều chỉnh")


CHECKS = [
    ("Mọi bút toán có nguồn phần mềm biết", ledger_sources),
    ("Bút toán hủy khớp bút toán bị hủy", reversals),
    ("Khoản đóng góp và phiếu thu", donations_money),
    ("Lần mổ heo và phiếu thu", piggy_openings),
    ("Đợt thu hội phí và phiếu thu", dues_batches),
    ("Suất học bổng và phiếu chi", scholarship_payments),
    ("Tiền thưởng khen thưởng và phiếu chi", prize_payments),
    ("Chuyển quỹ thành cặp", transfers),
    ("Bút toán điều chỉnh khớp bút toán được điều chỉnh", adjustments),
]
