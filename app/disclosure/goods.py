"""The goods side of the disclosure: gifts in kind received and goods handed out in the year, valued.

Goods are not cash (issue 13): a gift in kind posts a goods entry (app.goods), not a fund income,
so the disclosure shows them apart from the money, with the same rules as the ledger side
(report.py): an entry "stands" at the year's end when no reversal of it is dated on or before
31 December; received and handed-out lines list the standing, non-reversal entries of the year;
a reversal dated in the year of an entry of an earlier year is an adjustment. So, for the unit's
goods register: value on hand on 1 January + received - handed out (+/- adjustments) = value on
hand on 31 December (tested).

Givers are named like donors of money (or "Nhà hảo tâm ẩn danh"); recipients never are: goods go
to pupils, so hand-outs are counted per scholarship round, commendation decision or purpose.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased

from app.campaigns.models import Campaign
from app.commendations.models import Decision, Honoree
from app.donations.donors import ANONYMOUS_NAME, Donor, kept_anonymous
from app.donations.models import Donation
from app.extensions import db
from app.goods.models import GoodsEntry, format_quantity
from app.scholarships.models import Nomination, ScholarshipRound
from app.vn.names import word_key

from .lines import DonorLine, IncomeGroup


@dataclass
class GoodsLine:
    """Goods handed out for one purpose (a round, a decision, a purpose and basis)."""
    purpose: str
    basis: str
    count: int  # hand-outs (phiếu xuất)
    amount: int  # value, đồng
    items: str = ""  # "20 quyển vở; 2 chiếc xe đạp"
    kind: str = "issue"  # scholarship, prize, issue
    first_date: date | None = None


def quantity_text(quantity, item_unit: str, item: str) -> str:
    return " ".join(p for p in (format_quantity(quantity), item_unit, item) if p)


def _items(rows) -> str:
    """"20 quyển vở; 2 chiếc xe đạp" from (item, item_unit, quantity) rows, same goods added up."""
    totals: dict[tuple[str, str], Decimal] = {}
    names: dict[tuple[str, str], str] = {}
    for item, item_unit, quantity in rows:
        key = (word_key(item), item_unit)
        totals[key] = totals.get(key, Decimal(0)) + Decimal(quantity)
        names.setdefault(key, item)
    return "; ".join(quantity_text(q, key[1], names[key]) for key, q in totals.items())


def _standing(G, end: date):
    rev = aliased(G)
    return ~exists(select(rev.id).where(rev.reversal_of_id == G.id, rev.entry_date <= end))


def fill(rep, unit, year: int) -> None:
    """Add the goods figures of `unit`'s register for `year` to the disclosure report `rep`."""
    G = GoodsEntry
    if unit.id is None:
        return
    start, end = date(year, 1, 1), date(year, 12, 31)
    signed = case((G.direction == "in", G.value), else_=-G.value)
    opening, closing = db.session.execute(
        select(func.coalesce(func.sum(case((G.entry_date < start, signed), else_=0)), 0),
               func.coalesce(func.sum(signed), 0))
        .where(G.unit_id == unit.id, G.entry_date <= end)).one()
    rep.goods_opening, rep.goods_closing = int(opening), int(closing)
    in_year = and_(G.unit_id == unit.id, G.entry_date >= start, G.entry_date <= end)
    orig = aliased(G)
    for direction, value in db.session.execute(
            select(G.direction, G.value).join(orig, orig.id == G.reversal_of_id)
            .where(in_year, orig.entry_date < start)):
        rep.goods_adjustment += int(value) if direction == "in" else -int(value)
    standing = and_(in_year, G.reversal_of_id.is_(None), _standing(G, end))
    rep.goods_income = _received(G, standing)
    rep.goods_given = _given(G, standing)


