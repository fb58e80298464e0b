"""Donation rules: record (one ledger or goods entry each), void (reverse the entry); the list queries
live in gift_list.py and are re-exported here.

Services never commit; the caller commits (or rolls back on a Refusal: DonationError, or the refusal
of the campaign, fund, goods or period rule that said no, let through with the donation form's field).
A gift of money posts one income to its campaign's fund through
app.funds.services.post_income(source="donation", source_id=donation.id). A gift in kind is not
cash: it posts one goods entry (biên bản giao nhận, GN-...) at the campaign's unit through
app.goods.services.receive(source="donation", source_id=donation.id); its entry_id stays NULL.
"""
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import insert, update

from app.audit.services import record, record_many
from app.campaigns.models import Campaign
from app.campaigns.services import ensure_open
from app.core import books
from app.core.actor import actor_id
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.extensions import db
from app.funds import services as funds
from app.goods import services as goods
from app.periods import services as periods
from app.periods.services import OWNER_HINT
from app.units.models import Unit
from app.vn.text import clean, fold

from .donor_services import DonorError, find_or_create_donor, resolve
from .gift_list import (ancestor_ids, donation_query, donation_scope, in_collector_scope, listing, page_items,
                        recent, scope_totals, totals)
from .donors import Donor
from .models import IN_KIND, METHODS, Donation


class DonationError(Refusal):
    """A refused donation or void, with a Vietnamese message and the form field it concerns."""



def parse_quantity(value) -> Decimal | None:
    """"50", "2,5", "1.5" → Decimal; "" → None. DonationError beside the quantity otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        q = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise DonationError("Số lượng phải là một số, ví dụ 50 hoặc 2,5.", "quantity") from None
    if not q.is_finite() or q <= 0 or q >= Decimal("1e12"):
        raise DonationError("Số lượng phải lớn hơn 0.", "quantity")
    return q.quantize(Decimal("0.01"))


def purpose_text(campaign: Campaign, donation: Donation) -> str:
    """The receipt's "Lý do nộp": the campaign (and its purpose), and the goods for gifts in kind."""
    text = f"Ủng hộ {campaign.name}"
    if campaign.purpose:
        text += f" ({campaign.purpose})"
    if donation.method == IN_KIND and donation.in_kind_text:
        text += f". Hiện vật: {donation.in_kind_text}, quy ra tiền"
    return text[:500]


def _donation_fields(campaign: Campaign, donor: Donor, amount: int, *, donation_date: date,
                     method: str = "cash", item: str = "", quantity=None, item_unit: str = "",
                     collector_name: str = "", collector_unit: Unit | None = None, note: str = "",
                     anonymous: bool = False) -> dict:
    """Check one gift against the rules and return its column values (shared by single and bulk entry).

    anonymous: the donor asked for this gift to stay anonymous in public lists (the disclosure
    and the honour roll show "Nhà hảo tâm ẩn danh"); the receipt and the ledger keep the name.
    """
    ensure_open(campaign)  # CampaignError beside campaign_id
    _period_open(donation_date, campaign.unit_id, collector_unit.id if collector_unit else None, "donation_date")
    if method not in METHODS:
        raise DonationError("Hình thức đóng góp không hợp lệ.", "method")
    item, item_unit = clean(item or ""), clean(item_unit or "")
    collector_name, note = clean(collector_name or ""), clean(note or "")
    if method == IN_KIND and not item:
        raise DonationError("Vui lòng ghi tên hiện vật (ví dụ: quyển vở, xe đạp).", "item")
    if method != IN_KIND:
        item, item_unit, quantity = "", "", None
    if quantity is not None and not isinstance(quantity, Decimal):
        quantity = parse_quantity(quantity)
    if method == IN_KIND:
        # The goods register counts stock by item, unit of measure and quantity.
        if quantity is None:
            raise DonationError("Vui lòng nhập số lượng hiện vật (ví dụ: 50).", "quantity")
        if not item_unit:
            raise DonationError("Vui lòng nhập đơn vị tính (ví dụ: quyển, chiếc, kg).", "item_unit")
        quantity = goods.quantity_of(quantity)  # GoodsError beside quantity
    for value, limit, field in ((item, 200, "item"), (item_unit, 30, "item_unit"),
                                (collector_name, 120, "collector_name"), (note, 500, "note")):
        if len(value) > limit:
            raise DonationError(f"Quá {limit} ký tự.", field)
    if collector_unit is not None and not collector_unit.is_under(campaign.unit) \
            and not campaign.unit.is_under(collector_unit):
        raise DonationError("Chi hội thu phải thuộc đơn vị tổ chức đợt vận động.", "collector_unit_id")
    books.check_amount(amount, "amount", error=DonationError)  # 1 .. MAX_AMOUNT (app.core.books)
    books.check_entry_date(donation_date, "donation_date", error=DonationError)
    return dict(unit_id=campaign.unit_id, campaign_id=campaign.id, donor_id=donor.id, donation_date=donation_date,
                amount=amount, method=method, item=item, quantity=quantity, item_unit=item_unit,
                collector_name=collector_name, collector_key=fold(collector_name)[:120],
                collector_unit_id=collector_unit.id if collector_unit else None, note=note,
                anonymous=bool(anonymous), created_by_id=actor_id())


