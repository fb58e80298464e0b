"""Campaigns, donors and donations built through the services."""
from datetime import date

from app.campaigns import services as campaign_services
from app.donations import donor_services, services
from app.extensions import db
from app.funds.services import default_fund


def make_campaign(unit, name="Tháng Khuyến học 2026", target=10_000_000, kind="fund_drive", commit=True, **kw):
    campaign = campaign_services.create_campaign(unit, name, kind, kw.pop("purpose", "Học bổng cho học sinh nghèo"),
                                                 start_date=kw.pop("start_date", date(2026, 9, 1)),
                                                 end_date=kw.pop("end_date", date(2026, 9, 30)),
                                                 target_amount=target, fund=kw.pop("fund", None))
    if commit:
        db.session.commit()
    return campaign


def make_donor(unit, name="Nguyễn Văn Ấn", kind="person", address="Ấp Tân Lộc", phone="", commit=True):
    donor = donor_services.create_donor(unit, name, kind, address, phone)
    if commit:
        db.session.commit()
    return donor


def make_donation(campaign, amount=500_000, donor=None, day=date(2026, 9, 5), method="cash", commit=True, **kw):
    donor = donor or donor_services.find_or_create_donor(campaign.unit, kw.pop("name", "Trần Thị Bích Ngọc"),
                                                        "person", kw.pop("address", "Ấp Hòa Bình"))
    donation = services.record_donation(campaign, donor, amount, donation_date=day, method=method, **kw)
    if commit:
        db.session.commit()
    return donation


def fund_of(unit):
    return default_fund(unit)


def gifts_xlsx(rows) -> bytes:
    """The gift import template (app.donations.importer.HEADERS) with `rows` below it, as .xlsx bytes."""
    import io

    from openpyxl import Workbook

    from app.donations.importer import HEADERS

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
