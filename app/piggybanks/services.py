"""Piggy-bank rules: issue pigs (one or a class list at once), open them, void an opening, tái đàn.

Same contract as app.funds.services: services never commit (the view does, or rolls back on
PiggyBankError), amounts are whole đồng checked here, and every change is audited in the same
transaction. The fund part of an opening goes through app.funds.services.post_income; voiding
goes through reverse(), so the ledger and the pig records always move together.
"""
import re
from datetime import date

from sqlalchemy import func, select

from app.audit.services import record
from app.campaigns.services import CampaignError, ensure_open
from app.core import books
from app.core.actor import actor_id
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.extensions import db
from app.funds import services as funds
from app.periods import services as periods
from app.units.models import Unit
from app.vn.money import format_vnd
from app.vn.names import name_sort_key, same_name, split_name
from app.vn.text import clean, fold

from . import codes
from .models import (ACTIVE, DISPOSITIONS, HOLDER_TYPES, KEPT, OPENED, RETIRED, SPLIT, TO_FUND, PiggyBank,
                     PiggyBankCycle, PiggyBankOpening)

MAX_BATCH = 200  # lines in one issue form: a whole school list, not a whole commune


class PiggyBankError(Refusal):
    """A refused action, with a Vietnamese message and the form field it concerns."""



def _money(value, field: str, label: str) -> int:
    return books.check_amount(value, field, allow_zero=True, label=label, error=PiggyBankError)  # 0 .. MAX_AMOUNT


def _date(value, field: str) -> date:
    return books.check_entry_date(value, field, error=PiggyBankError)  # within the books' window


def _name_key(name: str) -> str:
    return name_sort_key(*split_name(name))


format_code = codes.format_code


def search_key(code: str, holder_name: str) -> str:
    return f"{fold(code)} {fold(holder_name)}"[:240]


def next_code_number(unit: Unit, prefix: str) -> int:
    """1 + the highest number used in the series of `prefix` (typed in any spelling) in this unit."""
    return codes.next_number(unit.id, codes.normalize(prefix))


def _check_campaign(campaign, unit: Unit):
    if campaign is None:
        return None
    if getattr(campaign, "kind", None) != "piggy_bank":
        raise PiggyBankError("Đợt vận động này không phải đợt nuôi heo đất.", "campaign_id")
    if not unit.path.startswith(campaign.unit.path):
        raise PiggyBankError("Đợt vận động thuộc đơn vị khác.", "campaign_id")
    _ensure_open(campaign)
    return campaign


def _ensure_open(campaign, field: str = "campaign_id") -> None:
    """A closed campaign takes no new pigs and no new money (reopen it first)."""
    try:
        ensure_open(campaign, field)
    except CampaignError as err:
        raise err.at(field) from None  # beside this form's field (the campaign's own form names another)


def holder_lines(text: str) -> list[str]:
    """The holder names pasted one per line (blank lines and list numbering "1." / "1)" dropped)."""
    lines = []
    for raw in (text or "").splitlines():
        name = re.sub(r"^\s*\d{1,3}\s*[.)\-]\s*", "", clean(raw) or "")
        if name:
            lines.append(name)
    return lines