def _received(G, standing) -> list:
    """Gifts in kind received, one line per campaign and giver (as money gifts are listed)."""
    rows = db.session.execute(
        select(G.id, G.entry_date, G.item, G.item_unit, G.quantity, G.value, G.campaign_id, G.counterparty,
               G.description, Donation.donor_id, Donation.anonymous, Donation.campaign_id)
        .outerjoin(Donation, Donation.goods_entry_id == G.id)
        .where(standing, G.direction == "in").order_by(G.entry_date, G.id)).all()
    if not rows:
        return []
    donor_ids = {r[9] for r in rows if r[9] is not None}
    donors = {d.id: d for d in db.session.scalars(select(Donor).where(Donor.id.in_(donor_ids)))} if donor_ids else {}
    campaign_ids = {r[11] or r[6] for r in rows if (r[11] or r[6])}
    campaigns = {c.id: c for c in db.session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids)))} \
        if campaign_ids else {}
    groups: dict[object, IncomeGroup] = {}
    lines: dict[tuple, DonorLine] = {}
    for (_id, _day, item, item_unit, quantity, value, g_campaign, counterparty, description, donor_id, gift_anon,
         d_campaign) in rows:
        campaign = campaigns.get(d_campaign or g_campaign)
        gkey = campaign.id if campaign else "other"
        group = groups.get(gkey)
        if group is None:
            if campaign:
                note = campaign.unit.name + (f" · {campaign.purpose}" if campaign.purpose else "")
                group = groups[gkey] = IncomeGroup(campaign.name, note, campaign_id=campaign.id)
            else:
                group = groups[gkey] = IncomeGroup("Hiện vật tiếp nhận khác")
        donor = donors.get(donor_id)
        anonymous = kept_anonymous(donor.kind, gift_anon) if donor else False
        name = ANONYMOUS_NAME if anonymous else (donor.name if donor else (counterparty or description or "Hiện vật"))
        key = (gkey, donor_id if donor else ("name", name), anonymous)
        what = quantity_text(quantity, item_unit, item)
        line = lines.get(key)
        if line is None:
            line = lines[key] = DonorLine(name, int(value), 1, what, anonymous,
                                          "~" if anonymous else (donor.name_key if donor else word_key(name)))
            group.lines.append(line)
        else:
            line.amount += int(value)
            line.gifts += 1
            line.in_kind = "; ".join(p for p in (line.in_kind, what) if p)
    for g in groups.values():
        g.lines.sort(key=lambda ln: (-ln.amount, ln.sort_key))
    named = sorted((g for k, g in groups.items() if k != "other"), key=lambda g: word_key(g.title))
    return named + [g for k, g in groups.items() if k == "other"]


def _given(G, standing) -> list[GoodsLine]:
    """Goods handed out, per scholarship round, commendation decision, or purpose and basis."""
    rows = db.session.execute(
        select(G.source, G.source_id, G.entry_date, G.item, G.item_unit, G.quantity, G.value, G.description,
               G.basis).where(standing, G.direction == "out").order_by(G.entry_date, G.id)).all()
    if not rows:
        return []
    nominations = {r.source_id for r in rows if r.source == "scholarship" and r.source_id}
    rounds = dict(db.session.execute(select(Nomination.id, Nomination.round_id)
                                     .where(Nomination.id.in_(nominations))).all()) if nominations else {}
    round_info = {r.id: r for r in db.session.scalars(select(ScholarshipRound).where(
        ScholarshipRound.id.in_(set(rounds.values()))))} if rounds else {}
    honorees = {r.source_id for r in rows if r.source == "prize" and r.source_id}
    decisions = dict(db.session.execute(select(Honoree.id, Honoree.decision_id)
                                        .where(Honoree.id.in_(honorees))).all()) if honorees else {}
    decision_info = {d.id: d for d in db.session.scalars(select(Decision).where(
        Decision.id.in_(set(decisions.values()))))} if decisions else {}
    lines: dict[tuple, GoodsLine] = {}
    items: dict[tuple, list] = {}
    for r in rows:
        if r.source == "scholarship" and rounds.get(r.source_id) in round_info:
            rnd = round_info[rounds[r.source_id]]
            key = ("scholarship", rnd.id)
            purpose = f"Trao kèm học bổng: {rnd.name} (năm học {rnd.school_year})"
            basis = f"Quyết định số {rnd.decision_number}" if rnd.decision_number else ""
            kind = "scholarship"
        elif r.source == "prize" and decisions.get(r.source_id) in decision_info:
            d = decision_info[decisions[r.source_id]]
            key = ("prize", d.id)
            purpose = f"Trao kèm khen thưởng: {d.title}"
            basis = f"Quyết định số {d.number} ngày {d.decision_date.strftime('%d/%m/%Y')}"
            kind = "prize"
        else:  # the purpose is shown, the recipient is not: a hand-out may support a named pupil
            key = ("issue", r.description, r.basis)
            purpose, basis, kind = r.description or "Xuất hiện vật", r.basis, "issue"
        line = lines.get(key)
        if line is None:
            line = lines[key] = GoodsLine(purpose, basis, 0, 0, "", kind, r.entry_date)
        line.count += 1
        line.amount += int(r.value)
        items.setdefault(key, []).append((r.item, r.item_unit, r.quantity))
    for key, line in lines.items():
        line.items = _items(items[key])
    return sorted(lines.values(), key=lambda s: (s.first_date or date.max, s.purpose.lower()))
