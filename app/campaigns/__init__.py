"""Campaigns domain: fund drives (đợt vận động), piggy-bank cycles, sponsorships.

Other domains read totals through app.campaigns.services (campaign_total, campaign_totals,
ensure_open, TOTAL_SOURCES).
"""

AUDIT_ACTIONS = {"close": "Kết thúc", "reopen": "Mở lại"}
AUDIT_OBJECTS = {"campaign": "Đợt vận động"}


def init_app(app):
    from app.audit import routes as audit_routes
    from app.audit import services as audit_services

    from . import routes

    for key, label in AUDIT_ACTIONS.items():
        audit_services.ACTION_LABELS.setdefault(key, label)
    for key, label in AUDIT_OBJECTS.items():
        audit_routes.OBJECT_LABELS.setdefault(key, label)
    app.register_blueprint(routes.bp)
