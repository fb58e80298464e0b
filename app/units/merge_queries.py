"""What a merge would do, read without writing (issue 20 D): the preview and the confirm's plan.

The rule of what moves and what stays (README, "Sáp nhập đơn vị"):
- moves to the target from the day of the merge: the source's child units (chi hội, with their whole
  subtree and everything in it), its user accounts, its open campaigns, its registers of people and
  things (pupils, schools, donors, sponsorships, members and piggy banks held directly by the source:
  those whose number or code the target already uses stay, listed as a warning), and its fund balances,
  by ledger transfers dated the merge day (a phiếu chi in the source, a phiếu thu in the target);
- stays with the old unit id, so every earlier report reads as before: posted history (ledger and goods
  entries, gifts, pig counts, scholarship rounds and awards, decisions and honorees, dues, closed
  periods, bank statements, print jobs, the audit log) and the old unit's own settings.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from app.banking.models import BankLine
from app.campaigns.models import OPEN, Campaign
from app.commendations.models import DRAFT, CommendationCounter, Decision
from app.core import books
from app.core.authz import in_scope
from app.donations.donors import Donor
from app.extensions import db
from app.funds import services as funds
from app.funds.models import DocumentCounter, Fund
from app.goods.services import stock
from app.members.models import Member, MemberCounter
from app.periods.services import closing_period, describe
from app.piggybanks.models import RETIRED, PiggyBank
from app.pupils.models import Pupil, School, Sponsorship
from app.scholarships.models import ScholarshipRound
from app.users.models import User
from app.vn.text import fold

from .models import CONTINUE, RESTART, Unit, UnitMerge

SERIES_LABELS = {
    "PT": "Phiếu thu (PT)",
    "PC": "Phiếu chi (PC)",
    "GN": "Biên bản giao nhận hiện vật (GN)",
    "XK": "Phiếu xuất hiện vật (XK)",
    "decision": "Số quyết định khen thưởng",
    "register": "Số sổ vàng",
    "member": "Số thẻ hội viên",
}
# Registers whose rows move wholesale (no per-unit number that could clash in the target).
PLAIN_REGISTERS = ((Pupil, "Học sinh, sinh viên"), (School, "Trường học"), (Donor, "Nhà hảo tâm, người đóng góp"),
                   (Sponsorship, "Đỡ đầu"))


@dataclass
class FundMove:
    fund: Fund
    balance: int
    target_name: str  # the target's fund of the same name (made on confirm when missing)
    target_fund: Fund | None


@dataclass
class SourcePlan:
    unit: Unit
    funds: list[FundMove] = field(default_factory=list)
    users: list = field(default_factory=list)
    children: list[Unit] = field(default_factory=list)
    campaigns: list = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # record type label -> rows that move
    staying: dict[str, int] = field(default_factory=dict)  # record type label -> rows that stay (clash)

    @property
    def total(self) -> int:
        return sum(m.balance for m in self.funds)


@dataclass
class SeriesPlan:
    key: str
    year: int
    choice: str
    next_number: int  # the target's next number after confirm

    @property
    def label(self) -> str:
        return SERIES_LABELS.get(self.key, self.key)


@dataclass
class MergePreview:
    merge: UnitMerge
    target_name: str
    sources: list[SourcePlan]
    series: list[SeriesPlan]
    conflicts: list[str]
    warnings: list[str]

    @property
    def can_confirm(self) -> bool:
        return self.merge.is_draft and not self.conflicts

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sources)


def _counter_values(unit_ids: list[int], year: int) -> dict[str, dict[int, int]]:
    """{series: {unit id: next number}} of the counters the units have for the merge year."""
    out: dict[str, dict[int, int]] = {}
    for uid, kind, nxt in db.session.execute(select(DocumentCounter.unit_id, DocumentCounter.kind,
                                                    DocumentCounter.next_number)
                                             .where(DocumentCounter.unit_id.in_(unit_ids),
                                                    DocumentCounter.year == year)):
        out.setdefault(kind, {})[uid] = nxt
    for uid, kind, nxt in db.session.execute(
            select(CommendationCounter.unit_id, CommendationCounter.kind, CommendationCounter.next_number)
            .where(CommendationCounter.unit_id.in_(unit_ids),
                   ((CommendationCounter.kind == "decision") & (CommendationCounter.year == year))
                   | ((CommendationCounter.kind == "register") & (CommendationCounter.year == 0)))):
        out.setdefault(kind, {})[uid] = nxt
    for uid, nxt in db.session.execute(select(MemberCounter.unit_id, MemberCounter.next_number)
                                       .where(MemberCounter.unit_id.in_(unit_ids))):
        out.setdefault("member", {})[uid] = nxt
    return out


def choice_for(merge: UnitMerge, key: str) -> str:
    choice = (merge.numbering or {}).get(key, (merge.numbering or {}).get("*", CONTINUE))
    return choice if choice in (CONTINUE, RESTART) else CONTINUE


def series_plan(merge: UnitMerge) -> list[SeriesPlan]:
    """Each numbering series any of the merged units used in the merge year, and the target's next number.

    Papers (PT, PC, GN, XK per year; số sổ vàng for ever) are numbered per unit without a gap (the books
    check), so the merged unit's book is the target's own: "tiếp tục" goes on from the target's last
    number (to keep an old commune's book going under the new name, make it the target and give the
    new name); "bắt đầu lại" starts at 1, which only a series the target has not used can do (a new
    unit always starts at 1). Member numbers are not a paper series: "tiếp tục" goes on after the
    highest number of all the merged units, so a moved member's card number is never repeated."""
    year = merge.effective_on.year
    target_id = merge.target_id
    ids = [s.source_id for s in merge.sources] + ([target_id] if target_id else [])
    plans = []
    order = list(SERIES_LABELS)
    for key, per_unit in sorted(_counter_values(ids, year).items(),
                                key=lambda kv: order.index(kv[0]) if kv[0] in order else 99):
        own = per_unit.get(target_id, 1) if target_id else 1
        choice = choice_for(merge, key)
        nxt = max(per_unit.values()) if choice == CONTINUE and key == "member" else own
        plans.append(SeriesPlan(key, 0 if key in ("register", "member") else year, choice, nxt))
    return plans


