"""Piggy banks (nuôi heo đất khuyến học): issuing pigs, opening them (mổ heo), tái đàn, reports.

Public read functions for other domains live in app.piggybanks.queries (e.g. opening_totals).
"""

AUDIT_OBJECTS = {"piggy_bank": "Heo đất khuyến học", "piggy_bank_opening": "Lần mổ heo đất",
                 "piggy_bank_cycle": "Lượt nuôi heo đất"}
AUDIT_ACTIONS = {"change_code": "Sửa mã heo đất"}


def campaign_totals(campaign_ids: list[int]) -> dict[int, int]:
    """What standing openings put into the fund, per campaign (registered with campaigns)."""
    from sqlalchemy import func, select

    from app.extensions import db

    from .models import PiggyBank, PiggyBankOpening

    rows = db.session.execute(
        select(PiggyBank.campaign_id, func.sum(PiggyBankOpening.to_fund))
        .join(PiggyBankOpening, PiggyBankOpening.piggy_bank_id == PiggyBank.id)
        .where(PiggyBank.campaign_id.in_(campaign_ids), PiggyBankOpening.voided.is_(False))
        .group_by(PiggyBank.campaign_id))
    return {cid: int(total or 0) for cid, total in rows}


def init_app(app):
    from app.audit import services as audit_services
    from app.campaigns import services as campaign_services

    from . import routes, sheet

    audit_services.register_labels(actions=AUDIT_ACTIONS, objects=AUDIT_OBJECTS)
    if campaign_totals not in campaign_services.TOTAL_SOURCES:
        campaign_services.TOTAL_SOURCES.append(campaign_totals)
    app.register_blueprint(routes.bp)
    sheet.register()
