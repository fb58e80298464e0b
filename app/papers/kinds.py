"""One describer per kind of paper: what the public verification page shows of it (app.papers.view).

Each reads its record with ONE query whether the record exists or not (the unit and its parent
joined in), so a forged code's decoy lookup (id 0) does exactly what a deleted record's does; only a
found paper reads further (its voiding, its decision's amendments, a total).

Copied field by field, never the record: a receipt's description (the purpose, often a family's
circumstances), counterparty_address, a line's birth date, note or place are never read here.
The place of a certificate's line (class and school for a pupil, a village or a street address for
a donor or volunteer) is left out for everyone: the masked name, the decision and the honour are
enough to compare with the paper in hand, and a child's school next to a near-whole name is exactly
what a photographed certificate should not hand a stranger.
"""
from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from app.commendations.certificates import certificate_text, setting_for, wording_kind, wording_of
from app.commendations.models import COLLECTIVE_KINDS, ISSUED, Decision, Honoree
from app.donations.donors import ANONYMOUS_NAME, BUSINESS, ORGANISATION, Donor, kept_anonymous
from app.donations.models import Donation
from app.extensions import db
from app.funds import services as funds
from app.funds.models import RECEIPT, VOUCHER, LedgerEntry
from app.goods import services as goods
from app.goods.models import ISSUE, RECEIPT as GOODS_RECEIPT, GoodsEntry
from app.scholarships.models import APPROVED, Nomination, ScholarshipRound
from app.units.models import Unit
from app.vn.dates import short_date
from app.vn.money import format_vnd

from .masking import mask_name, mask_parts
from .view import LABELS, REPLACED, VOIDED, PublicView, describer, draft, unit_names, voided

_STATEMENTS: dict = {}


def _by_id(model, *path):
    """SELECT model WHERE id = :ref_id with its unit and the unit's parent joined in: built once per
    model (building a statement with its loader options costs more than running it)."""
    stmt = _STATEMENTS.get(model)
    if stmt is None:
        path = path or (model.unit,)
        load = joinedload(path[0])
        for step in path[1:]:
            load = load.joinedload(step)
        stmt = _STATEMENTS[model] = (select(model).where(model.id == bindparam("ref_id"))
                                     .options(load.joinedload(Unit.parent)))
    return stmt


def _one(model, ref_id: int, *path):
    return db.session.execute(_by_id(model, *path), {"ref_id": ref_id}).unique().scalar_one_or_none()


# ---- who paid, gave or received -------------------------------------------------------------------

def _party(name: str, donation_where) -> str:
    """The counterparty as the page shows it. A gift's donor decides: an anonymous gift (or donor)
    shows ANONYMOUS_NAME, a business or an organisation its whole name, a person the masked name."""
    row = db.session.execute(select(Donation.anonymous, Donor.kind).join(Donor, Donor.id == Donation.donor_id)
                             .where(donation_where).limit(1)).first() if donation_where is not None else None
    if row is not None:
        if kept_anonymous(row.kind, row.anonymous):
            return ANONYMOUS_NAME
        return mask_name(name, collective=row.kind in (BUSINESS, ORGANISATION))
    return mask_name(name)


# ---- money: phiếu thu, phiếu chi ---------------------------------------------------------------------

def _ledger(ref_id: int, prefix: str, kind: str) -> PublicView | None:
    entry = _one(LedgerEntry, ref_id)
    # A reversal or a correction has no number and prints no paper of its own; a receipt's code must
    # name a receipt (PT), a voucher's a voucher (PC).
    if entry is None or not entry.number or not entry.number.startswith(prefix + "-"):
        return None
    status = {}
    reversal = funds.reversal_of(entry)
    if reversal is not None:
        status = voided(reversal.entry_date)
    else:
        # An entry of a closed period is voided by a correction (its opposite, dated in an open one):
        # the paper no longer stands, exactly as after a reversal.
        correction = funds.correction_of(entry)
        if correction is not None:
            status = voided(correction.entry_date, "Hủy bằng bút toán điều chỉnh sau khi khóa sổ kỳ của phiếu.")
    is_receipt = prefix == RECEIPT
    party = _party(entry.counterparty, Donation.entry_id == entry.id if entry.source == "donation" else None)
    return PublicView(kind=kind, label=LABELS[kind], **unit_names(entry.unit), number=entry.number,
                      issued_on=entry.entry_date, name=party,
                      name_label="Người nộp tiền" if is_receipt else "Người nhận tiền",
                      rows=(("Số tiền", format_vnd(entry.amount)),), **status)


