"""Pupils domain: schools, pupils (one record across school years), results, achievements, sponsorships."""

AUDIT_ACTIONS = {"merge": "Gộp hồ sơ trùng"}
AUDIT_OBJECTS = {"school": "Trường học", "pupil": "Học sinh", "sponsorship": "Đỡ đầu",
                 "pupil_result": "Kết quả học tập", "pupil_achievement": "Thành tích học sinh"}


def init_app(app):
    from app.audit import services as audit_services

    from . import models  # noqa: F401
    from . import routes

    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    app.register_blueprint(routes.bp)
