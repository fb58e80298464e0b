"""Merging and renaming units (issue 20 D): a draft, a preview, then one confirm or a cancel.

    propose(parent, sources, *, target, new_name, effective_on, numbering, actor) -> UnitMerge (a draft)
    update(merge, ...)            edit a draft (same arguments as propose)
    preview(merge, actor=None) -> MergePreview   (app.units.merge_queries; reads only)
    confirm(merge, actor)         the merge, in the caller's transaction (the caller commits)
    cancel(merge, reason, actor)  a draft is set aside; nothing else was ever written
    rename(unit, new_name, effective_on, actor)

What moves and what stays is stated in app.units.merge_queries. Money moves only by ledger
transfers (app.funds.services.transfer): posted entries are never edited. Every step is audited.
"""
import contextlib
import importlib
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.audit.services import record
from app.campaigns.models import OPEN, Campaign
from app.core.authz import in_scope, roles_can, user_roles
from app.core.clock import today, utcnow
from app.extensions import db
from app.funds import services as funds
from app.members.models import Member, MemberCounter
from app.piggybanks.models import RETIRED, PiggyBank
from app.users.models import User
from app.vn.text import clean, fold

from . import merge_queries, names
from .merge_queries import PLAIN_REGISTERS, MergePreview
from .models import CONTINUE, MERGE_CANCELLED, MERGE_CONFIRMED, RESTART, Unit, UnitMerge, UnitMergeSource
from .services import UnitError, _check_name, create_unit, move_unit

__all__ = ["propose", "update_draft", "preview", "confirm", "cancel", "rename", "MergePreview"]


def _check_actor(actor, unit: Unit) -> None:
    if actor is None or not roles_can(user_roles(actor), "unit.merge") or not in_scope(actor, unit):
        raise UnitError("Chỉ quản trị viên của đơn vị cấp trên mới được sáp nhập hoặc đổi tên đơn vị.")


def _numbering(numbering) -> dict:
    """"continue" / "restart" for every series, or {series: choice}; anything else is refused."""
    if isinstance(numbering, str):
        numbering = {"*": numbering}
    out = {}
    for key, choice in (numbering or {}).items():
        if choice not in (CONTINUE, RESTART):
            raise UnitError("Cách đánh số không hợp lệ.", "numbering")
        out[str(key)] = choice
    return out


def _fill(merge: UnitMerge, parent: Unit, sources: list[Unit], target: Unit | None, new_name: str | None,
          effective_on: date, numbering, reason: str) -> None:
    if not sources:
        raise UnitError("Vui lòng chọn ít nhất một đơn vị được sáp nhập.", "source_ids")
    if not isinstance(effective_on, date):
        raise UnitError("Vui lòng nhập ngày hiệu lực.", "effective_on")
    new_name = clean(new_name or "")
    if target is None and not new_name:
        raise UnitError("Vui lòng chọn đơn vị nhận hoặc nhập tên đơn vị mới.", "new_name")
    if len(new_name) > 200:
        raise UnitError("Tên dài quá 200 ký tự.", "new_name")
    merge.unit = parent
    merge.target = target
    merge.new_name = new_name  # with an existing target: its new name from the merge day
    merge.new_kind = sources[0].kind if target is None else ""
    merge.effective_on = effective_on
    merge.numbering = _numbering(numbering)
    merge.reason = clean(reason or "")[:500]
    wanted = {u.id for u in sources}
    merge.sources = [s for s in merge.sources if s.source_id in wanted]
    have = {s.source_id for s in merge.sources}
    merge.sources.extend(UnitMergeSource(source=u) for u in sources if u.id not in have)


def propose(parent: Unit, sources: list[Unit], *, target: Unit | None, new_name: str | None, effective_on: date,
            numbering: dict | str = CONTINUE, actor, reason: str = "") -> UnitMerge:
    """A draft merge of `sources` (units under `parent`) into `target`, or into a new unit `new_name`
    made on confirm. Nothing moves yet; preview() says what would."""
    _check_actor(actor, parent)
    merge = UnitMerge(created_by_id=actor.id)
    _fill(merge, parent, sources, target, new_name, effective_on, numbering, reason)
    db.session.add(merge)
    db.session.flush()
    record("propose", merge, after=merge.audit_dict(), user=actor)
    return merge