def issue_many(unit: Unit, names: list[str], *, holder_type: str, prefix: str, start: int | None,
               issued_on: date, seed_money: int = 0, campaign=None) -> list[PiggyBank]:
    """One pig per holder name with consecutive codes PREFIX-001, PREFIX-002...

    All or nothing: any bad line (too long, listed twice, already holding an active pig of this
    type in this unit) or any code already taken refuses the whole list, naming every problem.
    """
    if holder_type not in HOLDER_TYPES:
        raise PiggyBankError("Vui lòng chọn loại người nuôi.", "holder_type")
    if not unit.active:
        raise PiggyBankError("Đơn vị này đã ngừng hoạt động.", "unit_id")
    prefix = codes.check_prefix(prefix)  # "lv-hb-", "LV HB" and "LV-HB" are one series: LV-HB-001, LV-HB-002...
    issued_on = _date(issued_on, "issued_on")
    seed_money = _money(seed_money, "seed_money", "Tiền mồi")
    campaign = _check_campaign(campaign, unit)
    if not names:
        raise PiggyBankError("Vui lòng nhập ít nhất một tên người nuôi (mỗi dòng một tên).", "names")
    if len(names) > MAX_BATCH:
        raise PiggyBankError(f"Mỗi lần cấp tối đa {MAX_BATCH} heo; danh sách có {len(names)} dòng.", "names")
    start = start if start else codes.next_number(unit.id, prefix)
    new_codes = [codes.format_code(prefix, start + i) for i in range(len(names))]

    # "The same name" is the name with its diacritics (same_name): Ân and Ẩn may both keep a pig.
    # The folded key only gathers the candidates.
    problems, seen = [], {}
    for i, name in enumerate(names, 1):
        if len(name) > 200:
            problems.append(f"Dòng {i}: tên dài quá 200 ký tự.")
        earlier = next((j for j, other in seen.get(fold(name), ()) if same_name(name, other)), None)
        if earlier is not None:
            problems.append(f"Dòng {i}: “{name}” trùng với dòng {earlier}.")
        seen.setdefault(fold(name), []).append((i, name))
    holding: dict[str, list[str]] = {}
    for n in db.session.scalars(select(PiggyBank.holder_name).where(
            PiggyBank.unit_id == unit.id, PiggyBank.holder_type == holder_type, PiggyBank.status != RETIRED)):
        holding.setdefault(fold(n), []).append(n)
    for i, name in enumerate(names, 1):
        if any(same_name(name, other) for other in holding.get(fold(name), ())):
            problems.append(f"Dòng {i}: “{name}” đang nuôi một heo đất của đơn vị này.")
    taken = db.session.scalars(select(PiggyBank.code).where(PiggyBank.unit_id == unit.id,
                                                            PiggyBank.code.in_(new_codes))).all()
    if taken:
        problems.append("Mã đã được dùng: " + ", ".join(sorted(taken)) + ". Hãy đổi số bắt đầu hoặc tiền tố.")
    if problems:
        raise PiggyBankError(" ".join(problems), "names")

    pigs = []
    for name, code in zip(names, new_codes):
        pig = PiggyBank(unit=unit, campaign_id=campaign.id if campaign else None, code=code,
                        holder_type=holder_type, holder_name=name, search_key=search_key(code, name),
                        name_key=_name_key(name), issued_on=issued_on, seed_money=seed_money,
                        status=ACTIVE, cycle=1)
        db.session.add(pig)
        db.session.flush()
        db.session.add(PiggyBankCycle(piggy_bank_id=pig.id, unit_id=unit.id, cycle=1, issued_on=issued_on,
                                      seed_money=seed_money, created_by_id=actor_id()))
        record("create", pig, after=pig.audit_dict())
        pigs.append(pig)
    db.session.flush()
    return pigs


def split_amounts(amount: int, disposition: str, to_fund: int | None, kept: int | None) -> tuple[int, int]:
    """(to_fund, kept) for a disposition; a split must add up to the counted amount."""
    amount = _money(amount, "amount", "Số tiền đếm được")
    if disposition == TO_FUND:
        return amount, 0
    if disposition == KEPT:
        return 0, amount
    if disposition != SPLIT:
        raise PiggyBankError("Vui lòng chọn cách xử lý tiền.", "disposition")
    if to_fund is None or kept is None:
        raise PiggyBankError("Khi chia, vui lòng nhập cả số nộp quỹ và số gia đình giữ lại.", "kept_amount")
    to_fund = _money(to_fund, "to_fund_amount", "Số nộp quỹ")
    kept = _money(kept, "kept_amount", "Số gia đình giữ lại")
    if to_fund + kept != amount:
        raise PiggyBankError(f"Nộp quỹ {format_vnd(to_fund)} + giữ lại {format_vnd(kept)} = "
                             f"{format_vnd(to_fund + kept)}, không bằng số đếm được {format_vnd(amount)}.",
                             "kept_amount")
    return to_fund, kept


def _lock(pig: PiggyBank) -> None:
    """Lock the pig row and reload it (PostgreSQL: two volunteers opening the same pig at once
    queue here and the second sees "Đã mổ"; SQLite serialises writers with BEGIN IMMEDIATE)."""
    db.session.execute(select(PiggyBank.id).where(PiggyBank.id == pig.id).with_for_update())
    db.session.refresh(pig)


