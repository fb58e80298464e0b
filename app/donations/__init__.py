"""Donations domain: donors (nhà hảo tâm), donations, batch entry, .xlsx import.

Public services: app.donations.services (record_donation, void_donation, donation_query,
totals) and app.donations.donor_services (find_or_create_donor, suggest, merge_donors).
"""

AUDIT_ACTIONS = {"merge": "Gộp người đóng góp", "import": "Nhập từ Excel"}
AUDIT_OBJECTS = {"donation": "Khoản đóng góp", "donor": "Người đóng góp", "donation_import": "Tệp nhập đóng góp"}


def init_app(app):
    from app.audit import services as audit_services

    from .routes import bp  # the views, one module a noun (app.donations.routes)

    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    app.register_blueprint(bp)
