"""Members domain (issue 19): the register of hội viên per unit, dues (hội phí), member cards, and
each unit's population (for the organisation counts every report opens with)."""

AUDIT_ACTIONS = {"end": "Ghi ra khỏi hội / từ trần", "reopen": "Hủy ghi nhận ra khỏi hội", "rejoin": "Vào hội lại",
                 "link": "Liên kết hồ sơ"}
AUDIT_OBJECTS = {"member": "Hội viên", "dues_setting": "Cài đặt hội phí", "dues_batch": "Đợt thu hội phí",
                 "dues_payment": "Hội phí của hội viên",
                 "dues_remittance": "Nộp hội phí lên cấp trên", "unit_population": "Dân số đơn vị"}


def init_app(app):
    from app.audit import services as audit_services

    from . import models  # noqa: F401
    from . import routes

    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    app.register_blueprint(routes.bp)
