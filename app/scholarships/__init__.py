"""Scholarships domain: rounds, award categories, nominations, selection, payout and reports.

Other domains read the report sentence through app.scholarships.services.report_sentence().
"""

AUDIT_ACTIONS = {"approve": "Duyệt", "reject": "Không duyệt", "pay": "Chi trả",
                 "reverse_payment": "Hoàn chi trả", "import": "Nhập từ Excel"}
AUDIT_OBJECTS = {"scholarship_round": "Đợt học bổng", "award_category": "Loại học bổng",
                 "nomination": "Đề cử học bổng"}


def init_app(app):
    from app.audit import services as audit_services

    from . import models  # noqa: F401
    from . import routes, sheet

    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    app.register_blueprint(routes.bp)
    sheet.register()
