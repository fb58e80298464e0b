"""The rules for scholarship rounds: categories, nominations, selection within budget and fund.

Services never commit; the caller commits (or rolls back on RoundError).
Public for other domains: report_sentence() (the year report reuses it), totals(), nominations_of().
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.audit.services import record
from app.core import books
from app.core.actor import actor_id
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.extensions import db
from app.funds import services as funds
from app.funds.models import Fund
from app.pupils.models import Pupil
from app.reports import cache
from app.vn.money import format_number, format_vnd
from app.vn.text import clean, fold

from .award_goods import check_goods, goods_text
from .models import APPROVED, KINDS, PENDING, REJECTED, AwardCategory, Nomination, ScholarshipRound


class RoundError(Refusal):
    """A refused change, with a Vietnamese message and the form field it concerns."""



def _text(value, limit, field, label, required=False) -> str:
    value = clean(value or "") or ""
    if required and not value:
        raise RoundError(f"Vui lòng nhập {label}.", field)
    if len(value) > limit:
        raise RoundError(f"{label[:1].upper()}{label[1:]} dài quá {limit} ký tự.", field)
    return value


def _money(value, field, label, allow_zero=True) -> int:
    return books.check_amount(value, field, allow_zero=allow_zero, label=label, error=RoundError)  # <= MAX_AMOUNT


# ---- rounds and categories ---------------------------------------------------------------------

def save_round(fund: Fund, name: str, school_year: str, budget: int, *, ceremony_date: date | None = None,
               decision_number: str = "", status: str = "open", rnd: ScholarshipRound | None = None):
    """Create (or update) a round; it belongs to the unit of the fund it pays from."""
    name = _text(name, 200, "name", "tên đợt học bổng", required=True)
    school_year = _text(school_year, 9, "school_year", "năm học", required=True)
    budget = _money(budget, "budget", "Ngân sách")
    if ceremony_date is not None:
        books.check_entry_date(ceremony_date, "ceremony_date", error=RoundError)
    if status not in ("open", "closed"):
        raise RoundError("Trạng thái không hợp lệ.", "status")
    if rnd is not None and budget < totals(rnd).approved_total:
        raise RoundError(f"Ngân sách không được thấp hơn tổng đã duyệt ({format_vnd(totals(rnd).approved_total)}).",
                         "budget")
    if rnd is not None and rnd.fund_id != fund.id and totals(rnd).paid_total:
        raise RoundError("Đợt đã chi trả, không thể đổi quỹ chi.", "fund_id")
    before = rnd.audit_dict() if rnd else None
    decision_number = _text(decision_number, 60, "decision_number", "số quyết định")
    is_new = rnd is None
    with db.session.no_autoflush:
        rnd = rnd or ScholarshipRound()
        rnd.fund, rnd.unit_id = fund, fund.unit_id
        rnd.name, rnd.search_key, rnd.school_year, rnd.budget = name, fold(name), school_year, budget
        rnd.ceremony_date, rnd.status, rnd.decision_number = ceremony_date, status, decision_number
    if is_new:
        db.session.add(rnd)
    db.session.flush()
    record("update" if before else "create", rnd, before=before, after=rnd.audit_dict())
    return rnd


def save_category(rnd: ScholarshipRound, name: str, kind: str, amount: int, goods: str | None = None,
                  quota: int | None = None, category: AwardCategory | None = None, *, goods_item: str = "",
                  goods_unit: str = "", goods_quantity=None) -> AwardCategory:
    """An award category: cash amount and/or goods, optional quota (number of awards).

    Goods taken from the stock are goods_item / goods_unit / goods_quantity per award ("10 quyển vở"),
    and `goods` is then their text. `goods` alone is the free text of older categories (shown on the
    papers, not taken from the stock); None keeps what the category had.
    """
    name = _text(name, 200, "name", "tên loại học bổng", required=True)
    if kind not in KINDS:
        raise RoundError("Vui lòng chọn loại.", "kind")
    amount = _money(amount or 0, "amount", "Số tiền")
    item, unit, quantity = check_goods(goods_item, goods_unit, goods_quantity, RoundError)
    if quantity is not None:
        goods = goods_text(quantity, unit, item)
    elif goods is None:
        goods = category.goods if category is not None and category.goods_quantity is None else ""
    goods = _text(goods, 200, "goods", "hiện vật")
    if not amount and not goods:
        raise RoundError("Mỗi suất cần có số tiền hoặc hiện vật.", "amount")
    if quota is not None and quota < 1:
        raise RoundError("Số suất phải từ 1 trở lên (để trống nếu không giới hạn).", "quota")
    before = category.audit_dict() if category else None
    if category is None:
        category = AwardCategory(round_id=rnd.id, unit_id=rnd.unit_id)
        db.session.add(category)
    elif _count(Nomination.category_id == category.id, Nomination.status == APPROVED):
        if category.amount != amount:
            raise RoundError("Đã có suất được duyệt theo mức này; hãy tạo loại mới thay vì đổi số tiền.", "amount")
        if (category.goods_item, category.goods_unit, category.goods_quantity) != (item, unit, quantity):
            raise RoundError("Đã có suất được duyệt theo mức này; hãy tạo loại mới thay vì đổi hiện vật.",
                             "goods_quantity" if category.goods_quantity != quantity else "goods_item")
    category.name, category.search_key, category.kind = name, fold(name), kind
    category.amount, category.goods, category.quota = amount, goods, quota
    category.goods_item, category.goods_unit, category.goods_quantity = item, unit, quantity
    db.session.flush()
    record("update" if before else "create", category, before=before, after=category.audit_dict())
    return category


def _count(*conds) -> int:
    return db.session.scalar(select(func.count()).select_from(Nomination).where(*conds)) or 0


# ---- nominations -------------------------------------------------------------------------------

def check_open(rnd: ScholarshipRound) -> None:
    if rnd.status != "open":
        raise RoundError("Đợt học bổng đã kết thúc, không thể thay đổi.")


def nominate(rnd: ScholarshipRound, pupil: Pupil, category: AwardCategory, *, proposer: str = "",
             reason: str = "", achievement: str = "", audit: bool = True) -> Nomination:
    """Propose a pupil for a category of the round (warnings are read with warnings_for)."""
    check_open(rnd)
    if category.round_id != rnd.id:
        raise RoundError("Loại học bổng không thuộc đợt này.", "category_id")
    if pupil.merged_into_id:
        raise RoundError("Hồ sơ học sinh này đã được gộp vào hồ sơ khác.", "pupil_id")
    if not pupil.unit.path.startswith(rnd.unit.path):
        raise RoundError("Học sinh không thuộc đơn vị của đợt học bổng.", "pupil_id")
    achievement = _text(achievement, 300, "achievement", "thành tích")
    n = Nomination(round=rnd, unit_id=rnd.unit_id, pupil=pupil, category=category,
                   proposer=_text(proposer, 200, "proposer", "đơn vị đề cử"),
                   reason=_text(reason, 500, "reason", "lý do"), achievement=achievement,
                   achievement_key=fold(achievement)[:300], amount=category.amount)
    db.session.add(n)
    db.session.flush()
    if audit:
        record("create", n, after=n.audit_dict())
    return n


def warnings_for(nominations: list[Nomination]) -> dict[int, list[str]]:
    """{nomination id: [warning]}: same pupil twice in a round; same achievement rewarded twice a year.

    One achievement must not be rewarded twice (Luật Thi đua, khen thưởng 2022), also across rounds.
    """
    if not nominations:
        return {}
    pupil_ids = {n.pupil_id for n in nominations}
    others = db.session.execute(
        select(Nomination.id, Nomination.pupil_id, Nomination.round_id, Nomination.achievement_key,
               ScholarshipRound.school_year, ScholarshipRound.name)
        .join(ScholarshipRound, ScholarshipRound.id == Nomination.round_id)
        .where(Nomination.pupil_id.in_(pupil_ids), Nomination.status != REJECTED)).all()
    by_pupil: dict[int, list] = {}
    for row in others:
        by_pupil.setdefault(row.pupil_id, []).append(row)
    out: dict[int, list[str]] = {}
    for n in nominations:
        msgs = []
        for o in by_pupil.get(n.pupil_id, []):
            if o.id == n.id:
                continue
            if o.round_id == n.round_id:
                msgs.append("Học sinh có hơn một đề cử trong đợt này.")
            elif n.achievement_key and o.achievement_key == n.achievement_key and o.school_year == n.round.school_year:
                msgs.append(f"Thành tích này đã được xét thưởng trong năm học {o.school_year} ({o.name}).")
        if msgs:
            out[n.id] = sorted(set(msgs))
    return out


def nominations_of(pupil: Pupil) -> list[Nomination]:
    return list(db.session.scalars(select(Nomination).where(Nomination.pupil_id == pupil.id)
                                   .order_by(Nomination.id.desc())))


# ---- selection ---------------------------------------------------------------------------------

@dataclass(frozen=True)  # kept in the reports cache (shown_totals): never changed once read
class Totals:
    budget: int
    fund_balance: int
    approved_total: int
    paid_total: int
    pending_total: int
    approved_count: int
    pending_count: int
    rejected_count: int
    paid_count: int
    other_unpaid: int = 0  # approved, not yet paid, in other rounds paying from the same fund

    @property
    def unpaid_total(self) -> int:
        return self.approved_total - self.paid_total

    @property
    def budget_left(self) -> int:
        return self.budget - self.approved_total

    @property
    def fund_left(self) -> int:
        """What the fund can still take on: its balance minus approved awards not yet paid (all rounds)."""
        return self.fund_balance - self.unpaid_total - self.other_unpaid


def totals(rnd: ScholarshipRound) -> Totals:
    """Approved total vs budget vs fund balance: the round's nominations grouped by status, payment
    date and category, read from one covering index (0035_load_lists), plus the fund balance.

    Seven CASE sums over a 10,000-nomination round took 38 ms of every selection page on SQLite
    (each CASE carries its own bound values, so no two sums were shared); the grouped read takes
    about 1 ms and the few groups are added up here."""
    price = dict(db.session.execute(select(AwardCategory.id, AwardCategory.amount)
                                    .where(AwardCategory.round_id == rnd.id)).all())
    groups = db.session.execute(
        select(Nomination.status, Nomination.paid_on.is_not(None), Nomination.category_id, func.count(),
               func.coalesce(func.sum(Nomination.amount), 0))
        .where(Nomination.round_id == rnd.id)
        .group_by(Nomination.status, Nomination.paid_on, Nomination.category_id)).all()
    row = [0] * 7  # approved, paid, pending amounts; approved, pending, rejected, paid counts
    for status, paid, category_id, count, amount in groups:
        if status == APPROVED:
            row[0] += amount
            row[3] += count
            if paid:
                row[1] += amount
                row[6] += count
        elif status == PENDING:
            row[2] += count * (price.get(category_id) or 0)
            row[4] += count
        elif status == REJECTED:
            row[5] += count
    other = db.session.scalar(
        select(func.coalesce(func.sum(Nomination.amount), 0))
        .join(ScholarshipRound, ScholarshipRound.id == Nomination.round_id)
        .where(ScholarshipRound.fund_id == rnd.fund_id, Nomination.round_id != rnd.id,
               Nomination.status == APPROVED, Nomination.paid_on.is_(None)))
    return Totals(rnd.budget, funds.balance(rnd.fund), *(int(v) for v in row), other_unpaid=int(other or 0))


def shown_totals(rnd: ScholarshipRound) -> Totals:
    """totals(rnd) for the selection page, kept in the reports cache under the round's unit version
    (4 statements, about 2 ms of each page of a 10,000-nomination round). Everything it reads is a
    counted row of that unit: the round, its categories and nominations, and its fund's entries (a
    round belongs to its fund's unit, save_round, so every round paying from the fund does too; an
    entry takes its fund's unit). The rules that decide (approve, pay) read totals() afresh."""
    return cache.cached("scholarships.totals", rnd.unit_id, (rnd.id,), lambda: totals(rnd))


