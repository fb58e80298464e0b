"""Public disclosure (công khai) of a unit's funds per year, and the donors' honour roll (sổ vàng).

The report is computed from the ledger (report.py); an admin publishes it per unit and year
(services.py); the public page needs no login and answers 404 until then (routes/public.py).
The report PDF and the honour rolls print in the request when short, else in the background
(documents.py, routes/reports.py, routes/honour.py).
"""

AUDIT_ACTIONS = {"publish": "Công khai", "unpublish": "Thu hồi công khai"}
AUDIT_OBJECTS = {"disclosure_publication": "Báo cáo công khai"}


def init_app(app):
    from app.audit import services as audit_services

    from . import documents
    from .routes import bp

    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    documents.register()
    app.register_blueprint(bp)
