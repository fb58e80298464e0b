"""Campaign rules: create, edit, close/reopen, and the raised totals shown against targets.

Services never commit; the caller commits. A closed campaign takes no new money:
`ensure_open()` is called by every service that records money for a campaign.
"""
from datetime import date
from typing import Callable

from sqlalchemy import case, func, literal, select

from app.audit.services import record
from app.core import books
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.donations.models import IN_KIND, Donation
from app.extensions import db
from app.funds.models import Fund
from app.funds.services import default_fund
from app.units.models import Unit
from app.vn.text import clean, fold

from .models import CLOSED, KIND_LABELS, OPEN, Campaign

# Other domains add what they raise for a campaign (e.g. piggy-bank openings):
# each callable takes a list of campaign ids and returns {campaign_id: amount in đồng}.
TOTAL_SOURCES: list[Callable[[list[int]], dict[int, int]]] = []


class CampaignError(Refusal):
    """A refused campaign change, with a Vietnamese message and the form field it concerns."""



def _fields(unit: Unit, name, kind, purpose, start_date, end_date, target_amount, fund) -> dict:
    name = clean(name or "")
    if not name:
        raise CampaignError("Vui lòng nhập tên đợt vận động.", "name")
    if len(name) > 200:
        raise CampaignError("Tên đợt vận động dài quá 200 ký tự.", "name")
    if kind not in KIND_LABELS:
        raise CampaignError("Loại đợt vận động không hợp lệ.", "kind")
    purpose = clean(purpose or "")
    if len(purpose) > 500:
        raise CampaignError("Mục đích dài quá 500 ký tự.", "purpose")
    if start_date and end_date and end_date < start_date:
        raise CampaignError("Ngày kết thúc phải sau ngày bắt đầu.", "end_date")
    target_amount = books.check_amount(target_amount or 0, "target_amount", allow_zero=True,
                                       label="Số tiền mục tiêu", error=CampaignError)  # 0: no target
    fund = fund or default_fund(unit)
    if fund.unit_id != unit.id:
        raise CampaignError("Quỹ nhận tiền phải là quỹ của chính đơn vị tổ chức.", "fund_id")
    if not fund.active:
        raise CampaignError(f"Quỹ “{fund.name}” đã ngừng hoạt động.", "fund_id")
    return dict(name=name, search_key=fold(name), kind=kind, purpose=purpose, start_date=start_date,
                end_date=end_date, target_amount=target_amount, fund=fund)


def create_campaign(unit: Unit, name: str, kind: str = "fund_drive", purpose: str = "", *,
                    start_date: date | None = None, end_date: date | None = None, target_amount: int = 0,
                    fund: Fund | None = None) -> Campaign:
    """A new open campaign of `unit`; money goes to `fund` (default: the unit's Quỹ khuyến học)."""
    if not unit.active:
        raise CampaignError("Đơn vị này đã ngừng hoạt động.", "unit_id")
    campaign = Campaign(unit=unit, status=OPEN,
                        **_fields(unit, name, kind, purpose, start_date, end_date, target_amount, fund))
    db.session.add(campaign)
    db.session.flush()
    record("create", campaign, after=campaign.audit_dict())
    return campaign


def update_campaign(campaign: Campaign, *, name: str, kind: str, purpose: str = "", start_date=None,
                    end_date=None, target_amount: int = 0, fund: Fund | None = None) -> Campaign:
    """Edit a campaign. The fund cannot change once money was recorded (the ledger would split)."""
    before = campaign.audit_dict()
    values = _fields(campaign.unit, name, kind, purpose, start_date, end_date, target_amount,
                     fund or campaign.fund)
    if values["fund"].id != campaign.fund_id and campaign_total(campaign):
        raise CampaignError("Đợt vận động đã có tiền ghi vào quỹ, không thể đổi quỹ nhận.", "fund_id")
    for key, value in values.items():
        setattr(campaign, key, value)
    db.session.flush()
    record("update", campaign, before=before, after=campaign.audit_dict())
    return campaign


def set_status(campaign: Campaign, status: str) -> Campaign:
    """Close (no new money) or reopen a campaign."""
    if status not in (OPEN, CLOSED):
        raise CampaignError("Trạng thái không hợp lệ.")
    if campaign.status == status:
        raise CampaignError("Đợt vận động đã kết thúc trước đó." if status == CLOSED
                            else "Đợt vận động đang mở.")
    before = campaign.audit_dict()
    campaign.status = status
    campaign.closed_at = utcnow() if status == CLOSED else None
    db.session.flush()
    record("close" if status == CLOSED else "reopen", campaign, before=before, after=campaign.audit_dict())
    return campaign


def ensure_open(campaign: Campaign, field: str = "campaign_id") -> None:
    """Refuse money for a closed campaign."""
    if campaign.status != OPEN:
        raise CampaignError(f"Đợt vận động “{campaign.name}” đã kết thúc, không nhận thêm tiền.", field)