def approve(rnd: ScholarshipRound, nominations: list[Nomination]) -> list[Nomination]:
    """Approve all of `nominations` or none: refused when the budget, the fund or a quota would not cover them."""
    check_open(rnd)
    if not nominations:
        raise RoundError("Chưa chọn đề cử nào.")
    # Lock the fund row first so two approvals cannot both pass the check (SQLite: BEGIN IMMEDIATE).
    db.session.execute(select(Fund.id).where(Fund.id == rnd.fund_id).with_for_update())
    todo = [n for n in nominations if n.status != APPROVED]
    for n in todo:
        if n.round_id != rnd.id:
            raise RoundError("Đề cử không thuộc đợt này.")
    need = sum(n.category.amount for n in todo)
    t = totals(rnd)
    if need > t.budget_left:
        raise RoundError(f"Không thể duyệt: cần {format_vnd(need)} nhưng ngân sách đợt chỉ còn "
                         f"{format_vnd(t.budget_left)} (ngân sách {format_vnd(t.budget)}, "
                         f"đã duyệt {format_vnd(t.approved_total)}).")
    if need > t.fund_left:
        raise RoundError(f"Không thể duyệt: cần {format_vnd(need)} nhưng quỹ “{rnd.fund.name}” chỉ còn "
                         f"{format_vnd(t.fund_left)} chưa cam kết (số dư {format_vnd(t.fund_balance)}, "
                         f"đã duyệt chưa chi {format_vnd(t.unpaid_total + t.other_unpaid)}).")
    by_cat: dict[int, int] = {}
    for n in todo:
        by_cat[n.category_id] = by_cat.get(n.category_id, 0) + 1
    for cat_id, extra in by_cat.items():
        cat = db.session.get(AwardCategory, cat_id)
        if cat.quota is not None:
            have = _count(Nomination.category_id == cat_id, Nomination.status == APPROVED)
            if have + extra > cat.quota:
                raise RoundError(f"Không thể duyệt: loại “{cat.name}” chỉ có {cat.quota} suất, "
                                 f"đã duyệt {have}, đang chọn thêm {extra}.")
    for n in todo:
        before = n.audit_dict()
        n.status, n.amount, n.decision_reason = APPROVED, n.category.amount, ""
        n.decided_at, n.decided_by_id = utcnow(), actor_id()
        record("approve", n, before=before, after=n.audit_dict())
    db.session.flush()
    return todo


