"""The donors' honour roll (sổ vàng): who gave to a campaign, or to a unit's funds in a year.

One line per donor (several gifts summed), largest gift first and then the Vietnamese name
order, the way associations read it out at a ceremony. A donor who asked to stay anonymous
(donor kind "anonymous": the name may be known to the treasurer for the receipt, it is
never printed) appears as "Nhà hảo tâm ẩn danh". Voided gifts are left out; in-kind gifts
count at the value they were entered with ("quy ra tiền") and name the goods; each row keeps
that value apart too ("goods_value"), so the roll's total says how much of it was money.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.campaigns.models import Campaign
from app.donations.donors import ANONYMOUS_NAME, Donor, kept_anonymous
from app.donations.models import IN_KIND, Donation
from app.extensions import db
from app.funds.models import Fund, LedgerEntry
from app.goods.models import GoodsEntry
from app.printing.services import Column

COLUMNS = [
    Column("stt", "STT", 7, "stt"),
    Column("name", "Họ và tên, tên tập thể", 38),
    Column("in_kind", "Hiện vật", 22),
    Column("amount", "Tiền, hiện vật quy ra tiền (đồng)", 17, "money"),
    Column("note", "Ghi chú", 16),
]


def _rows(where) -> list[dict]:
    # A voided gift is marked on the donation and reversed in its ledger (or goods) entry; either one
    # leaves it out. A gift in kind moved to the goods register had its old phiếu thu reversed for
    # that reason alone: it stands while its goods entry does.
    reversed_entry = select(LedgerEntry.id).where(LedgerEntry.reversal_of_id == Donation.entry_id).exists()
    where = [*where, ~(reversed_entry & Donation.goods_entry_id.is_(None))]
    where.append(~select(GoodsEntry.id).where(GoodsEntry.reversal_of_id == Donation.goods_entry_id).exists())

    sums = db.session.execute(select(Donation.donor_id, Donation.anonymous, func.sum(Donation.amount),
                                     func.count(Donation.id))
                              .where(Donation.voided_at.is_(None), *where)
                              .group_by(Donation.donor_id, Donation.anonymous)).all()
    if not sums:
        return []
    # A subquery rather than an id list: a big drive has more donors than SQLite takes parameters.
    donors = {d.id: d for d in db.session.scalars(select(Donor).where(Donor.id.in_(
        select(Donation.donor_id).where(Donation.voided_at.is_(None), *where))))}

    def hidden(donor_id, gift_anonymous) -> bool:
        return kept_anonymous(donors[donor_id].kind, gift_anonymous)

    goods: dict[tuple[int, bool], list[str]] = {}
    goods_value: dict[tuple[int, bool], int] = {}
    for d in db.session.scalars(select(Donation).where(Donation.voided_at.is_(None), Donation.method == IN_KIND,
                                                       *where).order_by(Donation.donation_date, Donation.id)):
        key = (d.donor_id, hidden(d.donor_id, d.anonymous))
        goods.setdefault(key, []).append(d.in_kind_text or d.item)
        goods_value[key] = goods_value.get(key, 0) + d.amount
    # Per donor, the gifts kept anonymous (the donor's kind or the gift's own flag) apart from the named ones.
    totals: dict[tuple[int, bool], list[int]] = {}
    for donor_id, gift_anonymous, total, count in sums:
        both = totals.setdefault((donor_id, hidden(donor_id, gift_anonymous)), [0, 0])
        both[0] += int(total)
        both[1] += int(count)
    rows = []
    for (donor_id, anonymous), (total, count) in totals.items():
        donor = donors[donor_id]
        rows.append({"name": ANONYMOUS_NAME if anonymous else donor.name,
                     "in_kind": "; ".join(g for g in goods.get((donor_id, anonymous), []) if g),
                     "amount": total, "goods_value": goods_value.get((donor_id, anonymous), 0),
                     "note": f"{count} lần" if count > 1 else "",
                     "_key": (-total, "~" if anonymous else donor.name_key, donor_id, anonymous)})
    rows.sort(key=lambda r: r["_key"])
    for r in rows:
        del r["_key"]
    return rows


def campaign_rows(campaign) -> list[dict]:
    """The honour roll of one campaign (all its gifts, whatever the date)."""
    return _rows([Donation.campaign_id == campaign.id])


def year_rows(unit, year: int) -> list[dict]:
    """The honour roll of gifts into `unit`'s own funds dated in `year` (as in its disclosure)."""
    fund_campaigns = (select(Campaign.id).join(Fund, Fund.id == Campaign.fund_id)
                      .where(Fund.unit_id == unit.id).scalar_subquery())
    return _rows([Donation.campaign_id.in_(fund_campaigns), Donation.donation_date >= date(year, 1, 1),
                  Donation.donation_date <= date(year, 12, 31)])