def campaigns_in_scope(root: Unit, *, status: str = "", q: str = "", period=None):
    """A select of the campaigns of `root` and below, open first, newest first.

    `period` (app.reports.periods.Period) keeps the campaigns that start in it (or, without a start
    date, end in it): the campaigns whose targets the dashboard and year report add up."""
    stmt = select(Campaign).join(Campaign.unit).where(Unit.path.startswith(root.path))
    if period is not None:
        day = func.coalesce(Campaign.start_date, Campaign.end_date)
        stmt = stmt.where(day >= period.start, day <= period.end)
    if status:
        stmt = stmt.where(Campaign.status == status)
    if q:
        stmt = stmt.where(Campaign.search_key.contains(fold(q), autoescape=True))
    return stmt.order_by(Campaign.status.desc(), Campaign.start_date.desc().nulls_last(), Campaign.id.desc())


def target_total(stmt) -> tuple[int, int]:
    """(campaigns, sum of their targets) of a campaigns_in_scope select."""
    sub = stmt.order_by(None).with_only_columns(Campaign.target_amount).subquery()
    n, total = db.session.execute(select(func.count(), func.coalesce(func.sum(sub.c.target_amount), 0))).one()
    return int(n), int(total)


def open_campaigns(root: Unit) -> list[Campaign]:
    return list(db.session.scalars(campaigns_in_scope(root, status=OPEN)))


def campaign_totals(campaign_ids) -> dict[int, int]:
    """{campaign_id: raised} (standing donations plus other registered sources) in few queries."""
    ids = [c.id if isinstance(c, Campaign) else c for c in campaign_ids]
    if not ids:
        return {}
    rows = db.session.execute(select(Donation.campaign_id, func.sum(Donation.amount))
                              .where(Donation.campaign_id.in_(ids), Donation.voided_at.is_(None))
                              .group_by(Donation.campaign_id))
    totals = {i: 0 for i in ids}
    for cid, total in rows:
        totals[cid] = int(total or 0)
    for source in TOTAL_SOURCES:
        for cid, amount in source(ids).items():
            totals[cid] = totals.get(cid, 0) + int(amount or 0)
    return totals


def campaign_parts(campaign_ids) -> dict[int, tuple[int, int, int]]:
    """{campaign_id: (donations in cash or by transfer, donations in kind at their value, other
    registered sources such as pigs' fund part)}: campaign_totals() split, since goods are not cash
    (they sit in the goods register, not the fund) and pages show money and goods apart."""
    return {cid: figures[:3] for cid, figures in campaign_figures(campaign_ids, donors=False).items()}


def campaign_figures(campaign_ids, donors: bool = True) -> dict[int, tuple[int, int, int, int]]:
    """{campaign_id: (money, goods, other sources, distinct donors)}: campaign_parts() and
    donor_counts() from one pass over the campaigns' standing donations (a campaign's page read
    them three times), the other sources added as campaign_totals() adds them. donors=False leaves
    the donors uncounted (0): what campaign_parts() needs."""
    ids = [c.id if isinstance(c, Campaign) else c for c in campaign_ids]
    if not ids:
        return {}
    goods = case((Donation.method == IN_KIND, Donation.amount), else_=0)
    people = func.count(func.distinct(Donation.donor_id)) if donors else literal(0)
    found = {cid: (int(total or 0), int(kind or 0), int(n or 0)) for cid, total, kind, n in db.session.execute(
        select(Donation.campaign_id, func.sum(Donation.amount), func.sum(goods), people)
        .where(Donation.campaign_id.in_(ids), Donation.voided_at.is_(None)).group_by(Donation.campaign_id))}
    other = {i: 0 for i in ids}
    for source in TOTAL_SOURCES:
        for cid, amount in source(ids).items():
            other[cid] = other.get(cid, 0) + int(amount or 0)
    out = {}
    for cid in ids:
        total, kind, n = found.get(cid, (0, 0, 0))
        out[cid] = (total - kind, kind, other[cid], n)
    return out


def campaign_total(campaign: Campaign) -> int:
    """Money raised for the campaign (voided donations excluded)."""
    return campaign_totals([campaign.id])[campaign.id]


def donor_counts(campaign_ids) -> dict[int, int]:
    """{campaign_id: number of distinct donors with a standing donation}."""
    ids = [c.id if isinstance(c, Campaign) else c for c in campaign_ids]
    if not ids:
        return {}
    rows = db.session.execute(select(Donation.campaign_id, func.count(func.distinct(Donation.donor_id)))
                              .where(Donation.campaign_id.in_(ids), Donation.voided_at.is_(None))
                              .group_by(Donation.campaign_id))
    counts = {i: 0 for i in ids}
    counts.update({cid: int(n) for cid, n in rows})
    return counts


def donors_count(campaign: Campaign) -> int:
    return donor_counts([campaign.id])[campaign.id]


def percent(raised: int, target: int) -> int:
    """Whole percent of the target reached (0 when there is no target)."""
    return int(raised * 100 // target) if target else 0
