"""Campaigns domain: fund drives (đợt vận động), piggy-bank cycles, sponsorships.

Other domains read totals through app.campaigns.services (campaign_total, campaign_totals,
ensure_open, TOTAL_SOURCES).
"""

AUDIT_ACTIONS = {"close": "Kết thúc", "reopen": "Mở lại"}
AUDIT_OBJECTS = {"campaign": "Đợt vận động"}


def init_app(app):
    from app.audit import services as audit_services

    from . import routes

    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    app.register_blueprint(routes.bp)