def fund_for(pig: PiggyBank):
    """The fund an opening pays into: the campaign's fund, else the pig's unit's Quỹ khuyến học."""
    fund = getattr(pig.campaign, "fund", None) if pig.campaign_id else None
    return fund or funds.default_fund(pig.unit)


def opening_values(pig: PiggyBank, *, opened_on: date, amount: int, disposition: str, witness1: str,
                   witness2: str, to_fund: int | None = None, kept: int | None = None, note: str = "") -> dict:
    """Check one count against the rules and return its column values (shared by open_pig and
    the bulk path in bulk.py). The caller has locked the pig."""
    if pig.status != ACTIVE:
        raise PiggyBankError(f"Heo {pig.code} không ở trạng thái đang nuôi ({pig.status_label}).", "amount")
    opened_on = _date(opened_on, "opened_on")

    periods.ensure_open(pig.unit_id, opened_on, "opened_on", hint=periods.ENTRY_HINT, error=PiggyBankError)
    if opened_on < pig.issued_on:
        raise PiggyBankError("Ngày mổ heo không được trước ngày cấp heo "
                             f"({pig.issued_on.strftime('%d/%m/%Y')}).", "opened_on")
    to_fund, kept = split_amounts(amount, disposition, to_fund, kept)
    witness1, witness2 = clean(witness1 or ""), clean(witness2 or "")
    if not witness1:
        raise PiggyBankError("Vui lòng nhập tên người chứng kiến thứ nhất.", "witness1")
    if not witness2:
        raise PiggyBankError("Vui lòng nhập tên người chứng kiến thứ hai.", "witness2")
    if fold(witness1) == fold(witness2):
        raise PiggyBankError("Cần hai người chứng kiến khác nhau.", "witness2")
    if max(len(witness1), len(witness2)) > 120:
        raise PiggyBankError("Tên người chứng kiến dài quá 120 ký tự.", "witness1")
    return dict(unit_id=pig.unit_id, holder_type=pig.holder_type, cycle=pig.cycle, opened_on=opened_on,
                amount=amount, to_fund=to_fund, kept=kept, disposition=disposition, witness1=witness1,
                witness2=witness2, note=(clean(note or ""))[:300], created_by_id=actor_id())


def open_pig(pig: PiggyBank, *, opened_on: date, amount: int, disposition: str, witness1: str,
             witness2: str, to_fund: int | None = None, kept: int | None = None,
             note: str = "") -> PiggyBankOpening:
    """Record a count (mổ heo); the fund part posts a phiếu thu, the kept part is only recorded.

    The pig becomes "Đã mổ" until it is re-issued (tái đàn) or retired.
    """
    _lock(pig)
    values = opening_values(pig, opened_on=opened_on, amount=amount, disposition=disposition, witness1=witness1,
                            witness2=witness2, to_fund=to_fund, kept=kept, note=note)
    to_fund = values["to_fund"]
    opening = PiggyBankOpening(piggy_bank=pig, **values)
    db.session.add(opening)
    db.session.flush()
    if to_fund and pig.campaign_id:
        _ensure_open(pig.campaign, "amount")
    if to_fund:
        try:
            entry = funds.post_income(
                fund_for(pig), to_fund, entry_date=opened_on, source="piggy_bank", source_id=opening.id,
                counterparty=pig.holder_name,
                description=f"Mổ heo đất khuyến học {pig.code} (lần {pig.cycle})")
        except funds.FundError as err:
            raise err.at("amount") from None  # the opening form's money field
        opening.ledger_entry_id = entry.id
    before = pig.audit_dict()
    pig.status = OPENED
    record("create", opening, after=opening.audit_dict())
    record("update", pig, before=before, after=pig.audit_dict())
    return opening


