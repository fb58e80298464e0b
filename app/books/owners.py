"""Who owns each ledger entry and each goods entry, and how a void goes through that owner.

Every `LedgerEntry.source` (app.funds.models.SOURCE_LABELS) and every `GoodsEntry.source`
(app.goods.models.SOURCE_LABELS) has exactly one Owner here. An entry is voided only through its
owner's service, which changes the owner record and the books together in the caller's one
transaction: a voided gift is marked voided, a reversed award or prize becomes unpaid (and can be
paid again), a voided piggy-bank count reopens its pig.

    source        owner record (owner_of)                 owner's void (record, reason)
    ledger:
    donation      Donation (entry_id); an income naming   app.donations.services.void_donation
                  no record (source_id NULL: a balance
                  handed over, "thu khác") is the ledger's
                  own, voided by app.funds.services.reverse
    piggy_bank    PiggyBankOpening (ledger_entry_id)      app.piggybanks.services.void_opening
    dues          DuesBatch (ledger_entry_id): one phiếu   app.members.dues.void_batch
                  thu per batch of members' dues
    scholarship   Nomination (source_id)                  app.scholarships.payout.reverse_payment
    prize         Honoree ("each" mode) or Decision       app.commendations.prizes.reverse_prize
                  ("total" mode), see prizes.owner_of_entry
    payment       the entry itself (the ledger owns it)   app.funds.services.reverse
    transfer      the entry itself (both legs together)   app.funds.services.reverse
    adjustment    the entry itself (a correction of an    app.funds.services.reverse
                  entry in a closed period, app.periods)
    reversal      the entry it voids                      none: a reversal is never voided
    goods:
    donation      Donation (goods_entry_id / source_id);  void_donation
                  source_id NULL: the register's own      app.goods.services.reverse
    scholarship   Nomination (source_id)                  reverse_payment
    prize         Honoree (source_id)                     app.commendations.prizes.reverse_for
    issue         the entry itself (the goods register)   app.goods.services.reverse
    reversal      the entry it voids                      none

API (everything is read at call time: nothing of another module is imported or copied when this
module loads, so no import cycle and no stale list):
    sources(book="ledger") -> list[str]        the sources the code defines for that book
    owner_for(source, book="ledger") -> Owner | None
    owner_of(entry) -> record | None           the owner record of a LedgerEntry or GoodsEntry;
                                               None when the entry names no record of its source
                                               (a books-check finding)
    void_plan(entry, user) -> VoidPlan         what the ledger's void page may do with `entry`
    void(entry, reason)                        void through the owner; a Refusal (the owner's, or
                                               VoidRefused) beside the reason unless it names a field
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from flask import url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from app.core.authz import can
from app.core.refusal import Refusal
from app.extensions import db
from app.funds import services as funds

LEDGER, GOODS = "ledger", "goods"


class VoidRefused(Refusal):
    """Nothing here may void the entry (no owner, or the owner's record is gone); beside the reason.
    An owner's own refusal (already voided, fund short, closed period ...) comes through as it is."""

    default_field = "reason"


def _resolve(path: str) -> Callable:
    """"package.module:function" -> the function, imported now (call time)."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Owner:
    source: str
    book: str
    label: str  # what owns the entry, in a sentence: "khoản đóng góp"
    void_label: str  # the ledger's link text: "Hủy khoản đóng góp"
    find: Callable  # entry -> owner record | None
    void_path: str | None  # "module:function" called as (record, reason); None: never voided
    page: Callable  # (entry, record) -> URL of the owner's page holding its void, or None
    action: str = "money.write"  # the right the owner's void needs on the record
    here: Callable = lambda record: True  # noqa: E731  may the ledger page void it itself (one record)?
    # An entry of this source naming no record (source_id NULL) was posted straight into the book
    # (an opening balance, "thu khác"): the book owns it, as app.books.checks counts it.
    direct_ok: bool = False
    effect: str = ""  # what a void here does to the owner, for the ledger's page

    @property
    def is_book(self) -> bool:
        """True when the book itself owns every entry of this source (a payment, a transfer, a
        correction, a goods hand-out): each entry is its own owner record."""
        return self.find is _itself

    def void(self, record, reason: str):
        if type(record).__tablename__ in ("ledger_entry", "goods_entry") and not self.is_book:
            return _book_void(record, reason)  # a direct entry of a record-owned source
        return _resolve(self.void_path)(record, reason)


def _book_void(entry, reason: str):
    path = "app.goods.services:reverse" if type(entry).__tablename__ == "goods_entry" else "app.funds.services:reverse"
    return _resolve(path)(entry, reason)


# ---- finding owner records -----------------------------------------------------------------------

def _by_pointer(model_path: str, column: str, *, fallback_source_id: bool = True, direct_ok: bool = False):
    def find(entry):
        model = _resolve(model_path)
        found = db.session.scalar(select(model).where(getattr(model, column) == entry.id))
        if found is None and fallback_source_id and entry.source_id:
            found = db.session.get(model, entry.source_id)
        if found is None and direct_ok and entry.source_id is None:
            return entry  # posted straight into the book: its own
        return found
    return find


def _by_source_id(model_path: str):
    def find(entry):
        return db.session.get(_resolve(model_path), entry.source_id) if entry.source_id else None
    return find


def _itself(entry):
    return entry


def _original(entry):
    return entry.original


def _prize_owner(entry):
    return _resolve("app.commendations.prizes:owner_of_entry")(entry)


def _is_honoree(record) -> bool:
    return type(record).__name__ == "Honoree" and record.decision.payment_mode != "total"


# ---- owners' pages -----------------------------------------------------------------------------

def _url(endpoint: str, **args) -> str | None:
    try:
        return url_for(endpoint, **args)
    except BuildError:  # a page not built yet (goods) names no link rather than failing the ledger
        return None


def _prize_page(entry, record):
    if record is None:
        return None
    if type(record).__name__ == "Honoree":
        if record.decision.payment_mode == "total":
            return _url("commendations.decision_prize_reverse", decision_id=record.decision_id)
        return _url("commendations.prize_reverse", honoree_id=record.id)
    return _url("commendations.decision_prize_reverse", decision_id=record.id)


def _donation_page(entry, record):
    if record is None or record is entry:
        return None
    return _url("donations.void", donation_id=record.id)


def _goods_page(entry, record):
    return _url("goods.void", entry_id=entry.id) or _url("goods.detail", entry_id=entry.id)


_DONATION = "app.donations.models:Donation"
_OPENING = "app.piggybanks.models:PiggyBankOpening"
_NOMINATION = "app.scholarships.models:Nomination"
_HONOREE = "app.commendations.models:Honoree"
_DUES_BATCH = "app.members.models:DuesBatch"

_LEDGER_OWNERS = {
    "donation": Owner(
        "donation", LEDGER, "khoản đóng góp", "Hủy khoản đóng góp",
        _by_pointer(_DONATION, "entry_id", fallback_source_id=False, direct_ok=True),
        "app.donations.services:void_donation", _donation_page, "donation.void", direct_ok=True,
        effect="khoản đóng góp cũng bị hủy (số đã vận động giảm theo)"),
    "piggy_bank": Owner(
        "piggy_bank", LEDGER, "lần mổ heo đất", "Hủy lần mổ heo",
        _by_pointer(_OPENING, "ledger_entry_id"), "app.piggybanks.services:void_opening",
        lambda e, r: r and _url("piggybanks.void_opening", opening_id=r.id), "donation.void",
        effect="lần mổ heo cũng bị hủy (heo chưa tái đàn trở lại “Đang nuôi” để đếm lại)"),
    "dues": Owner(
        "dues", LEDGER, "đợt thu hội phí", "Hủy đợt thu hội phí",
        _by_pointer(_DUES_BATCH, "ledger_entry_id"), "app.members.dues:void_batch",
        lambda e, r: r and _url("members.dues_void", batch_id=r.id), "dues.void",
        effect="đợt thu hội phí cũng bị hủy (các hội viên trong đợt trở lại “chưa đóng” năm đó)"),
    "scholarship": Owner(
        "scholarship", LEDGER, "suất học bổng đã chi trả", "Hoàn chi học bổng",
        _by_source_id(_NOMINATION), "app.scholarships.payout:reverse_payment",
        lambda e, r: r and _url("scholarships.reverse", nomination_id=r.id), "scholarship.pay",
        effect="suất học bổng được hoàn chi, trở về “Đã duyệt”, chưa chi (có thể chi lại)"),
    "prize": Owner(
        "prize", LEDGER, "tiền thưởng khen thưởng", "Hoàn chi tiền thưởng",
        _prize_owner, "app.commendations.prizes:reverse_prize", _prize_page, "commendation.pay", _is_honoree,
        effect="tiền thưởng được hoàn chi, trở về “Chưa chi” (có thể chi lại)"),
    "payment": Owner(
        "payment", LEDGER, "phiếu chi quỹ", "Hủy", _itself, "app.funds.services:reverse",
        lambda e, r: _url("funds.void", entry_id=e.id)),
    "transfer": Owner(
        "transfer", LEDGER, "chuyển quỹ", "Hủy chuyển quỹ", _itself, "app.funds.services:reverse",
        lambda e, r: _url("funds.void", entry_id=e.id)),
    # A correction of an entry in a closed period (app.periods), posted and voided in the ledger.
    "adjustment": Owner(
        "adjustment", LEDGER, "bút toán điều chỉnh", "Hủy điều chỉnh", _itself, "app.funds.services:reverse",
        lambda e, r: _url("funds.void", entry_id=e.id)),
    "reversal": Owner(
        "reversal", LEDGER, "bút toán hủy", "", _original, None, lambda e, r: None),
}

_GOODS_OWNERS = {
    "donation": Owner(
        "donation", GOODS, "khoản đóng góp bằng hiện vật", "Hủy khoản đóng góp",
        _by_pointer(_DONATION, "goods_entry_id", direct_ok=True), "app.donations.services:void_donation",
        _donation_page, "donation.void", direct_ok=True),
    "scholarship": Owner(
        "scholarship", GOODS, "suất học bổng đã trao", "Hoàn chi học bổng",
        _by_source_id(_NOMINATION), "app.scholarships.payout:reverse_payment",
        lambda e, r: r and _url("scholarships.reverse", nomination_id=r.id), "scholarship.pay"),
    "prize": Owner(
        "prize", GOODS, "phần thưởng khen thưởng", "Hoàn chi phần thưởng",
        _by_source_id(_HONOREE), "app.commendations.prizes:reverse_for", _prize_page, "commendation.pay",
        _is_honoree),
    "issue": Owner(
        "issue", GOODS, "phiếu xuất hiện vật", "Hủy phiếu xuất", _itself, "app.goods.services:reverse",
        _goods_page, "money.write"),
    "reversal": Owner(
        "reversal", GOODS, "phiếu hủy", "", _original, None, lambda e, r: None),
}


# ---- the registry -------------------------------------------------------------------------------

def sources(book: str = LEDGER) -> list[str]:
    """The sources the code defines for `book`, read now from the models."""
    if book == LEDGER:
        from app.funds.models import SOURCE_LABELS
        return list(SOURCE_LABELS)
    try:
        from app.goods.models import SOURCE_LABELS as GOODS_LABELS
    except ImportError:  # before the goods register exists
        return []
    return list(GOODS_LABELS)


def owner_for(source: str, book: str = LEDGER) -> Owner | None:
    return (_LEDGER_OWNERS if book == LEDGER else _GOODS_OWNERS).get(source)


def book_of(entry) -> str:
    return GOODS if type(entry).__tablename__ == "goods_entry" else LEDGER


def owner_of(entry):
    """The record that owns `entry` (see the table above), or None when none can be found."""
    owner = owner_for(entry.source, book_of(entry))
    return owner.find(entry) if owner else None


def void(entry, reason: str):
    """Void `entry` through its owner, in the caller's transaction (the caller commits).

    VoidRefused when nothing owns it or it may not be voided; the owner's own refusal (a Refusal:
    FundError, DonationError, ...) when the owner refuses. The ledger's void page puts a refusal
    without a field beside the reason."""
    owner = owner_for(entry.source, book_of(entry))
    if owner is None or owner.void_path is None:
        raise VoidRefused("Bút toán này không hủy được.")
    record = owner.find(entry)
    if record is None:
        raise VoidRefused(f"Không tìm thấy {owner.label} đã ghi bút toán này: không thể hủy.")
    return owner.void(record, reason)  # the owner's Refusal goes through as it is


@dataclass
class VoidPlan:
    """What the ledger's void page does: `here` offers the reason form (POST calls void());
    otherwise `refusal` says why not and `link` (with `link_label`) leads to the owner's page."""

    owner: Owner | None
    record: object = None
    here: bool = False
    refusal: str = ""
    link: str | None = None
    link_label: str = ""
    note: str = ""  # what voiding here changes besides the ledger
    own: bool = False  # the ledger owns the entry: voiding it changes nothing else


