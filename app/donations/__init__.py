"""Donations domain: donors (nhà hảo tâm), donations, batch entry, .xlsx import.

Public services: app.donations.services (record_donation, void_donation, donation_query,
totals) and app.donations.donor_services (find_or_create_donor, suggest, merge_donors).
"""

AUDIT_ACTIONS = {"merge": "Gộp người đóng góp", "import": "Nhập từ Excel"}
AUDIT_OBJECTS = {"donation": "Khoản đóng góp", "donor": "Người đóng góp", "donation_import": "Tệp nhập đóng góp"}


def init_app(app):
    from app.audit import services as audit_services

    from . import routes, routes_batch, routes_donors, routes_import  # noqa: F401  (views on one blueprint)

    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    app.register_blueprint(routes.bp)