def void_opening(opening: PiggyBankOpening, reason: str) -> PiggyBankOpening:
    """Void a count: reverse its ledger entry, mark it voided; a pig still waiting after this count
    goes back to "Đang nuôi" so the count can be entered again."""
    reason = clean(reason or "")
    if not reason:
        raise PiggyBankError("Vui lòng nhập lý do hủy.", "reason")
    _lock(opening.piggy_bank)
    db.session.refresh(opening)
    if opening.voided:
        raise PiggyBankError("Lần mổ heo này đã được hủy trước đó.", "reason")

    periods.ensure_open(opening.unit_id, opening.opened_on, "reason", hint=periods.OWNER_HINT, error=PiggyBankError)
    before = opening.audit_dict()
    if opening.ledger_entry is not None:
        try:
            funds.reverse(opening.ledger_entry, f"Hủy lần mổ heo {opening.piggy_bank.code}: {reason}"[:500])
        except funds.FundError as err:
            raise err.at("reason") from None  # the void form's one field
    opening.voided, opening.void_reason = True, reason[:500]
    opening.voided_at, opening.voided_by_id = utcnow(), actor_id()
    pig = opening.piggy_bank
    if pig.status == OPENED and pig.cycle == opening.cycle:
        pig_before = pig.audit_dict()
        pig.status = ACTIVE
        record("update", pig, before=pig_before, after=pig.audit_dict())
    db.session.flush()
    record("void", opening, before=before, after=opening.audit_dict())
    return opening


def reissue(pig: PiggyBank, *, issued_on: date, seed_money: int = 0) -> PiggyBank:
    """Tái đàn: a new cycle for a pig that was opened (cycle + 1, new issue date)."""
    _lock(pig)
    if pig.status != OPENED:
        raise PiggyBankError("Chỉ tái đàn được heo đã mổ.", "issued_on")
    issued_on = _date(issued_on, "issued_on")
    last = db.session.scalar(select(func.max(PiggyBankOpening.opened_on)).where(
        PiggyBankOpening.piggy_bank_id == pig.id, PiggyBankOpening.voided.is_(False)))
    if last and issued_on < last:
        raise PiggyBankError("Ngày tái đàn không được trước ngày mổ heo lần trước.", "issued_on")
    seed_money = _money(seed_money, "seed_money", "Tiền mồi")
    before = pig.audit_dict()
    pig.cycle += 1
    pig.status, pig.issued_on, pig.seed_money = ACTIVE, issued_on, seed_money
    db.session.add(PiggyBankCycle(piggy_bank_id=pig.id, unit_id=pig.unit_id, cycle=pig.cycle,
                                  issued_on=issued_on, seed_money=seed_money, created_by_id=actor_id()))
    db.session.flush()
    record("update", pig, before=before, after=pig.audit_dict())
    return pig


def retire(pig: PiggyBank) -> PiggyBank:
    """Ngừng nuôi: the pig leaves the opening-day sheets; its history stays."""
    if pig.status == RETIRED:
        raise PiggyBankError("Heo này đã ngừng nuôi.")
    before = pig.audit_dict()
    pig.status = RETIRED
    db.session.flush()
    record("update", pig, before=before, after=pig.audit_dict())
    return pig


def change_code(pig: PiggyBank, code, reason) -> PiggyBank:
    """Correct a pig's code before its first opening; the old and new code and the reason are audited."""
    reason = clean(reason or "")
    code = codes.check_code(code)
    _lock(pig)
    opened = codes.first_opening(pig)
    if opened is not None or pig.cycle > 1:
        when = f" ngày {opened.opened_on.strftime('%d/%m/%Y')}" if opened is not None else ""
        raise PiggyBankError(f"Heo {pig.code} đã mổ{when}: mã heo đã ghi trên phiếu thu nên không sửa "
                             "được nữa.", "code")
    if code == pig.code:
        raise PiggyBankError(f"Mã mới giống mã hiện tại ({pig.code}).", "code")
    if not reason:
        raise PiggyBankError("Vui lòng nhập lý do sửa mã.", "reason")
    if len(reason) > 300:
        raise PiggyBankError("Lý do dài quá 300 ký tự.", "reason")
    other = db.session.scalar(select(PiggyBank).where(PiggyBank.unit_id == pig.unit_id, PiggyBank.code == code,
                                                      PiggyBank.id != pig.id))
    if other is not None:
        raise PiggyBankError(f"Mã {code} đã là mã heo của {other.holder_name} trong đơn vị này.", "code")
    before = pig.audit_dict()
    pig.code = code
    pig.search_key = search_key(code, pig.holder_name)
    db.session.flush()
    record("change_code", pig, before=before, after={**pig.audit_dict(), "reason": reason})
    return pig


__all__ = ["PiggyBankError", "change_code", "issue_many", "open_pig", "void_opening", "reissue", "retire", "split_amounts",
           "holder_lines", "next_code_number", "fund_for", "DISPOSITIONS"]