def update_draft(merge: UnitMerge, sources: list[Unit], *, target: Unit | None, new_name: str | None,
                 effective_on: date, numbering: dict | str = CONTINUE, actor, reason: str = "") -> UnitMerge:
    _check_actor(actor, merge.unit)
    if not merge.is_draft:
        raise UnitError("Chỉ sửa được bản sáp nhập còn là dự thảo.")
    before = merge.audit_dict()
    _fill(merge, merge.unit, sources, target, new_name, effective_on, numbering, reason)
    db.session.flush()
    record("update", merge, before=before, after=merge.audit_dict(), user=actor)
    return merge


def preview(merge: UnitMerge, actor=None) -> MergePreview:
    return merge_queries.preview(merge, actor)


def cancel(merge: UnitMerge, reason: str, actor) -> UnitMerge:
    _check_actor(actor, merge.unit)
    reason = clean(reason or "")
    if not reason:
        raise UnitError("Vui lòng nhập lý do hủy.", "reason")
    _lock(merge)
    if merge.status == MERGE_CANCELLED:
        return merge
    if not merge.is_draft:
        raise UnitError("Việc sáp nhập đã được xác nhận, không thể hủy.")
    before = merge.audit_dict()
    merge.status, merge.cancel_reason = MERGE_CANCELLED, reason[:500]
    merge.decided_by_id, merge.decided_at = actor.id, utcnow()
    record("cancel", merge, before=before, after=merge.audit_dict(), user=actor)
    return merge


def _lock(merge: UnitMerge) -> None:
    """Re-read the merge's row locked (PostgreSQL: FOR UPDATE; SQLite: the write transaction), so a
    second confirm submitted at once waits and then sees the first one's status."""
    db.session.execute(select(UnitMerge.id).where(UnitMerge.id == merge.id).with_for_update())
    db.session.refresh(merge)


def _crossing(reason: str):
    """app.core.rls.cross_units(reason) when row security exists (a merge writes in several units)."""
    try:
        rls = importlib.import_module("app.core.rls")
    except ModuleNotFoundError:
        return contextlib.nullcontext()
    return rls.cross_units(reason)


def confirm(merge: UnitMerge, actor) -> UnitMerge:
    """Do the merge: one transaction (the caller commits; a refusal rolls everything back). A second
    confirm of the same merge does nothing and returns it."""
    _check_actor(actor, merge.unit)
    with _crossing(f"sáp nhập đơn vị (số {merge.id})"):
        _lock(merge)
        if merge.status == MERGE_CONFIRMED:
            return merge
        if merge.status == MERGE_CANCELLED:
            raise UnitError("Việc sáp nhập này đã bị hủy.")
        plan = merge_queries.preview(merge, actor)
        if plan.conflicts:
            raise UnitError("Chưa thể sáp nhập: " + " ".join(plan.conflicts))
        before = merge.audit_dict()
        target = merge.target
        if target is None:
            target = create_unit(merge.unit, merge.new_name, merge.new_kind or "commune")
            merge.target = target
            db.session.flush()
        elif merge.new_name and merge.new_name != target.name:
            rename(target, merge.new_name, merge.effective_on, actor, _checked=True)
        _apply_numbering(merge, target, plan)
        result = {"target_id": target.id, "transfers": [], "moved": {}}
        for source_plan in plan.sources:
            _move_one(merge, source_plan, target, result)
        merge.status, merge.result = MERGE_CONFIRMED, result
        merge.decided_by_id, merge.decided_at = actor.id, utcnow()
        record("confirm", merge, before=before, after={**merge.audit_dict(), "result": result}, user=actor)
        db.session.flush()
    return merge