@describer("receipt")
def receipt(ref_id: int) -> PublicView | None:
    return _ledger(ref_id, RECEIPT, "receipt")


@describer("voucher")
def voucher(ref_id: int) -> PublicView | None:
    return _ledger(ref_id, VOUCHER, "voucher")


# ---- goods: biên bản giao nhận, phiếu xuất ---------------------------------------------------------

def _goods(ref_id: int, prefix: str, kind: str) -> PublicView | None:
    entry = _one(GoodsEntry, ref_id)
    if entry is None or not entry.number or not entry.number.startswith(prefix + "-"):
        return None
    reversal = goods.reversal_of(entry)
    status = voided(reversal.entry_date) if reversal is not None else {}
    is_in = prefix == GOODS_RECEIPT
    party = _party(entry.counterparty, Donation.goods_entry_id == entry.id if entry.source == "donation" else None)
    rows = [("Hiện vật", f"{entry.quantity_text} {entry.item_unit} {entry.item}".strip())]
    if entry.value:
        rows.append(("Giá trị quy ra tiền", format_vnd(entry.value)))
    return PublicView(kind=kind, label=LABELS[kind], **unit_names(entry.unit), number=entry.number,
                      issued_on=entry.entry_date, name=party, name_label="Người giao" if is_in else "Người nhận",
                      rows=tuple(rows), **status)


@describer("goods_in")
def goods_in(ref_id: int) -> PublicView | None:
    return _goods(ref_id, GOODS_RECEIPT, "goods_in")


@describer("goods_out")
def goods_out(ref_id: int) -> PublicView | None:
    return _goods(ref_id, ISSUE, "goods_out")


# ---- commendations: the decision, its list, each certificate -----------------------------------------

def _decision_status(d: Decision) -> dict:
    """Draft, amended by an issued decision, or standing. An amending decision ("sửa đổi, bổ sung")
    adds or corrects lines and the old one's honours keep their register numbers, so the amended
    decision is shown as replaced, naming the decision that replaced it; its certificates stand."""
    if d.status != ISSUED:
        return draft()
    later = _amended_by(d)
    if later is None:
        return {}
    return {"status": REPLACED, "status_text": "Đã được thay thế",
            "status_note": f"Được sửa đổi, bổ sung bởi Quyết định số {later.number} ngày "
                           f"{short_date(later.decision_date)}."}


def _amended_by(d: Decision) -> Decision | None:
    return db.session.scalar(select(Decision).where(Decision.amends_id == d.id, Decision.status == ISSUED)
                             .order_by(Decision.id.desc()).limit(1))


def _lines(d: Decision) -> int:
    return int(db.session.scalar(select(func.count(Honoree.id)).where(Honoree.decision_id == d.id)) or 0)


def _decision(ref_id: int, kind: str) -> PublicView | None:
    d = _one(Decision, ref_id)
    if d is None:
        return None
    title = d.title if kind == "decision" else (d.list_title or f"Danh sách kèm theo Quyết định số {d.number}")
    rows = [("Trích yếu" if kind == "decision" else "Tên danh sách", title),
            ("Số người, tập thể được khen", str(_lines(d)))]
    if kind == "decision_list":
        rows.insert(0, ("Kèm theo", f"Quyết định số {d.number} ngày {short_date(d.decision_date)}"))
    return PublicView(kind=kind, label=LABELS[kind], **unit_names(d.unit), number=d.number,
                      issued_on=d.decision_date, rows=tuple(rows), **_decision_status(d))


@describer("decision")
def decision(ref_id: int) -> PublicView | None:
    return _decision(ref_id, "decision")