def series_conflicts(plans: list[SeriesPlan]) -> list[str]:
    return [f"{p.label}: đơn vị nhận đã dùng đến số {p.next_number - 1}"
            f"{f' trong năm {p.year}' if p.year else ''}, không thể bắt đầu lại từ 1 (hãy chọn “Tiếp tục”)."
            for p in plans if p.choice == RESTART and p.key != "member" and p.next_number > 1]


def _count(model, unit_id: int, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(model.unit_id == unit_id, *where))


def _clashing(model, column, unit_id: int, target_id: int | None, *where) -> tuple[int, int]:
    """(rows that move, rows that stay) of a numbered register: a row whose number the target uses stays."""
    total = _count(model, unit_id, *where)
    if not target_id:
        return total, 0
    taken = select(column).where(model.unit_id == target_id).scalar_subquery()
    clash = _count(model, unit_id, column.in_(taken), *where)
    return total - clash, clash


def _source_plan(merge: UnitMerge, unit: Unit, target: Unit | None) -> SourcePlan:
    plan = SourcePlan(unit)
    target_funds = {} if target is None else {
        f.search_key: f for f in db.session.scalars(select(Fund).where(Fund.unit_id == target.id))}
    own_funds = list(db.session.scalars(select(Fund).where(Fund.unit_id == unit.id).order_by(Fund.id)))
    bal = funds.balances(own_funds)
    for f in own_funds:
        if bal[f.id]:
            into = target_funds.get(f.search_key)
            if into is None and f.is_default and target is not None:
                into = next((t for t in target_funds.values() if t.is_default), None)
            plan.funds.append(FundMove(f, bal[f.id], into.name if into else f.name, into))
    plan.users = list(db.session.scalars(select(User).where(User.unit_id == unit.id).order_by(User.name_key)))
    plan.children = sorted(unit.children, key=lambda u: u.search_key)
    plan.campaigns = list(db.session.scalars(select(Campaign).where(Campaign.unit_id == unit.id,
                                                                     Campaign.status == OPEN)))
    for model, label in PLAIN_REGISTERS:
        if n := _count(model, unit.id):
            plan.counts[label] = n
    target_id = target.id if target is not None else None
    for (model, column, label, where) in ((Member, Member.number, "Hội viên (trực tiếp)", ()),
                                          (PiggyBank, PiggyBank.code, "Heo đất (trực tiếp)",
                                           (PiggyBank.status != RETIRED,))):
        moving, staying = _clashing(model, column, unit.id, target_id, *where)
        if moving:
            plan.counts[label] = moving
        if staying:
            plan.staying[label] = staying
    return plan