def record_donation(campaign: Campaign, donor: Donor, amount: int, *, donation_date: date,
                    method: str = "cash", item: str = "", quantity=None, item_unit: str = "",
                    collector_name: str = "", collector_unit: Unit | None = None, note: str = "",
                    anonymous: bool = False) -> Donation:
    """Record a gift and post its phiếu thu to the campaign's fund (same transaction)."""
    donor = resolve(donor)
    fields = _donation_fields(campaign, donor, amount, donation_date=donation_date, method=method, item=item,
                              quantity=quantity, item_unit=item_unit, collector_name=collector_name,
                              collector_unit=collector_unit, note=note, anonymous=anonymous)
    donation = Donation(**fields)
    db.session.add(donation)
    db.session.flush()
    if donation.method == IN_KIND:
        donation.goods_entry = _receive_goods(campaign, donor, donation)
    else:
        with _beside_donation_fields():
            donation.entry = funds.post_income(campaign.fund, amount, entry_date=donation_date, source="donation",
                                               source_id=donation.id, counterparty=donor.name,
                                               counterparty_address=donor.address,
                                               description=purpose_text(campaign, donation), method=method)
    db.session.flush()
    record("create", donation, after=donation.audit_dict())
    return donation


@dataclass(frozen=True)
class Gift:
    """One gift as typed on the quick-entry form, in plain values (DonationForm.gift() builds it).
    The campaign, the collecting unit and a picked donor are records the view loads in scope."""

    amount: int
    donation_date: date
    donor_name: str = ""
    donor_kind: str = "person"
    address: str = ""
    phone: str = ""
    method: str = "cash"
    item: str = ""
    quantity: str = ""  # as typed: "50", "2,5"
    item_unit: str = ""
    collector_name: str = ""
    note: str = ""
    anonymous: bool = False


def record_gift(campaign: Campaign, gift: Gift, *, donor: Donor | None = None,
                collector_unit: Unit | None = None) -> Donation:
    """record_donation for a typed gift: `donor` a picked suggestion, else the unit's donor with the
    typed name found or added (DonorError, DonationError or the rule's own refusal otherwise)."""
    if donor is None:
        donor = find_or_create_donor(campaign.unit, gift.donor_name, gift.donor_kind, gift.address, gift.phone)
    return record_donation(campaign, donor, gift.amount, donation_date=gift.donation_date, method=gift.method,
                           item=gift.item, quantity=parse_quantity(gift.quantity), item_unit=gift.item_unit,
                           collector_name=gift.collector_name, collector_unit=collector_unit, note=gift.note,
                           anonymous=gift.anonymous)


# The ledger's and goods register's fields -> the donation forms' fields, so a refusal shows beside the
# right input (any other field, e.g. the fund's "source": at the top of the form).
_FIELDS = {"amount": "amount", "value": "amount", "quantity": "quantity", "item": "item", "item_unit": "item_unit",
           "entry_date": "donation_date"}


@contextmanager
def _beside_donation_fields():
    """Let a fund's or goods register's refusal through, pointed at the donation form's field."""
    try:
        yield
    except (funds.FundError, goods.GoodsError) as err:
        raise err.at(_FIELDS.get(err.field)) from None


def _receive_goods(campaign: Campaign, donor: Donor, donation):
    """The goods entry of a gift in kind: stock of the campaign's unit, valued at the gift's amount."""
    with _beside_donation_fields():
        return goods.receive(campaign.unit, item=donation.item, item_unit=donation.item_unit,
                             quantity=donation.quantity, value=donation.amount, entry_date=donation.donation_date,
                             giver=donor.name or "Nhà hảo tâm", giver_address=donor.address, campaign=campaign,
                             source="donation", source_id=donation.id,
                             description=purpose_text(campaign, donation))