@describer("decision_list")
def decision_list(ref_id: int) -> PublicView | None:
    return _decision(ref_id, "decision_list")


def _honour(h: Honoree, d: Decision) -> str:
    """The sentence under the name, as the certificate words it (app.commendations.certificates), without
    drawing the certificate: a line from a scholarship round says what it received."""
    received = ""
    if h.nomination_id:
        n = db.session.get(Nomination, h.nomination_id)
        received = f"{n.category.name} năm học {n.round.school_year}" if n is not None else ""
    return certificate_text(wording_of(setting_for(d.unit), wording_kind(h, received)), received or h.achievement)


@describer("certificate")
def certificate(ref_id: int) -> PublicView | None:
    h = _one(Honoree, ref_id, Honoree.decision, Decision.unit)
    if h is None:
        return None
    d = h.decision
    collective = h.collective or h.kind in COLLECTIVE_KINDS
    name = h.full_name if collective else mask_parts(h.ho, h.dem, h.ten)
    # The honour as the certificate words it (a scholarship line prints what it received, never the
    # reason it was chosen, which may tell the family's circumstances).
    honour = _honour(h, d)
    rows = [("Nội dung khen", honour), ("Theo quyết định", f"Số {d.number} ngày {short_date(d.decision_date)}")]
    if h.register_number:
        rows.append(("Số vào sổ vàng", str(h.register_number)))
    status = draft() if d.status != ISSUED else {}
    if not status:
        later = _amended_by(d)
        if later is not None:  # the honour stands (it keeps its register number); say what followed
            status = {"status_note": f"Quyết định gốc đã được sửa đổi, bổ sung bởi Quyết định số {later.number} "
                                     f"ngày {short_date(later.decision_date)}."}
    return PublicView(kind="certificate", label=d.award_label, **unit_names(d.unit),
                      issued_on=d.decision_date, name=name,
                      name_label="Tập thể được khen" if collective else "Người được khen", rows=tuple(rows), **status)


# ---- scholarships: the signing sheet ---------------------------------------------------------------

@describer("payout_sheet")
def payout_sheet(ref_id: int) -> PublicView | None:
    rnd = _one(ScholarshipRound, ref_id)
    if rnd is None:
        return None
    count, total = db.session.execute(
        select(func.count(Nomination.id), func.coalesce(func.sum(Nomination.amount), 0))
        .where(Nomination.round_id == rnd.id, Nomination.status == APPROVED)).one()
    rows = [("Đợt học bổng", f"{rnd.name} (năm học {rnd.school_year})" if rnd.school_year else rnd.name),
            ("Số suất học bổng", str(count)), ("Tổng số tiền", format_vnd(total))]
    if rnd.decision_number:
        rows.append(("Theo quyết định", rnd.decision_number))
    return PublicView(kind="payout_sheet", label=LABELS["payout_sheet"], **unit_names(rnd.unit),
                      number=rnd.decision_number, issued_on=rnd.ceremony_date, rows=tuple(rows))


# ---- members: the member card (issue 19 C) ---------------------------------------------------------

@describer("member_card")
def member_card(ref_id: int) -> PublicView | None:
    """A member's card: the unit (and the association above it), the card's number, the masked name
    and whether the member still belongs. Never the birth year, address, phone, occupation, the
    reason a member left nor the dates the card does not print (only the date the card stopped holding)."""
    from app.members.cards import number_text  # the members domain loads after the papers
    from app.members.models import ACTIVE, Member

    m = _one(Member, ref_id)
    if m is None:
        return None
    status = {}
    if m.status != ACTIVE:
        since = f" từ ngày {short_date(m.ended_on)}" if m.ended_on else ""
        status = {"status": VOIDED, "status_text": f"Hết hiệu lực{since}",
                  "status_note": "Người này không còn là hội viên của đơn vị."}
    return PublicView(kind="member_card", label=LABELS["member_card"], **unit_names(m.unit),
                      number=number_text(m), name=mask_parts(m.ho, m.dem, m.ten), name_label="Hội viên",
                      **status)
