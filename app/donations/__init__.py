"""Donations domain: donors (nhà hảo tâm), donations, batch entry, .xlsx import.

Public services: app.donations.services (record_donation, void_donation, donation_query,
totals) and app.donations.donor_services (find_or_create_donor, suggest, merge_donors).
"""

AUDIT_ACTIONS = {"merge": "Gộp người đóng góp", "import": "Nhập từ Excel"}
AUDIT_OBJECTS = {"donation": "Khoản đóng góp", "donor": "Người đóng góp", "donation_import": "Tệp nhập đóng góp"}


def init_app(app):
    from app.audit import routes as audit_routes
    from app.audit import services as audit_services

    from . import routes, routes_batch, routes_donors, routes_import  # noqa: F401  (views on one blueprint)

    for key, label in AUDIT_ACTIONS.items():
        audit_services.ACTION_LABELS.setdefault(key, label)
    for key, label in AUDIT_OBJECTS.items():
        audit_routes.OBJECT_LABELS.setdefault(key, label)
    app.register_blueprint(routes.bp)