def record_donations_bulk(campaign: Campaign, rows: list[dict]) -> list[int]:
    """Many gifts to one campaign in a few statements, under the same rules as record_donation.

    rows: dicts with `donor` and the keyword arguments of record_donation. All or nothing:
    the first bad row raises its Refusal (with `.row`, its index) and the caller rolls back.
    Each donation still gets its own ledger entry, receipt number and audit entry; a gift in kind
    its own goods entry (biên bản giao nhận number) instead, never a ledger entry.
    """
    values = []
    for index, row in enumerate(rows):
        row = dict(row)
        donor = resolve(row.pop("donor"))
        try:
            fields = _donation_fields(campaign, donor, row.pop("amount"), **row)
        except Refusal as err:
            err.row = index
            raise
        values.append((fields, donor))
    if not values:
        return []
    ids = list(db.session.scalars(insert(Donation).returning(Donation.id, sort_by_parameter_order=True),
                                  [fields for fields, _ in values]))
    items, money_ids = [], []
    goods_of = {}
    probe = Donation()
    # Gifts in kind in date order, so their GN numbers follow the dates like the bulk PT numbers do.
    for index, donation_id, (fields, donor) in sorted(
            ((i, d, v) for i, (d, v) in enumerate(zip(ids, values))), key=lambda t: t[2][0]["donation_date"]):
        if fields["method"] == IN_KIND:
            try:
                goods_of[donation_id] = _receive_goods(campaign, donor, Donation(id=donation_id, **fields)).id
            except Refusal as err:
                err.row = index
                raise
    for donation_id, (fields, donor) in zip(ids, values):
        if fields["method"] == IN_KIND:
            continue
        probe.method = fields["method"]  # purpose_text reads only the method for money gifts
        money_ids.append(donation_id)
        items.append({"amount": fields["amount"], "entry_date": fields["donation_date"], "source": "donation",
                      "source_id": donation_id, "counterparty": donor.name, "counterparty_address": donor.address,
                      "description": purpose_text(campaign, probe), "method": fields["method"]})
    with _beside_donation_fields():
        entry_ids = funds.post_incomes_bulk(campaign.fund, items)
    entry_of = dict(zip(money_ids, entry_ids))
    db.session.execute(update(Donation), [{"id": d, "entry_id": entry_of.get(d), "goods_entry_id": goods_of.get(d)}
                                          for d in ids])

    record_many("create", "donation", [
        (d, fields["unit_id"], {"campaign_id": fields["campaign_id"], "donor_id": fields["donor_id"],
                                "date": fields["donation_date"].isoformat(), "amount": fields["amount"],
                                "method": fields["method"], "anonymous": fields["anonymous"],
                                "entry_id": entry_of.get(d), "goods_entry_id": goods_of.get(d)})
        for d, (fields, _) in zip(ids, values)])
    return ids


def _period_open(day, unit_id, collector_id, field: str, hint: str | None = None) -> None:
    """Closed periods (khóa sổ, app.periods): no gift recorded, back-dated or voided in one, whether
    closed by the campaign's unit or by the branch that collected it (the figures count it there)."""
    for unit_id in (unit_id, collector_id):
        if unit_id is not None:
            periods.ensure_open(unit_id, day, field, hint=hint or periods.ENTRY_HINT, error=DonationError)


def void_donation(donation: Donation, reason: str) -> Donation:
    """Void a donation: reverse its ledger entry (a gift in kind: its goods entry) and mark it.

    Refused when already voided, or when a gift in kind was partly handed out (its stock would
    go below zero).
    """
    if donation.voided:
        raise DonationError("Khoản đóng góp này đã được hủy trước đó.", "reason")
    reason = clean(reason or "")
    if not reason:
        raise DonationError("Vui lòng nhập lý do hủy.", "reason")

    _period_open(donation.donation_date, donation.unit_id, donation.collector_unit_id, "reason", OWNER_HINT)
    before = donation.audit_dict()
    try:
        if donation.goods_entry_id is not None:
            goods.reverse(donation.goods_entry, reason)
        else:
            funds.reverse(donation.entry, reason)
    except (funds.FundError, goods.GoodsError) as err:
        raise err.at("reason") from None  # the void form has only the reason
    donation.voided_at = utcnow()
    donation.void_reason = reason[:500]
    donation.voided_by_id = actor_id()
    db.session.flush()
    record("void", donation, before=before, after=donation.audit_dict())
    return donation

__all__ = ["DonationError", "DonorError", "Gift", "record_gift", "record_donation", "void_donation", "donation_query", "listing",
           "totals", "scope_totals", "recent", "parse_quantity", "donation_scope", "in_collector_scope", "page_items",
           "ancestor_ids"]