def void_plan(entry, user) -> VoidPlan:
    """Decide, for the ledger's void page, whether `user` may void `entry` right there."""
    owner = owner_for(entry.source, book_of(entry))
    if entry.reversal_of_id is not None or entry.source == "reversal":
        return VoidPlan(owner, refusal="Đây là bút toán hủy, không thể hủy tiếp.")
    if owner is None:
        return VoidPlan(None, refusal="Bút toán có nguồn không xác định: không thể hủy ở đây.")
    record = owner.find(entry)
    link = owner.page(entry, record) if record is not None and not owner.is_book else None
    label = f"Mở trang {owner.label}"
    if funds.is_reversed(entry):
        return VoidPlan(owner, record, refusal="Bút toán này đã được hủy trước đó.", link=link,
                        link_label=f"Kiểm tra {owner.label}" if link else "")
    if record is None:
        return VoidPlan(owner, refusal=(f"Bút toán này ghi nguồn “{entry.source_label}” nhưng không gắn với "
                                        f"{owner.label} nào, nên không hủy được ở đây."))
    if owner.is_book or record is entry:
        return VoidPlan(owner, record, here=True, own=True)
    if not owner.here(record):
        return VoidPlan(owner, record, link=link, link_label=label, refusal=(
            f"Bút toán này là phiếu chi chung của cả danh sách ({owner.label}). Hãy hoàn chi ở trang quyết định, "
            "để quyết định và sổ quỹ luôn khớp nhau."))
    if not can(user, owner.action, record):
        return VoidPlan(owner, record, link=link, link_label=label, refusal=(
            f"Bút toán này được ghi từ một {owner.label}; bạn không có quyền hủy {owner.label} đó."))
    return VoidPlan(owner, record, here=True, link=link, link_label=label, note=(
        f"Bút toán này được ghi từ một {owner.label}. Hủy ở đây thì {owner.effect}: "
        "sổ quỹ và chứng từ gốc thay đổi cùng lúc, trong một lần ghi."))


def void_link(entry) -> tuple[str, str] | None:
    """(URL, text) of the ledger list's void link for a standing entry, saying where the void goes;
    None for reversals. Cheap: no query unless the owner's page depends on the record (prizes)."""
    owner = owner_for(entry.source, book_of(entry))
    if owner is None or owner.void_path is None:
        return None
    if owner.source == "prize":
        record = owner.find(entry)
        if record is not None and not owner.here(record):
            return owner.page(entry, record), "Hoàn chi tại quyết định"
    if owner.direct_ok and entry.source_id is None:  # posted straight into the ledger: its own
        return url_for("funds.void", entry_id=entry.id), "Hủy"
    return url_for("funds.void", entry_id=entry.id), owner.void_label