def conflicts_of(merge: UnitMerge, actor, target: Unit | None) -> list[str]:
    """Why the merge cannot be confirmed now (empty: it can)."""
    out = []
    parent, sources = merge.unit, merge.source_units
    if actor is not None and not in_scope(actor, parent):
        out.append(f"“{parent.name}” nằm ngoài phạm vi quản lý của bạn.")
    if target is None and not merge.new_name:
        out.append("Chưa chọn đơn vị nhận hoặc nhập tên đơn vị mới.")
    if len(sources) + (1 if target is not None else 0) < 2:
        out.append("Cần ít nhất hai đơn vị để sáp nhập.")
    try:
        books.check_entry_date(merge.effective_on, None)
    except books.BooksError as err:
        out.append(f"Ngày hiệu lực: {err}")
    for u in sources:
        if u.parent_id != parent.id:
            out.append(f"“{u.name}” không trực thuộc “{parent.name}”.")
        if not u.active or u.merged_into_id:
            out.append(f"“{u.name}” đã ngừng hoạt động hoặc đã được sáp nhập.")
        if target is not None and (target.id == u.id or target.is_under(u)):
            out.append(f"Không thể sáp nhập “{u.name}” vào chính nó hoặc đơn vị cấp dưới của nó.")
        out.extend(_blocking_records(u, merge.effective_on))
    if target is not None:
        if not target.is_under(parent) or target.id == parent.id:
            out.append(f"Đơn vị nhận “{target.name}” phải nằm dưới “{parent.name}”.")
        if not target.active:
            out.append(f"Đơn vị nhận “{target.name}” đã ngừng hoạt động.")
        if (row := closing_period(target, merge.effective_on)) is not None:
            out.append(f"{target.name}: {describe(row, target)}.")
    if merge.new_name and db.session.scalar(select(func.count()).select_from(Unit).where(
            Unit.parent_id == parent.id, Unit.search_key == fold(merge.new_name),
            Unit.id != (target.id if target is not None else 0))):
        out.append(f"Đã có đơn vị tên “{merge.new_name}” trong “{parent.name}”.")
    taken = {c.search_key for c in target.children} if target is not None else set()
    for u in sources:
        for child in u.children:
            if child.search_key in taken:
                out.append(f"“{child.name}” trùng tên với một đơn vị đã có trong đơn vị nhận: hãy đổi tên trước.")
            taken.add(child.search_key)
    return out


def _blocking_records(unit: Unit, day: date) -> list[str]:
    out = []
    if (row := closing_period(unit, day)) is not None:
        out.append(f"{unit.name}: {describe(row, unit)}.")
    if n := _count(Decision, unit.id, Decision.status == DRAFT):
        out.append(f"{unit.name}: còn {n} quyết định khen thưởng dự thảo chưa ban hành hoặc hủy.")
    if n := _count(ScholarshipRound, unit.id, ScholarshipRound.status == "open"):
        out.append(f"{unit.name}: còn {n} đợt học bổng đang mở: hãy kết thúc trước.")
    if n := _count(BankLine, unit.id, BankLine.status == "waiting"):
        out.append(f"{unit.name}: còn {n} giao dịch ngân hàng chờ xử lý.")
    if held := [r for r in stock(unit, unit_id=unit.id, only_on_hand=True)]:
        out.append(f"{unit.name}: còn {len(held)} loại hiện vật trong kho: hãy lập phiếu xuất bàn giao trước.")
    return out


def preview(merge: UnitMerge, actor=None) -> MergePreview:
    """What confirming `merge` would do (reads only: nothing is written)."""
    target = merge.target
    sources = [_source_plan(merge, u, target) for u in merge.source_units]
    warnings = [f"{p.unit.name}: {n} {label.lower()} giữ lại ở đơn vị cũ vì trùng số/mã với đơn vị nhận."
                for p in sources for label, n in p.staying.items()]
    series = series_plan(merge)
    conflicts = conflicts_of(merge, actor, target) + series_conflicts(series) if merge.is_draft else []
    return MergePreview(merge, merge.target_name, sources, series, conflicts, warnings)


def merges_in_scope(root: Unit, limit: int = 100) -> list[UnitMerge]:
    """The merges done under `root` or below it, newest first (the merge list page)."""
    return list(db.session.scalars(select(UnitMerge).join(Unit, Unit.id == UnitMerge.unit_id)
                                   .where(Unit.path.startswith(root.path))
                                   .order_by(UnitMerge.id.desc()).limit(limit)))


def merge_parents(root: Unit) -> list[tuple[int, str]]:
    """(id, name) of the active units under which a merge can be done: those with active children."""
    has_kids = select(Unit.parent_id).where(Unit.active.is_(True), Unit.parent_id.is_not(None))
    rows = db.session.execute(select(Unit.id, Unit.name, Unit.depth).where(
        Unit.path.startswith(root.path), Unit.active.is_(True), Unit.id.in_(has_kids)).order_by(Unit.path))
    return [(i, "\u2003" * (d - root.depth) + n) for i, n, d in rows]


def active_children(parent: Unit) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.parent_id == parent.id, Unit.active.is_(True))
                                   .order_by(Unit.search_key)))