def _set_counter(model, target_id: int, value: int, **key) -> None:
    """The target's counter row set to `value` (created when missing); never lowered."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(model).values(unit_id=target_id, next_number=value, **key).on_conflict_do_nothing())
    db.session.execute(update(model).where(model.unit_id == target_id, model.next_number < value,
                                           *[getattr(model, k) == v for k, v in key.items()])
                       .values(next_number=value).execution_options(synchronize_session=False))


def _apply_numbering(merge: UnitMerge, target: Unit, plan: MergePreview) -> None:
    """Member numbers continued after the highest of the merged units (the paper series are the
    target's own and need nothing: see merge_queries.series_plan)."""
    for s in plan.series:
        if s.key == "member" and s.choice == CONTINUE:
            _set_counter(MemberCounter, target.id, s.next_number)


def _move_one(merge: UnitMerge, plan, target: Unit, result: dict) -> None:
    source = plan.unit
    reason = f"Sáp nhập “{source.name}” vào “{target.name}” (sáp nhập số {merge.id})"
    for move in plan.funds:
        into = move.target_fund or _target_fund(target, move.fund)
        out, inn = funds.transfer(move.fund, into, move.balance, entry_date=merge.effective_on, reason=reason)
        result["transfers"].append({"from_fund": move.fund.id, "to_fund": into.id, "amount": move.balance,
                                    "out": out.number, "in": inn.number})
    for fund in source_funds(source):
        if fund.active:
            fund.active = False
            record("deactivate", fund, after=fund.audit_dict())
    for child in list(plan.children):
        move_unit(child, target)
    moved = result["moved"].setdefault(str(source.id), {})
    for user in db.session.scalars(select(User).where(User.unit_id == source.id)):
        user.unit_id = target.id
        record("move", user, before={"unit_id": source.id}, after={"unit_id": target.id}, unit_id=target.id)
    moved["users"] = len(plan.users)
    moved["children"] = len(plan.children)
    moved["campaigns"] = _bulk(Campaign, source, target, Campaign.status == OPEN)
    for model, _label in PLAIN_REGISTERS:
        moved[model.__tablename__] = _bulk(model, source, target)
    moved["member"] = _bulk(Member, source, target, Member.number.not_in(
        select(Member.number).where(Member.unit_id == target.id)))
    moved["piggy_bank"] = _bulk(PiggyBank, source, target, PiggyBank.status != RETIRED, PiggyBank.code.not_in(
        select(PiggyBank.code).where(PiggyBank.unit_id == target.id)))
    before = source.audit_dict()
    source.active, source.merged_into_id, source.merged_on = False, target.id, merge.effective_on
    record("merge", source, before=before, after=source.audit_dict())


def source_funds(unit: Unit):
    return db.session.scalars(select(funds.Fund).where(funds.Fund.unit_id == unit.id))


def _target_fund(target: Unit, fund) -> "funds.Fund":
    """The target's fund for a source fund's money: the default for the default, else by name."""
    if fund.is_default:
        return funds.default_fund(target)
    found = db.session.scalar(select(funds.Fund).where(funds.Fund.unit_id == target.id,
                                                       funds.Fund.search_key == fund.search_key))
    return found or funds.create_fund(target, fund.name, fund.description)


def _bulk(model, source: Unit, target: Unit, *where) -> int:
    """Move a register's rows from source to target in one UPDATE (the reports' versions are bumped
    globally for an UPDATE by criteria); audited as one entry per table."""
    count = db.session.execute(update(model).where(model.unit_id == source.id, *where)
                               .values(unit_id=target.id).execution_options(synchronize_session=False)).rowcount
    if count:
        record("move", None, object_type=model.__tablename__, unit_id=target.id,
               before={"unit_id": source.id}, after={"unit_id": target.id, "rows": count})
    return count


def rename(unit: Unit, new_name: str, effective_on: date, actor, *, _checked: bool = False) -> Unit:
    """A new name from `effective_on`; reports of periods before it keep the old one."""
    if not _checked:
        _check_actor(actor, unit.parent or unit)  # the top unit: its own admins (nobody is above it)
    if not isinstance(effective_on, date):
        raise UnitError("Vui lòng nhập ngày hiệu lực.", "effective_on")
    if effective_on > today():  # unit.name is the name of today: a later one would show too early
        raise UnitError("Ngày hiệu lực không được sau hôm nay.", "effective_on")
    name = _check_name(unit.parent, new_name, exclude_id=unit.id)
    if fold(name) == unit.search_key and name == unit.name:
        raise UnitError("Tên mới trùng tên hiện tại.", "name")
    before = unit.audit_dict()
    names.record_rename(unit, name, effective_on)
    unit.name, unit.search_key = name, fold(name)
    record("rename", unit, before=before, after=unit.audit_dict(), user=actor)
    return unit

