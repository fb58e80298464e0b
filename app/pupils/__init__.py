"""Pupils domain: schools, pupils (one record across school years), results, achievements, sponsorships."""

AUDIT_ACTIONS = {"merge": "Gộp hồ sơ trùng"}
AUDIT_OBJECTS = {"school": "Trường học", "pupil": "Học sinh", "sponsorship": "Đỡ đầu"}


def init_app(app):
    from app.audit import routes as audit_routes
    from app.audit import services as audit_services

    from . import models  # noqa: F401
    from . import routes, routes_schools  # noqa: F401  (routes_schools adds its views to the blueprint)

    for key, label in AUDIT_ACTIONS.items():
        audit_services.ACTION_LABELS.setdefault(key, label)
    for key, label in AUDIT_OBJECTS.items():
        audit_routes.OBJECT_LABELS.setdefault(key, label)
    app.register_blueprint(routes.bp)