def reject(rnd: ScholarshipRound, nominations: list[Nomination], reason: str) -> list[Nomination]:
    """Reject with a reason; an award already paid cannot be rejected (reverse the payment first)."""
    check_open(rnd)
    reason = _text(reason, 300, "reason", "lý do không duyệt", required=True)
    if not nominations:
        raise RoundError("Chưa chọn đề cử nào.")
    for n in nominations:
        if n.round_id != rnd.id:
            raise RoundError("Đề cử không thuộc đợt này.")
        if n.is_paid:
            raise RoundError(f"{n.pupil.full_name} đã nhận tiền; hãy hoàn chi trả trước khi đổi quyết định.")
    for n in nominations:
        before = n.audit_dict()
        n.status, n.decision_reason, n.decided_at, n.decided_by_id = REJECTED, reason, utcnow(), actor_id()
        record("reject", n, before=before, after=n.audit_dict())
    db.session.flush()
    return nominations


# ---- the report sentence -----------------------------------------------------------------------

def report_sentence(count: int, total: int, *, kinds=("hardship",), students: bool = True,
                    goods_count: int = 0) -> str:
    """The sentence associations write in reports, built from the numbers.

    report_sentence(183, 160_500_000) ==
    "Trao 183 suất học bổng cho học sinh, sinh viên có hoàn cảnh khó khăn, tổng số tiền 160.500.000 đồng"
    `kinds`: the category kinds awarded; `students`: whether university/vocational students are among them.
    """
    who = "học sinh, sinh viên" if students else "học sinh"
    kinds = set(kinds)
    if kinds <= {"hardship", "sponsorship"}:
        why = " có hoàn cảnh khó khăn"
    elif kinds == {"achievement"}:
        why = " có thành tích tốt trong học tập"
    else:
        why = " có hoàn cảnh khó khăn và có thành tích tốt trong học tập"
    sentence = f"Trao {format_number(count)} suất học bổng cho {who}{why}, tổng số tiền {format_number(total)} đồng"
    if goods_count:
        sentence += f" (trong đó {format_number(goods_count)} suất kèm hiện vật)"
    return sentence
